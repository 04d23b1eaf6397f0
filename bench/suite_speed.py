"""How much faster the tests that existed at an older commit run today: the old commit's whole suite
against today's successors of exactly those tests, both started at once on the same machine (so that
both see the same load), each on its own database and Redis database.

A test is matched by its node id, or, when it was renamed, moved or merged since, through SUCCESSORS
below (each with the reason). Old tests with no successor are listed and make the run fail.

    # a worktree of the old commit with its own .venv (pip install -e '.[dev]', compile_translations)
    git worktree add /work/before 333295f --detach
    BEFORE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_before \\
    BEFORE_CELERY_BROKER_URL=redis://127.0.0.1:6379/9 \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \\
    SCHEMA_DIR=../shared/schemas CI=true python bench/suite_speed.py /work/before [rounds]

    # or only compare two finished runs
    python bench/suite_speed.py --junit before.xml after.xml

Prints before_wall_s and after_wall_s (each pytest process, start to exit), before_cpu_s and after_cpu_s
(user + system time of pytest and the processes it waited for: Celery workers, Chromium, live servers),
speedup_pct = (1 - after / before) * 100 for both, the test counts and the load average. Without a
second machine, CPU time is the steadier figure: wall time moves with what else the machine runs."""

import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
PYTEST = ["-m", "pytest", "-q", "-p", "no:cacheprovider"]

_FULL_WIDTH_8 = "\\uff11\\uff12\\uff13\\uff14\\uff15\\uff16\\uff17\\uff18"  # as pytest writes "１２３４５６７８"
_MADMP = "tests/dmp/test_madmp.py::test_every_example_of_"
_SHEET = "tests/metadata/test_sheet.py::"
_ROUND_TRIP = (_SHEET + "test_an_exported_file_reimports_as_any_user_with_no_change_and_no_error"
               "[researcher@demo.example.ac.jp-")
_VISIBILITY = "tests/metadata/test_visibility.py::test_who_sees_a_record"
_OFFICIAL_CSV = _SHEET + "test_official_csv_has_bom_one_header_row_and_the_30_official_columns"

# old node id (at 333295f) -> its successor today
SUCCESSORS = {
    # now also round-trips each example and covers maDMP 1.1
    **{f"{_MADMP}the_standard_imports[{name}]": f"{_MADMP}both_versions_imports_and_round_trips_without_loss[{name}]"
       for name in ("ex1-header-fundedProject.json", "ex2-dataset-planned.json", "ex3-dataset-finished.json",
                    "ex4-dataset-embargo.json", "ex5-dataset-planned-host.json", "ex6-dataset-closed.json",
                    "ex7-dataset-many.json", "ex8-dmp-minimal-content.json", "ex9-dmp-long.json",
                    "ex10-fairsharing.json")},
    # the review queue is measured with every state listed
    "tests/dmp/test_queries.py::test_query_count_does_not_grow_with_the_number_of_dmps[/dmps/review/]":
        "tests/dmp/test_queries.py::test_query_count_does_not_grow_with_the_number_of_dmps[/dmps/review/?status=]",
    # behaviour changed: a deposit keeps the record's own location; the first copy fills an empty one
    "tests/metadata/test_deposit_adapters.py::"
    "test_a_doi_from_one_repository_stays_the_records_link_after_a_deposit_without_doi":
        "tests/metadata/test_deposit_adapters.py::test_a_record_without_a_location_takes_its_first_copy_and_keeps_it",
    # behaviour changed: DataCite identifies by DOI only, the landing page is an alternate identifier
    "tests/metadata/test_formats_schemas.py::test_datacite_uses_the_doi_or_the_landing_page":
        "tests/metadata/test_formats_schemas.py::"
        "test_datacite_identifies_by_doi_and_never_offers_the_landing_page_as_identifier",
    # submitting now passes a confirmation page
    "tests/metadata/test_pages.py::test_researcher_submits_a_complete_record_from_the_form":
        "tests/metadata/test_pages.py::test_researcher_submits_a_complete_record_from_the_form_after_confirming",
    # the round trip now runs as several users and layouts; the old four cases are the researcher's
    **{f"{_SHEET}test_an_exported_file_reimports_with_no_change[{old}]": f"{_ROUND_TRIP}{new}]"
       for old, new in (("csv-en", "csv-en-official"), ("csv-ja", "csv-ja-official"),
                        ("xlsx-ja", "xlsx-ja-official"), ("xlsx-en", "xlsx-en-portal"))},
    # behaviour changed to the official sheet (one header row, 30 columns); the English values are
    # checked in the same test
    _SHEET + "test_csv_export_has_bom_two_header_rows_and_the_official_order": _OFFICIAL_CSV,
    _SHEET + "test_english_export_writes_english_values": _OFFICIAL_CSV,
    # the copies are kept by database triggers now: a write that clears one is what can still happen
    **{f"tests/metadata/test_dashboards_managed_data.py::test_a_record_without_its_program_copy_does_not_break_the_page"
       f"[{kind}]": "tests/metadata/test_dashboards_managed_data.py::"
       f"test_a_write_that_clears_the_program_copy_leaves_the_record_counted[{kind}]"
       for kind in ("funder", "program")},
    # merged: one test per state checks every surface (more than before) for the three access rights
    **{f"{_VISIBILITY}[{state}-{access} access-{surface}]": f"{_VISIBILITY}[{state}]"
       for state in ("draft", "submitted", "returned", "published", "withdrawn")
       for access in ("open", "restricted", "closed")
       for surface in ("list", "search", "detail", "api_list", "api_detail", "csv_export")},
    # behaviour changed: identifiers are taken as issued, full-width digits are normalised, not refused
    f"tests/portal/test_identifiers.py::test_erad_number_that_is_not_eight_half_width_digits_is_rejected"
    f"[{_FULL_WIDTH_8}]":
        f"tests/portal/test_identifiers.py::test_eight_digit_erad_number_is_accepted[{_FULL_WIDTH_8}]",
}


