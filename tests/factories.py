import factory
from factory.django import DjangoModelFactory

from portal.models import Department, Funder, Institution, Role, RoleAssignment, User

PASSWORD = "correct-horse-battery"


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    name_ja = factory.Sequence(lambda n: f"テスト大学{n}")
    name_en = factory.Sequence(lambda n: f"Test University {n}")
    kind = Institution.Kind.NATIONAL_UNIVERSITY
    code = factory.Sequence(lambda n: f"T{n:09d}")


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    institution = factory.SubFactory(InstitutionFactory)
    name_ja = factory.Sequence(lambda n: f"研究科{n}")
    name_en = factory.Sequence(lambda n: f"Graduate School {n}")


class FunderFactory(DjangoModelFactory):
    class Meta:
        model = Funder
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"F{n}")
    name_ja = factory.Sequence(lambda n: f"資金配分機関{n}")
    name_en = factory.Sequence(lambda n: f"Funder {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.ac.jp")
    family_name_ja = "山田"
    given_name_ja = factory.Sequence(lambda n: f"太郎{n}")
    family_name_en = "Yamada"
    given_name_en = factory.Sequence(lambda n: f"Taro{n}")
    preferred_language = "en"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.RESEARCHER
    institution = factory.SubFactory(InstitutionFactory)


def user_with_role(role, *, institution=None, funder=None, **user_kwargs) -> User:
    """A user holding `role` at `institution` (or for `funder` when the role is funder officer)."""
    user = UserFactory(**user_kwargs)
    if role == Role.FUNDER_OFFICER:
        RoleAssignment.objects.create(user=user, role=role, funder=funder or FunderFactory())
    else:
        RoleAssignment.objects.create(user=user, role=role, institution=institution or InstitutionFactory())
    return user


class FundingProgramFactory(DjangoModelFactory):
    class Meta:
        model = "policy.FundingProgram"

    funder = factory.SubFactory(FunderFactory)
    name_ja = factory.Sequence(lambda n: f"研究事業{n}")
    name_en = factory.Sequence(lambda n: f"Research program {n}")
    code = "MJXX"


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = "dmp.Project"

    institution = factory.SubFactory(InstitutionFactory)
    program = factory.SubFactory(FundingProgramFactory)
    grant_number = factory.Sequence(lambda n: f"JPMJXX{n:04d}")
    name_ja = factory.Sequence(lambda n: f"研究課題{n}")
    name_en = factory.Sequence(lambda n: f"Research project {n}")
    research_field = "289"
    pi = factory.SubFactory(UserFactory)


COMPLETE_RECORD = {
    "title_ja": "日常対話コーパス", "title_en": "Daily dialogue corpus",
    "description_ja": "対話の書き起こし", "description_en": "Transcribed dialogues",
    "license": "CCBY", "access_right": "open access", "citation_en": "Cite as Yamada (2025).",
    "hosting_institution_ja": "テスト大学", "contact_email": "rdm@example.ac.jp",
    "repository_url": "https://repo.example.ac.jp/records/1",
}
COMPLETE_PEOPLE = [
    {"kind": "creator", "name_ja": "山田 太郎", "name_en": "Taro Yamada", "erad_researcher_number": "12345678"},
    {"kind": "data_manager", "name_ja": "山田 太郎", "name_en": "Taro Yamada"},
]


def make_record(*, project=None, status="draft", librarian=None, people=None, **fields):
    """A managed-data record brought to `status` through the services, as a researcher and a librarian
    would (the project's PI and a librarian of its institution)."""
    from metadata.services import managed_data_create, managed_data_transition
    from portal.models import Role

    project = project or ProjectFactory()
    record = managed_data_create(project=project, actor=project.pi, data={**COMPLETE_RECORD, **fields},
                                 people=COMPLETE_PEOPLE if people is None else people)
    path = {"draft": [], "submitted": ["submit"], "returned": ["submit", "return"],
            "published": ["submit", "publish"], "withdrawn": ["submit", "publish", "withdraw"]}[status]
    if path[1:] and librarian is None:
        librarian = user_with_role(Role.LIBRARIAN, institution=project.institution)
    for action in path:
        actor = project.pi if action == "submit" else librarian
        managed_data_transition(record_id=record.pk, action=action, actor=actor,
                                message="" if action in ("submit", "publish") else "Please fix.")
    record.refresh_from_db()
    return record
