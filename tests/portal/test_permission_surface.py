"""One permission surface (issue #11): the `can_*` predicates in each app's `permissions.py` and the row rules
in its `querysets.py` decide, and nothing else does. The source holds no role or status string and no
`is_staff`/`is_superuser` test outside those files (and models and settings); every page shows exactly the
action buttons `allowed_actions` grants, for every kind of user; the API refuses the others."""

import ast
import re
from pathlib import Path

import lxml.html
import pytest
from django.conf import settings
from django.urls import reverse

from dmp import permissions as dmp_permissions
from dmp.models import DMP, ProjectMember
from dmp.services import dmp_submit, template_load_shipped
from metadata import permissions as metadata_permissions
from metadata.deposit.models import Repository
from metadata.deposit.permissions import can_deposit_managed_data
from metadata.deposit.models import DepositJob
from metadata.models import ManagedData
from metadata.sheet.models import SheetImport
from metadata.vocabularies import Status
from policy import permissions as policy_permissions
from policy.models import DataPolicy
from portal.models import Role, RoleAssignment
from tests.dmp.factories import complete, make_dmp
from tests.factories import FundingProgramFactory, InstitutionFactory, UserFactory, make_record, user_with_role

ROOT = Path(settings.BASE_DIR)

# --- (a) No role or status string, no is_staff/is_superuser test, outside the deciding files ----------------

# The words that name a role or a state. SheetImport's states count too, but its "done" is an everyday word.
CODES = frozenset(Role.values + DMP.Status.values + Status.values + DataPolicy.Status.values
                  + DepositJob.State.values + [v for v in SheetImport.Status.values if v != "done"])
SCANNED = ("portal", "dmp", "metadata", "policy", "templates")
# Where roles, states and the operator flags may be named: the state tables, the row rules, the predicates,
# the settings and the metadata vocabularies (the values the common metadata elements take).
DECIDING_FILES = {"models.py", "querysets.py", "permissions.py", "settings.py", "vocabularies.py"}
# Dashboards are being moved into one shell and their audience rules converted (issue #11, helper hF); the
# merger removes this exclusion once that lands.
PENDING_DASHBOARDS = ("dmp/dashboards/", "metadata/dashboards/", "portal/charts.py")
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}
KEYED_CALLS = {"get", "Column"}  # their first argument names a slot (a mapping's key, a table's column)
OPERATOR_FLAGS = {"is_staff", "is_superuser"}
# In templates: a role or state compared in a tag, or a test of the operator flags or of the role codes.
TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
TEMPLATE_WORD = re.compile(r"[\"'](\w+)[\"']")
TEMPLATE_FLAG = re.compile(r"\b(is_staff|is_superuser|user_roles)\b")


def _scanned_files(suffix):
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob(f"*{suffix}")):
            relative = path.relative_to(ROOT).as_posix()
            if ("/migrations/" in relative or path.name in DECIDING_FILES
                    or relative.startswith(PENDING_DASHBOARDS)):
                continue
            yield relative, path


def _python_offences(source: str):
    """String constants naming a role or state, except where a string is a name rather than a value (a dict
    key, a subscript, the key given to `.get` or a table `Column`) or text for people (a docstring, a message to translate); and
    every read of `.is_staff`/`.is_superuser`. Role look-ups by hand (`has_role`, `role_assignments__role`)
    count too: they belong in a predicate or a queryset method."""
    tree = ast.parse(source)
    exempt, offences = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            exempt.update(id(key) for key in node.keys if key is not None)
        elif isinstance(node, ast.Subscript):
            exempt.add(id(node.slice))
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in GETTEXT:
                exempt.update(id(arg) for arg in node.args)
            elif name in KEYED_CALLS and node.args:
                exempt.add(id(node.args[0]))
        elif isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
                exempt.add(id(node.body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in CODES and id(node) not in exempt:
            offences.append((node.lineno, f"the string {node.value!r}"))
        elif isinstance(node, ast.Attribute) and node.attr in OPERATOR_FLAGS:
            offences.append((node.lineno, f"a test of .{node.attr}"))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "has_role":
            offences.append((node.lineno, "a role look-up by hand (has_role)"))
        elif isinstance(node, ast.keyword) and node.arg and node.arg.startswith("role_assignments__role"):
            offences.append((node.value.lineno, "a role look-up by hand (role_assignments__role)"))
    return sorted(offences)


def _template_offences(source: str):
    for match in TEMPLATE_TAG.finditer(source):
        tag = match.group()
        line = source.count("\n", 0, match.start()) + 1
        if tag.startswith(("{% translate", "{% blocktranslate")):
            continue
        for word in TEMPLATE_WORD.findall(tag):
            if word in CODES:
                yield line, f"the string {word!r}"
        for flag in TEMPLATE_FLAG.findall(tag):
            yield line, f"a test of {flag}"


def test_no_role_or_status_string_and_no_operator_test_outside_the_deciding_files():
    offences = [f"{relative}:{line}: {what}"
                for relative, path in _scanned_files(".py")
                for line, what in _python_offences(path.read_text())]
    offences += [f"{relative}:{line}: {what}"
                 for suffix in (".html", ".txt")
                 for relative, path in _scanned_files(suffix)
                 for line, what in _template_offences(path.read_text())]
    assert offences == [], "use the enums, a model property or a predicate instead:\n" + "\n".join(offences)


def test_the_scan_finds_what_it_looks_for():
    """The rule itself: a status compared, a role filtered by hand and an operator test are found; a dict key,
    a message to translate and a model property are not."""
    python = ('if record.status == "published" and user.is_superuser:\n'
              '    x = {"published": _("published")}[kind]\n'
              'User.objects.filter(role_assignments__role=Role.REVIEWER)\n')
    assert [line for line, _what in _python_offences(python)] == [1, 1, 3]
    template = ('{% if record.status == "published" %}{% endif %}{% if record.is_published %}{% endif %}\n'
                '{% if "reviewer" in user_roles or user.is_staff %}{% endif %}{% translate "draft" %}')
    assert [line for line, _what in _template_offences(template)] == [1, 2, 2, 2]
