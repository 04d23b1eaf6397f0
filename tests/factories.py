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
