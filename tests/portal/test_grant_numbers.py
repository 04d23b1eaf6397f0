"""Identifiers as issued (issue 13, acceptance 6): the Japan Grant Number (体系的番号) in every funder's real
format, case kept; full-width input stored half-width."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from dmp.filters import DMPFilter
from dmp.forms import ProjectForm
from dmp.models import DMP, Project
from dmp.services import project_create, template_load_shipped
from metadata.models import RecordPerson
from portal.models import Role
from portal.services import user_update_profile
from portal.validators import validate_grant_number
from tests.dmp.factories import make_dmp
from tests.factories import FundingProgramFactory, ProjectFactory, UserFactory, make_record, user_with_role

# The formats the funders publish, with where each example comes from.
ISSUED_FORMATS = [
    ("JPMJBF1801", "JST: JPCOAR schema 2.0 guidance, jpcoar:awardNumber example"),
    ("JPMJPF2101", "JST COI-NEXT: metadata-elements.md §4"),
    ("JPMJCR24W9", "JST CREST: issue 13"),
    ("JP15H02781", "JSPS KAKENHI: JPCOAR schema 2.0 guidance ('JP' + the KAKENHI project number)"),
    ("JP24K00366", "JSPS KAKENHI: metadata-elements.md §4"),
    ("JP23KJ0123", "JSPS fellowship (特別研究員奨励費), KAKENHI number with two letters"),
    ("JP17am0101001", "AMED BINDS acknowledgement guidance: 'JP' + the first 11 characters of the 課題管理番号"),
    ("JP21km0908001", "AMED: issue 13, lower-case letters as AMED writes them"),
    ("JPNP20004", "NEDO project numbers (JPNP + digits), as printed in acknowledgements"),
    ("JPMXP1020200101", "MEXT commissioned programs (JPMX…), as printed in acknowledgements"),
    ("JPJ007097", "BRAIN / Cabinet Office SIP (JPJ…), as printed in acknowledgements"),
    ("JPMH20HA1001", "MHLW research grants (JPMH…), as printed in acknowledgements"),
    ("JPMEERF20201001", "ERCA Environment Research and Technology Development Fund (JPMEERF…)"),
    ("JPJSBP120203205", "JSPS bilateral programs (JPJSBP…), as printed in acknowledgements"),
]


@pytest.mark.parametrize("number, source", ISSUED_FORMATS)
def test_every_funders_format_is_accepted(number, source):
    validate_grant_number(number)


@pytest.mark.parametrize("number", ["24K00366", "jp24K00366", "JP 24K00366", "JP-21km0908001", "JP", "JPMJ\nCR24",
                                    "JPMJ\x0bCR24W9"])
def test_what_no_funder_issues_is_refused(number):
    with pytest.raises(ValidationError):
        validate_grant_number(number)


@pytest.mark.django_db
def test_amed_numbers_are_kept_as_typed():
    project = ProjectFactory(grant_number="JP21km0908001")
    project.full_clean()
    project.save()
    project.refresh_from_db()
    assert project.grant_number == "JP21km0908001"


@pytest.mark.django_db
def test_full_width_grant_number_is_stored_and_found_half_width():
    project = ProjectFactory(grant_number="ＪＰＭＪＣＲ２４Ｗ９")  # saved without full_clean: still normalised
    assert project.grant_number == "JPMJCR24W9"
    assert Project.objects.get(pk=project.pk).grant_number == "JPMJCR24W9"
    assert Project.objects.filter(grant_number="ＪＰＭＪＣＲ２４Ｗ９").get() == project


@pytest.mark.django_db
def test_the_dmp_filter_finds_a_grant_number_typed_full_width():
    template_load_shipped()
    wanted, other = make_dmp(), make_dmp()
    Project.objects.filter(pk=wanted.project_id).update(grant_number="JPMJCR24W9")
    found = DMPFilter({"grant_number": "ｍｊｃｒ２４"}, queryset=DMP.objects.all()).qs
    assert list(found) == [wanted] and other not in found


@pytest.mark.django_db
@pytest.mark.parametrize("typed, stored", [("JP21km0908001", "JP21km0908001"), ("ＪＰＭＪＣＲ２４Ｗ９", "JPMJCR24W9"),
                                           (" JP24K00366 ", "JP24K00366")])
def test_project_form_keeps_the_case_and_normalises_the_width(typed, stored):
    researcher = user_with_role(Role.RESEARCHER)
    institution = researcher.role_assignments.get().institution
    form = ProjectForm({"project-institution": institution.pk, "project-program": FundingProgramFactory().pk,
                        "project-grant_number": typed, "project-name_ja": "課題", "project-research_field": "289"},
                       user=researcher, prefix="project")
    assert form.is_valid(), form.errors
    project = project_create(actor=researcher, data=form.cleaned_data, members=[])
    assert Project.objects.get(pk=project.pk).grant_number == stored


@pytest.mark.django_db
def test_full_width_erad_number_is_normalised_in_the_profile_and_the_api():
    user = UserFactory()
    user_update_profile(user=user, data={"erad_researcher_number": "１２３４５６７８"})
    user.refresh_from_db()
    assert user.erad_researcher_number == "12345678"

    record = make_record()
    client = APIClient()
    client.force_authenticate(record.project.pi)
    response = client.patch(f"/api/v1/managed-data/{record.pk}/", {"people": [
        {"kind": "creator", "name_ja": "山田", "erad_researcher_number": "８７６５４３２１"}]}, format="json")
    assert response.status_code == 200, response.json()
    assert RecordPerson.objects.get(record=record).erad_researcher_number == "87654321"
