"""Demo managed data (design.md §7), in every curation state and access class (idempotent: a record
that exists, by project and data No., is left as it is)."""

import datetime

from django.utils import timezone

from portal.models import User

from .models import ManagedData
from .services import managed_data_create, managed_data_transition
from .vocabularies import Status

HOSTING = {"hosting_institution_ja": "東都大学", "hosting_institution_en": "Toto University",
           "hosting_institution_ror": ""}
CONTACT = {"contact_org_ja": "東都大学 研究推進部", "contact_org_en": "Research Promotion Office, Toto University",
           "contact_email": "rdm@demo.example.ac.jp"}
ME = {"name_ja": "研究 花子", "name_en": "Hanako Kenkyu", "erad_researcher_number": "30413925",
      "affiliation_ja": "東都大学", "affiliation_en": "Toto University"}
JIRO = {"name_ja": "実験 次郎", "name_en": "Jiro Jikken", "erad_researcher_number": "20512345",
        "affiliation_ja": "東都大学", "affiliation_en": "Toto University"}

RECORDS = [
    # grant, data No., target state, fields, people
    ("JPMJMS2011", "1", Status.PUBLISHED, {
        "title_ja": "日常対話コーパス", "title_en": "Daily dialogue corpus",
        "description_ja": "アバターを介した日常対話を書き起こしたコーパス。GitHubで公開。",
        "description_en": "A corpus of transcribed everyday dialogues held through avatars, published on GitHub.",
        "data_type": "recorded data", "file_size": "1.2GB", "license": "CCBY", "access_right": "open access",
        "citation_ja": "研究花子 (2025) 日常対話コーパス", "citation_en": "Kenkyu H. (2025) Daily dialogue corpus",
        "repository_info_ja": "GitHub", "repository_info_en": "GitHub",
        "repository_url": "https://github.com/example/daily-dialogue-corpus", "issued_date": "2025-04-01"},
     [("creator", ME), ("data_manager", ME)]),
    ("JPMJMS2011", "2", Status.PUBLISHED, {
        "title_ja": "BMI操作中の頭皮脳波データ", "title_en": "Scalp EEG during BMI operation",
        "description_ja": "ブレイン・マシン・インタフェース操作中に計測した頭皮脳波。OpenNeuroで公開。",
        "description_en": "Scalp EEG recorded while participants operated a brain-machine interface; on OpenNeuro.",
        "data_type": "measurement and test data", "file_size": "38GB", "license": "CC0", "research_field": "189",
        "access_right": "open access", "citation_en": "Jikken J. et al. (2025) Scalp EEG during BMI operation",
        "repository_info_en": "OpenNeuro", "repository_url": "10.18112/openneuro.ds000001.v1.0.0",
        "issued_date": "2025-06-15"},
     [("creator", JIRO), ("creator", ME), ("data_manager", JIRO)]),
    ("JPMJMS2293", "1", Status.PUBLISHED, {
        "title_ja": "ロボット把持学習データ", "title_en": "Robot grasping learning data",
        "description_ja": "多指ハンドによる把持動作の学習用データ。", "description_en": "Learning data of grasps by a multi-fingered hand.",
        "data_type": "experimental data", "file_size": "250GB", "license": "CCBYNC", "access_right": "open access",
        "citation_en": "Kenkyu H. (2025) Robot grasping learning data", "issued_date": "2025-09-01"},
     [("creator", ME), ("data_manager", ME)]),
    ("JPJ009237", "1", Status.PUBLISHED, {
        "title_ja": "土壌微生物叢アトラスデータ", "title_en": "Soil microbiome atlas data",
        "description_ja": "全国の圃場から採取した土壌の微生物叢解析データ。プロジェクト内で共有。",
        "description_en": "Microbiome profiles of soils sampled from farms nationwide; shared within the project.",
        "data_type": "genomic data", "file_size": "2TB", "license": "NO_LICENSE", "access_right": "restricted access",
        "citation_ja": "利用時はデータ管理者に連絡してください。", "issued_date": "2025-03-01"},
     [("creator", JIRO), ("data_manager", JIRO)]),
    ("JPJ009237", "2", Status.PUBLISHED, {
        "title_ja": "温室効果ガス土壌フラックスデータ", "title_en": "Greenhouse-gas soil flux data",
        "description_ja": "土壌からのメタン・亜酸化窒素フラックス観測データ。",
        "description_en": "Observed methane and nitrous oxide fluxes from soils.",
        "data_type": "observational data", "file_size": "12GB", "license": "CCBY", "access_right": "restricted access",
        "citation_en": "Jikken J. (2025) Greenhouse-gas soil flux data", "issued_date": "2025-05-20"},
     [("creator", JIRO), ("data_manager", JIRO)]),
    ("JP21ae0121001", "1", Status.PUBLISHED, {
        "title_ja": "慢性炎症患者の臨床データ", "title_en": "Clinical data of chronic inflammation patients",
        "description_ja": "個人情報を含むため非公開。", "description_en": "Closed: contains personal data.",
        "data_type": "clinical trial data", "license": "NO_LICENSE", "access_right": "metadata only access",
        "metadata_access": "closed access", "citation_ja": "非公開", "research_field": "189"},
     [("creator", JIRO), ("data_manager", JIRO)]),
    ("JP24K00366", "1", Status.PUBLISHED, {
        "title_ja": "大規模日本語書き言葉コーパス", "title_en": "Large written Japanese corpus",
        "description_ja": "論文公開後に公開予定のコーパス。", "description_en": "A corpus to be released after the paper.",
        "data_type": "dataset", "file_size": "500GB", "license": "CCBYSA", "access_right": "embargoed access",
        "embargo_until": "EMBARGO", "citation_en": "Kenkyu H. (2026) Large written Japanese corpus"},
     [("creator", ME), ("data_manager", ME)]),
    ("JP24K00366", "2", Status.PUBLISHED, {
        "title_ja": "方言音声アノテーション（学内限定）", "title_en": "Dialect speech annotations (institution only)",
        "description_ja": "学内の研究者のみメタデータを閲覧可能。", "description_en": "Metadata visible within the institution.",
        "data_type": "recorded data", "license": "CCBYNC", "access_right": "restricted access",
        "metadata_access": "restricted access", "citation_en": "Kenkyu H. (2025) Dialect speech annotations"},
     [("creator", ME), ("data_manager", ME)]),
    ("JP24K00366", "3", Status.SUBMITTED, {
        "title_ja": "品詞タグ付きコーパス", "title_en": "POS-tagged corpus", "description_en": "Awaiting curation.",
        "license": "CCBY", "access_right": "open access", "citation_en": "Kenkyu H. (2026) POS-tagged corpus"},
     [("creator", ME), ("data_manager", ME)]),
    ("JP24K00366", "4", Status.RETURNED, {
        "title_ja": "読み時間データ", "title_en": "Reading-time data", "description_ja": "キュレーターから差し戻し。",
        "license": "CCBY", "access_right": "open access", "citation_ja": "研究花子 (2026) 読み時間データ"},
     [("creator", ME), ("data_manager", ME)]),
    ("JPMJMS2293", "2", Status.DRAFT, {
        "title_ja": "触覚センサ時系列（作成中）", "title_en": "Tactile sensor time series (draft)", "license": "",
        "access_right": "open access"},
     [("creator", ME)]),
    ("JPMJMS2011", "3", Status.WITHDRAWN, {
        "title_ja": "旧版対話コーパス", "title_en": "Dialogue corpus, old version",
        "description_en": "Superseded by the daily dialogue corpus.", "license": "CCBY", "access_right": "open access",
        "citation_en": "Kenkyu H. (2024) Dialogue corpus"},
     [("creator", ME), ("data_manager", ME)]),
]

