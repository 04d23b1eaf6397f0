"""Projects and managed-data records for the dashboard tests: a few through the services (for the
visibility checks), many with bulk_create (for the query counts)."""

import datetime

from django.utils import timezone

from metadata.models import ManagedData
from metadata.services import managed_data_create, managed_data_transition
from portal.models import Role
from tests.factories import user_with_role

COMPLETE = {
    "title_en": "Dataset", "description_en": "A dataset.", "citation_en": "Cite me.", "license": "CCBY",
    "hosting_institution_en": "Test University", "contact_email": "data@example.ac.jp",
    "access_right": "open access",
}


def record_via_services(project, *, state="published", librarian=None, people_user=None, **fields):
    """A record created by the project's PI and taken to `state` (draft, submitted or published)."""
    data = {**COMPLETE, **fields}
    record = managed_data_create(project=project, actor=project.pi, data=data,
                                 people=[{"kind": "data_manager", "name_en": "Data Manager", "user": people_user}])
    if state in ("submitted", "published"):
        managed_data_transition(record_id=record.pk, action="submit", actor=project.pi)
    if state == "published":
        librarian = librarian or user_with_role(Role.LIBRARIAN, institution=project.institution)
        managed_data_transition(record_id=record.pk, action="publish", actor=librarian)
    record.refresh_from_db()
    return record


ACCESS = ("open access", "restricted access", "metadata only access", "embargoed access")


def bulk_records(projects, count: int, *, status="published") -> list[ManagedData]:
    """`count` records spread over `projects`, access rights and years, in one INSERT."""
    now = timezone.now()
    today = timezone.localdate()
    rows = []
    for i in range(count):
        project = projects[i % len(projects)]
        access = ACCESS[i % 4]
        rows.append(ManagedData(
            project=project, institution_id=project.institution_id, created_by_id=project.pi_id,
            title_en=f"Bulk {i}", status=status, access_right=access,
            research_field="project" if i % 2 else "189",
            embargo_until=today + datetime.timedelta(days=30 + i % 300) if access == "embargoed access" else None,
            doi=f"10.9999/bulk.{i}" if i % 3 == 0 else "",
            created_at=now - datetime.timedelta(days=(i * 37) % 2000),
        ))
    return ManagedData.objects.bulk_create(rows, batch_size=2000)
