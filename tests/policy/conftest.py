import pytest

from portal.models import Role
from tests.factories import InstitutionFactory, user_with_role


@pytest.fixture
def institution():
    return InstitutionFactory()


@pytest.fixture
def admin(institution):
    return user_with_role(Role.INSTITUTION_ADMIN, institution=institution)
