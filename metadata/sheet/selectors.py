from django.db.models import Prefetch

from ..models import ManagedData, RecordPerson


def _with_people(records):
    people = RecordPerson.objects.order_by("kind", "position", "pk")
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


def sheet_existing_records(*, user, projects) -> dict[tuple[int, str], ManagedData]:
    """{(project id, data No.): record} of the records of `projects` that `user` may see."""
    records = _with_people(ManagedData.objects.visible_to(user).filter(project__in=projects).exclude(data_no="")
                           .select_related("project"))
    return {(r.project_id, r.data_no): r for r in records}
