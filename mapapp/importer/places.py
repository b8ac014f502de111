"""Named places, municipalities and parties in the parts of a promise that say what is done where."""
import re
from dataclasses import dataclass

from . import lexicon
from .gazetteer import Gazetteer, fold

_UP = "A-ZÅÄÖÉ"
_NAME = rf"[{_UP}][\w-]*(?:/[{_UP}][\w-]*)?(?:\s+(?:[{_UP}][\w-]*|centrum|torg|strand|park)(?!\w))*"
_PAREN = r"(?:\s*\([^()]{1,30}\))?"
_PREP = r"(?:runtom i|i och omkring|i|på|vid|kring|runt|omkring|inom|längs|delarna av|delen av)"
_MENTION = re.compile(rf"\b{_PREP}(?:\s+bland annat,?|\s+t\.?\s?ex\.?|,\s*bland annat,)?\s+"
                      rf"(?P<name>(?:centrala\s+)?{_NAME}{_PAREN}(?:\s*,\s*{_NAME}{_PAREN})*"
                      rf"(?:\s+(?:och|samt)\s+(?:i\s+)?{_NAME}{_PAREN})?)")
_CENTRAL = re.compile(rf"\b(?P<name>centrala\s+[{_UP}][\w-]+|(?:[{_UP}][\w-]+s?\s+)?(?:centrum|stadskärna)\s+i\s+[{_UP}][\w-]+"
                      rf"|[{_UP}][\w-]+s?\s+(?:centrum|stadskärna|city|torg|resecentrum))\b")
_GENERIC = re.compile(r"\b(?:i|på|vid|inom|runt|kring)\s+(?P<name>(?:den\s+centrala\s+)?(?:stadskärnan|innerstaden"
                      r"|stationsområdet|resecentrum|centralstationen))\b")
_DISTRICTS = re.compile(r"\b(?:stadsdelarna|områdena|stadsdelen|bostadsområdena|orterna|tätorterna)\s+"
                        r"(?P<name>[\w-]+(?:\s*,\s*[\w-]+)*\s+(?:och|samt)\s+[\w-]+)")
# Named places that carry their kind: "Pilängskolan", "Tusenskönans förskola", "Ungdomshuset Karlslund".
_FACILITY = re.compile(rf"(?<![\w-])(?P<name>[{_UP}][\w-]*s\s+(?:förskola|skola|fritidsgård|bibliotek|torg|park)"
                       rf"|[{_UP}][\w-]*(?:skolan|gården|huset|parken|torget|gatan|vägen|stationen|området)"
                       rf"(?:\s+[{_UP}][\w-]+)?)(?![\w-])")
_SPLIT = re.compile(r"\s*,\s*|\s+och\s+(?:i\s+)?|\s+samt\s+(?:i\s+)?")
_NOT_PLACE = re.compile(r"\b(kommun|kommunen|stad|län|lokalpolisområde|polisen|sverige|lpo)\b", re.IGNORECASE)


@dataclass
class Mention:
    name: str
    start: int
    end: int
    confidence: float
    how: str


def mentions(text: str, offset: int, municipality_names: set[str], gaz: Gazetteer, codes=()) -> list[Mention]:
    """Places named in one stretch of text (a commitment, a lead, a heading), as written."""
    found: list[Mention] = []
    for pattern, how, conf in ((_DISTRICTS, "a list of districts", 0.8), (_CENTRAL, "a central area", 0.75),
                               (_GENERIC, "the town centre", 0.6), (_MENTION, "after a place preposition", 0.7),
                               (_FACILITY, "a named facility or street", 0.65)):
        for m in pattern.finditer(text):
            start = m.start("name")
            for piece in _SPLIT.split(m.group("name")):
                piece = piece.strip(" ,.")
                at = text.find(piece, start)
                if not piece or at < 0:
                    continue
                start = at + len(piece)
                if not _keep(piece, municipality_names, gaz, codes, how):
                    continue
                if any(f.start <= offset + at < f.end or offset + at <= f.start < offset + at + len(piece)
                       for f in found):
                    continue
                found.append(Mention(piece, offset + at, offset + at + len(piece), conf, how))
    if codes:
        for m in re.finditer(rf"(?<![\w-])[{_UP}][\w-]+(?:\s+[{_UP}][\w-]+)?", text):
            hit = gaz.match(m.group(), codes)
            if hit is None or fold(m.group()).rstrip("s") in municipality_names or "narrower" in hit.reason or "genitive" in hit.reason \
                    or lexicon.is_common_word(m.group().split()[0]):
                continue
            at = m.start()
            if any(f.start <= offset + at < f.end for f in found):
                continue
            found.append(Mention(m.group(), offset + at, offset + m.end(), 0.7, "a place the gazetteer knows here"))
    return sorted(found, key=lambda x: x.start)


