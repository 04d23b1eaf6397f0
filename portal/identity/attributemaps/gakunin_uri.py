"""The attributes GakuNin IdPs release (urn:oid names, as in GakuNin's attribute list), in pysaml2's
attribute-map format: `fro` maps the SAML name to the friendly name we read (surname, organizationName and
organizationalUnitName as sn, o and ou, the names Shibboleth and pysaml2 give them), `to` the reverse."""

NAME_FORMAT_URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"

ATTRIBUTES = {
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.6": "eduPersonPrincipalName",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.10": "eduPersonTargetedID",
    "urn:oasis:names:tc:SAML:attribute:pairwise-id": "pairwise-id",
    "urn:oasis:names:tc:SAML:attribute:subject-id": "subject-id",
    "urn:oid:0.9.2342.19200300.100.1.3": "mail",
    "urn:oid:2.16.840.1.113730.3.1.241": "displayName",
    "urn:oid:1.3.6.1.4.1.32264.1.1.3": "jaDisplayName",
    "urn:oid:2.5.4.4": "sn",
    "urn:oid:2.5.4.42": "givenName",
    "urn:oid:1.3.6.1.4.1.32264.1.1.1": "jasn",
    "urn:oid:1.3.6.1.4.1.32264.1.1.2": "jaGivenName",
    "urn:oid:2.5.4.10": "o",
    "urn:oid:1.3.6.1.4.1.32264.1.1.4": "jaOrganizationName",
    "urn:oid:2.5.4.11": "ou",
    "urn:oid:1.3.6.1.4.1.32264.1.1.5": "jaOrganizationalUnitName",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.1": "eduPersonAffiliation",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.9": "eduPersonScopedAffiliation",
    "urn:oid:1.3.6.1.4.1.32264.1.1.6": "gakuninScopedPersonalUniqueCode",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.16": "eduPersonOrcid",
}

MAP = {
    "identifier": NAME_FORMAT_URI,
    "fro": ATTRIBUTES,
    "to": {friendly: name for name, friendly in ATTRIBUTES.items()},
}
