"""What the three export formats share: namespaces, the landing URL and bilingual labels
of the controlled vocabularies (computed once per process, not per record)."""

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import reverse
from lxml import etree

from ..validators import doi_from
from ..vocabularies import License
from .writer import xml_text

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
ERAD_FUNDER_LIST = "https://www.e-rad.go.jp/datasets/files/haibunkikan.csv"
NISTEP_TAIKEI = "https://www.nistep.go.jp/taikei"

# The official Japanese and English labels of the controlled vocabularies (metadata-elements.md §4, §5).
# They are data written into exports and read back from sheets, not interface text, so they are fixed
# here rather than left to the message catalogues.
_LABELS = {
    "research_field": {
        "189": ("ライフサイエンス", "Life Science"), "289": ("情報通信", "Informatics"),
        "389": ("環境", "Environmental Science"), "489": ("ナノテク・材料", "Nanotechnology/Materials"),
        "589": ("エネルギー", "Energy Engineering"), "689": ("ものづくり技術", "Manufacturing Technology"),
        "789": ("社会基盤", "Social Infrastructure"), "889": ("フロンティア", "Frontier Technology"),
        "900": ("人文・社会", "Humanities & Social Sciences"), "1000": ("自然科学一般", "Natural Science"),
        "9999": ("その他", "Others"),
    },
    "data_type": {
        "dataset": "データセット", "aggregated data": "集計データ", "clinical trial data": "臨床試験データ",
        "compiled data": "編集データ", "encoded data": "符号化データ", "experimental data": "実験データ",
        "genomic data": "ゲノムデータ", "geospatial data": "地理空間データ", "laboratory notebook": "実験ノート",
        "measurement and test data": "測定・評価データ", "observational data": "観測データ",
        "recorded data": "記録データ", "simulation data": "シミュレーションデータ", "survey data": "調査データ",
    },
    "provision_policy": {"free": ("無償", "free"), "consideration": ("有償", "consideration")},
    "access_right": {
        "open access": ("公開", "open access"), "restricted access": ("共有", "restricted access"),
        "metadata only access": ("非共有・非公開", "metadata only access"),
        "embargoed access": ("公開期間猶予", "embargoed access"),
    },
    "metadata_access": {
        "open access": ("公開", "open access"), "restricted access": ("共有", "restricted access"),
        "closed access": ("非共有・非公開", "closed access"),
    },
    "data_manager_type": {"individual": ("個人", "individual"), "organization": ("組織", "organization")},
    "license": {"NO_LICENSE": ("ライセンスなし", "No license"), "PD": ("パブリックドメイン", "Public Domain"),
                "OTHER": ("その他", "Other")},
}


@cache
def labels(vocabulary: str) -> dict[str, tuple[str, str]]:
    """{value: (Japanese label, English label)} of one controlled vocabulary."""
    table = _LABELS[vocabulary]
    if vocabulary == "data_type":
        return {value: (ja, value) for value, ja in table.items()}
    if vocabulary == "license":  # the licences' own names are the same in both languages
        return {value: table.get(value, (str(name), str(name))) for value, name in License.choices}
    return dict(table)


def sub(parent, tag: str, text=None, attrib: dict | None = None, lang: str | None = None):
    """Append a child element; returns it. Characters XML cannot carry are left out (defence in depth
    behind the models' validators: one stray control character must not break an export or a harvest)."""
    if attrib:
        element = etree.SubElement(parent, tag, {name: xml_text(value) for name, value in attrib.items()})
    else:
        element = etree.SubElement(parent, tag)
    if lang:
        element.set(XML_LANG, lang)
    if text is not None:
        element.text = xml_text(text)
    return element


@cache
def _landing_url_pattern() -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("metadata:managed-data-detail", args=[0])


def landing_url(record) -> str:
    """PORTAL_BASE_URL + the record's get_absolute_url(), without resolving the URL for every record."""
    return _landing_url_pattern().replace("/0/", f"/{record.pk}/")


