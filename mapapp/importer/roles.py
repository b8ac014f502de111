"""Who is responsible for a commitment: the actor it names, its list's introduction, or who promises."""
import re

from . import clauses
from .layout import Block
from .structure import fold


def we_roles(text: str) -> set[str]:
    """Who "vi" is: the police alone on a police page ("polisens medborgarlöfte"), else both parties."""
    f = fold(text)
    if re.search(r"\bpolisens (medborgar)?loften?\b|\blokalpolisomrade \w+s medborgarloften?\b", f):
        return {"police"}
    return {"police", "municipality"}


def responsible(c, lead: Block | None, statement_roles: set[str], we: set[str]):
    """Set c.responsible ("police", "municipality", "both", "unspecified" or an organisation) and why."""
    roles, other, kind = clauses.own_actors(c.text)
    if "we" in roles:
        roles = (roles - {"we"}) | we
    if roles:
        _set(c, roles, 0.9, "named in the commitment")
        if other:
            c.also.append(other)
    elif other:
        c.responsible, c.responsible_confidence, c.responsible_why = other, 0.8, "the organisation the commitment names"
    elif kind == "nonactor" or (kind == "none" and re.match(r"(gemensamt|i samverkan)\b", fold(c.text))):
        if re.search(r"\bgemensam|^i samverkan\b", fold(c.text)):
            _set(c, {"police", "municipality"}, 0.6, "“gemensam” and no other actor")
        else:
            c.responsible, c.responsible_confidence = "unspecified", 0.5
            c.responsible_why = "the commitment's subject is not one of the parties"
    else:
        lead_roles, lead_other = set(), ""
        if lead is not None:
            lead_roles = clauses.actors(lead.text)
            if re.search(r"\bvi\b", fold(lead.text)):
                lead_roles |= we
            k, phrase = clauses.subject(lead.text)
            if not lead_roles and k == "actor" and not clauses.actors(phrase):
                lead_other = phrase
        if lead_roles:
            _set(c, lead_roles, 0.8, f"from the introduction “{lead.text[:60]}”")
        elif lead_other:
            c.responsible, c.responsible_confidence = lead_other, 0.75
            c.responsible_why = f"from the introduction “{lead.text[:60]}”"
        elif statement_roles:
            _set(c, statement_roles, 0.6, "from the sentence that says who promises")
        else:
            c.responsible, c.responsible_confidence, c.responsible_why = "unspecified", 0.4, "no actor named"


def _set(c, roles: set[str], confidence: float, why: str):
    if {"police", "municipality"} <= roles:
        c.responsible = "both"
    else:
        c.responsible = "police" if "police" in roles else "municipality"
    c.responsible_confidence, c.responsible_why = confidence, why
