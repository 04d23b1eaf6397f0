"""The one way a state machine moves (DMP review, curation, deposit jobs): lock the row, look up the
model's state table, check the actor's right, apply, record the change, notify. Each app describes its
machine as a `Workflow`; `transition` is the building block its services call."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass
class Change:
    """One step being taken: what the record of it (a DMPTransition, a CurationEvent) is made from.
    `extra` holds what `apply` adds to that record (the version a DMP submission froze, say)."""

    action: str
    actor: object
    from_state: str
    to_state: str
    message: str
    at: object
    duty_override: bool = False
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Workflow:
    """One model's state machine. The table is the model's `TRANSITIONS` ((from, action) -> to) over
    `state_field`. `labels` name the actions in messages; `invalid` says that the current state does not
    allow an action (with %(state)s and %(action)s). `refusal(actor, obj, action)` is why the actor may not
    (None when they may); `duty_conflict(actor, obj, action)` says that they may only as an operator overriding
    the separation of duties, which the record then shows. `needs_message` maps an action to the error shown
    when it comes without a message. `record(obj, change)` writes the event; `notify(obj, change)` tells those
    who need to know (in their own language, who did what and what to do next)."""

    model: type[models.Model]
    invalid: Promise
    labels: Mapping[str, Promise] = field(default_factory=dict)
    state_field: str = "status"
    related: tuple[str, ...] = ()
    refusal: Callable[..., str | None] | None = None
    duty_conflict: Callable[..., bool] | None = None
    needs_message: Mapping[str, Promise] = field(default_factory=dict)
    record: Callable[..., None] | None = None
    notify: Callable[..., None] | None = None

    def state_display(self, obj: models.Model) -> str:
        return getattr(obj, f"get_{self.state_field}_display")()


class InvalidTransition(Exception):
    """An action the object's current state does not allow (or an unknown action)."""

    def __init__(self, workflow: Workflow, obj: models.Model, action: str):
        self.obj, self.action = obj, action
        if action in workflow.labels or not workflow.labels:
            message = workflow.invalid % {"state": workflow.state_display(obj),
                                          "action": workflow.labels.get(action, action)}
        else:
            message = _("Unknown action “%(action)s”.") % {"action": action}
        super().__init__(message)


def transition(workflow: Workflow, *, pk: int, action: str, actor=None, message: str = "",
               apply: Callable[[models.Model, Change], list[str]] | None = None) -> models.Model:
    """Take `action` on the object `pk` under its row lock: the state table, the actor's right, the message
    the action needs, then `apply(obj, change)` (checks and changes of its own; it returns the fields it
    set), the new state saved with `update_fields` (and a history row, by `actor`), the record, the
    notifications. A building block: the caller's transaction, or one of its own."""
    with transaction.atomic():
        obj = workflow.model.objects.select_for_update(of=("self",)).select_related(*workflow.related).get(pk=pk)
        from_state = getattr(obj, workflow.state_field)
        to_state = workflow.model.TRANSITIONS.get((from_state, action))
        if to_state is None:
            raise InvalidTransition(workflow, obj, action)
        change = Change(action, actor, from_state, to_state, message, timezone.now(),
                        bool(workflow.duty_conflict and workflow.duty_conflict(actor, obj, action)))
        refusal = workflow.refusal and workflow.refusal(actor, obj, action)
        if refusal:
            raise PermissionDenied(refusal)
        if action in workflow.needs_message and not message.strip():
            raise ValidationError({"message": [str(workflow.needs_message[action])]})
        fields = apply(obj, change) if apply else []
        setattr(obj, workflow.state_field, to_state)
        obj.updated_at = change.at
        obj._history_user = actor
        obj.save(update_fields=[workflow.state_field, "updated_at", *fields])
        if workflow.record:
            workflow.record(obj, change)
        if workflow.notify:
            workflow.notify(obj, change)
    return obj

