"""What DMP pages show of maDMP: the export button on a DMP and the import button on the list."""

from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext


def madmp_plan_links(*, dmp) -> list[tuple[str, str]]:
    return [(gettext("Machine-actionable DMP (JSON)"), reverse("madmp:madmp-export", args=[dmp.pk]))]


def madmp_plans_links() -> list[tuple[str, str]]:
    return [(gettext("Import a machine-actionable DMP"), reverse("madmp:madmp-upload"))]


DMP_TOOLS = SimpleNamespace(plan=madmp_plan_links, plans=madmp_plans_links)
