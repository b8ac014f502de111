"""Field finders: each returns a value and the (start, end) of its evidence in the normalised text."""
import datetime as dt
import re
from dataclasses import dataclass

from .structure import fold

_SIGNED = re.compile(r"\b(?:den|undertecknad\w*|datum:?)\s+((?:19|20)\d\d-\d\d-\d\d)\b")
FOLLOW_WORDS = re.compile(r"uppfolj|\bfolj\w*\s+upp\b|\bredovis|\butvarder")
_STATED = re.compile(r"\b(ska|skall|kommer|sker|foljs|redovisas|utvarderas)\b")
_MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
           "oktober", "november", "december"]
_MONTH_RE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b")
_ONCE = re.compile(r"\b(varen|sommaren|hosten|vintern)\s+((?:19|20)\d\d)\b|\bi slutet av\s+((?:19|20)\d\d)\b")
_CADENCES = [
    ("monthly", re.compile(r"manadsvis|varje manad|per manad|i manaden|manatlig")),
    ("tertial", re.compile(r"(?<![^\W\d_])tertial")),
    ("quarterly", re.compile(r"kvartalsvis|varje kvartal|per kvartal|fyra ganger (?:per|om) aret")),
    ("yearly", re.compile(r"\barligen\b|varje ar\b|en gang (?:per|om) aret|arsvis")),
]
METHODS = ("EST", "SSPF", "SIG", "ANDTS")
_METHOD = re.compile(r"(?<![A-Za-zÅÄÖåäö])(EST|SSPF|SIG|ANDTS)(?![A-Za-zÅÄÖåäö])")
_NUMBERS = {"två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9, "tio": 10,
            "elva": 11, "tolv": 12, "femton": 15, "tjugo": 20, "en": 1, "ett": 1}
_TARGET = re.compile(
    r"(?<![^\W\d_])(?:(minst|åtminstone|högst|cirka|ca|drygt)\s+)?(\d{1,4}|" + "|".join(_NUMBERS) + r")"
    r"\s+(?:([a-zåäö]+(?:ade|ada|da|de|ta|te))\s+)?([a-zåäö]{4,})(?![\w-])", re.IGNORECASE)
_NOT_UNITS = {"år", "åren", "års", "månader", "veckor", "dagar", "gånger", "timmar", "procent", "olika",
              "kronor", "personer", "procentenheter"}
EST_AREAS = re.compile(r"\best\b.*\b(beslutade|utvalda|aktuella)\s+omraden|est-omrad", re.DOTALL)


# A heading is a short line without end punctuation, followed by a line that starts a new sentence.
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n|(?<=\n)[^\n.!?:;,]{1,60}(?<![.!?:;,])\n(?=\s*[A-ZÅÄÖ])"
                           r"|^[^\n.!?:;,]{1,60}(?<![.!?:;,])\n(?=\s*[A-ZÅÄÖ])")


@dataclass
class Found:
    value: object
    start: int
    end: int
    note: str = ""


def sentences(text: str, start: int, end: int):
    """(start, end) of each sentence in text[start:end]: split at . ! ?, blank lines and after headings."""
    pos = start
    for m in _SENTENCE_END.finditer(text[start:end]):
        stop = start + m.end()
        if text[pos:stop].strip():
            yield _trim(text, pos, stop)
        pos = stop
    if text[pos:end].strip():
        yield _trim(text, pos, end)


def _trim(text, a, b):
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def clean(text: str) -> str:
    return " ".join(text.split())




def signed(text: str, start: int, end: int) -> Found | None:
    m = _SIGNED.search(fold(text[start:end]))
    if not m:
        return None
    try:
        return Found(dt.date.fromisoformat(m.group(1)), start + m.start(1), start + m.end(1))
    except ValueError:
        return None


def follow_up_rule(text: str, start: int, end: int) -> Found | None:
    """The first sentence in the part that says how often the promise is followed up."""
    for a, b in sentences(text, start, end):
        f = fold(text[a:b])
        if not FOLLOW_WORDS.search(f):
            continue
        rule = cadence(f)
        if rule is None:
            continue
        rule["text"] = clean(text[a:b])
        rule.setdefault("due", None)
        rule.update(reporter=None, note=None)
        stated = bool(_STATED.search(f))
        if not stated:
            rule["note"] = "Härlett ur namnet på ett länkat uppföljningsdokument, inte ur en angiven regel."
        return Found(rule, a, b, "stated" if stated else "inferred from the name of a linked follow-up document")
    return None


def cadence(f: str) -> dict | None:
    months = sorted({_MONTHS.index(m) + 1 for m in _MONTH_RE.findall(f)})
    if len(months) >= 2:
        return {"cadence": "semiannual" if len(months) == 2 else "quarterly", "months": months}
    for cadence, pattern in _CADENCES:
        if pattern.search(f):
            return {"cadence": cadence, "months": months if cadence == "yearly" else []}
    m = _ONCE.search(f)
    if m:
        # A season or "the end of" names a year, not a day: due within that year (its last day), the
        # source's words kept, never an invented date such as 30 November for "hösten".
        year = int(m.group(2) or m.group(3))
        return {"cadence": "once", "months": [], "due": dt.date(year, 12, 31), "due_label": m.group(0)}
    return None


def method(text: str) -> Found | None:
    m = _METHOD.search(text)
    return Found(m.group(1), m.start(1), m.end(1)) if m else None


def target(text: str) -> Found | None:
    """A numeric target such as "minst tre riktade insatser"."""
    for m in _TARGET.finditer(text):
        qualifier, number, adjective, noun = m.groups()
        n_low, noun_low = number.lower(), noun.lower()
        if noun_low in _NOT_UNITS or (adjective or "").lower() in _NOT_UNITS:
            continue
        if n_low in ("en", "ett") and not qualifier:
            continue  # the indefinite article, not a count
        count = int(n_low) if n_low.isdigit() else _NUMBERS[n_low]
        if n_low.isdigit() and (count >= 1900 or text[m.start() - 1:m.start()] in "-–"):
            continue  # a year or the end of a range ("10-18 år")
        unit = f"{adjective} {noun}" if adjective else noun
        return Found({"count": count, "unit": unit.lower(), "text": clean(m.group())}, m.start(), m.end())
    return None


def area_mentions(text: str, known_areas: dict) -> list[tuple[str, int, int]]:
    """Known areas named in text, Swedish-aware (å/ä/ö optional, genitive s), in text order."""
    folded, found = fold(text), {}
    for slug, info in known_areas.items():
        for name in [info.get("name") or slug] + list(info.get("aliases") or []):
            words = fold(name).split()
            if not words:
                continue
            pattern = r"(?<![^\W\d_])" + r"\s+".join(map(re.escape, words)) + r"s?(?![^\W\d_])"
            m = re.search(pattern, folded)
            if m and (slug not in found or m.start() < found[slug][0]):
                found[slug] = (m.start(), m.end())
    return sorted(((s, a, b) for s, (a, b) in found.items()), key=lambda x: x[1])
