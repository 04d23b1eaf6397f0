"""Demo programs, institutions and data policies shaped on the government's report (idempotent).

- 141 competitive funding programs with requirements for FY2022–FY2024; in FY2023, 110 of them require
  a DMP and linked metadata (13 only partly), so dashboard 2 shows 78 %.
- Institutions of every kind; the 4 inter-university research institute corporations and the 24 national
  research and development agencies have all adopted a data policy (dashboard 1 shows 4/4 and 24/24).
The demo projects (dmp/demo.py) use the first programs below by their English names."""

import datetime

from portal.models import Funder, Institution, User

from .models import DataPolicy, FundingProgram, ProgramRequirement
from .services import data_policy_adopt, data_policy_create

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

# More programs, with their FY2023 requirement; names of real programs, then numbered demo programs.
NAMED_PROGRAMS = [
    ("JST", "ムーンショット型研究開発事業 目標2", "Moonshot R&D Program Goal 2", "MJMS"),
    ("JST", "ムーンショット型研究開発事業 目標4", "Moonshot R&D Program Goal 4", "MJMS"),
    ("JST", "ムーンショット型研究開発事業 目標6", "Moonshot R&D Program Goal 6", "MJMS"),
    ("AMED", "ムーンショット型研究開発事業 目標7", "Moonshot R&D Program Goal 7", ""),
    ("JST", "ムーンショット型研究開発事業 目標8", "Moonshot R&D Program Goal 8", "MJMS"),
    ("JST", "ムーンショット型研究開発事業 目標9", "Moonshot R&D Program Goal 9", "MJMS"),
    ("NEDO", "SIP 豊かな食が提供される持続可能なフードチェーンの構築", "SIP Sustainable food chains", ""),
    ("NEDO", "SIP 統合型ヘルスケアシステムの構築", "SIP Integrated healthcare system", ""),
    ("NEDO", "SIP 包摂的コミュニティプラットフォームの構築", "SIP Inclusive community platform", ""),
    ("JST", "SIP ポストコロナ時代の学び方・働き方を実現するプラットフォームの構築", "SIP Learning and working after COVID-19", ""),
    ("NEDO", "SIP 海洋安全保障プラットフォームの構築", "SIP Ocean security platform", ""),
    ("NEDO", "SIP スマートエネルギーマネジメントシステムの構築", "SIP Smart energy management", ""),
    ("NEDO", "SIP サーキュラーエコノミーシステムの構築", "SIP Circular economy", ""),
    ("NEDO", "SIP スマート防災ネットワークの構築", "SIP Smart disaster-resilience network", ""),
    ("NEDO", "SIP スマートインフラマネジメントシステムの構築", "SIP Smart infrastructure management", ""),
    ("NEDO", "SIP スマートモビリティプラットフォームの構築", "SIP Smart mobility platform", ""),
    ("JST", "SIP 人協調型ロボティクスの拡大に向けた基盤技術・ルールの整備", "SIP Human-collaborative robotics", ""),
    ("NEDO", "SIP バーチャルエコノミー拡大に向けた基盤技術・ルールの整備", "SIP Virtual economy", ""),
    ("NEDO", "SIP 先進的量子技術基盤の社会課題への応用促進", "SIP Advanced quantum technologies", ""),
    ("NEDO", "SIP マテリアル事業化イノベーション・育成エコシステムの構築", "SIP Materials innovation ecosystem", ""),
    ("JST", "戦略的創造研究推進事業 さきがけ", "Strategic Basic Research Programs PRESTO", "MJPR"),
    ("JST", "戦略的創造研究推進事業 ACT-X", "Strategic Basic Research Programs ACT-X", "MJAX"),
    ("JST", "戦略的創造研究推進事業 ERATO", "Strategic Basic Research Programs ERATO", "MJER"),
    ("JST", "創発的研究支援事業", "Fusion Oriented REsearch for disruptive Science and Technology", "MJFR"),
    ("JST", "未来社会創造事業", "JST-Mirai Program", "MJMI"),
    ("JST", "研究成果最適展開支援プログラム（A-STEP）", "Adaptable and Seamless Technology Transfer Program", "MJTR"),
    ("JST", "共創の場形成支援プログラム", "COI-NEXT", "MJPF"),
    ("JST", "社会技術研究開発事業", "Research Institute of Science and Technology for Society", "MJRX"),
    ("JST", "地球規模課題対応国際科学技術協力プログラム（SATREPS）", "SATREPS", "MJSA"),
    ("JST", "先端国際共同研究推進事業（ASPIRE）", "ASPIRE", "MJAP"),
    ("JST", "経済安全保障重要技術育成プログラム", "Key and Advanced Technology R&D through Cross Community Collaboration Program", "MJKP"),
    ("AMED", "医療研究開発革新基盤創成事業（CiCLE）", "Cyclic Innovation for Clinical Empowerment", ""),
    ("AMED", "創薬基盤推進研究事業", "Research on Development of New Drugs", ""),
    ("AMED", "再生・細胞医療・遺伝子治療実現加速化プログラム", "Program for Regenerative, Cell and Gene Therapy", ""),
    ("AMED", "ゲノム医療実現バイオバンク利活用プログラム", "Biobank Utilization Program for Genomic Medicine", ""),
    ("AMED", "臨床研究・治験推進研究事業", "Clinical Research and Trial Program", ""),
    ("AMED", "難治性疾患実用化研究事業", "Practical Research Project for Rare / Intractable Diseases", ""),
    ("AMED", "革新的がん医療実用化研究事業", "Practical Research for Innovative Cancer Control", ""),
    ("AMED", "新興・再興感染症研究基盤創生事業", "Research Program on Emerging and Re-emerging Infectious Diseases", ""),
    ("AMED", "脳とこころの研究推進プログラム", "Brain/MINDS 2.0", ""),
    ("AMED", "医療機器等研究成果展開事業", "Development of Medical Devices through Collaboration", ""),
    ("NEDO", "グリーンイノベーション基金事業", "Green Innovation Fund Projects", ""),
    ("NEDO", "官民による若手研究者発掘支援事業", "Program for Young Researchers", ""),
    ("NEDO", "ポスト5G情報通信システム基盤強化研究開発事業", "Post-5G Information and Communication Systems", ""),
    ("NEDO", "次世代人工知能・ロボットの中核となるインテグレート技術開発", "Next-generation AI and Robots", ""),
    ("NEDO", "ムーンショット型研究開発事業 目標4（NEDO）", "Moonshot R&D Program Goal 4 (NEDO)", ""),
    ("BRAIN", "イノベーション創出強化研究推進事業", "Research Program on Development of Innovative Technology", "JPJ0"),
    ("BRAIN", "スマート農業技術の開発・実証・実装プロジェクト", "Smart Agriculture Demonstration Project", "JPJ0"),
    ("BRAIN", "戦略的スマート農業技術等の開発・改良", "Development of Strategic Smart Agriculture Technologies", "JPJ0"),
    ("JSPS", "科学研究費助成事業 特別推進研究", "KAKENHI Grant-in-Aid for Specially Promoted Research", ""),
    ("JSPS", "科学研究費助成事業 基盤研究(S)", "KAKENHI Grant-in-Aid for Scientific Research (S)", ""),
    ("JSPS", "科学研究費助成事業 基盤研究(A)", "KAKENHI Grant-in-Aid for Scientific Research (A)", ""),
    ("JSPS", "科学研究費助成事業 学術変革領域研究(A)", "KAKENHI Grant-in-Aid for Transformative Research Areas (A)", ""),
    ("JSPS", "科学研究費助成事業 学術変革領域研究(B)", "KAKENHI Grant-in-Aid for Transformative Research Areas (B)", ""),
    ("JSPS", "科学研究費助成事業 基盤研究(C)", "KAKENHI Grant-in-Aid for Scientific Research (C)", ""),
    ("JSPS", "科学研究費助成事業 挑戦的研究(開拓)", "KAKENHI Grant-in-Aid for Challenging Research (Pioneering)", ""),
    ("JSPS", "科学研究費助成事業 挑戦的研究(萌芽)", "KAKENHI Grant-in-Aid for Challenging Research (Exploratory)", ""),
    ("JSPS", "科学研究費助成事業 若手研究", "KAKENHI Grant-in-Aid for Early-Career Scientists", ""),
    ("JSPS", "科学研究費助成事業 研究活動スタート支援", "KAKENHI Grant-in-Aid for Research Activity Start-up", ""),
    ("JSPS", "科学研究費助成事業 国際共同研究加速基金", "KAKENHI Fund for the Promotion of Joint International Research", ""),
    ("JSPS", "科学研究費助成事業 特別研究員奨励費", "KAKENHI Grant-in-Aid for JSPS Fellows", ""),
    ("JSPS", "課題設定による先導的人文学・社会科学研究推進事業", "Program for Humanities and Social Sciences", ""),
    ("MEXT", "科学技術試験研究委託事業", "Commissioned Research of MEXT", ""),
    ("MEXT", "光・量子飛躍フラッグシッププログラム（Q-LEAP）", "Q-LEAP", ""),
    ("MEXT", "データ創出・活用型マテリアル研究開発プロジェクト", "Data Creation and Utilization-Type Materials R&D", ""),
]
DEMO_PROGRAM_FUNDERS = ("JST", "AMED", "NEDO", "BRAIN", "JSPS", "MEXT")
TOTAL_PROGRAMS = 141
# FY2023, as the report gives it: 110 of 141 adopted, 13 of them partly.
FY2023_YES, FY2023_PARTLY = 97, 13


