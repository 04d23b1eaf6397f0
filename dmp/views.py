from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.pagination import paginate, query_without_page
from portal.transitions import InvalidTransition
from portal.views import transition_confirm

from .filters import DMPFilter
from .forms import (
    CONFIRM_MESSAGE,
    CONFIRMATIONS,
    CommentForm,
    MemberFormSet,
    ProjectForm,
    SectionForm,
    TransitionForm,
    TransitionMessageForm,
    members_from,
)
from .models import DMPStatus, DMPVersion, ReviewComment
from .pdf import dmp_pdf
from .permissions import (
    allowed_transitions,
    can_comment_dmp,
    can_edit_dmp,
    can_edit_project,
    can_resolve_comment,
    can_resolve_comments,
)
from .selectors import (
    answer_sheet,
    dataset_rows,
    dmp_detail_queryset,
    dmp_list,
    dmp_missing_answers,
    dmp_review_queue,
    open_comments_by_question,
    project_snapshot,
    template_structure,
    version_comments_by_question,
    version_dataset_rows,
    version_diff,
)
from .services import (
    dmp_save_answers,
    dmp_start,
    dmp_transition,
    project_update,
    review_comment_add,
    review_comment_resolve,
)


def _get_dmp(request, pk):
    return get_object_or_404(dmp_detail_queryset(user=request.user), pk=pk)


def _listing(request, queryset, template_name, title, defaults=None):
    params = request.GET.copy()
    for key, value in (defaults or {}).items():
        params.setdefault(key, value)
    filterset = DMPFilter(params or None, queryset=queryset)
    page = paginate(request, filterset.qs)
    return render(request, template_name, {"filter": filterset, "page": page, "query": query_without_page(request),
                                           "title": title})


@login_required
def dmp_list_view(request):
    return _listing(request, dmp_list(user=request.user), "dmp/dmp_list.html", _("Data management plans"))


@login_required
def review_queue(request):
    """What needs a decision by default (submitted DMPs, the longest wait first); `?status=` shows all."""
    return _listing(request, dmp_review_queue(user=request.user), "dmp/dmp_queue.html", _("DMP review queue"),
                    defaults={"status": DMPStatus.SUBMITTED})


@login_required
def dmp_create(request):
    form = ProjectForm(request.POST or None, user=request.user, prefix="project")
    members = MemberFormSet(request.POST or None, prefix="members")
    if request.method == "POST" and form.is_valid() and members.is_valid():
        try:
            dmp = dmp_start(actor=request.user, project_data=form.cleaned_data, members=members_from(members))
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The DMP was created. Answer the questions section by section."))
            return redirect("dmp:dmp-edit", pk=dmp.pk, section=1)
    return render(request, "dmp/dmp_create.html", {"form": form, "members": members})


def dmp_project_edit(request, pk):
    dmp = _get_dmp(request, pk)
    if not can_edit_project(request.user, dmp):
        messages.error(request, _("This DMP cannot be edited now: only its editors can, while it is a draft or "
                                  "has changes requested."))
        return redirect(dmp)
    project = dmp.project
    form = ProjectForm(request.POST or None, instance=project, user=request.user, prefix="project")
    initial = [{"email": m.user.email, "role": m.role, "can_edit": m.can_edit}
               for m in project.members.select_related("user")]
    members = MemberFormSet(request.POST or None, prefix="members", initial=initial)
    if request.method == "POST" and form.is_valid() and members.is_valid():
        try:
            project_update(dmp_id=dmp.pk, actor=request.user, data=form.cleaned_data, members=members_from(members))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(dmp)
    return render(request, "dmp/dmp_create.html", {"form": form, "members": members, "dmp": dmp})


def _sheet(request, dmp, comments):
    return answer_sheet(template=dmp.template, answers=dmp.answers, snapshot=project_snapshot(project=dmp.project),
                        datasets=dataset_rows(project=dmp.project, viewer=request.user), comments=comments)


