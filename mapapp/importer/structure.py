"""The layout of a normalised document: lines, promise headings, bulleted lists, one part per promise."""
import re
from dataclasses import dataclass

_FOLD = str.maketrans("åäöéèêáàüÅÄÖÉÈÊÁÀÜ", "aaoeeeaauaaoeeeaau")
_BULLET = re.compile(r"^(?:[•·▪●◦‣∙○■□►✓*]|[-–—](?=\s|[A-ZÅÄÖ])|\d{1,2}[.)](?=\s))\s*")
_LEAD = re.compile(r"\b(lovar|lova|atar (?:vi|oss|sig)|(?:ska|skall) (?:parterna|vi|polisen|kommunen)"
                   r"|vi (?:ska|skall))\b")
_NOT_LEAD = re.compile(r"\b(malet|malen|syftet|problemen|problem)\b")
_DEFINITION = re.compile(r"^[A-ZÅÄÖ]{2,}\b\s*[-–—:]")
_MODAL = re.compile(r"\b(ska|skall)\b")
_TERMINAL = (".", "!", "?", ":", ";")
_VERB = re.compile(r"\b(ar|ska|skall|lovar|har|kommer|galler|var|blir|utgar)\b")


def fold(text: str) -> str:
    """Lower case without diacritics, character for character (offsets stay valid)."""
    return text.lower().translate(_FOLD)


@dataclass
class Line:
    index: int
    start: int  # offsets of the stripped text in the normalised document
    end: int
    text: str

    @property
    def folded(self) -> str:
        return fold(self.text)


@dataclass
class Item:
    start: int
    end: int
    text: str


@dataclass
class Block:
    """A bulleted or numbered list, with the line that introduces it."""

    items: list[Item]
    lead: Line | None
    first_line: int
    last_line: int
    kind: str = ""  # "commitments", "definitions" or "" (other)
    reason: str = ""


def split_lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for i, raw in enumerate(text.split("\n")):
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        lines.append(Line(i, pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw) + 1
    return lines


def bullet_body(line: Line) -> int | None:
    """Offset (within the line) where a bullet item's text starts, or None."""
    m = _BULLET.match(line.text)
    if m and m.end() < len(line.text):
        return m.end()
    return None


def is_promise_heading(line: Line) -> bool:
    """A short title naming a promise ("Medborgarlöfte Skäggetorp 2018-2019"), not a sentence about one."""
    f = line.folded
    return (0 < len(line.text) <= 80 and len(f.split()) <= 9 and "medborgarlofte" in f
            and "uppfoljning" not in f and not _VERB.search(f)
            and not line.text.endswith((".", ",")) and not line.text[0].islower())






def _next_nonblank(lines, i, stop):
    while i < stop and not lines[i].text:
        i += 1
    return i


def find_lists(lines: list[Line], first: int, stop: int) -> list[Block]:
    """Every bulleted/numbered list in lines[first:stop], items joined across wrapped lines."""
    blocks, i = [], first
    while i < stop:
        body = bullet_body(lines[i])
        if body is None:
            i += 1
            continue
        start_line, items, cur = i, [], None
        while i < stop:
            ln = lines[i]
            b = bullet_body(ln) if ln.text else None
            if b is not None:
                cur = [ln.start + b, ln.end, [ln.text[b:]]]
                items.append(cur)
                i += 1
                continue
            if not ln.text:
                i += 1
                continue
            if _continues(cur, ln, lines, i, stop):
                cur[1] = ln.end
                cur[2].append(ln.text)
                i += 1
                continue
            break
        last = i
        while last > start_line and not lines[last - 1].text:
            last -= 1
        blocks.append(Block([Item(s, e, " ".join(p)) for s, e, p in items],
                            _lead_in(lines, start_line, first), start_line, last))
    for block in blocks:
        classify(block)
    return blocks


def _continues(cur, ln: Line, lines, i, stop) -> bool:
    text = " ".join(cur[2])
    if text.endswith(_TERMINAL):
        return False
    if ln.text[0].islower() or ln.text[0] in "(":
        return True
    # A wrapped line may start with a name ("… i centrala / Norrköping"); trust it when the list goes on.
    j = _next_nonblank(lines, i + 1, stop)
    return j < stop and bullet_body(lines[j]) is not None and len(ln.text) < 80 and not is_promise_heading(ln)


def _lead_in(lines: list[Line], start_line: int, first: int) -> Line | None:
    j = start_line - 1
    while j >= first and not lines[j].text:
        j -= 1
    if j < first or start_line - j > 3:
        return None
    lead = lines[j]
    # A lead-in wrapped over lines (PDF text) is joined back while the earlier line runs on.
    k = j - 1
    while k >= first and j - k < 4 and lines[k].text and not lines[k].text.endswith(_TERMINAL) \
            and bullet_body(lines[k]) is None and not is_promise_heading(lines[k]):
        lead = Line(lead.index, lines[k].start, lead.end, lines[k].text + " " + lead.text)
        k -= 1
    return lead


def classify(block: Block):
    """Decide whether a list states commitments; say why when it does not."""
    lead = block.lead
    definitions = sum(1 for it in block.items if _DEFINITION.match(it.text))
    if definitions * 2 >= len(block.items):
        block.kind, block.reason = "definitions", "its items explain terms (" + ", ".join(
            it.text.split()[0] for it in block.items if _DEFINITION.match(it.text)) + ")"
        return
    if lead is None:
        block.reason = "no introducing line"
        return
    f = lead.folded
    if _LEAD.search(f) and not _NOT_LEAD.search(f) and (lead.text.endswith(":") or f.endswith("att")):
        block.kind = "commitments"
        return
    if is_promise_heading(lead):
        modal = sum(1 for it in block.items if _MODAL.search(fold(it.text)))
        if modal * 2 >= len(block.items):
            block.kind = "commitments"
            return
    block.reason = f"introduced by “{_short(lead.text)}”, which promises nothing"


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