def _fy2023_levels() -> list[str]:
    """The FY2023 level of every extra program, after the seven above (six yes, one partly)."""
    extra = TOTAL_PROGRAMS - len(PROGRAMS)
    yes, partly = FY2023_YES - 6, FY2023_PARTLY - 1
    return ["yes"] * yes + ["partly"] * partly + ["no"] * (extra - yes - partly)


def _years(level_2023: str, index: int) -> dict[int, tuple[str, bool]]:
    """FY2022 lags behind FY2023 and FY2024 is ahead, so the per-year chart shows progress."""
    before = {"yes": "yes" if index % 3 else "partly", "partly": "no" if index % 2 else "partly", "no": "no"}
    after = {"yes": "yes", "partly": "yes", "no": "partly" if index % 2 else "no"}
    levels = {2022: before[level_2023], 2023: level_2023, 2024: after[level_2023]}
    return {year: (level, level == "yes") for year, level in levels.items()}


def all_programs() -> list[tuple]:
    rows = []
    for index, (funder, name_ja, name_en, code, years) in enumerate(PROGRAMS):
        rows.append((funder, name_ja, name_en, code, {**_years(years[2023][0], index), **years}))
    extra = list(NAMED_PROGRAMS)
    number = 1
    while len(extra) < TOTAL_PROGRAMS - len(PROGRAMS):
        funder = DEMO_PROGRAM_FUNDERS[number % len(DEMO_PROGRAM_FUNDERS)]
        extra.append((funder, f"公募型研究開発プログラム {number:02d}（デモ）",
                      f"Competitive R&D program {number:02d} (demo)", ""))
        number += 1
    for index, ((funder, name_ja, name_en, code), level) in enumerate(zip(extra, _fy2023_levels(), strict=True)):
        rows.append((funder, name_ja, name_en, code, _years(level, index)))
    return rows


