"""Normalised text to promise parts: commitments from lists and prose, each with why and how sure."""
import re
from dataclasses import dataclass, field

from . import clauses, periods, roles
from .layout import Block, blocks, locate
from .structure import fold

MAX_COMMITMENTS = 300  # a real promise has a few dozen at most
MAX_TEXT_CHARS = 1_000_000  # a promise document is a few thousand words; a novel is no promise
_LIST_LINE = re.compile(r"^\s*(?:[•·▪●◦‣∙○■□►✓*–—-]|\d{1,3}[.)])\s", re.MULTILINE)
_LOFTE = re.compile(r"l[oö]ften?\b|l[oö]ftet\b|medborgarl[oö]fte", re.IGNORECASE)
_STATEMENT = re.compile(r"\blova(r|de)?\b|kommit overens|\btecknat\b|\benats\b|\bat(ar|og)\b|\bundertecknat"
                        r"|\b(ska|skall|kommer)\b.*\b(arbeta|samverka|fokusera|verka|tillsammans|gemensam\w*"
                        r"|i samverkan)\b|\btagit fram\b")
_CONFIDENCE = {"positive": 0.9, "neutral": 0.75, "weak": 0.6, "self": 0.7}


class TooMuch(Exception):
    """The document is far beyond what a promise document holds; refuse rather than churn."""


@dataclass
class Commitment:
    text: str
    start: int
    end: int
    confidence: float
    why: str
    responsible: str = "unspecified"
    responsible_confidence: float = 0.0
    responsible_why: str = ""
    also: list = field(default_factory=list)


@dataclass
class Part:
    """The blocks of one promise (a page may hold several, one per dated heading)."""

    blocks: list[Block]
    heading: Block | None
    years: tuple | None
    commitments: list[Commitment] = field(default_factory=list)
    rejected: list[tuple[str, int, int, str]] = field(default_factory=list)
    statements: list[tuple[str, int, int]] = field(default_factory=list)
    leads: list[Block] = field(default_factory=list)
    themes: list[Block] = field(default_factory=list)
    period: periods.Period | None = None
    period_span: tuple | None = None

    @property
    def start(self) -> int:
        return self.blocks[0].start

    @property
    def end(self) -> int:
        return self.blocks[-1].end


def promise_heading(b: Block) -> tuple | None:
    """Years of a short line naming a promise ("Medborgarlöften i Mjölby kommun 2018-2019")."""
    if b.kind == "item":
        return None
    first = clauses.sentences(b.text)[0] if b.kind == "para" and clauses.sentences(b.text) else b.text
    if first != b.text:  # "Lokalpolisområde Nackas medborgarlöften 2022. I lokalpolisområde Nacka …"
        if len(first.split()) > 8 or re.search(r"\bsom\b", first):
            return None
        return promise_heading(Block("heading", b.start, b.start + len(first), first))
    if len(b.text) > 100 or len(b.text.split()) > 12 or not _LOFTE.search(b.text):
        return None
    if any(fold(w).strip(".,:") in clauses.FINITE for w in b.text.split()) and not b.text.endswith(":"):
        return None  # a sentence about a promise ("Nytt medborgarlöfte kommer att tecknas 2018."), not its title
    if re.search(r"uppf[oö]ljning", b.text, re.IGNORECASE) and not re.search(r"\bdel i\b", b.text):
        return None
    return periods.heading_years(b.text)


def split_parts(bl: list[Block]) -> list[Part]:
    """One part per dated promise heading with a new period; text before the first joins the first."""
    parts: list[Part] = []
    current: Part | None = None
    for b in bl:
        years = promise_heading(b)
        whole = b.kind == "heading" or len(clauses.sentences(b.text)) == 1
        if years and current is None:
            current = Part([], b, years)
            parts.append(current)
        elif years and current.years is None:
            current.heading, current.years = b, years  # the intro before the first dated heading joins it
        elif years and whole and (current is None or years != current.years):
            current = Part([], b, years)
            parts.append(current)
        if current is None:
            current = Part([], None, None)
            parts.append(current)
        current.blocks.append(b)
    return parts or [Part([], None, None)]


def check_size(text: str):
    """Refuse at once what no promise document is: megabytes of text or thousands of list items."""
    if len(text) > MAX_TEXT_CHARS:
        raise TooMuch(f"the text has {len(text):,} characters (limit {MAX_TEXT_CHARS:,})")
    items = len(_LIST_LINE.findall(text))
    if items > 10 * MAX_COMMITMENTS:
        raise TooMuch(f"the text has {items:,} list items (limit {10 * MAX_COMMITMENTS:,})")


