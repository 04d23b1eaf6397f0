"""The dashboards' shell, one for every app: `charts` (figures as `Table`s, drawn as an SVG bar chart, shown
as a table and downloadable as CSV; `dashboard_response`), `filters` (`DashboardFilterSet`, the filters they
share), the base template `portal/dashboards/base.html` and the index of dashboards (`views.index`).

Each app contributes its own dashboards' selectors, views and templates, and lists them on the index from
its `AppConfig.ready` (`register`), so portal, the lowest layer, imports none of the apps above it."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class DashboardLink:
    """One entry of the index; `order` places it among the other apps' entries."""

    order: int
    title: str
    url: str
    description: str


_providers: list[Callable[[object], Iterable[DashboardLink]]] = []


def register(provider: Callable[[object], Iterable[DashboardLink]]):
    """Add a function `provider(user) -> links` to the dashboards `user` may open; registering it twice keeps one."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def dashboards_for(user) -> list[DashboardLink]:
    return sorted((link for provider in _providers for link in provider(user)), key=lambda link: link.order)
