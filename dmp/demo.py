"""Demo projects (idempotent). DMPs themselves are added by the DMP issue's demo."""

import datetime

from portal.models import Department, Institution, User

from .models import Project, ProjectMember

PROJECTS = [
    # grant number, name_ja, name_en, program (en), field, PI e-mail, department (en), members
    ("JPMJMS2011", "アバターと共生する日常対話基盤の構築", "Everyday dialogue infrastructure for living with avatars",
     "Moonshot R&D Program Goal 1", "289", "researcher@demo.example.ac.jp", "Graduate School of Informatics",
     ["researcher2@demo.example.ac.jp"]),
    ("JPMJMS2293", "学習するロボットの把持技能", "Grasping skills of learning robots",
     "Moonshot R&D Program Goal 3", "689", "researcher@demo.example.ac.jp", "Graduate School of Engineering", []),
    ("JPJ009237", "土壌微生物叢アトラスによる持続的食料生産", "Soil microbiome atlas for sustainable food production",
     "Moonshot R&D Program Goal 5", "389", "researcher2@demo.example.ac.jp", "Graduate School of Agriculture",
     ["researcher@demo.example.ac.jp"]),
    ("JP21ae0121001", "慢性炎症の臨床データ解析", "Clinical data analysis of chronic inflammation",
     "Advanced Research and Development Programs for Medical Innovation", "189", "researcher2@demo.example.ac.jp",
     "University Hospital", []),
    ("JP24K00366", "大規模言語資源の構築と評価", "Building and evaluating large language resources",
     "KAKENHI Grant-in-Aid for Scientific Research (B)", "900", "researcher@demo.example.ac.jp",
     "Graduate School of Informatics", []),
]


def load(stdout, programs) -> dict[str, Project]:
    institution = Institution.objects.get(code="9000000001")
    projects = {}
    for grant, name_ja, name_en, program, field, pi, dept, members in PROJECTS:
        project, _ = Project.objects.update_or_create(
            grant_number=grant,
            defaults={
                "institution": institution, "program": programs[program], "name_ja": name_ja, "name_en": name_en,
                "research_field": field, "pi": User.objects.get(email=pi),
                "department": Department.objects.get(institution=institution, name_en=dept),
                "start_date": datetime.date(2023, 4, 1), "end_date": datetime.date(2028, 3, 31),
            },
        )
        for email in members:
            ProjectMember.objects.get_or_create(project=project, user=User.objects.get(email=email))
        projects[grant] = project
    return projects