def read(text: str) -> list[Part]:
    """The promise parts of a normalised document, with their commitments."""
    check_size(text)
    bl = blocks(text)
    if sum(1 for b in bl if b.kind == "item") > 20 * MAX_COMMITMENTS:
        raise TooMuch(f"{sum(1 for b in bl if b.kind == 'item')} list items")
    parts = split_parts(bl)
    we = roles.we_roles(text)
    for part in parts:
        _read_part(part, we, text)
        if len(part.commitments) > MAX_COMMITMENTS:
            raise TooMuch(f"more than {MAX_COMMITMENTS} commitments")
    return parts


def _lists(part: Part) -> list[list[Block]]:
    out: dict[int, list[Block]] = {}
    for b in part.blocks:
        if b.kind == "item":
            out.setdefault(b.list_id, []).append(b)
    return list(out.values())


def _theme(b: Block) -> bool:
    """A short verb-less line grouping what follows ("Polisiärt arbete", "Förstärkt arbete mot narkotika")."""
    words = [fold(w).strip(".,:()") for w in b.text.split()]
    return (b.kind in ("heading", "para") and len(words) <= 12 and not b.text.endswith(":")
            and not any(w in clauses.FINITE for w in words) and promise_heading(b) is None
            and clauses.lead_kind(b.text) not in ("positive", "negative") and clauses.trap(b.text) is None)


def _lead(part: Part, first: Block, leads: dict) -> tuple[Block | None, str]:
    """The line that introduces a list and its kind, skipping theme lines; a sibling list shares its lead."""
    idx = part.blocks.index(first)
    for b in reversed(part.blocks[:idx]):
        if b.kind == "item":
            return leads.get(b.list_id, (None, "none"))
        if b.kind == "rule":
            return None, "none"
        if promise_heading(b) is not None:
            return b, "positive" if clauses.lead_kind(b.text) == "positive" else "weak"
        if _theme(b):
            part.themes.append(b)
            continue
        # A paragraph introduces a list by its last sentence ("… Det viktigaste är att … genom att:").
        sentences = clauses.sentences(b.text) if b.kind == "para" else [b.text]
        kind = clauses.lead_kind(sentences[-1] if sentences else b.text)
        if kind == "negative" and b.kind == "para" and not b.text.endswith(":"):
            kind = "weak"  # a description before a list does not introduce it
        return b, kind
    return None, "none"


def _action_like(text: str) -> bool:
    """Says that something will be done: a modal verb, or an infinitive first ("Genomföra …")."""
    f = fold(text)
    first = f.split()[0] if f.split() else ""
    return bool(re.search(r"\b(ska|skall|kommer att|lovar)\b", f)) or (first.endswith("a") and len(first) > 3)


def _self_standing(text: str) -> bool:
    """Names who acts and what they will do: a commitment whatever introduces it."""
    kind, _ = clauses.subject(clauses.sentences(text)[0] if clauses.sentences(text) else text)
    return kind == "actor" and bool(re.search(r"\b(ska|skall|kommer|lovar)\b", fold(text)))


def _read_part(part: Part, we: set[str], doc: str):
    leads: dict[int, tuple] = {}
    lists = _lists(part)
    for items in lists:
        leads[items[0].list_id] = _lead(part, items[0], leads)
    strong = any(k in ("positive", "neutral") for _, k in leads.values())
    context = {fold(s) for b in part.blocks if b.kind == "para" for s in clauses.sentences(b.text)}
    statement_roles = _statements(part)
    for items in lists:
        lead, kind = leads[items[0].list_id]
        if lead is not None and lead not in part.leads:
            part.leads.append(lead)
        for it in items:
            dated = part.years is not None or (lead is not None and lead.text.endswith(":"))
            why = _judge(it, kind, strong, items, context, dated)
            if why.startswith("not:"):
                part.rejected.append((it.text, it.start, it.end, why[4:].strip()))
                continue
            level = "self" if why.startswith("names who acts") else kind
            c = Commitment(it.text, it.start, it.end, _CONFIDENCE.get(level, 0.6), why)
            roles.responsible(c, lead, statement_roles, we)
            part.commitments.append(c)
    _prose(part, leads, strong, statement_roles, we, doc)
    part.commitments.sort(key=lambda c: c.start)


