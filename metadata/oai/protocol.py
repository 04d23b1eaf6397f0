"""The OAI-PMH 2.0 protocol: arguments in, a response document out (bytes). Views only pass the
request's arguments and base URL. Messages are protocol text for harvesters, in English."""

import datetime
import re
import secrets

from django.conf import settings
from django.utils import timezone
from lxml import etree

from ..formats import datacite, jpcoar, oai_dc
from ..formats.writer import NOT_XML, Writer
from ..vocabularies import Status
from . import selectors
from .tokens import BadToken, token_dump, token_load

OAI = "http://www.openarchives.org/OAI/2.0/"
P = f"{{{OAI}}}"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_ID = "http://www.openarchives.org/OAI/2.0/oai-identifier"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"

# metadataPrefix -> (record to markup, schema, namespace)
FORMATS = {
    "jpcoar_2.0": (jpcoar.record_to_jpcoar_markup,
                   "https://github.com/JPCOAR/schema/blob/master/2.0/jpcoar_scm.xsd", jpcoar.NS),
    "oai_datacite": (datacite.record_to_datacite_markup, "http://schema.datacite.org/meta/kernel-4/metadata.xsd",
                     datacite.NS),
    "oai_dc": (oai_dc.record_to_oai_dc_markup, "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", oai_dc.NS),
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

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(message)


def datestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def oai_identifier(record_id: int) -> str:
    return f"oai:{settings.OAI_REPOSITORY_IDENTIFIER}:{record_id}"


def _record_id(identifier: str) -> int:
    match = re.fullmatch(rf"oai:{re.escape(settings.OAI_REPOSITORY_IDENTIFIER)}:([0-9]{{1,18}})", identifier)
    if not match:
        raise OAIError("idDoesNotExist", f"No item has the identifier {identifier!r} in this repository.")
    return int(match.group(1))


def _public_record(identifier: str):
    record = selectors.oai_record(_record_id(identifier))
    if record is None:
        raise OAIError("idDoesNotExist", f"No item has the identifier {identifier!r} in this repository.")
    return record


def _format(prefix: str):
    if prefix not in FORMATS:
        raise OAIError("cannotDisseminateFormat",
                       f"The metadata format {prefix!r} is not supported; use one of {', '.join(FORMATS)}.")
    return FORMATS[prefix][0]


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
        element.text = text
    return element


def _header(w: Writer, record) -> None:
    w.start("header", {"status": "deleted"} if record.status == Status.WITHDRAWN else None)
    w.element("identifier", oai_identifier(record.pk))
    w.element("datestamp", datestamp(record.datestamp))
    for spec in selectors.record_set_specs(record):
        w.element("setSpec", spec)
    w.end("header")


def _record(w: Writer, record, to_markup) -> None:
    w.start("record")
    _header(w, record)
    if record.status != Status.WITHDRAWN:
        w.start("metadata")
        w.parts.append(to_markup(record))
        w.end("metadata")
    w.end("record")


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
    if "identifier" in args and _public_record(args["identifier"]).status == Status.WITHDRAWN:
        raise OAIError("noMetadataFormats", "The item has been deleted: no metadata is disseminated for it.")
    for prefix, (_, schema, namespace) in FORMATS.items():
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
    to_markup = _format(args["metadataPrefix"])
    w = Writer()
    _record(w, _public_record(args["identifier"]), to_markup)
    return w.markup()


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
    to_markup = _format(args["metadataPrefix"])
    start, end = _window(args)
    records = selectors.oai_records(set_spec=args.get("set"), start=start, end=end,
                                    with_people=verb == "ListRecords")
    if records is None:
        raise OAIError("noRecordsMatch", f"There is no set {args['set']!r}; ListSets lists the sets.")
    if total is None:
        total = records.count()
    size = settings.OAI_PAGE_SIZE
    page = list(records.filter(pk__gt=after)[: size + 1])
    if not page and cursor == 0:
        raise OAIError("noRecordsMatch", "No records match these arguments.")
    more = len(page) > size
    page = page[:size]
    w = Writer()
    for record in page:
        if verb == "ListRecords":
            _record(w, record, to_markup)
        else:
            _header(w, record)
    if cursor or more:
        if more:
            token, expires = token_dump({"verb": verb, "args": args, "after": page[-1].pk,
                                         "cursor": cursor + len(page), "total": total})
            element = _sub(body, "resumptionToken", token, expirationDate=datestamp(expires))
        else:
            element = _sub(body, "resumptionToken")
        element.set("completeListSize", str(max(total, cursor + len(page))))
        element.set("cursor", str(cursor))
    return w.markup()


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
