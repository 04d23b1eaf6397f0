"""Demo projects (idempotent), and their DMPs in every review state (`load_dmps`, once the managed data
exists, so that submitted versions freeze the dataset rows)."""

import datetime

from portal.models import Department, Institution, User

from .models import DMP, Project, ProjectMember, QuestionType, TemplateQuestion
from .services import (
    dmp_create,
    dmp_save_answers,
    dmp_transition,
    review_comment_add,
    review_comment_resolve,
    template_load_shipped,
)
from .validators import is_answered_by_project

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
    ("JPMJCR24W1", "研究データ自動記述の基盤技術", "Foundations of automatic research-data description",
     "Strategic Basic Research Programs CREST", "289", "researcher@demo.example.ac.jp",
     "Graduate School of Informatics", ["researcher2@demo.example.ac.jp"]),
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


ANSWERS = {
    "scope": "本プロジェクトで取得・作成する実験データ、観測データ及び論文の根拠データを管理対象データとする。",
    "manager": "研究代表者（研究推進部 研究データ管理担当が支援）",
    "use_policy": "研究期間中はプロジェクト参加者のみが学内ストレージで利用する。",
    "storage_during": "GakuNin RDM",
    "storage_policy": "GakuNin RDM に保存し、学内ストレージに毎日バックアップする。保存期間は10年。",
    "open_policy": "論文の根拠データは原則公開し、個人情報を含むデータは非公開とする。",
    "provision_method": "機関リポジトリから DOI を付与して公開する。",
    "data_location": "東都大学 機関リポジトリ",
    "data_manager": "研究 花子",
    "data_manager_contact": "rdm@demo.example.ac.jp",
    "sensitive_policy": "個人情報は匿名化し、対応表は鍵付き保管庫で管理する。",
    "pi_affiliation": "東都大学 医学部附属病院 教授",
    "hosting_institution": "東都大学",
    "data_creators": "実験 次郎",
    "contractor": "東都大学",
    "acquirers": "東都大学",
}


def _demo_answer(question):
    if question.key in ANSWERS:
        return ANSWERS[question.key]
    if question.type in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE):
        first = question.options[0]["value"]
        return [first] if question.type == QuestionType.MULTI_CHOICE else first
    if question.type == QuestionType.DATE:
        return "2024-04-01"
    if question.type == QuestionType.YES_NO:
        return "no"
    if question.type == QuestionType.NUMBER:
        return "300000"
    return f"（デモ回答）{question.label_ja}"


# grant number -> the path of the demo DMP through the review workflow
PATHS = {
    "JP21ae0121001": [],
    "JPMJMS2293": ["submit"],
    "JPJ009237": ["submit", "comment", "request_changes"],
    "JP24K00366": ["submit", "comment", "request_changes", "fix", "resolve", "submit", "approve"],
    "JPMJMS2011": ["submit", "approve", "revise", "fix"],
    "JPMJCR24W1": ["withdraw"],
}


def load_dmps(stdout, projects) -> None:
    template_load_shipped()
    reviewer = User.objects.get(email="reviewer@demo.example.ac.jp")
    for grant, steps in PATHS.items():
        project = projects[grant]
        if DMP.objects.filter(project=project).exists():
            continue
        dmp = dmp_create(actor=project.pi, project=project)
        questions = [q for q in TemplateQuestion.objects.filter(section__template=dmp.template)
                     if not is_answered_by_project(q)]
        dmp_save_answers(dmp_id=dmp.pk, actor=project.pi, answers={
            q.key: _demo_answer(q) for q in questions if q.required or q.key in ANSWERS})
        commented = next(q for q in questions if q.type == QuestionType.LONG_TEXT)
        for step in steps:
            if step == "comment":
                comment = review_comment_add(
                    version_id=dmp.versions.order_by("-number").first().pk, question_key=commented.key,
                    actor=reviewer, body="保存期間と保存場所を具体的に書いてください。 / Please say where and for how long.")
            elif step == "fix":
                dmp_save_answers(dmp_id=dmp.pk, actor=project.pi, answers={
                    commented.key: _demo_answer(commented) + " 研究終了後10年間、機関リポジトリで保存する。"})
            elif step == "resolve":
                review_comment_resolve(comment_id=comment.pk, actor=project.pi)
            else:
                actor = reviewer if step in ("approve", "request_changes") else project.pi
                message = "保存期間を追記してください。 / Please add the retention period." if step == "request_changes" else ""
                dmp_transition(dmp_id=dmp.pk, action=step, actor=actor, message=message)
