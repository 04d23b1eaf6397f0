from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.i18n import current_language

from .forms import SheetExportForm, SheetImportForm
from .models import SheetImport
from .services import XLSX_TYPE, sheet_export_csv, sheet_export_xlsx, sheet_import_start


def export_response(*, records, file: str, language: str, layout_name: str = "official") -> HttpResponse:
    """`records` (from `sheet_records`, i.e. through `visible_to`) as a sheet download; shared by the sheet
    page, the list page's download links and the API."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if file == "csv":
        response = HttpResponse(sheet_export_csv(records=records, language=language, layout_name=layout_name),
                                content_type="text/csv; charset=utf-8")
        stamp = f"{language}-{stamp}" if layout_name == "official" else f"portal-{stamp}"
    else:
        response = HttpResponse(sheet_export_xlsx(records=records, language=language, layout_name=layout_name),
                                content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="metadata-sheet-{stamp}.{file}"'
    return response


def form_export_response(form, fallback_language: str) -> HttpResponse:
    data = form.cleaned_data
    return export_response(records=form.records(), file=data["file"] or "xlsx",
                           language=data["language"] or fallback_language, layout_name=data["layout"] or "official")


@login_required
def sheet_page(request):
    return render(request, "sheet/sheet_page.html", {
        "export_form": SheetExportForm(user=request.user, language=current_language()),
        "import_form": SheetImportForm()})


@login_required
def sheet_export(request):
    form = SheetExportForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "sheet/sheet_page.html", {"export_form": form, "import_form": SheetImportForm()},
                      status=400)
    return form_export_response(form, current_language())


@login_required
@require_POST
def sheet_import(request):
    form = SheetImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "sheet/sheet_page.html",
                      {"export_form": SheetExportForm(user=request.user, language=current_language()),
                       "import_form": form}, status=400)
    upload = form.cleaned_data["upload"]
    outcome = sheet_import_start(user=request.user, content=upload.read(), filename=upload.name,
                                 dry_run=form.cleaned_data["dry_run"], as_drafts=form.cleaned_data["as_drafts"],
                                 language=current_language())
    if isinstance(outcome, SheetImport):
        return redirect(outcome)
    return render(request, "sheet/sheet_result.html", {"result": outcome.as_dict(), "filename": upload.name},
                  status=200 if outcome.ok else 400)


@login_required
def import_detail(request, pk):
    job = get_object_or_404(SheetImport.objects.filter(user=request.user), pk=pk)
    return render(request, "sheet/sheetimport_detail.html", {"job": job, "result": job.result})
