"""Controlled vocabularies of the common metadata elements (metadata-elements.md §4, §5), with the
URIs the export formats need."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dmp.models import ResearchField

PROJECT_FIELD = "project"
ITEM_RESEARCH_FIELDS = [(PROJECT_FIELD, _("Research field of the project")), *ResearchField.choices]


class DataType(models.TextChoices):
    """V3. The stored value is the JPCOAR dc:type text."""

    DATASET = "dataset", _("dataset")
    AGGREGATED = "aggregated data", _("aggregated data")
    CLINICAL_TRIAL = "clinical trial data", _("clinical trial data")
    COMPILED = "compiled data", _("compiled data")
    ENCODED = "encoded data", _("encoded data")
    EXPERIMENTAL = "experimental data", _("experimental data")
    GENOMIC = "genomic data", _("genomic data")
    GEOSPATIAL = "geospatial data", _("geospatial data")
    LAB_NOTEBOOK = "laboratory notebook", _("laboratory notebook")
    MEASUREMENT = "measurement and test data", _("measurement and test data")
    OBSERVATIONAL = "observational data", _("observational data")
    RECORDED = "recorded data", _("recorded data")
    SIMULATION = "simulation data", _("simulation data")
    SURVEY = "survey data", _("survey data")


DATA_TYPE_URI = {
    "dataset": "http://purl.org/coar/resource_type/c_ddb1",
    "aggregated data": "http://purl.org/coar/resource_type/ACF7-8YT9",
    "clinical trial data": "http://purl.org/coar/resource_type/c_cb28",
    "compiled data": "http://purl.org/coar/resource_type/FXF3-D3G7",
    "encoded data": "http://purl.org/coar/resource_type/AM6W-6QAW",
    "experimental data": "http://purl.org/coar/resource_type/63NG-B465",
    "genomic data": "http://purl.org/coar/resource_type/A8F1-NPV9",
    "geospatial data": "http://purl.org/coar/resource_type/2H0M-X761",
    "laboratory notebook": "http://purl.org/coar/resource_type/H41Y-FW7B",
    "measurement and test data": "http://purl.org/coar/resource_type/DD58-GFSX",
    "observational data": "http://purl.org/coar/resource_type/FF4C-28RK",
    "recorded data": "http://purl.org/coar/resource_type/CQMR-7K63",
    "simulation data": "http://purl.org/coar/resource_type/W2XT-7017",
    "survey data": "http://purl.org/coar/resource_type/NHD0-W6SY",
}


class AccessRight(models.TextChoices):
    """V4 アクセス権. The stored value is the COAR term (JPCOAR dcterms:accessRights text)."""

    OPEN = "open access", pgettext_lazy("access right", "Open")
    SHARED = "restricted access", pgettext_lazy("access right", "Shared")
    CLOSED = "metadata only access", pgettext_lazy("access right", "Closed")
    EMBARGOED = "embargoed access", pgettext_lazy("access right", "Embargoed")


ACCESS_RIGHT_URI = {
    "open access": "http://purl.org/coar/access_right/c_abf2",
    "restricted access": "http://purl.org/coar/access_right/c_16ec",
    "metadata only access": "http://purl.org/coar/access_right/c_14cb",
    "embargoed access": "http://purl.org/coar/access_right/c_f1cf",
}

# Short slugs for URLs, CSS classes and OAI set specs.
ACCESS_RIGHT_SLUG = {
    "open access": "open",
    "restricted access": "shared",
    "metadata only access": "closed",
    "embargoed access": "embargoed",
}


class MetadataAccess(models.TextChoices):
    """メタデータのアクセス権: who may see the metadata record itself."""

    OPEN = "open access", _("Open to everyone")
    RESTRICTED = "restricted access", _("Members of the institution only")
    CLOSED = "closed access", _("The record's people and curators only")


class ProvisionPolicy(models.TextChoices):
    """V5."""

    FREE = "free", _("Free of charge")
    CONSIDERATION = "consideration", _("For consideration")


class License(models.TextChoices):
    """V6 (GRDM codes)."""

    NO_LICENSE = "NO_LICENSE", _("No license")
    CC0 = "CC0", "CC0 1.0 Universal"
    CCBY = "CCBY", "CC BY 4.0"
    CCBYSA = "CCBYSA", "CC BY-SA 4.0"
    CCBYND = "CCBYND", "CC BY-ND 4.0"
    CCBYNC = "CCBYNC", "CC BY-NC 4.0"
    CCBYNCSA = "CCBYNCSA", "CC BY-NC-SA 4.0"
    CCBYNCND = "CCBYNCND", "CC BY-NC-ND 4.0"
    AFL = "AFL", "Academic Free License 3.0"
    PD = "PD", _("Public domain")
    MIT = "MIT", "MIT License"
    APACHE2 = "Apache2", "Apache License 2.0"
    BSD2 = "BSD2", "BSD 2-Clause License"
    BSD3 = "BSD3", "BSD 3-Clause License"
    GPL3 = "GPL3", "GNU GPL v3"
    GPL2 = "GPL2", "GNU GPL v2"
    ARTISTIC2 = "Artistic2", "Artistic License 2.0"
    ECLIPSE1 = "Eclipse1", "Eclipse Public License 1.0"
    LGPL3 = "LGPL3", "GNU LGPL v3"
    LGPL2_1 = "LGPL2_1", "GNU LGPL v2.1"
    MOZILLA2 = "Mozilla2", "Mozilla Public License 2.0"
    OTHER = "OTHER", _("Other (give the licence in the citation information)")


LICENSE_URL = {
    "CC0": "https://creativecommons.org/publicdomain/zero/1.0/deed.en",
    "CCBY": "https://creativecommons.org/licenses/by/4.0/deed.en",
    "CCBYSA": "https://creativecommons.org/licenses/by-sa/4.0/deed.en",
    "CCBYND": "https://creativecommons.org/licenses/by-nd/4.0/deed.en",
    "CCBYNC": "https://creativecommons.org/licenses/by-nc/4.0/deed.en",
    "CCBYNCSA": "https://creativecommons.org/licenses/by-nc-sa/4.0/deed.en",
    "CCBYNCND": "https://creativecommons.org/licenses/by-nc-nd/4.0/deed.en",
    "AFL": "https://opensource.org/licenses/AFL-3.0",
    "MIT": "https://opensource.org/licenses/MIT",
    "Apache2": "https://www.apache.org/licenses/LICENSE-2.0",
    "BSD2": "https://opensource.org/licenses/BSD-2-Clause",
    "BSD3": "https://opensource.org/licenses/BSD-3-Clause",
    "GPL3": "https://www.gnu.org/licenses/gpl-3.0.html",
    "GPL2": "https://www.gnu.org/licenses/gpl-2.0.html",
    "Artistic2": "https://opensource.org/licenses/Artistic-2.0",
    "Eclipse1": "https://opensource.org/licenses/EPL-1.0",
    "LGPL3": "https://www.gnu.org/licenses/lgpl-3.0.html",
    "LGPL2_1": "https://www.gnu.org/licenses/lgpl-2.1.html",
    "Mozilla2": "https://opensource.org/licenses/MPL-2.0",
}

LICENSE_SPDX = {
    "CC0": "CC0-1.0", "CCBY": "CC-BY-4.0", "CCBYSA": "CC-BY-SA-4.0", "CCBYND": "CC-BY-ND-4.0",
    "CCBYNC": "CC-BY-NC-4.0", "CCBYNCSA": "CC-BY-NC-SA-4.0", "CCBYNCND": "CC-BY-NC-ND-4.0", "AFL": "AFL-3.0",
    "MIT": "MIT", "Apache2": "Apache-2.0", "BSD2": "BSD-2-Clause", "BSD3": "BSD-3-Clause", "GPL3": "GPL-3.0-only",
    "GPL2": "GPL-2.0-only", "Artistic2": "Artistic-2.0", "Eclipse1": "EPL-1.0", "LGPL3": "LGPL-3.0-only",
    "LGPL2_1": "LGPL-2.1-only", "Mozilla2": "MPL-2.0",
}


class YesNoUnknown(models.TextChoices):
    """Whether a dataset holds personal or sensitive data (RDA DMP Common Standard)."""

    YES = "yes", _("yes")
    NO = "no", _("no")
    UNKNOWN = "unknown", _("unknown")


class DataManagerType(models.TextChoices):
    """V7."""

    INDIVIDUAL = "individual", _("Individual")
    ORGANIZATION = "organization", _("Organization")


class Status(models.TextChoices):
    """Curation states: draft → submitted → (returned → submitted)* → published → withdrawn."""

    DRAFT = "draft", pgettext_lazy("curation state", "Draft")
    SUBMITTED = "submitted", _("Submitted for curation")
    RETURNED = "returned", _("Returned to the researcher")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


RELEASED = (Status.PUBLISHED, Status.WITHDRAWN)
