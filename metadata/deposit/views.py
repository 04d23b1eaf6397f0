from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from metadata.models import ManagedData
from portal.pagination import paginate, query_without_page

from .filters import DepositJobFilter
from .forms import BulkDepositForm, DepositForm
from .models import DepositCopy
from .selectors import deposit_job_progress, deposit_jobs_list, deposit_repositories_for
from .services import deposit_copy_make_primary, deposit_job_retry, deposit_jobs_queue

MAX_PROGRESS_IDS = 100


@login_required
def deposit_job_list(request):
    filterset = DepositJobFilter(request.GET or None, queryset=deposit_jobs_list(request.user),
                                 repositories=deposit_repositories_for(request.user))
    return render(request, "metadata/deposit/depositjob_list.html", {
        "filter": filterset, "page": paginate(request, filterset.qs), "query": query_without_page(request),
    })


@login_required
def deposit_job_detail(request, pk):
    job = get_object_or_404(deposit_jobs_list(request.user), pk=pk)
    return render(request, "metadata/deposit/depositjob_detail.html", {"job": job})


@login_required
def deposit_job_progress_view(request):
    """Live progress of the jobs named by `?id=`, for the job page and the job list."""
    ids = [int(i) for i in request.GET.getlist("id")[:MAX_PROGRESS_IDS] if i.isdigit()]
    jobs = deposit_jobs_list(request.user).filter(pk__in=ids)
    return JsonResponse({"jobs": [deposit_job_progress(job) for job in jobs]})


@require_POST
@login_required
def deposit_job_retry_view(request, pk):
    job = get_object_or_404(deposit_jobs_list(request.user), pk=pk)
    try:
        deposit_job_retry(job_id=job.pk, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("The deposit is queued again."))
    return redirect(job)


@login_required
def record_deposit(request, pk):
    """Deposit one published record that the user curates (anyone else: 404)."""
    record = get_object_or_404(ManagedData.objects.curated_by(request.user).published(), pk=pk)
    form = DepositForm(request.POST or None, institution_id=record.institution_id)
    if request.method == "POST" and form.is_valid():
        try:
            created, existing = deposit_jobs_queue(
                record_ids=[record.pk], repository_id=form.cleaned_data["repository"].pk, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            job = (created or existing)[0]
            job.refresh_from_db()  # without a broker it has run already
            if existing:
                messages.info(request, _("This record already has a deposit into that repository, and it has not "
                                         "changed since."))
            elif job.state == job.State.WAITING:
                messages.warning(request, _("The repository cannot take the deposit now; it will be tried again."))
            else:
                messages.success(request, _("The deposit is queued."))
            return redirect(job)
    return render(request, "metadata/deposit/record_deposit.html", {"record": record, "form": form})


@login_required
def deposit_bulk(request):
    """Deposit a selection of the published records the user curates into one repository."""
    records = ManagedData.objects.curated_by(request.user).published().select_related("institution") \
        .order_by("-published_at", "-pk")
    form = BulkDepositForm(request.POST or None, records=records, repositories=deposit_repositories_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            created, existing = deposit_jobs_queue(record_ids=[r.pk for r in form.cleaned_data["records"]],
                                                   repository_id=form.cleaned_data["repository"].pk, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, ngettext("%(count)d deposit queued.", "%(count)d deposits queued.",
                                               len(created)) % {"count": len(created)})
            if existing:
                messages.info(request, ngettext(
                    "%(count)d record already had a deposit into that repository.",
                    "%(count)d records already had a deposit into that repository.", len(existing))
                    % {"count": len(existing)})
            return redirect("deposit:job-list")
    return render(request, "metadata/deposit/depositjob_bulk.html", {"form": form})


@require_POST
@login_required
def deposit_copy_primary_view(request, pk):
    """A curator makes one of a record's copies the primary one (anyone else: 404)."""
    copy = get_object_or_404(DepositCopy.objects.filter(record__in=ManagedData.objects.curated_by(request.user)),
                             pk=pk)
    deposit_copy_make_primary(copy_id=copy.pk, actor=request.user)
    messages.success(request, _("The record now points to its copy in “%(repository)s”.")
                     % {"repository": copy.repository_name or _("(as registered)")})
    return redirect(copy.record)
