"""Finding an area by name or a known place, with Swedish-aware matching ("skaggetorp" → Skäggetorp)."""
import difflib
import json
import re
import unicodedata
import urllib.parse
import urllib.request

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "æ": "a", "ø": "o"})
_DIGRAPHS = (("aa", "a"), ("ae", "a"), ("oe", "o"))  # how å/ä/ö are typed on keyboards without them


def fold(text: str) -> str:
    """Lower case, å/ä/ö folded, accents and punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_FOLD)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _variants(text: str) -> set[str]:
    folded = fold(text)
    out = {folded, folded.replace(" ", "")}
    for digraph, single in _DIGRAPHS:
        out |= {v.replace(digraph, single) for v in list(out)}
    return out


def score(query: str, name: str) -> float:
    """1.0 for an exact match after folding; prefix and fuzzy matches score lower; 0 for none."""
    q, n = _variants(query), _variants(name)
    if q & n:
        return 1.0
    if any(b.startswith(a) and len(a) >= 3 for a in q for b in n):
        return 0.9
    if any(len(a) >= 4 and a in b for a in q for b in n):
        return 0.8
    best = max(difflib.SequenceMatcher(None, a, b).ratio() for a in q for b in n)
    return best if best >= 0.8 else 0.0


def rank(query: str, candidates: list[dict]) -> list[dict]:
    """Candidates ({"names": [...], ...}) that match, best first."""
    if not fold(query):
        return []
    hits = []
    for c in candidates:
        s = max(score(query, name) for name in c["names"])
        if s:
            hits.append({**{k: v for k, v in c.items() if k != "names"}, "score": round(s, 2)})
    return sorted(hits, key=lambda h: (-h["score"], h["name"]))


def external_geocode(url_template: str, query: str, timeout: float = 3.0) -> list[dict]:
    """Optional deployment geocoder (e.g. a Nominatim URL with {q}); failures give no results."""
    url = url_template.replace("{q}", urllib.parse.quote(query))
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (operator-configured)
            data = json.loads(response.read(1_000_000))
        return [{"name": str(r.get("display_name", ""))[:200], "lon": float(r["lon"]), "lat": float(r["lat"])}
                for r in data[:5] if "lon" in r and "lat" in r]
    except (OSError, ValueError, KeyError, TypeError):
        return []
