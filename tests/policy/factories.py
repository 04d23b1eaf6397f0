import factory
from factory.django import DjangoModelFactory

from policy.models import FundingProgram, ProgramRequirement
from tests.factories import FunderFactory


class FundingProgramFactory(DjangoModelFactory):
    class Meta:
        model = FundingProgram

    funder = factory.SubFactory(FunderFactory)
    name_ja = factory.Sequence(lambda n: f"研究開発プログラム{n}")
    name_en = factory.Sequence(lambda n: f"R&D program {n}")
    competitive = True


class ProgramRequirementFactory(DjangoModelFactory):
    class Meta:
        model = ProgramRequirement

    program = factory.SubFactory(FundingProgramFactory)
    fiscal_year = 2023
    dmp_required = ProgramRequirement.Level.YES
    metadata_required = True