INSTITUTIONS = [
    # code, name_ja, name_en, kind, adopted on (None: no adopted policy)
    *[(f"91000000{n:02d}", ja, en, Institution.Kind.NATIONAL_UNIVERSITY, adopted) for n, (ja, en, adopted) in enumerate([
        ("北嶺大学", "Hokurei University", datetime.date(2021, 3, 1)),
        ("南洋大学", "Nan'yo University", datetime.date(2021, 9, 1)),
        ("青葉大学", "Aoba University", datetime.date(2022, 4, 1)),
        ("緑丘大学", "Midorigaoka University", datetime.date(2022, 10, 1)),
        ("白浜大学", "Shirahama University", datetime.date(2023, 3, 1)),
        ("朝霧大学", "Asagiri University", datetime.date(2023, 12, 1)),
        ("若葉大学", "Wakaba University", datetime.date(2024, 6, 1)),
        ("桜ヶ丘大学", "Sakuragaoka University", datetime.date(2025, 2, 1)),
        ("星川大学", "Hoshikawa University", None),
        ("湖東大学", "Koto University", None),
        ("山城大学", "Yamashiro University", None),
    ], start=1)],
    *[(f"92000000{n:02d}", ja, en, Institution.Kind.INTER_UNIVERSITY, datetime.date(2021 + n % 3, 4, 1))
      for n, (ja, en) in enumerate([
          ("大学共同利用機関法人人間文化研究機構", "National Institutes for the Humanities"),
          ("大学共同利用機関法人自然科学研究機構", "National Institutes of Natural Sciences"),
          ("大学共同利用機関法人高エネルギー加速器研究機構", "High Energy Accelerator Research Organization"),
          ("大学共同利用機関法人情報・システム研究機構", "Research Organization of Information and Systems"),
      ], start=1)],
    *[(f"93000000{n:02d}", ja, en, Institution.Kind.NATIONAL_RD_AGENCY, datetime.date(2019 + n % 4, 1 + n % 12, 1))
      for n, (ja, en) in enumerate([
          ("国立研究開発法人情報通信研究機構", "National Institute of Information and Communications Technology"),
          ("国立研究開発法人酒類総合研究所", "National Research Institute of Brewing"),
          ("国立研究開発法人物質・材料研究機構", "National Institute for Materials Science"),
          ("国立研究開発法人防災科学技術研究所", "National Research Institute for Earth Science and Disaster Resilience"),
          ("国立研究開発法人量子科学技術研究開発機構", "National Institutes for Quantum Science and Technology"),
          ("国立研究開発法人科学技術振興機構", "Japan Science and Technology Agency"),
          ("国立研究開発法人理化学研究所", "RIKEN"),
          ("国立研究開発法人宇宙航空研究開発機構", "Japan Aerospace Exploration Agency"),
          ("国立研究開発法人海洋研究開発機構", "Japan Agency for Marine-Earth Science and Technology"),
          ("国立研究開発法人日本原子力研究開発機構", "Japan Atomic Energy Agency"),
          ("国立研究開発法人医薬基盤・健康・栄養研究所", "National Institutes of Biomedical Innovation, Health and Nutrition"),
          ("国立研究開発法人農業・食品産業技術総合研究機構", "National Agriculture and Food Research Organization"),
          ("国立研究開発法人国際農林水産業研究センター", "Japan International Research Center for Agricultural Sciences"),
          ("国立研究開発法人森林研究・整備機構", "Forest Research and Management Organization"),
          ("国立研究開発法人水産研究・教育機構", "Japan Fisheries Research and Education Agency"),
          ("国立研究開発法人産業技術総合研究所", "National Institute of Advanced Industrial Science and Technology"),
          ("国立研究開発法人新エネルギー・産業技術総合開発機構", "New Energy and Industrial Technology Development Organization"),
          ("国立研究開発法人土木研究所", "Public Works Research Institute"),
          ("国立研究開発法人建築研究所", "Building Research Institute"),
          ("国立研究開発法人海上・港湾・航空技術研究所", "National Institute of Maritime, Port and Aviation Technology"),
          ("国立研究開発法人国立環境研究所", "National Institute for Environmental Studies"),
          ("国立研究開発法人日本医療研究開発機構", "Japan Agency for Medical Research and Development"),
          ("国立研究開発法人国立がん研究センター", "National Cancer Center"),
          ("国立研究開発法人国立循環器病研究センター", "National Cerebral and Cardiovascular Center"),
      ], start=1)],
    *[(f"94000000{n:02d}", ja, en, Institution.Kind.PUBLIC_UNIVERSITY, adopted) for n, (ja, en, adopted) in enumerate([
        ("市立港湾大学", "Kowan City University", datetime.date(2023, 4, 1)),
        ("県立高原大学", "Kogen Prefectural University", datetime.date(2024, 10, 1)),
        ("府立川辺大学", "Kawabe Prefectural University", None),
        ("県立海浜大学", "Kaihin Prefectural University", None),
    ], start=1)],
    *[(f"95000000{n:02d}", ja, en, Institution.Kind.PRIVATE_UNIVERSITY, adopted) for n, (ja, en, adopted) in enumerate([
        ("明星学院大学", "Myojo Gakuin University", datetime.date(2022, 4, 1)),
        ("光陽大学", "Koyo University", datetime.date(2024, 4, 1)),
        ("春風大学", "Harukaze University", None),
        ("秋月大学", "Akizuki University", None),
    ], start=1)],
    ("9600000001", "一般財団法人未来研究所", "Mirai Research Foundation", Institution.Kind.OTHER, None),
    ("9600000002", "公益財団法人海洋生物研究所", "Marine Biology Research Institute", Institution.Kind.OTHER, None),
]

