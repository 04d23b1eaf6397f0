"""Issue #11: dmp's imports tell the truth. dmp reaches managed data only through what the metadata apps
register with it (`dmp.selectors.managed_data_reads_register`, `dmp_tools_register`), so dmp loads without
them, and nothing in dmp imports metadata, names one of its URLs or models, or reads or writes the
project's managed-data records (`project.managed_data`) itself."""

import ast
import re
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings

DMP = Path(settings.BASE_DIR) / "dmp"

IMPORT_EVERY_DMP_MODULE = """
import importlib, pkgutil, sys

import django
from django.conf import settings

import portal.settings as base

options = {name: getattr(base, name) for name in dir(base) if name.isupper()}
options["INSTALLED_APPS"] = [app for app in base.INSTALLED_APPS if app.split(".")[0] != "metadata"]
settings.configure(**options)
django.setup()

import dmp

for module in pkgutil.walk_packages(dmp.__path__, "dmp."):
    if ".migrations" not in module.name:
        importlib.import_module(module.name)
print(" ".join(sorted(name for name in sys.modules if name.split(".")[0] == "dmp")))
print(" ".join(sorted(name for name in sys.modules if name.split(".")[0] == "metadata")))
"""


def metadata_namespaces() -> set[str]:
    """The URL namespaces of the metadata apps (each app's label)."""
    return {config.label for config in apps.get_app_configs() if config.name.split(".")[0] == "metadata"}


def test_every_dmp_module_imports_without_the_metadata_apps():
    done = subprocess.run([sys.executable, "-c", IMPORT_EVERY_DMP_MODULE], cwd=settings.BASE_DIR,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    dmp_modules, metadata_modules = done.stdout.splitlines()[-2:]
    assert {"dmp.views", "dmp.api", "dmp.services", "dmp.templatetags.dmp_tags"} <= set(dmp_modules.split())
    assert metadata_modules == ""


def test_no_dmp_file_imports_metadata_or_names_its_urls_models_or_columns():
    namespaces = "|".join(sorted(metadata_namespaces()))
    assert {"metadata", "deposit", "oai", "sheet", "madmp", "files"} <= set(namespaces.split("|"))
    named = re.compile(rf"^(({namespaces}):|({namespaces})\.[A-Z])")  # a URL name or a model label
    found = []
    for path in DMP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found += [f"{path}: import {a.name}" for a in node.names if a.name.split(".")[0] == "metadata"]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module.split(".")[0] == "metadata":
                found.append(f"{path}: from {node.module} import")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                    named.match(node.value) or node.value.startswith("managed_data__")):
                found.append(f"{path}: {node.value!r}")
            elif isinstance(node, ast.Attribute) and node.attr == "managed_data":  # the project's records
                found.append(f"{path}:{node.lineno} .managed_data")
            elif isinstance(node, ast.keyword) and (node.arg or "").startswith("managed_data__"):
                found.append(f"{path}:{node.lineno} {node.arg}=")
    url_tag = re.compile(rf"""{{%\s*url\s+["']({namespaces}):""")
    for path in DMP.rglob("*.html"):
        found += [f"{path}: {m.group(0)}" for m in url_tag.finditer(path.read_text())]
    assert found == []
