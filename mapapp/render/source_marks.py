"""An imported draft's source text cut into nested segments, so each field's span renders as a <mark>."""
import heapq

from ..importer.output import LOW

# Span keys of Promise.import_spans (see importer/drafting.py) -> the review form's field names.
PROMISE_FIELDS = {
    "municipality": ("municipality_code",),
    "parties": ("parties",),
    "period": ("period_start", "period_end"),
    "signed": ("signed",),
    "problem_picture": ("problem_picture",),
    "dialogue": ("dialogue_summary",),
    "follow_up_rule": ("fu_cadence", "fu_months", "fu_due", "fu_text"),
}
COMMITMENT_FIELDS = {"text": ("text", "title"), "method": ("method",), "target": ("target_count", "target_unit",
                                                                                  "target_text")}


def _pair(value, size: int):
    """A stored [start, end] checked and clipped to the text; anything else is ignored, not trusted."""
    if (isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        start, end = max(0, value[0]), min(size, value[1])
        if start < end:
            return start, end
    return None


def field_spans(spans: dict | None, size: int) -> list[tuple[int, int, str, list[str]]]:
    """(start, end, mark id, form fields) for every span a draft stored; commitments are 1-based (c1, c2, …)."""
    spans = spans if isinstance(spans, dict) else {}
    out = []
    for key, fields in PROMISE_FIELDS.items():
        pair = _pair(spans.get(key), size)
        if pair:
            out.append((*pair, f"src-{key.replace('_', '-')}", list(fields)))
    groups = spans.get("dialogue_groups")
    for n, value in enumerate(groups if isinstance(groups, list) else [], 1):
        pair = _pair(value, size)
        if pair:
            out.append((*pair, f"src-dialogue-group-{n}", ["dialogue_groups"]))
    commitments = spans.get("commitments")
    for n, cspans in enumerate(commitments if isinstance(commitments, list) else [], 1):
        if not isinstance(cspans, dict):
            continue
        for key, fields in COMMITMENT_FIELDS.items():
            pair = _pair(cspans.get(key), size)
            if pair:
                out.append((*pair, f"src-c{n}-{key}", [f"c{n}.{f}" for f in fields]))
        areas = cspans.get("areas")
        for slug, value in (areas.items() if isinstance(areas, dict) else ()):
            pair = _pair(value, size)
            if pair:
                out.append((*pair, f"src-c{n}-area-{slug}", [f"c{n}.areas"]))
    places = spans.get("places")
    for n, value in enumerate(places if isinstance(places, list) else [], 1):
        pair = _pair(value, size)
        if pair:
            out.append((*pair, f"src-place-{n}", [f"p{n}.choice"]))
    return out


# How sure the reading was (Promise.import_spans["confidence"], and per commitment) -> the form's fields.
_CONFIDENT = {"period": ("period_start", "period_end"), "municipality": ("municipality_code",),
              "follow_up_rule": ("fu_cadence", "fu_months", "fu_due", "fu_text"), "parties": ("parties",)}
_CONFIDENT_COMMITMENT = {"text": ("text", "title"), "responsible": ("responsible",)}


def low_confidence(spans: dict | None) -> dict[str, float]:
    """{form field: confidence} for every field the import read with less than LOW confidence."""
    spans = spans if isinstance(spans, dict) else {}
    out = {}
    sure = spans.get("confidence") if isinstance(spans.get("confidence"), dict) else {}
    for key, fields in _CONFIDENT.items():
        if isinstance(sure.get(key), (int, float)) and sure[key] < LOW:
            out.update(dict.fromkeys(fields, round(sure[key], 2)))
    commitments = spans.get("commitments")
    for n, cspans in enumerate(commitments if isinstance(commitments, list) else [], 1):
        sure = cspans.get("confidence") if isinstance(cspans, dict) and isinstance(cspans.get("confidence"), dict) else {}
        for key, fields in _CONFIDENT_COMMITMENT.items():
            if isinstance(sure.get(key), (int, float)) and sure[key] < LOW:
                out.update({f"c{n}.{f}": round(sure[key], 2) for f in fields})
    return out


def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def marks(text: str, spans: dict | None) -> tuple[list, dict[str, list[str]], dict[str, str]]:
    """The text as nested nodes; per form field the ids of the marks it came from; per mark id its text.

    A node is a plain string or {"id", "fields", "children"}. Identical spans share one mark; a span that
    crosses the end of the one enclosing it is split there, and only its first piece carries the id.
    """
    return _marks(text or "", field_spans(spans, len(text or "")))


def quoted_marks(text: str, quotes: dict[str, list]) -> tuple[list, dict[str, list[str]], dict[str, str]]:
    """The same for quotations: {mark id: [start, end]}; each mark is its own "field"."""
    text = text or ""
    pairs = [(*pair, mark_id, [mark_id]) for mark_id, value in quotes.items()
             if (pair := _pair(value, len(text)))]
    return _marks(text, pairs)


def _marks(text: str, items) -> tuple[list, dict[str, list[str]], dict[str, str]]:
    by_pair: dict[tuple[int, int], dict] = {}
    links: dict[str, list[str]] = {}
    for start, end, mark_id, fields in items:
        node = by_pair.setdefault((start, end), {"id": mark_id, "fields": [], "start": start, "end": end})
        node["fields"] += [f for f in fields if f not in node["fields"]]
        for f in fields:
            links.setdefault(f, []).append(node["id"])
    heap = [(n["start"], -n["end"], k, n) for k, n in enumerate(by_pair.values())]
    heapq.heapify(heap)
    root = {"start": 0, "end": len(text), "children": []}
    stack, seq = [root], len(heap)
    while heap:
        start, neg_end, _, node = heapq.heappop(heap)
        end = -neg_end
        while stack[-1] is not root and stack[-1]["end"] <= start:
            stack.pop()
        parent = stack[-1]
        if end > parent["end"]:  # crosses its parent's end: the rest becomes a separate mark after it
            rest = {"id": None, "fields": node["fields"], "start": parent["end"], "end": end}
            heapq.heappush(heap, (parent["end"], -end, seq, rest))
            seq, end = seq + 1, parent["end"]
        piece = {"id": node["id"], "fields": node["fields"], "start": start, "end": end, "children": []}
        parent["children"].append(piece)
        stack.append(piece)
    quotes = {n["id"]: _quote(text[n["start"]:n["end"]]) for n in by_pair.values()}
    return _nodes(text, root), {f: list(dict.fromkeys(ids)) for f, ids in links.items()}, quotes


def _nodes(text: str, node: dict) -> list:
    out, pos = [], node["start"]
    for child in node["children"]:
        if child["start"] > pos:
            out.append(text[pos:child["start"]])
        out.append({"id": child["id"], "fields": child["fields"], "children": _nodes(text, child)})
        pos = child["end"]
    if pos < node["end"]:
        out.append(text[pos:node["end"]])
    return out
