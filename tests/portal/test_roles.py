import pytest
from django.db import IntegrityError

from portal.models import Institution, Role, RoleAssignment
from portal.permissions import funder_ids_for, has_role, institution_ids_for
from tests.factories import FunderFactory, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_reviewer_at_one_institution_and_researcher_at_another_holds_each_role_only_there():
    a, b = InstitutionFactory(), InstitutionFactory()
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.REVIEWER, institution=a)
    RoleAssignment.objects.create(user=user, role=Role.RESEARCHER, institution=b)

    assert has_role(user, Role.REVIEWER, institution=a)
    assert not has_role(user, Role.REVIEWER, institution=b)
    assert has_role(user, Role.RESEARCHER, institution=b)
    assert not has_role(user, Role.RESEARCHER, institution=a)
    reviewing = Institution.objects.filter(pk__in=institution_ids_for(user, Role.REVIEWER))
    assert list(reviewing) == [a]
    researching = Institution.objects.filter(pk__in=institution_ids_for(user, Role.RESEARCHER))
    assert list(researching) == [b]


def test_anonymous_user_holds_no_role():
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not has_role(anonymous, Role.RESEARCHER)
    assert list(Institution.objects.filter(pk__in=institution_ids_for(anonymous))) == []


def test_funder_officer_is_scoped_to_a_funder_not_an_institution():
    user, funder = UserFactory(), FunderFactory()
    RoleAssignment.objects.create(user=user, role=Role.FUNDER_OFFICER, funder=funder)
    assert list(funder_ids_for(user).values_list("funder_id", flat=True)) == [funder.pk]
    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(user=user, role=Role.FUNDER_OFFICER, institution=InstitutionFactory())


def test_institution_role_without_institution_is_refused():
    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(user=UserFactory(), role=Role.LIBRARIAN)
