"""Who promises and who is responsible, titles, slugs and themes of a drafted commitment."""
import re

from .structure import fold

_LOCAL_POLICE = re.compile(r"\b[Ll]okalpolisområde\s+([A-ZÅÄÖ][\wåäöÅÄÖ-]+)")
_KOMMUN = re.compile(r"\b([A-ZÅÄÖ][a-zåäö]+ (?:kommun|stad))\b")
_THEMES = [
    ("narkotika", r"narkotik|\bdrog"), ("alkohol", r"alkohol"), ("unga", r"ungdom|\bunga\b|\bbarn\b"),
    ("synlighet", r"synlig"), ("trafik", r"trafik"), ("våld", r"\bvald"),
    ("kriminella nätverk", r"kriminell\w* natverk"), ("kamerabevakning", r"kamera"),
    ("fysisk miljö", r"fysisk"), ("föräldrar", r"foraldra"), ("civilsamhälle", r"ideell"),
    ("samverkan", r"samverkansforum"), ("brottsförebyggande", r"brottsforebygg"), ("trygghet", r"trygghet"),
]
_SLUG_FOLD = str.maketrans("åäöéüÅÄÖÉÜ", "aaoeuaaoeu")


def slugify(text: str, words: int = 6, limit: int = 60) -> str:
    """A URL slug: lower case ASCII words joined by hyphens."""
    parts = re.findall(r"[a-z0-9]+", text.lower().translate(_SLUG_FOLD))[:words]
    slug = "-".join(parts)[:limit].strip("-")
    return slug or "utan-namn"




def parties(role_set: set[str], text: str, municipality_name: str | None, document: str = "") -> list[str]:
    """Party names as the curated data writes them: the police first, then the municipality."""
    out = []
    m = _LOCAL_POLICE.search(text) or _LOCAL_POLICE.search(document)
    police = f"Polismyndigheten (Lokalpolisområde {m.group(1)})" if m else "Polismyndigheten"
    kommun = None
    for km in _KOMMUN.finditer(text):
        if municipality_name is None or fold(km.group(1)).startswith(fold(municipality_name)):
            kommun = km.group(1)
            break
    if kommun is None and municipality_name:
        kommun = municipality_name + ("" if municipality_name.endswith("s") else "s") + " kommun"
    if "polisen" in role_set:
        out.append(police)
    if "kommunen" in role_set and kommun:
        out.append(kommun)
    return out




def themes(text: str) -> list[str]:
    f = fold(text)
    return [name for name, pattern in _THEMES if re.search(pattern, f)] or ["övrigt"]


_SUBJECT = re.compile(r"^(?:(?:polisen|kommunen|parterna|vi) (?:ska|skall) |gemensamt |tillsammans )+", re.I)


def title(text: str) -> str:
    """A short title: the commitment's opening clause without its subject, at most eight words."""
    body = _SUBJECT.sub("", text.strip()) or text.strip()
    words = body.rstrip(".").split()
    for cut in (",", " i syfte att ", " genom ", " för att ", " samt ", " som "):
        head = body.split(cut, 1)[0].rstrip(".").split()
        if 3 <= len(head) < len(words):
            words = head
    if len(words) > 8:
        words = words[:8] + ["…"]
    t = " ".join(words) or "Åtagande"
    return t[:1].upper() + t[1:]
