"""Demo data for people and organisations (idempotent)."""

from .models import Department, Funder, Institution, Role, RoleAssignment, User

DEMO_PASSWORD = "demo-portal-2026"

INSTITUTIONS = [
    # code, name_ja, name_en, kind, ror, runs_repository
    ("9000000001", "東都大学", "Toto University", Institution.Kind.NATIONAL_UNIVERSITY, "", True),
    ("9000000002", "西都工業大学", "Saito Institute of Technology", Institution.Kind.PRIVATE_UNIVERSITY, "", False),
]

DEPARTMENTS = {
    "9000000001": [
        ("大学院情報学研究科", "Graduate School of Informatics"),
        ("医学部附属病院", "University Hospital"),
        ("農学研究科", "Graduate School of Agriculture"),
        ("工学研究科", "Graduate School of Engineering"),
    ],
    "9000000002": [("ロボティクス学科", "Department of Robotics")],
}

FUNDERS = [
    # code, name_ja, name_en, e-Rad code, Crossref Funder ID
    ("JST", "国立研究開発法人科学技術振興機構", "Japan Science and Technology Agency", "1020", "10.13039/501100002241"),
    ("AMED", "国立研究開発法人日本医療研究開発機構", "Japan Agency for Medical Research and Development",
     "303", "10.13039/100009619"),
    ("NEDO", "国立研究開発法人新エネルギー・産業技術総合開発機構",
     "New Energy and Industrial Technology Development Organization", "1305", "10.13039/501100001863"),
    ("BRAIN", "国立研究開発法人農業・食品産業技術総合研究機構 生物系特定産業技術研究支援センター",
     "Bio-oriented Technology Research Advancement Institution", "", ""),
    ("JSPS", "独立行政法人日本学術振興会", "Japan Society for the Promotion of Science", "1025",
     "10.13039/501100001691"),
    ("MEXT", "文部科学省", "Ministry of Education, Culture, Sports, Science and Technology", "1001",
     "10.13039/501100001700"),
]

USERS = [
    # email, family/given ja, family/given en, role, institution code or funder code, department index, staff
    ("researcher@demo.example.ac.jp", "研究", "花子", "Kenkyu", "Hanako", Role.RESEARCHER, "9000000001", 0),
    ("researcher2@demo.example.ac.jp", "実験", "次郎", "Jikken", "Jiro", Role.RESEARCHER, "9000000001", 1),
    ("reviewer@demo.example.ac.jp", "審査", "一郎", "Shinsa", "Ichiro", Role.REVIEWER, "9000000001", None),
    ("librarian@demo.example.ac.jp", "司書", "文子", "Shisho", "Fumiko", Role.LIBRARIAN, "9000000001", None),
    ("admin@demo.example.ac.jp", "管理", "正人", "Kanri", "Masato", Role.INSTITUTION_ADMIN, "9000000001", None),
    ("funder@demo.example.jst.go.jp", "配分", "由美", "Haibun", "Yumi", Role.FUNDER_OFFICER, "JST", None),
    ("robotics@demo.example.ac.jp", "機械", "健", "Kikai", "Ken", Role.RESEARCHER, "9000000002", 0),
]


def load(stdout) -> list[tuple[str, str, str]]:
    """Create or refresh the demo organisations and accounts; return (e-mail, role, password) rows."""
    institutions = {}
    for code, name_ja, name_en, kind, ror, repo in INSTITUTIONS:
        institutions[code], _ = Institution.objects.update_or_create(
            code=code, defaults={"name_ja": name_ja, "name_en": name_en, "kind": kind, "ror": ror,
                                 "runs_repository": repo}
        )
        for name_ja_d, name_en_d in DEPARTMENTS[code]:
            Department.objects.update_or_create(
                institution=institutions[code], name_ja=name_ja_d, defaults={"name_en": name_en_d}
            )
    funders = {}
    for code, name_ja, name_en, erad, crossref in FUNDERS:
        funders[code], _ = Funder.objects.update_or_create(
            code=code,
            defaults={"name_ja": name_ja, "name_en": name_en, "erad_code": erad, "crossref_funder_id": crossref},
        )
    accounts = []
    for email, fja, gja, fen, gen, role, org, dept in USERS:
        user, _ = User.objects.update_or_create(
            email=email,
            defaults={"family_name_ja": fja, "given_name_ja": gja, "family_name_en": fen,
                      "given_name_en": gen},
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role == Role.FUNDER_OFFICER:
            RoleAssignment.objects.get_or_create(user=user, role=role, funder=funders[org])
        else:
            department = None
            if dept is not None:
                department = institutions[org].departments.order_by("pk")[dept]
            RoleAssignment.objects.update_or_create(
                user=user, role=role, institution=institutions[org], defaults={"department": department}
            )
        accounts.append((email, str(Role(role).label), DEMO_PASSWORD))
    operator, _ = User.objects.update_or_create(
        email="operator@demo.example.ac.jp",
        defaults={"family_name_en": "Operator", "is_staff": True, "is_superuser": True},
    )
    operator.set_password(DEMO_PASSWORD)
    operator.save()
    accounts.append((operator.email, "operator (superuser)", DEMO_PASSWORD))
    return accounts
