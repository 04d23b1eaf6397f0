"""The signed-in home page's inbox: the work waiting for one person, across their roles.

Each app contributes its own sections from its `AppConfig.ready` (`register`), so portal, the lowest
layer, imports none of the apps above it. A section is counted and its oldest items listed in two
queries, whatever the number of items."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

INBOX_ITEMS = 5


@dataclass(frozen=True)
class InboxItem:
    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class InboxSection:
    key: str
    title: str
    count: int
    url: str
    items: list[InboxItem] = field(default_factory=list)


_providers: list[Callable[[object], Iterable[InboxSection]]] = []


def register(provider: Callable[[object], Iterable[InboxSection]]):
    """Add a function `provider(user) -> sections`; registering the same function twice keeps one."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def section(*, key: str, title: str, queryset, url: str, item: Callable[[object], InboxItem]) -> InboxSection:
    """A section of `queryset` (already ordered, oldest work first): its count and first items."""
    count = queryset.count()
    items = [item(obj) for obj in queryset[:INBOX_ITEMS]] if count else []
    return InboxSection(key=key, title=title, count=count, url=url, items=items)


def inbox_for(user) -> list[InboxSection]:
    """The sections with work in them, in the order the apps registered them."""
    if not user.is_authenticated:
        return []
    return [s for provider in _providers for s in provider(user) if s.count]