@dataclass(frozen=True)
class VersionLink:
    """A link from a record to its previous or next published public version."""

    newer: bool  # the linked version is the next one (else the previous one)
    version: int
    doi: str  # bare, "" if none
    url: str  # its DOI link, else its landing page

    @property
    def identifier_type(self) -> str:
        return "DOI" if self.doi else "URL"


def version_links(record) -> list[VersionLink]:
    """The published public versions just before and after `record` (read from the annotations of
    `with_version_neighbours`, looked up if the record lacks them)."""
    names = [f"{side}_version_{column}" for side in ("previous", "next") for column in ("pk", "doi", "version")]
    if hasattr(record, names[0]):
        values = {name: getattr(record, name) for name in names}
    else:
        values = type(record).objects.with_version_neighbours().filter(pk=record.pk).values(*names).get()
    links = []
    for side, newer in (("previous", False), ("next", True)):
        if pk := values[f"{side}_version_pk"]:
            doi = doi_from(values[f"{side}_version_doi"] or "") or ""
            url = f"https://doi.org/{doi}" if doi else _landing_url_pattern().replace("/0/", f"/{pk}/")
            links.append(VersionLink(newer=newer, version=values[f"{side}_version_version"], doi=doi, url=url))
    return links


def bilingual(obj, field: str) -> list[tuple[str, str]]:
    """[(lang, value)] of a `<field>_ja` / `<field>_en` pair, skipping empty halves."""
    return [(lang, value) for lang in ("ja", "en") if (value := getattr(obj, f"{field}_{lang}").strip())]


def people(persons, kind: str) -> list:
    """The creators or the data managers among a record's people (`record.people.all()`, prefetched)."""
    return [person for person in persons if person.kind == kind]


def issued(record):
    """Element 8, or the day the record was published when none was given."""
    if record.issued_date:
        return record.issued_date
    return record.published_at.date() if record.published_at else None


def contact_lines(record) -> list[tuple[str, str]]:
    """[(lang, text)]: organisation, address, phone and e-mail of the data manager's contact as one
    free-text line per language (JPCOAR ContactPerson, metadata-elements.md §3.2 24–27)."""
    tail = " ".join(part for part in (record.contact_phone and f"TEL: {record.contact_phone}",
                                      record.contact_email and f"E-Mail: {record.contact_email}") if part)
    lines = []
    for lang in ("ja", "en"):
        text = " ".join(v for v in (getattr(record, f"contact_org_{lang}"), getattr(record, f"contact_address_{lang}"),
                                    tail) if v)
        if getattr(record, f"contact_org_{lang}") or getattr(record, f"contact_address_{lang}"):
            lines.append((lang, text))
    if not lines and tail:
        lines.append(("en", tail))
    return lines


NRID = "https://nrid.nii.ac.jp/nrid/1000"  # researchers by e-Rad number (the NII Researcher Database)
KAKEN_GRANT = re.compile(r"JP([0-9]{2}[A-Z]{1,2}[0-9]{5,6})")


def erad_researcher_url(number: str) -> str:
    """The Researcher Database page of an e-Rad researcher number (`1000` + the 8 digits)."""
    return f"{NRID}{number}"


def award_url(grant_number: str) -> str | None:
    """The grant's own page where it has one: KAKENHI grants (JP + year + category + number) on KAKEN."""
    match = KAKEN_GRANT.fullmatch(grant_number)
    return f"https://kaken.nii.ac.jp/grant/KAKENHI-PROJECT-{match.group(1)}/" if match else None


def person_name_parts(person) -> list[tuple[str, str, str]]:
    """(language, family name, given name) of a record person who is a portal user with those names."""
    user = person.user if person.user_id else None
    if user is None:
        return []
    parts = [(lang, getattr(user, f"family_name_{lang}", ""), getattr(user, f"given_name_{lang}", ""))
             for lang in ("ja", "en")]
    return [(lang, family, given) for lang, family, given in parts if family or given]
