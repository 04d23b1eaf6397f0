"""The OAI-PMH 2.0 protocol: arguments in, a response document out (bytes). Views only pass the
request's arguments and base URL. Messages are protocol text for harvesters, in English."""

import datetime
import re
import secrets

from django.conf import settings
from django.utils import timezone
from lxml import etree

from ..formats import datacite, jpcoar, oai_dc
from ..formats.writer import NOT_XML, xml_text
from . import selectors
from .rendering import FORMAT_COLUMNS, datestamp, oai_identifier
from .tokens import BadToken, token_dump, token_load

OAI = "http://www.openarchives.org/OAI/2.0/"
P = f"{{{OAI}}}"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_ID = "http://www.openarchives.org/OAI/2.0/oai-identifier"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"

# metadataPrefix -> (schema, namespace); rendering.FORMAT_COLUMNS renders them.
FORMATS = {
    "jpcoar_2.0": ("https://github.com/JPCOAR/schema/blob/master/2.0/jpcoar_scm.xsd", jpcoar.NS),
    "oai_datacite": ("http://schema.datacite.org/meta/kernel-4/metadata.xsd", datacite.NS),
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", oai_dc.NS),
}

LIST_ARGS = (("metadataPrefix",), ("from", "until", "set"))
# verb -> (required, optional, exclusive)
VERBS = {
    "Identify": ((), (), None),
    "ListMetadataFormats": ((), ("identifier",), None),
    "ListSets": ((), (), "resumptionToken"),
    "GetRecord": (("identifier", "metadataPrefix"), (), None),
    "ListIdentifiers": (*LIST_ARGS, "resumptionToken"),
    "ListRecords": (*LIST_ARGS, "resumptionToken"),
}

# The syntax of argument values (OAI-PMH schema: metadataPrefixType, setSpecType, identifierType as an
# anyURI without spaces); a value outside it is a badArgument and is never echoed into <request>.
SYNTAX = {
    "metadataPrefix": re.compile(r"[A-Za-z0-9\-_\.!~\*'\(\)]+"),
    "set": re.compile(selectors.SET_SPEC),
    "identifier": re.compile(r"[!-~]+"),
}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(message)


def _record_id(identifier: str) -> int:
    match = re.fullmatch(rf"oai:{re.escape(settings.OAI_REPOSITORY_IDENTIFIER)}:([0-9]{{1,18}})", identifier)
    if not match:
        raise OAIError("idDoesNotExist", f"No item has the identifier {identifier!r} in this repository.")
    return int(match.group(1))


def _harvested(identifier: str):
    row = selectors.oai_row(_record_id(identifier))
    if row is None:
        raise OAIError("idDoesNotExist", f"No item has the identifier {identifier!r} in this repository.")
    return row


def _format(prefix: str) -> str:
    """The stored column of a metadata format."""
    if prefix not in FORMATS:
        raise OAIError("cannotDisseminateFormat",
                       f"The metadata format {prefix!r} is not supported; use one of {', '.join(FORMATS)}.")
    return FORMAT_COLUMNS[prefix][0]


def _parse_time(name: str, value: str, *, end: bool) -> tuple[datetime.datetime | None, str]:
    """(bound, granularity): `from` is inclusive, `until` becomes the exclusive bound after it."""
    try:
        if DAY.match(value):
            moment, step, granularity = datetime.datetime.strptime(value, "%Y-%m-%d"), datetime.timedelta(days=1), "day"
        elif SECOND.match(value):
            moment, step = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ"), datetime.timedelta(seconds=1)
            granularity = "second"
        else:
            raise ValueError
    except ValueError:
        raise OAIError("badArgument", f"The {name!r} argument {value!r} is not a UTC date (YYYY-MM-DD) or "
                                      "time (YYYY-MM-DDThh:mm:ssZ).") from None
    moment = moment.replace(tzinfo=datetime.UTC)
    if end:
        try:
            moment += step
        except OverflowError:
            return None, granularity
    return moment, granularity


