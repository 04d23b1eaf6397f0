import pytest

from dmp.models import DMPTemplate
from dmp.services import template_load_shipped
from portal.models import Role
from tests.factories import InstitutionFactory, user_with_role

from .factories import make_dmp


@pytest.fixture
def templates(db):
    """The shipped templates T0–T5, published."""
    template_load_shipped()
    return {t.key: t for t in DMPTemplate.objects.all()}


@pytest.fixture
def institution(db):
    return InstitutionFactory()


@pytest.fixture
def researcher(institution):
    return user_with_role(Role.RESEARCHER, institution=institution)


@pytest.fixture
def reviewer(institution):
    return user_with_role(Role.REVIEWER, institution=institution)


@pytest.fixture
def dmp(templates, researcher, institution):
    return make_dmp(pi=researcher, institution=institution)