def _judge(it: Block, kind: str, strong: bool, items: list[Block], context: set[str], dated: bool) -> str:
    lead_text = {"positive": "a list introduced as what is promised", "neutral": "a list introduced by a “:” line",
                 "weak": "a list under the promise's heading", "none": "a list without an introduction"}
    if kind == "negative":
        return "not: the list's introduction names goals, problems, methods or results"
    trap = clauses.trap(it.text)
    if trap:
        return "not: " + trap
    if fold(it.text.rstrip(".")) + "." in context or fold(it.text) in context:
        return "not: repeats a sentence of the surrounding description"
    if len(items) == 1 and len(it.text.split()) <= 3 and not _action_like(it.text) \
            and not it.text.endswith(".") and kind not in ("positive", "neutral"):
        return "not: a lone title (an accordion or a link)"
    if kind in ("positive", "neutral"):
        return lead_text[kind]
    if _self_standing(it.text) and (not strong or kind != "weak" or all(_self_standing(x.text) for x in items)):
        return "names who acts and what they will do"
    if not strong and sum(_action_like(x.text) for x in items) * 2 > len(items) and kind == "weak" and dated:
        return lead_text[kind]
    return "not: " + ("headlines of the promise; its commitments are listed elsewhere" if strong
                      else "no introduction says these are commitments")


def _statements(part: Part) -> set[str]:
    """Sentences that say who promises ("X och Y lovar att …"); their actors stand behind unassigned items."""
    roles = set()
    for b in part.blocks:
        if b.kind == "item":
            continue
        pos = 0
        for s in clauses.sentences(b.text):
            found = b.text.find(s, pos)
            pos = max(pos, found)
            if _STATEMENT.search(fold(s)) and clauses.actors(s):
                part.statements.append((s, b.start + max(found, 0), b.start + max(found, 0) + len(s)))
                roles |= clauses.actors(s)
    return roles


def _prose(part: Part, leads: dict, strong: bool, statement_roles: set[str], we: set[str], doc: str):
    """Paragraphs that promise: under an action heading, right after a list of commitments, or the only text."""
    accepted_lists = {b.list_id for b in part.blocks if b.kind == "item"
                      and any(c.start == b.start for c in part.commitments)}
    section_positive, after_list = False, False
    only_text = part.years is not None and not part.commitments
    for b in part.blocks:
        if b.kind == "item":
            after_list = b.list_id in accepted_lists
            continue
        if b.kind == "rule" or promise_heading(b) is not None:
            section_positive, after_list = False, False
            continue
        if b.kind == "heading" or b.text.endswith(":"):
            section_positive = clauses.lead_kind(b.text) == "positive" and not b.text.endswith(":")
            after_list = False
            continue
        if not (section_positive or after_list or only_text) or _theme(b):
            continue
        for text, start, end in _groups(b, any_subject=section_positive, doc=doc):
            c = Commitment(text, start, end, 0.7 if section_positive else 0.6,
                           "a paragraph under an action heading" if section_positive
                           else "a promising paragraph after the commitments" if after_list
                           else "a promising sentence (the promise has no list)")
            roles.responsible(c, None, statement_roles, we)
            part.commitments.append(c)


def _groups(b: Block, any_subject: bool, doc: str):
    """Runs of sentences that each start with someone who will act, followed by sentences about it."""
    out, current, pos = [], None, 0
    for s in clauses.sentences(b.text):
        at = b.text.find(s, pos)
        pos = at + len(s)
        f = fold(s)
        kind, _ = clauses.subject(s)
        verb = clauses.main_verb(s)
        # Under an action heading a sentence without a finite verb is an infinitive commitment
        # ("I samverkan genomföra åtgärder vid otrygga platser …").
        modal = verb in clauses.MODAL or (any_subject and verb is None and len(s.split()) >= 6)
        stop = clauses.is_follow_up(s) and not modal or clauses.trap(s) or re.match(r"(malet|syftet)\b", f)
        # "Detta görs på flera sätt …" refers back to what was described; it promises nothing of its own.
        back = kind != "actor" and re.match(r"(detta|dessa|det har|det|sa)\s+\w+(s|r)\b", f)
        starts = modal and (kind == "actor" or any_subject) and not clauses.is_follow_up(s) and not stop and not back
        if starts and (current is None or kind == "actor"):
            current = [at, pos]
            out.append(current)
        elif current is not None and not stop and kind != "actor":
            current[1] = pos
        else:
            current = None
    found = []
    for a, z in out:
        text = " ".join(b.text[a:z].split())
        found.append((text, *locate(doc, b.start + a, text)))
    return found
