"""Repository deposit: Repository and DepositJob, one adapter per protocol, the job service and its task."""