PATHS = {
    Status.DRAFT: [], Status.SUBMITTED: ["submit"], Status.RETURNED: ["submit", "return"],
    Status.PUBLISHED: ["submit", "publish"], Status.WITHDRAWN: ["submit", "publish", "withdraw"],
}
MESSAGES = {"return": "説明文（英語）を追加してください。 / Please add an English description.",
            "withdraw": "新しい版に置き換えました。 / Replaced by a newer version."}


def load(stdout, projects) -> None:
    librarian = User.objects.get(email="librarian@demo.example.ac.jp")
    embargo = (timezone.localdate() + datetime.timedelta(days=180)).isoformat()
    for grant, data_no, state, fields, people in RECORDS:
        project = projects[grant]
        if ManagedData.objects.filter(project=project, data_no=data_no).exists():
            continue
        data = {**HOSTING, **CONTACT, **fields, "data_no": data_no}
        if data.get("embargo_until") == "EMBARGO":
            data["embargo_until"] = embargo
        for key in ("issued_date", "embargo_until"):
            if data.get(key):
                data[key] = datetime.date.fromisoformat(data[key])
        record = managed_data_create(
            project=project, actor=project.pi, data=data,
            people=[{"kind": kind, **person} for kind, person in people],
        )
        for action in PATHS[state]:
            actor = project.pi if action == "submit" else librarian
            managed_data_transition(record_id=record.pk, action=action, actor=actor, message=MESSAGES.get(action, ""))
