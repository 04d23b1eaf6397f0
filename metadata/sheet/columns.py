"""The sheet's layouts (metadata-elements.md §6).

`ja` and `en` are the official sheets: exactly the 30 columns, in the official order, one header row,
headers and values in the sheet's language (a bilingual element gives its value in that language, or the
other one when it has none). `portal` is the portal's own layout, never the default: both languages of
every bilingual element (the other language's column marked （英語）/ (Japanese)), names as
“Japanese|English”, and the two GRDM elements the official sheet lacks (type of data manager, access
rights of the metadata), so that a file carries a whole record. Import maps headers by name and reads any
of them, and the older 23-column sheet."""

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str  # the element: a field name, or the base of a bilingual pair (`title` → title_ja, title_en)
    ja: str
    en: str
    bilingual: bool = False


OFFICIAL: list[Column] = [
    Column("funder", "資金配分機関情報", "Funder"),
    Column("program_code", "体系的番号におけるプログラム情報コード", "Funding stream code in Japan Grant Number"),
    Column("program_name", "プログラム名", "Program name"),
    Column("grant_number", "体系的番号", "Japan Grant Number"),
    Column("project_name", "プロジェクト名", "Project name"),
    Column("data_no", "データNo.", "Data No."),
    Column("title", "データの名称", "Title", True),
    Column("issued_date", "掲載日・掲載更新日", "Date (Issued / Updated)"),
    Column("description", "データの説明", "Description", True),
    Column("research_field", "データの分野", "Research field"),
    Column("data_type", "データ種別", "Data type"),
    Column("file_size", "概略データ量", "File size"),
    Column("provision_policy", "管理対象データの利活用・提供方針 (有償/無償)",
           "Data utilization and provision policy(Free/Consideration)"),
    Column("license", "管理対象データの利活用・提供方針(ライセンス)", "Data utilization and provision policy(License)"),
    Column("citation", "管理対象データの利活用・提供方針(引用方法等)",
           "Data utilization and provision policy(citation information)", True),
    Column("access_right", "アクセス権", "Access rights"),
    Column("embargo_until", "公開予定日 (公開期間猶予の場合)", "Publication date (for embargoed access)"),
    Column("repository_info", "リポジトリ情報", "Repository information", True),
    Column("repository_url", "リポジトリURL・DOIリンク", "Repository URL/ DOI link"),
    Column("creators", "データ作成者", "Creator Name"),
    Column("creator_numbers", "データ作成者の研究者番号", "Creator name identifier (e-Rad)"),
    Column("hosting_institution", "データ管理機関", "Hosting institution", True),
    Column("hosting_institution_ror", "データ管理機関コード", "Hosting institution Identifier"),
    Column("data_managers", "データ管理者", "Data manager"),
    Column("data_manager_numbers", "データ管理者の研究者番号", "Data manager identifier (e-Rad)"),
    Column("contact_org", "データ管理者の所属組織名", "Contact organization of data manager", True),
    Column("contact_address", "データ管理者の所属機関の連絡先住所", "Contact address of data manager", True),
    Column("contact_phone", "データ管理者の所属機関の連絡先電話番号", "Contact phone number of data manager"),
    Column("contact_email", "データ管理者の所属機関の連絡先メールアドレス", "Contact mail address of data manager"),
    Column("remarks", "備考", "Remarks", True),
]
PORTAL_EXTRA: list[Column] = [
    Column("data_manager_type", "データ管理者の種類", "Type of data manager"),
    Column("metadata_access", "メタデータのアクセス権", "Access rights of metadata"),
]
# The 2021 sheet's headers that the current sheet names differently.
OLD_HEADERS = {"e-Radの課題番号": "grant_number", "データ管理組織": "hosting_institution_ja",
               "データ管理者の連絡先": "contact"}
LAYOUTS = ("ja", "en", "portal")
OTHER_MARK = {"ja": "（英語）", "en": " (Japanese)"}  # the portal layout's second column of a bilingual pair

# Project columns other than the grant number only describe the project: an import reads them not.
PROJECT_INFO = ("funder", "program_code", "program_name", "project_name")
# Coded columns and the vocabulary (metadata.formats.common.labels) they take their labels from.
CODED = {"research_field": "research_field", "data_type": "data_type", "provision_policy": "provision_policy",
         "license": "license", "access_right": "access_right", "metadata_access": "metadata_access",
         "data_manager_type": "data_manager_type"}
DATES = ("issued_date", "embargo_until")
PEOPLE = {"creator": ("creators", "creator_numbers"), "data_manager": ("data_managers", "data_manager_numbers")}


def layout(name: str, language: str) -> list[tuple[str, str]]:
    """(key, header) of each column of a layout: `ja`, `en`, or `portal` (headers in `language`)."""
    if name in ("ja", "en"):
        return [(f"{c.key}_{name}" if c.bilingual else c.key, c.ja if name == "ja" else c.en) for c in OFFICIAL]
    first, second = ("ja", "en") if language == "ja" else ("en", "ja")
    columns = []
    for column in OFFICIAL + PORTAL_EXTRA:
        label = column.ja if language == "ja" else column.en
        if column.bilingual:
            columns += [(f"{column.key}_{first}", label), (f"{column.key}_{second}", label + OTHER_MARK[language])]
        else:
            columns.append((column.key, label))
    return columns


def normal(header: str) -> str:
    """A header as it is matched: NFKC, case and spacing ignored (full- and half-width alike)."""
    return "".join(unicodedata.normalize("NFKC", header).casefold().split())


def _by_header() -> dict[str, str]:
    keys = {}
    for column in OFFICIAL + PORTAL_EXTRA:
        if column.bilingual:
            keys |= {column.ja: f"{column.key}_ja", column.en: f"{column.key}_en",
                     column.ja + OTHER_MARK["ja"]: f"{column.key}_en", column.en + OTHER_MARK["en"]: f"{column.key}_ja",
                     column.en + " (English)": f"{column.key}_en"}
        else:
            keys |= {column.ja: column.key, column.en: column.key}
    return {normal(h): key for h, key in (keys | OLD_HEADERS).items()}


BY_HEADER = _by_header()


def header_of(key: str, language: str) -> str:
    """The header of a key in `language`, for messages about a column that the file lacks."""
    return next(h for k, h in layout("portal", language) if k == key)