def dmp_detail(request, pk, transition_errors=None, transition_form=None, comment_form=None):
    dmp = _get_dmp(request, pk)
    versions = list(dmp.versions.select_related("submitted_by").order_by("-number"))
    context = {
        "dmp": dmp, "project": dmp.project,
        "sheet": _sheet(request, dmp, open_comments_by_question(dmp=dmp)),
        "versions": versions,
        "transitions": dmp.transitions.select_related("actor", "version").order_by("-at", "-pk"),
        "changes": dmp.history.select_related("history_user").order_by("-history_date")[:20],
        "actions": allowed_transitions(request.user, dmp),
        "confirmed_actions": CONFIRMATIONS,
        "can_edit": can_edit_dmp(request.user, dmp),
        # Comments beside the answers concern the last submitted version.
        "can_comment": bool(versions) and can_comment_dmp(request.user, dmp),
        "comment_url": reverse("dmp:dmp-comment", args=[dmp.pk]),
        "comment_version": versions[0] if versions else None,
        "comment_form": comment_form,
        "can_resolve": can_resolve_comments(request.user, dmp),
        "missing": dmp_missing_answers(dmp=dmp) if dmp.editable else [],
        "transition_errors": transition_errors or [],
        "transition_form": transition_form or TransitionForm(),
    }
    failed = transition_errors or comment_form is not None
    return render(request, "dmp/dmp_detail.html", context, status=400 if failed else 200)


def dmp_edit(request, pk, section):
    dmp = _get_dmp(request, pk)
    if not can_edit_dmp(request.user, dmp):
        messages.error(request, _("This DMP cannot be edited now: only its editors can, while it is a draft or "
                                  "has changes requested."))
        return redirect(dmp)
    sections = template_structure(template=dmp.template)
    if not 1 <= section <= len(sections):
        raise Http404
    current = sections[section - 1]
    questions = list(current.questions.all())
    form = SectionForm(request.POST or None, questions=questions, answers=dmp.answers)
    if request.method == "POST" and form.is_valid():
        try:
            dmp_save_answers(dmp_id=dmp.pk, actor=request.user,
                             answers={q.key: form.cleaned_data[q.key] for q in form.questions})
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            messages.success(request, _("Section “%(section)s” was saved.") % {"section": current.title})
            if "next" in request.POST and section < len(sections):
                return redirect("dmp:dmp-edit", pk=dmp.pk, section=section + 1)
            return redirect("dmp:dmp-edit", pk=dmp.pk, section=section)
    comments = open_comments_by_question(dmp=dmp)
    sheet = _sheet(request, dmp, comments)[section - 1]
    return render(request, "dmp/dmp_edit.html", {
        "dmp": dmp, "project": dmp.project, "sections": sections, "section": current, "number": section,
        "form": form, "sheet": sheet, "comments": comments, "has_next": section < len(sections),
    })


@require_http_methods(["GET", "POST"])
def dmp_transition_view(request, pk):
    """GET `?action=`: the confirmation step of the actions that ask for one; POST: the transition."""
    dmp = _get_dmp(request, pk)
    if request.method == "GET":
        return _transition_confirm(request, dmp, request.GET.get("action", ""))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return dmp_detail(request, pk, transition_errors=[_("Choose an action.")], transition_form=form)
    action = form.cleaned_data["action"]
    try:
        dmp_transition(dmp_id=dmp.pk, action=action, actor=request.user, message=form.cleaned_data["message"])
    except (InvalidTransition, PermissionDenied) as error:
        return dmp_detail(request, pk, transition_errors=[str(error)], transition_form=form)
    except ValidationError as error:
        return dmp_detail(request, pk, transition_errors=error.messages, transition_form=form)
    messages.success(request, _("Done: the DMP is now “%(state)s”.") % {
        "state": type(dmp).objects.get(pk=dmp.pk).get_status_display()})
    return redirect(dmp)


def _transition_confirm(request, dmp, action):
    return transition_confirm(
        request, dmp, action, confirmations=CONFIRMATIONS, allowed_actions=allowed_transitions,
        refusal=_("This cannot be done now: the DMP is “%(state)s”, or you may not do it.") % {
            "state": dmp.get_status_display()},
        action_url=reverse("dmp:dmp-transition", args=[dmp.pk]), subject=dmp.display_title,
        hidden=[("action", action)], form=TransitionMessageForm() if action in CONFIRM_MESSAGE else None,
        blockers=lambda: [question.label for question in dmp_missing_answers(dmp=dmp)] if action == "submit" else [],
        blockers_title=_("Answer these required questions before submitting:"))


