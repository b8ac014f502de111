"""A document's blocks: headings, paragraphs, list items (wrapped lines joined, damaged bullets read as bullets)."""
import re
from dataclasses import dataclass

# Bullets as written, and as OCR reads them: "e", "o", "«", "©", "°"; "l ." and "1 ." for "1.".
_BULLET = re.compile(r"(?:[•·▪●◦‣∙○■□►✓*]|[-–—](?=\s|[A-ZÅÄÖ])|\d{1,2}\s?[.)](?=\s)|[lI]\s?\.(?=\s))[ \t]*")
_OCR_BULLET = re.compile(r"[eo«»©°¢](?=[ \t]+[A-Za-zÅÄÖåäö])[ \t]*")
_RULE = re.compile(r"[-_=*~—–]{3,}")
_TERMINAL = (".", "!", "?", ":", ";")
# A line ending in one of these runs on into the next line ("… under perioden / 2020-11-18 …").
_RUNS_ON = {"och", "i", "att", "för", "med", "av", "under", "på", "till", "om", "som", "samt", "eller", "den",
            "det", "de", "en", "ett", "vid", "från", "mot", "perioden", "kring", "inom", "genom", "där", "mellan"}
_SUSPENDED = {"och", "eller", "samt", "respektive", "till", "som"}


@dataclass
class Block:
    kind: str  # "heading", "para", "item", "rule"
    start: int  # offsets in the normalised text
    end: int
    text: str  # lines joined with single spaces, line-end hyphenation undone
    indent: int = 0
    list_id: int = -1  # items of one list share it
    index: int = 0

    @property
    def ends_lead(self) -> bool:
        return self.text.endswith(":")


@dataclass
class _Line:
    start: int
    end: int
    text: str
    indent: int


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        out.append(_Line(pos + lead, pos + lead + len(stripped), stripped, len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())))
        pos += len(raw) + 1
    return out


def bullet(line: str, ocr_bullets: bool) -> int | None:
    """Where an item's text starts in a line that opens a list item, else None."""
    m = _BULLET.match(line) or (_OCR_BULLET.match(line) if ocr_bullets else None)
    if m and m.end() < len(line):
        return m.end()
    return None


def _join(parts: list[str]) -> str:
    """Join wrapped lines; "trygg-" + "heten" is one word, "fordon-" + "och" keeps its hyphen."""
    out = ""
    for p in parts:
        if not out:
            out = p
        elif re.search(r"[^\W\d_]-$", out) and p[:1].islower() and p.split()[0] not in _SUSPENDED:
            out = out[:-1] + p
        else:
            out = out + " " + p
    return " ".join(out.split())


def _heading_like(line: _Line, nxt: _Line | None, prev_open: bool) -> bool:
    t = line.text
    if prev_open or not t or len(t) > 90 or len(t.split()) > 12 or t.endswith((".", ",", ";")):
        return False
    if t.split()[-1].lower() in _RUNS_ON or not (t[0].isupper() or t[0].isdigit()):
        return False
    if nxt is not None and nxt.text[:1].islower():
        return False  # a sentence wrapped onto the next line
    return nxt is None or not nxt.text or nxt.text[0].isupper() or len(t) <= 60


def blocks(text: str) -> list[Block]:
    """The document as blocks, in order."""
    lines = _lines(text)
    ocr_bullets = sum(1 for ln in lines if _OCR_BULLET.match(ln.text) and not _BULLET.match(ln.text)) >= 2
    out: list[Block] = []
    i, list_id, last_item_list = 0, 0, False
    while i < len(lines):
        ln = lines[i]
        if not ln.text:
            i += 1
            continue
        if _RULE.fullmatch(ln.text):
            out.append(Block("rule", ln.start, ln.end, ln.text))
            last_item_list = False
            i += 1
            continue
        body = bullet(ln.text, ocr_bullets)
        if body is not None:
            if not last_item_list:
                list_id += 1
            i, block = _item(lines, i, body, ocr_bullets)
            block.list_id = list_id
            out.append(block)
            last_item_list = True
            continue
        i, block = _paragraph(lines, i, ocr_bullets)
        out.append(block)
        last_item_list = False
    out = [piece for b in out for piece in _split_run_together(text, b)]
    for k, b in enumerate(out):
        b.index = k
    return out