def _keep(name: str, municipality_names: set[str], gaz: Gazetteer, codes, how: str) -> bool:
    words = name.split()
    f = fold(name)
    if not f or _NOT_PLACE.search(name) or re.fullmatch(r"[A-ZÅÄÖ]{2,}\W*", words[0]):
        return False  # a party, a country, or an acronym such as SSPF
    core = re.sub(r"\s*\(.*\)$", "", name)
    if fold(core) in municipality_names or fold(core).rstrip("s") in municipality_names:
        return False  # the municipality itself is the whole promise, not a named part of it
    if how in ("a list of districts", "the town centre"):
        return len(words) <= 3
    if how == "a named facility or street":
        return len(words) <= 3 and not lexicon.is_common_word(words[0])
    if re.match(r"[A-ZÅÄÖ]-", name):
        return False  # "A-traktorer"
    low = f.replace(" ", "")
    for cut in range(4, len(low) - 3):  # "Malungbladet": a town's name and a common noun is a title, not a place
        if low[:cut] in gaz.municipality_words and lexicon.is_common_word(low[cut:]) and \
                not re.search(r"(torg|gatan|vagen|centrum|park|strand)$", low):
            return False
    if name[0].islower() and not f.startswith(("centrala", "stadskarna", "innerstad", "stationsomrade",
                                                "resecentrum", "centralstation", "centrum", "den centrala")):
        return False
    if gaz.match(core, codes) is not None:
        return True
    # A capitalised common noun is no place ("Grannsamverkan", "Socialtjänsten"); unknown names stay.
    parts = [w for w in re.split(r"[\s/]", core) if w]
    if len(parts) > 1 and re.search(r"(torg|gatan|vägen|centrum|park|strand|stråk)$", parts[-1]):
        return True
    return not all(lexicon.is_common_word(w) for w in parts)


def municipalities(text: str, gaz: Gazetteer) -> list[dict]:
    """Municipalities the text names, with how sure: "Xs kommun" > page title > a list after "kommunerna"."""
    found: dict[str, dict] = {}

    def add(name, start, end, confidence, how):
        m = gaz.municipality(name)
        if m and (m["code"] not in found or found[m["code"]]["confidence"] < confidence):
            found[m["code"]] = {"code": m["code"], "name": m["name"], "span": [start, end],
                                "confidence": confidence, "how": how}

    for m in re.finditer(r"(?<![\w-])((?:[A-ZÅÄÖ][\w]*[ -]){0,2}[A-ZÅÄÖ][\w]+) (kommuns?|stads?)\b", text):
        add(m.group(1), m.start(), m.end(), 0.95, "“… kommun/stad”")
    for m in re.finditer(r"^\s*((?:[A-ZÅÄÖ][\w]*[ -]){0,2}[A-ZÅÄÖ][\w]+)\s+[–-]\s+medborgarlöften", text, re.M):
        add(m.group(1), m.start(1), m.end(1), 0.9, "the page title")
    for m in re.finditer(r"\bkommunerna\s+([\w ,-]+?)(?:[.;:]|$)", text, re.M):
        for piece in _SPLIT.split(m.group(1)):
            at = text.find(piece, m.start(1))
            add(piece.strip(), at, at + len(piece.strip()), 0.85, "“kommunerna …”")
    return sorted(found.values(), key=lambda x: -x["confidence"])


_PARTY = re.compile(r"(?<![\w-])(?:(?:[Ll]okalpolisområde(?:t)?|[Ll]okalpolisen|LPO)\s+(?:[a-zåäö]+\s+)?[A-ZÅÄÖ][\w-]+"
                    r"|[A-ZÅÄÖ][\w-]+\s+lokalpolisområde|Polismyndigheten|[Pp]olisen"
                    r"|(?:[A-ZÅÄÖ][\w]*[ -]){0,2}[A-ZÅÄÖ][\w]+\s+(?:kommun|stad)|[Kk]ommunen)\b")


def parties(statements: list[tuple[str, int, int]], others: list[str]) -> list[dict]:
    """The parties as the sentences that say who promises name them."""
    out, seen = [], set()
    for text, start, _ in statements:
        for m in _PARTY.finditer(text):
            name = re.sub(r"s\s+(kommun|stad)$", r" \1", m.group()) if m.group().endswith(("kommun", "stad")) \
                else m.group()
            key = fold(name)
            if key in seen:
                continue
            seen.add(key)
            role = "police" if re.search(r"polis|lpo", key) else "municipality"
            out.append({"name": name, "role": role, "span": [start + m.start(), start + m.end()],
                        "confidence": 0.8 if role == "police" and "omrade" in key or " " in name else 0.6})
    for name in others:
        if fold(name) not in seen:
            seen.add(fold(name))
            out.append({"name": name, "role": "other", "span": None, "confidence": 0.6})
    # "Polisen" adds nothing when the text names the local police area; so does "kommunen".
    if any(p["role"] == "police" and " " in p["name"] for p in out):
        out = [p for p in out if fold(p["name"]) != "polisen"]
    if any(p["role"] == "municipality" and " " in p["name"] for p in out):
        out = [p for p in out if fold(p["name"]) != "kommunen"]
    return out
