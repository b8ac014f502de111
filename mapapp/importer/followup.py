"""The follow-up rule a promise states, and follow-up reports matched to a promise's commitments."""
import calendar
import datetime as dt
import re
from dataclasses import dataclass

from . import clauses, fields
from .layout import blocks
from .structure import fold

# Following up in the future or as a rule; "redovisats" (already reported) is no rule.
_RULE = re.compile(r"uppfoljning(en)?\s+(av \w+\s+)?(ska|skall|sker|kommer)\b|\b(ska|skall|kommer)\b.{0,80}"
                   r"\b(folja(s)? upp|redovisa(s)?|utvardera(s)?|rapportera(s)?|aterrapportera(s)?)\b"
                   r"|\bfoljs upp\b|\bredovisas\b|\butvarderas\b|\brapporteras\b|\baterrapport\b"
                   r"|\buppfoljning(ar|en|arna)?\s+(varje|en gang|tva ganger|arligen|manadsvis|tertial)"
                   r"|\bfolja upp arbetet\b|\buppfoljningstillfallen\b|\bleder uppfoljningen\b")


@dataclass
class Rule:
    text: str
    start: int
    end: int
    cadence: dict | None
    confidence: float


def _sentences_with_offsets(block):
    pos = 0
    for s in clauses.sentences(block.text):
        at = block.text.find(s, pos)
        pos = at + len(s)
        yield s, at, pos


def rule(part_blocks) -> Rule | None:
    """The first statement of how the promise is followed up, with the sentences that go on about it."""
    for b in part_blocks:
        found = None
        for s, a, z in _sentences_with_offsets(b):
            f = fold(s)
            follows = _RULE.search(f) and not re.search(r"\benkat\w*|\bsvara pa\b|\bfor att (redovisa|folja upp)", f)
            if found is None:
                if follows and (clauses.main_verb(s) or b.kind == "item"):
                    found = [a, z]
            elif follows or re.match(r"(detta|det|dessa)\b.*\b(uppfolj|rapport|redovis)", f):
                found[1] = z
            else:
                break
        if found:
            text = " ".join(b.text[found[0]:found[1]].split())
            cadence = fields.cadence(fold(text))
            return Rule(text, b.start + found[0], b.start + found[1], cadence, 0.8 if cadence else 0.65)
    return None


# --- follow-up reports -------------------------------------------------------------------------------

_DONE = re.compile(r"\bhar\s+(\w+\s+){0,8}(genomfort|genomforts|utfort|utforts|gjort|gjorts|hallit|hallits|"
                   r"arbetat|infort|inforts|startat|startats|ordnat|anordnat|deltagit|fotpatrullerat)\b"
                   r"|\b(genomfordes|utfordes|holls|gjordes|anordnades)\b")
_ONGOING = re.compile(r"\b(pagar|paborjat|paborjats|fortsatter|fortgar|arbetar vidare|under uppbyggnad)\b")
_NOT_DONE = re.compile(r"\b(har inte|har ej|inte kunnat|ej kunnat|inte genomforts|ej genomforts|stalldes in|installt)\b")
_PLANNED = re.compile(r"\b(planeras|ar planerad|kommer att genomforas|ska genomforas)\b")
_NUMBERS = {"en": 1, "ett": 1, "tva": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "atta": 8, "nio": 9,
            "tio": 10, "elva": 11, "tolv": 12, "hundratal": 100, "tjugo": 20, "trettio": 30}
_STOP = set("att och i pa for med av till som en ett de den det har ska under om vid mot samt inom fran".split())
# Words every report and promise shares: who acts, "genomföra", "medborgarlöfte"; they match nothing.
_GENERIC = ("polis", "kommun", "medbor", "tillsa", "samver", "genomf", "arbeta", "uppfyl", "ataga", "lofte", "utvald")


def _counts(f: str) -> dict[str, int]:
    """{noun stem: number} for "fyra krogtillsyner", "4 stycken krogtillsyner", "ett hundratal fotpatrulleringar"."""
    out = {}
    for m in re.finditer(r"\b(\d+|" + "|".join(_NUMBERS) + r")\s+(?:stycken\s+|st\s+)?(\w{3,})(?:\s+(\w{5,}))?", f):
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS[m.group(1)]
        for word in m.groups()[1:]:  # the noun, or the noun after an adjective ("tre riktade insatser")
            if word:
                out.setdefault(word[:7], n)
    return out