def _get_version(request, pk, number):
    dmp = _get_dmp(request, pk)
    return dmp, get_object_or_404(DMPVersion.objects.select_related("template", "submitted_by"), dmp=dmp,
                                  number=number)


def dmp_version(request, pk, number, comment_form=None):
    dmp, version = _get_version(request, pk, number)
    sheet = answer_sheet(template=version.template, answers=version.answers, snapshot=version.project_snapshot,
                         datasets=version_dataset_rows(version=version, viewer=request.user),
                         comments=version_comments_by_question(version=version))
    return render(request, "dmp/dmpversion_detail.html", {
        "dmp": dmp, "version": version, "sheet": sheet, "can_comment": can_comment_dmp(request.user, dmp),
        "comment_url": reverse("dmp:dmp-comment-add", args=[dmp.pk, version.number]), "comment_version": version,
        "comment_form": comment_form, "versions": dmp.versions.order_by("number"),
        "can_resolve": can_resolve_comments(request.user, dmp),
    }, status=400 if comment_form is not None else 200)


@require_POST
def comment_add(request, pk, number):
    """A comment on a question of one version, from that version's page."""
    dmp, version = _get_version(request, pk, number)
    return _comment_add(request, version, back=request.path.rsplit("/comment/", 1)[0] + "/",
                        failed=lambda form: dmp_version(request, pk, number, comment_form=form))


@require_POST
def dmp_comment_add(request, pk):
    """A comment beside a question on the DMP page: it concerns the last submitted version."""
    dmp = _get_dmp(request, pk)
    version = dmp.versions.select_related("template").order_by("-number").first()
    if version is None:
        raise Http404
    return _comment_add(request, version, back=dmp.get_absolute_url(),
                        failed=lambda form: dmp_detail(request, pk, comment_form=form))


def _comment_add(request, version, *, back, failed):
    # The comment box of a question has the id comment-<key>-body, which the error summary links to.
    form = CommentForm(request.POST, auto_id=f"comment-{request.POST.get('question_key', '')}-%s")
    if form.is_valid():
        try:
            review_comment_add(version_id=version.pk, question_key=form.cleaned_data["question_key"],
                               actor=request.user, body=form.cleaned_data["body"])
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return failed(form)
    messages.success(request, _("Your comment was added."))
    return redirect(f"{back}#q-{form.cleaned_data['question_key']}")


@require_POST
def comment_resolve(request, pk):
    comment = get_object_or_404(
        ReviewComment.objects.select_related("version__dmp").filter(
            version__dmp__in=dmp_detail_queryset(user=request.user)), pk=pk)
    if not can_resolve_comment(request.user, comment):
        raise PermissionDenied
    review_comment_resolve(comment_id=comment.pk, actor=request.user)
    messages.success(request, _("The comment was marked as resolved."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = comment.version.dmp.get_absolute_url()
    return redirect(target)


def dmp_diff(request, pk):
    dmp = _get_dmp(request, pk)
    versions = list(dmp.versions.select_related("template").order_by("number"))
    if len(versions) < 2:
        messages.info(request, _("A comparison needs at least two submitted versions."))
        return redirect(dmp)
    by_number = {v.number: v for v in versions}
    try:
        old = by_number[int(request.GET.get("from", versions[-2].number))]
        new = by_number[int(request.GET.get("to", versions[-1].number))]
    except (KeyError, ValueError):
        raise Http404 from None
    rows = version_diff(old=old, new=new, viewer=request.user)
    only_changed = request.GET.get("changed") == "1"
    return render(request, "dmp/dmp_diff.html", {
        "dmp": dmp, "old": old, "new": new, "versions": versions, "only_changed": only_changed,
        "rows": [row for row in rows if row["changed"] or not only_changed],
        "changed": sum(row["changed"] for row in rows)})


def dmp_pdf_view(request, pk):
    dmp = _get_dmp(request, pk)
    language = request.GET.get("lang") if request.GET.get("lang") in ("ja", "en") else "ja"
    version = None
    if request.GET.get("version", "").isdigit():
        version = get_object_or_404(DMPVersion, dmp=dmp, number=request.GET["version"])
    pdf = dmp_pdf(dmp=dmp, version=version, language=language, viewer=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dmp-{dmp.project.grant_number}-{language}.pdf"'
    return response