def _window(args: dict) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    start = end = None
    granularities = set()
    if "from" in args:
        start, granularity = _parse_time("from", args["from"], end=False)
        granularities.add(granularity)
    if "until" in args:
        end, granularity = _parse_time("until", args["until"], end=True)
        granularities.add(granularity)
    if len(granularities) > 1:
        raise OAIError("badArgument", "The 'from' and 'until' arguments must have the same granularity.")
    if start and end and start >= end:
        raise OAIError("badArgument", "The 'from' argument must not be later than the 'until' argument.")
    return start, end


def _parse(params: dict[str, list[str]]) -> tuple[str, dict]:
    verbs = params.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        message = ("The verb argument is repeated." if len(verbs) > 1 else
                   "The verb argument is missing." if not verbs else f"{verbs[0]!r} is not an OAI-PMH verb.")
        raise OAIError("badVerb", message)
    verb = verbs[0]
    required, optional, exclusive = VERBS[verb]
    args = {}
    for name, values in params.items():
        if name == "verb":
            continue
        if name not in (*required, *optional, exclusive):
            raise OAIError("badArgument", f"{verb} does not take the argument {name!r}.")
        if len(values) != 1:
            raise OAIError("badArgument", f"The argument {name!r} is repeated.")
        if NOT_XML.search(values[0]):
            raise OAIError("badArgument", f"The argument {name!r} contains characters that XML cannot carry.")
        if name in SYNTAX and not SYNTAX[name].fullmatch(values[0]):
            raise OAIError("badArgument", f"The value of the argument {name!r} is not in the protocol's syntax.")
        args[name] = values[0]
    if exclusive and exclusive in args:
        if len(args) > 1:
            raise OAIError("badArgument", f"The {exclusive!r} argument is exclusive: give it alone with the verb.")
    else:
        missing = [name for name in required if name not in args]
        if missing:
            raise OAIError("badArgument", f"{verb} requires the argument(s) {', '.join(missing)}.")
    return verb, args


def _sub(parent, tag: str, text: str | None = None, **attrib):
    element = etree.SubElement(parent, P + tag, attrib)
    if text is not None:
        element.text = xml_text(text)
    return element


def _record(header: str, deleted: bool, metadata: str) -> str:
    """A `record` element from stored markup: GetRecord and ListRecords write the same bytes."""
    if deleted:
        return f"<record>{header}</record>"
    return f"<record>{header}<metadata>{metadata}</metadata></record>"


def identify(body, args: dict, base_url: str) -> None:
    earliest = selectors.oai_earliest_datestamp() or timezone.now()
    _sub(body, "repositoryName", settings.OAI_REPOSITORY_NAME)
    _sub(body, "baseURL", base_url)
    _sub(body, "protocolVersion", "2.0")
    for email in settings.OAI_ADMIN_EMAILS:
        _sub(body, "adminEmail", email)
    _sub(body, "earliestDatestamp", datestamp(earliest))
    _sub(body, "deletedRecord", "persistent")
    _sub(body, "granularity", GRANULARITY)
    description = _sub(body, "description")
    ident = etree.SubElement(description, f"{{{OAI_ID}}}oai-identifier", nsmap={None: OAI_ID, "xsi": XSI})
    ident.set(f"{{{XSI}}}schemaLocation", f"{OAI_ID} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd")
    for tag, text in (("scheme", "oai"), ("repositoryIdentifier", settings.OAI_REPOSITORY_IDENTIFIER),
                      ("delimiter", ":"), ("sampleIdentifier", oai_identifier(1))):
        etree.SubElement(ident, f"{{{OAI_ID}}}{tag}").text = text


def list_metadata_formats(body, args: dict, base_url: str) -> None:
    row = _harvested(args["identifier"]) if "identifier" in args else None
    if row is not None and row.deleted:
        raise OAIError("noMetadataFormats", "The item has been deleted: no metadata is disseminated for it.")
    for prefix, (schema, namespace) in FORMATS.items():
        element = _sub(body, "metadataFormat")
        _sub(element, "metadataPrefix", prefix)
        _sub(element, "schema", schema)
        _sub(element, "metadataNamespace", namespace)