def _stems(f: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z]+", f) if w not in _STOP and len(w) > 3 and not w.startswith(_GENERIC)}


def propose_follow_ups(report_text: str, promise: dict, period_label: str | None = None) -> list[dict]:
    """Proposed follow-up entries: each reported result matched to the commitment it reports on.

    `promise` is a plain dict with `commitments` ([{"slug", "text"}]); nothing is stored. Each proposal has
    the commitment's slug, the quoted sentence and its span in `report_text`, a proposed status, how sure
    the match is and the period the report covers.
    """
    commitments = [(c.get("slug") or str(k), c["text"], fold(c["text"])) for k, c in
                   enumerate(promise.get("commitments") or [], 1)]
    label = period_label or _period_label(report_text)
    df: dict[str, int] = {}
    for _, _, cf in commitments:
        for w in _stems(cf):
            df[w] = df.get(w, 0) + 1
    proposals, used = [], set()
    for b in blocks(report_text):
        for s, a, z in _sentences_with_offsets(b):
            f = fold(s)
            status = _status(f)
            if status is None:
                continue  # the promise restated, or text that reports nothing
            scored = []
            for slug, text, cf in commitments:
                # Rarer words count more: a word in every commitment tells them apart from nothing.
                own = _stems(cf)
                weight = {w: 1 / df[w] for w in own}
                shared = sum(weight[w] for w in _stems(f) & own)
                scored.append((shared / max(1.0, min(sum(weight.values()), 6.0)), slug, cf))
            scored.sort(reverse=True)
            if not scored or scored[0][0] < 0.25:
                continue
            score, slug, cf = scored[0]
            margin = score - (scored[1][0] if len(scored) > 1 else 0)
            status = _compare_counts(status, _counts(cf), _counts(f))
            if slug in used:
                continue  # the first sentence about a commitment is its evidence; the rest add detail
            used.add(slug)
            confidence = round(min(0.95, 0.4 + score * 0.5 + min(margin, 0.3)), 2)
            proposals.append({"commitment": slug, "evidence": " ".join(s.split()),
                              "span": [b.start + a, b.start + z], "status": status,
                              "confidence": confidence, "period": label})
    return proposals


def _status(f: str) -> str | None:
    if _NOT_DONE.search(f):
        return "ej genomförd"
    if _DONE.search(f):
        return "genomförd"
    if _ONGOING.search(f):
        return "pågår"
    if _PLANNED.search(f) and not re.search(r"\blova", f):
        return "planerad"
    return None


def _compare_counts(status: str, promised: dict, reported: dict) -> str:
    """"genomfört två av fyra" is only partly done."""
    for stem, n in promised.items():
        if stem in reported and reported[stem] < n and status == "genomförd":
            return "delvis genomförd"
    return status


def report_period(text: str) -> str | None:
    """The period a follow-up report says it covers, as a label ("tertial 1 2019", "tertial 1-2 2019", "2018")."""
    return _period_label(text)


def covers(label: str | None) -> tuple[dt.date, dt.date] | None:
    """The days a period label covers: "tertial 2 2024" is May–August 2024, "2018" the whole year."""
    m = re.fullmatch(r"tertial ([1-3])(?:[-–och]+([1-3]))? ((?:19|20)\d\d)", label or "")
    if m:
        first, last, year = int(m.group(1)), int(m.group(2) or m.group(1)), int(m.group(3))
        if last < first:
            return None
        end_month = 4 * last
        return dt.date(year, 4 * first - 3, 1), dt.date(year, end_month, calendar.monthrange(year, end_month)[1])
    m = re.fullmatch(r"(?:19|20)\d\d", label or "")
    return (dt.date(int(label), 1, 1), dt.date(int(label), 12, 31)) if m else None


def _period_label(text: str) -> str | None:
    f = fold(text)
    m = re.search(r"\btertial\s*([1-3](?:\s*[-–och]+\s*[1-3])?)\D{0,10}((?:19|20)\d\d)", f)
    if m:
        return f"tertial {m.group(1).replace(' ', '')} {m.group(2)}"
    m = re.search(r"\b(?:under|for|i medborgarloftet for)\s+((?:19|20)\d\d)\b", f)
    return m.group(1) if m else None