def collect(tree: Path, env: dict) -> list[str]:
    out = subprocess.run([str(tree / ".venv/bin/python"), *PYTEST, "--collect-only"], cwd=tree, env=env,
                         capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if "::" in line]


def matched(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    """Today's node ids of the old tests (each once, in the old order), and the old ids with none."""
    today = set(new)
    ids, missing = {}, []
    for node in old:
        successor = node if node in today else SUCCESSORS.get(node)
        if successor in today:
            ids[successor] = None
        else:
            missing.append(node)
    return list(ids), missing


def junit(path: Path) -> dict:
    suite = ET.parse(path).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    return {key: int(suite.get(key)) for key in ("tests", "failures", "errors", "skipped")} | {
        "time_s": float(suite.get("time"))}


def start(tree: Path, env: dict, ids: list[str] | None, xml: Path, log: Path) -> subprocess.Popen:
    args = [str(tree / ".venv/bin/python"), *PYTEST, "--create-db", "--durations=40", f"--junitxml={xml}"]
    return subprocess.Popen([*args, *(ids or [])], cwd=tree, env=env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT)


def race(before_tree: Path, env_before: dict, env_after: dict, ids: list[str], folder: Path, tag: str) -> dict:
    """Start both suites at once; wall and CPU time of each from its own wait4()."""
    load = os.getloadavg()[0]
    procs = {"before": start(before_tree, env_before, None, folder / f"before-{tag}.xml", folder / f"before-{tag}.log"),
             "after": start(HERE, env_after, ids, folder / f"after-{tag}.xml", folder / f"after-{tag}.log")}
    began = time.monotonic()
    figures = {}
    for _ in procs:
        pid, _status, usage = os.wait4(-1, 0)
        side = next(s for s, p in procs.items() if p.pid == pid)
        procs[side].returncode = 0
        figures[f"{side}_wall_s"] = round(time.monotonic() - began, 1)
        figures[f"{side}_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    figures["load_at_start"] = round(load, 1)
    figures["load_at_end"] = round(os.getloadavg()[0], 1)
    return figures


def report(figures: dict, before_xml: Path, after_xml: Path) -> None:
    before, after = junit(before_xml), junit(after_xml)
    figures.setdefault("before_wall_s", before["time_s"])
    figures.setdefault("after_wall_s", after["time_s"])
    for side, counts in (("before", before), ("after", after)):
        for key in ("tests", "failures", "errors", "skipped"):
            figures[f"{side}_{key}"] = counts[key]
    figures["speedup_pct"] = round((1 - figures["after_wall_s"] / figures["before_wall_s"]) * 100, 1)
    if "before_cpu_s" in figures:
        figures["cpu_speedup_pct"] = round((1 - figures["after_cpu_s"] / figures["before_cpu_s"]) * 100, 1)
    for key, value in figures.items():
        print(f"{key}={value}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--junit"]:
        report({}, Path(argv[1]), Path(argv[2]))
        return 0
    before_tree = Path(argv[0]).resolve()
    rounds = int(argv[1]) if len(argv) > 1 else 1
    env_after = dict(os.environ)
    env_before = env_after | {"DATABASE_URL": os.environ["BEFORE_DATABASE_URL"],
                              "CELERY_BROKER_URL": os.environ["BEFORE_CELERY_BROKER_URL"]}
    ids, missing = matched(collect(before_tree, env_before), collect(HERE, env_after))
    print(f"matched_tests={len(ids)}")
    for node in missing:
        print(f"unmatched: {node}", file=sys.stderr)
    if missing:
        return 1
    folder = Path(tempfile.mkdtemp(prefix="suite_speed-"))
    print(f"logs={folder}")
    for n in range(1, rounds + 1):
        print(f"round={n}")
        report(race(before_tree, env_before, env_after, ids, folder, str(n)),
               folder / f"before-{n}.xml", folder / f"after-{n}.xml")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
