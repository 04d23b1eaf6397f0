"""The DMP as a PDF for signatures (WeasyPrint, Noto CJK fonts), in Japanese or English."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from .models import DMP, DMPVersion
from .selectors import answer_sheet, dataset_rows, project_snapshot, version_dataset_rows


def dmp_pdf(*, dmp: DMP, version: DMPVersion | None, language: str, viewer) -> bytes:
    """`version` as submitted, or (without one) the version in force, or else the current draft, as
    `viewer` gets it (the data locations of its dataset rows). The stamp says which, and who approved it
    when."""
    version = version or dmp.approved_version
    approval = None
    if version is not None:
        approval = version.transitions.filter(action="approve").select_related("actor").order_by("-at").first()
    with translation.override(language):
        if version is not None:
            sheet = answer_sheet(template=version.template, answers=version.answers,
                                 snapshot=version.project_snapshot,
                                 datasets=version_dataset_rows(version=version, viewer=viewer))
            snapshot = version.project_snapshot
        else:
            snapshot = project_snapshot(project=dmp.project)
            sheet = answer_sheet(template=dmp.template, answers=dmp.answers, snapshot=snapshot,
                                 datasets=dataset_rows(project=dmp.project, viewer=viewer))
        html = render_to_string("dmp/dmp_pdf.html", {
            "dmp": dmp, "version": version, "approval": approval, "sheet": sheet, "snapshot": snapshot,
            "LANGUAGE_CODE": language,
        })
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
