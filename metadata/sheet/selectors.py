from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q

from ..models import ManagedData, RecordPerson


def _with_people(records):
    people = RecordPerson.objects.select_related("user").order_by("kind", "position", "pk")
    return records.prefetch_related(Prefetch("people", queryset=people))


def sheet_records(*, user, project_id: int | None = None, status: str | None = None):
    """The records `user` may see, filtered, in sheet order, with what a row shows (and whether `user` gets
    their data)."""
    records = ManagedData.objects.visible_to(user).with_data_access(user)
    if project_id:
        records = records.filter(project_id=project_id)
    if status:
        records = records.filter(status=status)
    return _with_people(records.select_related("project__program__funder")
                        .order_by("project__grant_number", "data_no", "pk"))


def sheet_existing_records(*, user, grant_numbers: set[str]) -> dict[tuple[str, str], ManagedData]:
    """{(casefolded grant number, data No.): record} of the records with those grant numbers that `user`
    may see, with what a sheet row shows of them (as `user` gets them: the data location follows
    `with_data_access`, as in the export)."""
    if not grant_numbers:
        return {}
    matching = reduce(or_, (Q(project__grant_number__iexact=g) for g in grant_numbers))
    records = _with_people(ManagedData.objects.visible_to(user).with_data_access(user).filter(matching)
                           .exclude(data_no="")
                           .select_related("project__program__funder"))
    return {(r.project.grant_number.casefold(), r.data_no): r for r in records}