_RUN_TOGETHER = re.compile(r"(?<=[.!?])[ \t]+[-–•][ \t]+(?=[A-ZÅÄÖ])")


def _split_run_together(text: str, b: Block) -> list[Block]:
    """Two items a copy ran into one line ("… i nära relationer. - Vi ska tillsammans …") become two."""
    if b.kind != "item":
        return [b]
    raw = text[b.start:b.end]
    cuts = [m for m in _RUN_TOGETHER.finditer(raw)]
    if not cuts:
        return [b]
    pieces, pos = [], 0
    for m in cuts + [None]:
        stop = m.start() if m else len(raw)
        chunk = raw[pos:stop]
        lead = len(chunk) - len(chunk.lstrip())
        body = chunk.strip()
        if body:
            pieces.append(Block("item", b.start + pos + lead, b.start + pos + lead + len(body),
                                _join([ln.strip() for ln in body.split("\n") if ln.strip()]), b.indent, b.list_id))
        pos = m.end() if m else len(raw)
    return pieces


def _item(lines, i, body, ocr_bullets):
    first = lines[i]
    parts, end = [first.text[body:]], first.end
    j = i + 1
    while j < len(lines):
        ln = lines[j]
        if not ln.text:
            # A blank line inside an item: OCR splits items so; go on only into a lower-case line.
            k = j
            while k < len(lines) and not lines[k].text:
                k += 1
            if k < len(lines) and lines[k].text[:1].islower() and not parts[-1].endswith(_TERMINAL) \
                    and bullet(lines[k].text, ocr_bullets) is None:
                j = k
                continue
            break
        if bullet(ln.text, ocr_bullets) is not None or _RULE.fullmatch(ln.text):
            break
        lower = ln.text[:1].islower() or parts[-1].endswith("-") or ln.text[:1] in "(”\"'"
        deeper = ln.indent > first.indent  # a body line set in under its bullet
        closed = parts[-1].endswith(_TERMINAL)
        if lower or deeper or (not closed and first.indent == 0 and not ln.text.endswith(":")):
            parts.append(ln.text)
            end = ln.end
            j += 1
            continue
        break
    return j, Block("item", first.start + body, end, _join(parts), first.indent)


def _paragraph(lines, i, ocr_bullets):
    first = lines[i]
    parts, end, j = [first.text], first.end, i + 1
    nxt = lines[j] if j < len(lines) else None
    if first.text.endswith(":") or _heading_like(first, nxt, False):
        kind = "para" if first.text.endswith(":") else "heading"
        return j, Block(kind, first.start, first.end, first.text, first.indent)
    while j < len(lines):
        ln = lines[j]
        if not ln.text or bullet(ln.text, ocr_bullets) is not None or _RULE.fullmatch(ln.text):
            break
        prev_open = not parts[-1].endswith(_TERMINAL)
        if not prev_open and _heading_like(ln, lines[j + 1] if j + 1 < len(lines) else None, False):
            break
        parts.append(ln.text)
        end = ln.end
        j += 1
        if ln.text.endswith(":"):
            break
    return j, Block("para", first.start, end, _join(parts), first.indent)


def locate(text: str, near: int, snippet: str) -> tuple[int, int]:
    """Where a joined snippet stands in the text it was read from (line breaks and hyphenation aside)."""
    words = snippet.split()
    if not words:
        return near, near
    pattern = r"[\s\-]*".join(re.escape(w) if k == 0 else r"\s*".join(map(re.escape, w)) if len(w) < 2
                              else re.escape(w[0]) + r"(?:-\s*)?" + r"(?:-\s*)?".join(map(re.escape, w[1:]))
                              for k, w in enumerate(words))
    window_start = max(0, near - 200)
    m = re.compile(pattern).search(text, window_start, near + 4 * len(snippet) + 400)
    return (m.start(), m.end()) if m else (near, near + len(snippet))
