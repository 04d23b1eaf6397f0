"""Demo funding programs (idempotent). The full set of the government's report (141 competitive
programs over fiscal years) is loaded by the policy issue's demo; these are the programs the demo
projects use."""

from portal.models import Funder

from .models import FundingProgram, ProgramRequirement

PROGRAMS = [
    # funder, name_ja, name_en, code, {fiscal_year: (dmp_required, metadata_required)}
    ("JST", "ムーンショット型研究開発事業 目標1", "Moonshot R&D Program Goal 1", "MJMS", {2023: ("yes", True)}),
    ("JST", "ムーンショット型研究開発事業 目標3", "Moonshot R&D Program Goal 3", "MJMS", {2023: ("yes", True)}),
    ("BRAIN", "ムーンショット型研究開発事業 目標5", "Moonshot R&D Program Goal 5", "JPJ0", {2023: ("yes", True)}),
    ("JST", "戦略的創造研究推進事業 CREST", "Strategic Basic Research Programs CREST", "MJCR", {2023: ("yes", True)}),
    ("JSPS", "科学研究費助成事業 基盤研究(B)", "KAKENHI Grant-in-Aid for Scientific Research (B)", "",
     {2023: ("partly", False), 2024: ("yes", True)}),
    ("AMED", "革新的先端研究開発支援事業", "Advanced Research and Development Programs for Medical Innovation", "",
     {2023: ("yes", True)}),
    ("NEDO", "戦略的イノベーション創造プログラム（SIP）", "Cross-ministerial Strategic Innovation Promotion Program (SIP)",
     "", {2023: ("yes", True)}),
]


def load(stdout) -> dict[str, FundingProgram]:
    programs = {}
    for funder_code, name_ja, name_en, code, years in PROGRAMS:
        program, _ = FundingProgram.objects.update_or_create(
            funder=Funder.objects.get(code=funder_code), name_ja=name_ja,
            defaults={"name_en": name_en, "code": code, "competitive": True},
        )
        for year, (dmp, metadata) in years.items():
            ProgramRequirement.objects.update_or_create(
                program=program, fiscal_year=year, defaults={"dmp_required": dmp, "metadata_required": metadata}
            )
        programs[name_en] = program
    return programs
