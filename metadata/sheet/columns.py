"""The sheet's columns, in the official order of the common metadata elements (metadata-elements.md §6).

Variant (documented in the README): row 1 holds the Japanese headers and row 2 the English ones, as GRDM
spells them. Every bilingual element has two columns, the Japanese value under the official header
and the English value under the same header marked （英語）/ (English), so that a file carries a
whole record and re-imports without loss. Two GRDM elements that the official sheet lacks come last:
the type of data manager and the access rights of the metadata. Several people go in one cell,
separated by “;”, each as “Japanese name|English name”; their researcher numbers follow in the same
order in the next column."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    ja: str
    en: str


def _pair(key: str, ja: str, en: str) -> list[Column]:
    return [Column(f"{key}_ja", ja, en), Column(f"{key}_en", f"{ja}（英語）", f"{en} (English)")]


COLUMNS: list[Column] = [
    Column("funder", "資金配分機関情報", "Funder"),
    Column("program_code", "体系的番号におけるプログラム情報コード", "Funding stream code in Japan Grant Number"),
    Column("program_name", "プログラム名", "Program name"),
    Column("grant_number", "体系的番号", "Japan Grant Number"),
    Column("project_name", "プロジェクト名", "Project name"),
    Column("data_no", "データNo.", "Data No."),
    *_pair("title", "データの名称", "Title"),
    Column("issued_date", "掲載日・掲載更新日", "Date (Issued / Updated)"),
    *_pair("description", "データの説明", "Description"),
    Column("research_field", "データの分野", "Research field"),
    Column("data_type", "データ種別", "Data type"),
    Column("file_size", "概略データ量", "File size"),
    Column("provision_policy", "管理対象データの利活用・提供方針 (有償/無償)",
           "Data utilization and provision policy(Free/Consideration)"),
    Column("license", "管理対象データの利活用・提供方針(ライセンス)", "Data utilization and provision policy(License)"),
    *_pair("citation", "管理対象データの利活用・提供方針(引用方法等)",
           "Data utilization and provision policy(citation information)"),
    Column("access_right", "アクセス権", "Access rights"),
    Column("embargo_until", "公開予定日 (公開期間猶予の場合)", "Publication date (for embargoed access)"),
    *_pair("repository_info", "リポジトリ情報", "Repository information"),
    Column("repository_url", "リポジトリURL・DOIリンク", "Repository URL/ DOI link"),
    Column("creators", "データ作成者", "Creator Name"),
    Column("creator_numbers", "データ作成者の研究者番号", "Creator name identifier (e-Rad)"),
    *_pair("hosting_institution", "データ管理機関", "Hosting institution"),
    Column("hosting_institution_ror", "データ管理機関コード", "Hosting institution Identifier"),
    Column("data_managers", "データ管理者", "Data manager"),
    Column("data_manager_numbers", "データ管理者の研究者番号", "Data manager identifier (e-Rad)"),
    *_pair("contact_org", "データ管理者の所属組織名", "Contact organization of data manager"),
    *_pair("contact_address", "データ管理者の所属機関の連絡先住所", "Contact address of data manager"),
    Column("contact_phone", "データ管理者の所属機関の連絡先電話番号", "Contact phone number of data manager"),
    Column("contact_email", "データ管理者の所属機関の連絡先メールアドレス", "Contact mail address of data manager"),
    *_pair("remarks", "備考", "Remarks"),
    Column("data_manager_type", "データ管理者の種類", "Type of data manager"),
    Column("metadata_access", "メタデータのアクセス権", "Access rights of metadata"),
]

BY_HEADER = {header.strip().casefold(): column for column in COLUMNS for header in (column.ja, column.en)}
# Project columns other than the grant number only describe the project: an import reads them not.
PROJECT_INFO = ("funder", "program_code", "program_name", "project_name")
# Coded columns and the vocabulary (metadata.formats.common.labels) they take their labels from.
CODED = {"research_field": "research_field", "data_type": "data_type", "provision_policy": "provision_policy",
         "license": "license", "access_right": "access_right", "metadata_access": "metadata_access",
         "data_manager_type": "data_manager_type"}
DATES = ("issued_date", "embargo_until")
PEOPLE = {"creator": ("creators", "creator_numbers"), "data_manager": ("data_managers", "data_manager_numbers")}


def header(column: Column, language: str) -> str:
    return column.ja if language == "ja" else column.en
