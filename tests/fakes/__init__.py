"""Local stand-ins for remote services, speaking their real protocols over real sockets on 127.0.0.1."""
