"""Who may do what with a DMP. Reading is `DMP.objects.visible_to`; these predicates decide actions."""

from portal.models import Role
from portal.permissions import has_role, institution_ids_for

from .models import DMP, Project, ReviewComment

# The review decisions the project's own people never take on their plan (separation of duties).
DECISIONS = ("approve", "request_changes")


def can_create_project(user, institution) -> bool:
    """Researchers lead new projects (and their DMPs) at their institution; operators anywhere."""
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.RESEARCHER, institution=institution))


def project_institution_ids(user):
    """Lazy subquery of the institutions a new project of `user` is offered at: where they are a researcher."""
    return institution_ids_for(user, Role.RESEARCHER)


def is_dmp_editor(user, dmp: DMP) -> bool:
    """The project's PI and the members who may edit."""
    return DMP.objects.editable_by(user).filter(pk=dmp.pk).exists()


def can_review_dmp(user, dmp: DMP) -> bool:
    """Research-office reviewers of the DMP's institution (and operators)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or has_role(user, Role.REVIEWER, institution=dmp.project.institution_id)


def is_dmp_party(user, dmp: DMP) -> bool:
    """The project's PI and all its members, whether or not they may edit."""
    return Project.objects.with_member(user).filter(pk=dmp.project_id).exists()


def has_duty_conflict(user, dmp: DMP, action: str) -> bool:
    """Separation of duties: `action` is a review decision on a plan `user` is PI or member of, whatever
    other roles they hold. Operators may still take it, and the transition records the override."""
    return action in DECISIONS and is_dmp_party(user, dmp)


def _may_decide(user, dmp: DMP, action: str) -> bool:
    return can_review_dmp(user, dmp) and (user.is_superuser or not has_duty_conflict(user, dmp, action))


def can_edit_dmp(user, dmp: DMP) -> bool:
    return dmp.editable and is_dmp_editor(user, dmp)


def can_submit_dmp(user, dmp: DMP) -> bool:
    return is_dmp_editor(user, dmp)


def can_withdraw_dmp(user, dmp: DMP) -> bool:
    return is_dmp_editor(user, dmp)


def can_revise_dmp(user, dmp: DMP) -> bool:
    return is_dmp_editor(user, dmp)


def can_approve_dmp(user, dmp: DMP) -> bool:
    return _may_decide(user, dmp, "approve")


def can_request_changes_dmp(user, dmp: DMP) -> bool:
    return _may_decide(user, dmp, "request_changes")


def can_comment_dmp(user, dmp: DMP) -> bool:
    return can_review_dmp(user, dmp)


def can_edit_project(user, dmp: DMP) -> bool:
    """The project block (names, period, contributors) is part of the plan: editable with the answers."""
    return can_edit_dmp(user, dmp)


def can_resolve_comments(user, dmp: DMP) -> bool:
    """Whether a DMP's pages offer resolving its review comments: to its reviewers, and to its editors while
    the plan is being written."""
    return can_review_dmp(user, dmp) or can_edit_dmp(user, dmp)


def can_resolve_comment(user, comment: ReviewComment) -> bool:
    dmp = comment.version.dmp
    return can_review_dmp(user, dmp) or is_dmp_editor(user, dmp)


ACTION_PERMISSIONS = {
    "submit": can_submit_dmp,
    "withdraw": can_withdraw_dmp,
    "revise": can_revise_dmp,
    "approve": can_approve_dmp,
    "request_changes": can_request_changes_dmp,
}
# The other actions a DMP's page offers, each with its predicate.
PAGE_PERMISSIONS = {
    "edit": can_edit_dmp,
    "edit_project": can_edit_project,
}


def allowed_transitions(user, dmp: DMP) -> list[str]:
    """The transitions the state table offers now and `user` may take."""
    return [action for action in dmp.actions() if ACTION_PERMISSIONS[action](user, dmp)]


def allowed_actions(user, dmp: DMP) -> list[str]:
    """Everything `user` may do on `dmp` now, the transitions first: exactly the buttons its page shows."""
    return allowed_transitions(user, dmp) + [action for action, may in PAGE_PERMISSIONS.items() if may(user, dmp)]
