"""Writes on people and notifications."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import Institution, Notification, Role, RoleAssignment, SavedFilter, User
from .permissions import can_manage_roles
from .tasks import notification_email as notification_email_task
from .validators import ILLEGAL_TEXT_RE


def model_update(*, instance, data: dict, fields: list[str]) -> bool:
    """Set `fields` of `instance` from `data` and save only what changed. Returns whether it did."""
    changed = [f for f in fields if f in data and getattr(instance, f) != data[f]]
    for f in changed:
        setattr(instance, f, data[f])
    if changed:
        instance.full_clean()
        instance.save(update_fields=changed)
    return bool(changed)


def user_update_profile(*, user: User, data: dict) -> User:
    user = User.objects.get(pk=user.pk)  # a bound ModelForm has already changed the instance it was given
    model_update(
        instance=user,
        data=data,
        fields=[
            "family_name_ja",
            "given_name_ja",
            "family_name_en",
            "given_name_en",
            "erad_researcher_number",
            "orcid",
            "preferred_language",
        ],
    )
    return user


def user_set_language(*, user: User, language: str) -> None:
    if user.is_authenticated and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def notification_subject(text: str) -> str:
    limit = Notification._meta.get_field("subject").max_length
    return Truncator(" ".join(ILLEGAL_TEXT_RE.sub(" ", text).split())).chars(limit)


def notification_body(*, what: str, next_step: str, comment: str = "", commenter=None) -> str:
    """A notification's text: what happened (who did it, to which project or record), the comment if there is
    one, and what the recipient should do next. Call it in the recipient's language."""
    parts = [what]
    if comment.strip():
        parts.append(_("Comment from %(name)s:") % {"name": commenter} + "\n" + comment.strip())
    parts.append(_("What to do next: %(step)s") % {"step": next_step})
    return "\n\n".join(parts)


def notification_send(*, user: User, subject: str, body: str, link: str = "") -> Notification:
    """Record a notification and e-mail it once the surrounding transaction commits. The subject is made one
    line (an e-mail header cannot hold a line break) and shortened with an ellipsis to what the column holds, so
    that a long or odd title never stops the transition that notifies."""
    subject = notification_subject(subject)
    note = Notification.objects.create(user=user, subject=subject, body=body, link=link)
    transaction.on_commit(lambda: notification_email_task.delay(note.pk))
    return note


@transaction.atomic
def role_assignment_create(*, actor: User, institution: Institution, user: User, role: str,
                           department=None) -> RoleAssignment:
    """An institution admin gives `user` a role at their institution."""
    if not can_manage_roles(actor, institution):
        raise PermissionDenied
    if role == Role.FUNDER_OFFICER:
        raise ValidationError({"role": _("Funder officers are assigned by the operators.")})
    if department is not None and department.institution_id != institution.pk:
        raise ValidationError({"department": _("Choose a department of this institution.")})
    if RoleAssignment.objects.filter(user=user, role=role, institution=institution).exists():
        raise ValidationError({"role": _("This person already holds this role here.")})
    return RoleAssignment.objects.create(user=user, role=role, institution=institution, department=department)


@transaction.atomic
def role_assignment_delete(*, actor: User, assignment: RoleAssignment) -> None:
    institution = Institution.objects.select_for_update().get(pk=assignment.institution_id)
    if not can_manage_roles(actor, institution):
        raise PermissionDenied
    if assignment.role == Role.INSTITUTION_ADMIN and not RoleAssignment.objects.filter(
        institution=institution, role=Role.INSTITUTION_ADMIN
    ).exclude(pk=assignment.pk).exists():
        raise ValidationError(_("The institution must keep at least one administrator."))
    assignment.delete()


def notifications_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one of `user`'s notifications (or all of them) read; returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at=None)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())


def saved_filter_store(*, user: User, queue: str, name: str, query: str) -> SavedFilter:
    """Save the queue's filter `query` under `name` for `user` (a filter of the same name is replaced)."""
    saved, _created = SavedFilter.objects.update_or_create(user=user, queue=queue, name=name,
                                                           defaults={"query": query})
    return saved


def saved_filter_delete(*, user: User, pk: int) -> str:
    """Delete one of `user`'s saved filters; returns its queue. Another user's filter is not found (404)."""
    saved = SavedFilter.objects.filter(user=user).get(pk=pk)
    saved.delete()
    return saved.queue