TOTO_POLICIES = [  # 東都大学 (the demo institution): an adopted version, its predecessor and a draft
    ("東都大学研究データポリシー", "Toto University Research Data Policy", "1.0", datetime.date(2021, 3, 15)),
    ("東都大学研究データポリシー", "Toto University Research Data Policy", "2.0", datetime.date(2024, 4, 1)),
    ("東都大学研究データポリシー（改定案）", "Toto University Research Data Policy (draft revision)", "3.0", None),
]


def _policy(institution, actor, title_ja, title_en, version, adopted_on):
    policy = data_policy_create(institution=institution, actor=actor, data={
        "title_ja": title_ja, "title_en": title_en, "version": version,
        "document_url": f"https://demo.example.org/policies/{institution.code}-{version}.pdf",
        "summary_ja": "研究データの管理・公開・保存に関する基本方針。",
        "summary_en": "How research data are managed, shared and preserved.",
    })
    if adopted_on:
        data_policy_adopt(policy_id=policy.pk, actor=actor, adopted_on=adopted_on)


def load(stdout) -> dict[str, FundingProgram]:
    programs = {}
    funders = {f.code: f for f in Funder.objects.all()}
    for funder_code, name_ja, name_en, code, years in all_programs():
        program, _ = FundingProgram.objects.update_or_create(
            funder=funders[funder_code], name_ja=name_ja,
            defaults={"name_en": name_en, "code": code, "competitive": True},
        )
        for year, (dmp, metadata) in years.items():
            ProgramRequirement.objects.update_or_create(
                program=program, fiscal_year=year, defaults={"dmp_required": dmp, "metadata_required": metadata}
            )
        programs[name_en] = program
    operator = User.objects.get(email="operator@demo.example.ac.jp")
    for code, name_ja, name_en, kind, adopted_on in INSTITUTIONS:
        institution, _ = Institution.objects.update_or_create(
            code=code, defaults={"name_ja": name_ja, "name_en": name_en, "kind": kind})
        if adopted_on and not DataPolicy.objects.filter(institution=institution).exists():
            _policy(institution, operator, f"{name_ja}研究データポリシー", f"{name_en} Research Data Policy", "1.0",
                    adopted_on)
    toto = Institution.objects.get(code="9000000001")
    if not DataPolicy.objects.filter(institution=toto).exists():
        for row in TOTO_POLICIES:
            _policy(toto, operator, *row)
    return programs