def list_sets(body, args: dict, base_url: str) -> None:
    if "resumptionToken" in args:
        raise OAIError("badResumptionToken", "This repository never issues resumption tokens for ListSets.")
    for spec, name in selectors.oai_sets():
        element = _sub(body, "set")
        _sub(element, "setSpec", spec)
        _sub(element, "setName", name)


def get_record(body, args: dict, base_url: str) -> str:
    column = _format(args["metadataPrefix"])
    row = _harvested(args["identifier"])
    return _record(row.header, row.deleted, getattr(row, column))


def _list(body, args: dict, verb: str) -> str:
    if "resumptionToken" in args:
        try:
            state = token_load(args["resumptionToken"])
            if state.get("verb") != verb:
                raise BadToken("issued for another verb")
            args = state["args"]
            if not isinstance(args, dict) or not isinstance(args.get("metadataPrefix"), str):
                raise BadToken("malformed")  # e.g. a token of an older version of this code
            after, cursor, total = int(state["after"]), int(state["cursor"]), int(state["total"])
        except (BadToken, KeyError, TypeError, ValueError):
            raise OAIError("badResumptionToken", "The resumption token is invalid or has expired.") from None
    else:
        after, cursor, total = 0, 0, None
    column = _format(args["metadataPrefix"])
    start, end = _window(args)
    rows = selectors.oai_rows(set_spec=args.get("set"), start=start, end=end)
    if rows is None:
        raise OAIError("noRecordsMatch", f"There is no set {args['set']!r}; ListSets lists the sets.")
    if total is None:
        total = rows.count()
    size = settings.OAI_PAGE_SIZE
    fields = ("record_id", "header", "deleted", column) if verb == "ListRecords" else ("record_id", "header")
    page = list(rows.filter(record_id__gt=after).values_list(*fields)[: size + 1])
    if not page and cursor == 0:
        raise OAIError("noRecordsMatch", "No records match these arguments.")
    more = len(page) > size
    page = page[:size]
    markup = "".join(_record(*row[1:]) if verb == "ListRecords" else row[1] for row in page)
    if cursor or more:
        if more:
            token, expires = token_dump({"verb": verb, "args": args, "after": page[-1][0],
                                         "cursor": cursor + len(page), "total": total})
            element = _sub(body, "resumptionToken", token, expirationDate=datestamp(expires))
        else:
            element = _sub(body, "resumptionToken")
        element.set("completeListSize", str(max(total, cursor + len(page))))
        element.set("cursor", str(cursor))
    return markup


def list_identifiers(body, args: dict, base_url: str) -> str:
    return _list(body, args, "ListIdentifiers")


def list_records(body, args: dict, base_url: str) -> str:
    return _list(body, args, "ListRecords")


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


def oai_response(*, params: dict[str, list[str]], base_url: str) -> bytes:
    """The complete OAI-PMH response to a request with these arguments (each name → its values)."""
    root = etree.Element(P + "OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    _sub(root, "responseDate", datestamp(timezone.now()))
    request = _sub(root, "request", base_url)
    try:
        verb, args = _parse(params)
    except OAIError as error:  # badVerb / badArgument: the request element carries no attributes
        _sub(root, "error", error.message, code=error.code)
    else:
        request.set("verb", verb)
        for name, value in args.items():
            request.set(name, value)
        body = _sub(root, verb)
        try:
            markup = HANDLERS[verb](body, args, base_url)
        except OAIError as error:
            root.remove(body)
            if error.code == "badArgument":
                request.attrib.clear()
            _sub(root, "error", error.message, code=error.code)
        else:
            if markup:  # records and headers, written as text: put them first in the verb's element
                marker = secrets.token_hex(16)
                body.text = marker
                return etree.tostring(root, xml_declaration=True, encoding="UTF-8").replace(
                    marker.encode(), markup.encode(), 1)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
