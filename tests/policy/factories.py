import factory
from factory.django import DjangoModelFactory

from policy.models import ProgramRequirement
from tests.factories import FundingProgramFactory


class ProgramRequirementFactory(DjangoModelFactory):
    class Meta:
        model = ProgramRequirement

    program = factory.SubFactory(FundingProgramFactory)
    fiscal_year = 2023
    dmp_required = ProgramRequirement.Level.YES
    metadata_required = True
