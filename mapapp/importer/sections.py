"""Prose fields of a promise: problem picture, citizen dialogue and its groups."""
import re

from .fields import Found, clean, sentences
from .structure import Block, Line, bullet_body, fold, is_promise_heading

_PROBLEM = re.compile(r"problembild|situationen idag|bakgrund|nulage")
_GROUPS_LEAD = re.compile(r"(fokusgrupp|dialoggrupp|medborgardialog|foljande grupper)")
_TERMINAL = (".", "!", "?", ":", ";")


def _heading_like(lines: list[Line], i: int) -> bool:
    ln = lines[i]
    if not ln.text or len(ln.text) > 60 or ln.text.endswith(_TERMINAL) or not ln.text[0].isupper():
        return False
    before = i == 0 or not lines[i - 1].text
    after = i + 1 >= len(lines) or not lines[i + 1].text
    return before or after


def problem_picture(text: str, lines: list[Line], first: int, stop: int, blocks: list[Block]) -> Found | None:
    """The paragraphs under a "Problembild" / "Situationen idag" heading."""
    for i in range(first, stop):
        ln = lines[i]
        if not ln.text or len(ln.text) > 90 or not _PROBLEM.search(ln.folded):
            continue
        if ln.text.endswith(":"):
            block = next((b for b in blocks if b.lead is not None and b.lead.index == ln.index), None)
            if block is not None:
                value = ln.text + " " + "; ".join(it.text.rstrip(".") for it in block.items)
                return Found(clean(value), ln.start, block.items[-1].end)
        collected, begin, end, paragraphs = [], None, None, 0
        j = i + 1
        while j < stop and paragraphs < 3:
            cur = lines[j]
            if not cur.text:
                if collected and (j + 1 >= stop or lines[j + 1].text):
                    paragraphs += 1
                j += 1
                continue
            if (_heading_like(lines, j) or is_promise_heading(cur) or bullet_body(cur) is not None
                    or cur.text.endswith(":")):
                break
            collected.append(cur.text)
            begin = cur.start if begin is None else begin
            end = cur.end
            j += 1
        if collected:
            return Found(clean(" ".join(collected))[:1500], begin, end)
    return None


def dialogue(text: str, lines: list[Line], first: int, stop: int) -> tuple[Found | None, Found | None]:
    """(summary sentence, list of groups) about the citizen dialogues behind the promise."""
    start, end = lines[first].start, lines[stop - 1].end if stop > first else lines[first].start
    summary, best = None, -1
    for a, b in sentences(text, start, end):
        f = fold(text[a:b])
        if "medborgardialog" in f and not f.rstrip().endswith(":"):
            # Prefer the sentence that says when or with how many groups the dialogues were held.
            score = 2 * bool(re.search(r"\d", f)) + bool(re.search(r"genomfor(t|ts|des)\b", f))
            if score > best:
                summary, best = Found(clean(text[a:b]), a, b), score
    groups = None
    for i in range(first, stop):
        ln = lines[i]
        if ln.text.endswith(":") and _GROUPS_LEAD.search(ln.folded):
            items = []  # (group name, start, end)
            for j in range(i + 1, stop):
                cur = lines[j]
                if not cur.text:
                    continue
                if len(cur.text) > 120 or cur.text.endswith((".", "!", "?")) or is_promise_heading(cur):
                    break
                body = bullet_body(cur) or 0
                items.extend((piece, a, b) for piece, (a, b) in _top_level_split(cur.text[body:], cur.start + body))
            if items:
                groups = Found(items, ln.start, items[-1][2])
            break
    return summary, groups


def _top_level_split(text: str, offset: int):
    """Split at commas outside parentheses: "A, B (c, d)" -> "A", "B (c, d)"."""
    depth, start = 0, 0
    for k, ch in enumerate(text + ","):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            piece = text[start:k]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                yield clean(stripped), (offset + start + lead, offset + start + lead + len(stripped))
            start = k + 1
