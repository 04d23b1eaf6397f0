"""A minimal XML writer for the hot path of OAI-PMH: it appends escaped markup to a list of strings,
several times faster than building an lxml tree, which matters when a harvest serialises 100 000
records. Prefixed names (`dc:title`) rely on the namespaces the caller declares on the root element."""

import re

NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """`value` without the characters XML cannot carry (C0 controls other than tab and newlines, lone
    surrogates, U+FFFE/U+FFFF)."""
    return NOT_XML.sub("", value) if NOT_XML.search(value) else value


def text(value: str) -> str:
    """`value` escaped as character data, without characters XML cannot carry."""
    return xml_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute(value: str) -> str:
    return text(value).replace('"', "&quot;")


class Writer:
    def __init__(self):
        self.parts: list[str] = []

    @staticmethod
    def _attrs(attrs: dict | None, lang: str | None) -> str:
        out = f' xml:lang="{lang}"' if lang else ""
        if attrs:
            out += "".join(f' {name}="{attribute(value)}"' for name, value in attrs.items())
        return out

    def element(self, tag: str, value: str, attrs: dict | None = None, lang: str | None = None) -> None:
        """A leaf element with text."""
        self.parts.append(f"<{tag}{self._attrs(attrs, lang)}>{text(value)}</{tag}>")

    def start(self, tag: str, attrs: dict | None = None) -> None:
        self.parts.append(f"<{tag}{self._attrs(attrs, None)}>")

    def end(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def markup(self) -> str:
        return "".join(self.parts)
