"""The presenter's slides for one promise, as plain data: pure functions of the store's dicts.

The page (templates/present.html) and its JSON twin (/present/<promise>.json) both render the
list that build() returns, so they never disagree about how many slides there are or what each
shows. Slides are sized for a 16:9 screen whose root font is 28 px at 1920×1080 (static/css/
present.css scales it with the screen): text is never shrunk to fit; an area whose commitments do
not fit is split over several slides instead. The LAYOUT numbers below mirror present.css.
"""
import datetime as dt
import math
import re

from . import vocab
from .knowledge import SLOT_STATES
from .status import count_statuses, progress
from .vocab import N_


STRINGS = {
    "summary": N_("Sammanfattning"),
    "closing": N_("Följ löftet"),
    "dialogue": N_("Medborgardialogen bakom löftet"),
    "dialogue_more": N_("Medborgardialogen (forts.)"),
}

# Slide geometry in rem (1 rem = 28 px at 1920×1080); keep in step with present.css.
LAYOUT = {
    "width": 38.6,  # the slide column's content width (60 % of 68.57 rem, minus padding)
    "height": 36.5,  # its content height (38.57 rem, minus padding)
    "safety": 0.92,  # share of the height the estimate may fill: fonts differ between machines
    "char": 0.56,  # average advance of a character, in em, regular weight (measured: DejaVu Sans 0.54)
    "char_bold": 0.65,  # (measured: DejaVu Sans Bold 0.63; Segoe UI, Roboto and SF are narrower)
    "wrap": 0.92,  # share of a line that words fill on average before wrapping
}
MAX_COMMITMENTS_PER_SLIDE = 7  # more than this is hard to read from the back of a room
NOTE_LIMIT = 280  # a follow-up note longer than this is cut at a word; the citizen page has all of it
TEXT_LIMIT = 300
TITLE_LIMIT = 160


def clip(text: str | None, limit: int) -> tuple[str, bool]:
    """Text cut at a word boundary to at most `limit` characters (with an ellipsis), and whether it was cut."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text, False
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:.–—-") + "…", True


def _iso(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


_SV_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})  # Swedish: … z å ä ö


def sv_key(name: str) -> str:
    return (name or "").casefold().translate(_SV_ORDER)


# --- which areas and commitments ------------------------------------------------------------

def applies(commitment: dict, area: dict, municipality_code: str) -> bool:
    """A commitment reaches an area if it names it, or targets the whole of the area's municipality."""
    if commitment["whole_municipality"]:
        return area["municipality"]["code"] == municipality_code
    return any(a["slug"] == area["slug"] for a in commitment["areas"])


def candidate_areas(promise: dict, areas: dict[str, dict]) -> list[str]:
    """Every area the promise reaches, alphabetically (Swedish order): the default slide order."""
    code = promise["municipality"]["code"]
    slugs = [s for s, a in areas.items()
             if s in promise["areas"] or (promise["whole_municipality"] and a["municipality"]["code"] == code)]
    return sorted(slugs, key=lambda s: (sv_key(areas[s]["name"]), s))


def default_selection(promise: dict, areas: dict[str, dict]) -> dict:
    return {"areas": candidate_areas(promise, areas),
            "commitments": [c["key"] for c in promise["commitments"]], "ordered": False}


def check_selection(promise: dict, areas: dict[str, dict], area_slugs: list, commitment_keys: list) -> list[tuple]:
    """What is wrong with a chosen order of areas and commitments, as (message, values) pairs to
    translate; an empty list when nothing is."""
    problems = []
    allowed_areas, allowed_keys = set(candidate_areas(promise, areas)), {c["key"] for c in promise["commitments"]}
    if not area_slugs:
        problems.append((N_("Välj minst ett område."), {}))
    if not commitment_keys:
        problems.append((N_("Välj minst ett åtagande."), {}))
    if len(set(area_slugs)) != len(area_slugs) or len(set(commitment_keys)) != len(commitment_keys):
        problems.append((N_("Ett område eller åtagande är valt två gånger."), {}))
    unknown = [s for s in area_slugs if s not in allowed_areas] + [k for k in commitment_keys if k not in allowed_keys]
    if unknown:
        problems.append((N_("Löftet når inte: %(names)s."), {"names": ", ".join(unknown)}))
    return problems


# --- sizing -------------------------------------------------------------------------------

def _lines(text: str, size: float, bold=False, width=None) -> int:
    """How many lines `text` takes at font size `size` (rem), with a margin for word wrapping."""
    per_line = (width or LAYOUT["width"]) / (size * (LAYOUT["char_bold"] if bold else LAYOUT["char"]))
    return max(1, math.ceil(len(text or "") / (per_line * LAYOUT["wrap"])))


def _commitment_height(c: dict) -> float:
    """Rem taken by one commitment block: its title, then badges and the latest follow-up."""
    title = _lines(c["title"], 1.15, bold=True) * 1.15 * 1.25
    status_text = c["status_label"] + (" hela kommunen" if c["scope"] == "municipality" else "") + " " + (
        (c["latest"]["date_label"] + " " + c["latest"]["note"]) if c["latest"] else c["status_text"])
    status = _lines(status_text + "        ", 1.0) * 1.45  # badges add padding
    return title + status + 0.15 + 0.9


def budget(reserved: float) -> float:
    """Rem of a slide's height that content may fill below `reserved` rem of headings."""
    return (LAYOUT["height"] - reserved) * LAYOUT["safety"]


def text_height(text: str, size: float, line_height: float, bold: bool = False) -> float:
    """Rem that `text` takes at font size `size` (rem) and the given line height: for slides built elsewhere."""
    return _lines(text, size, bold) * size * line_height


def pack(items: list, heights: list[float], budget: float, most: int) -> list[list]:
    """Split items, in order, into as few slides as fit; then even the slides out where that still fits."""
    chunks, current, used = [], [], 0.0
    for item, h in zip(items, heights):
        if current and (used + h > budget or len(current) >= most):
            chunks.append(current)
            current, used = [], 0.0
        current.append(item)
        used += h
    if current or not chunks:
        chunks.append(current)
    parts = len(chunks)
    if parts > 1:  # 5 + 1 reads worse than 3 + 3: try equal shares of the same number of slides
        size = math.ceil(len(items) / parts)
        even = [list(range(i, min(i + size, len(items)))) for i in range(0, len(items), size)]
        if len(even) == parts and all(sum(heights[j] for j in idx) <= budget for idx in even):
            return [[items[j] for j in idx] for idx in even]
    return chunks


# --- the slides ---------------------------------------------------------------------------

def _latest(c: dict) -> dict | None:
    live = [f for f in c["follow_ups"] if not f.get("superseded")]
    if not live:
        return None
    f = max(live, key=lambda f: (_iso(f["date"]), f["id"]))
    note, cut = clip(f["note"], NOTE_LIMIT)
    return {"date": _iso(f["date"]), "date_label": f["date_label"] or _iso(f["date"]),
            "status": f["status"], "status_label": f["status_label"], "note": note, "note_clipped": cut}


def _commitment_card(c: dict, scope: str) -> dict:
    return {"key": c["key"], "slug": c["slug"], "title": clip(c["title"], TEXT_LIMIT)[0],
            "responsible_label": c["responsible_label"], "scope": scope,
            "status": c["status"], "status_label": c["status_label"], "latest": _latest(c),
            "status_text": c.get("status_text") or c["status_label"]}


def _bounds(slugs: list[str], areas: dict[str, dict]) -> list | None:
    """[[south, west], [north, east]] around the areas' bounding boxes."""
    boxes = [areas[s]["bbox"] for s in slugs if areas.get(s, {}).get("bbox")]
    if not boxes:
        return None
    return [[min(b[1] for b in boxes), min(b[0] for b in boxes)], [max(b[3] for b in boxes), max(b[2] for b in boxes)]]


def _title_slides(promise: dict, shown: list[str], strings: dict) -> list[dict]:
    """The title slide, with the dialogue groups behind the promise; groups that do not fit continue
    on further slides (and the whole dialogue moves on if not even its first group fits)."""
    dialogue = promise.get("dialogue") or {}
    groups = [clip(g, TEXT_LIMIT)[0] for g in dialogue.get("groups") or []]
    summary = clip(dialogue.get("summary"), TEXT_LIMIT)[0]
    title = clip(promise["title"], TITLE_LIMIT)[0]
    parties = [clip(p, TEXT_LIMIT)[0] for p in promise["parties"]]
    head = (_lines(title, 2.0, bold=True) * 2.0 * 1.15 + 0.6
            + _lines(" · ".join(parties), 1.1) * 1.1 * 1.3 + 0.3 + 1.3 + 0.6)
    intro = 1.4 * 1.2 + 0.6 + _lines(summary, 1.0) * 1.3 + 0.3 if summary else 1.4 * 1.2 + 0.6
    column = (LAYOUT["width"] - 1.5) / 2

    def list_height(items):  # two balanced columns, plus the tallest item for uneven breaks
        rows = [_lines(g, 1.0, width=column) * 1.3 + 0.3 for g in items]
        return (sum(rows) / 2 + max(rows)) if rows else 0

    def take(rest, budget, first=False):
        chunk = []
        while rest and ((first and not chunk) or list_height(chunk + rest[:1]) <= budget):
            chunk, rest = chunk + rest[:1], rest[1:]
        return chunk, rest

    title_slide = {"kind": "title", "heading": title, "parties": parties,
                   "period": {"start": _iso(promise["period"]["start"]), "end": _iso(promise["period"]["end"])},
                   "signed": _iso(promise.get("signed")), "dialogue": None, "areas": shown}
    slides, rest = [title_slide], groups
    if dialogue:
        fits = head + intro <= budget(0) and (not groups or list_height(groups[:1]) <= budget(head + intro))
        if fits:
            first, rest = take(groups, budget(head + intro))
            title_slide["dialogue"] = {"heading": strings["dialogue"], "summary": summary, "groups": first}
        else:  # a long title: the dialogue gets a slide of its own
            first, rest = take(groups, budget(intro + 0.6), first=True)
            slides.append({"kind": "dialogue", "heading": strings["dialogue"], "summary": summary,
                           "groups": first, "areas": shown})
    while rest:  # a long list of dialogue groups continues rather than shrinking
        chunk, rest = take(rest, budget(2.6 + 0.6), first=True)
        slides.append({"kind": "dialogue", "heading": strings["dialogue_more"], "summary": None,
                       "groups": chunk, "areas": shown})
    return slides


def _area_slides(promise: dict, areas: dict[str, dict], selection: dict) -> list[dict]:
    code = promise["municipality"]["code"]
    by_key = {c["key"]: c for c in promise["commitments"]}
    chosen = [by_key[k] for k in selection["commitments"] if k in by_key]
    slides, shown = [], [s for s in selection["areas"] if s in areas]
    for index, slug in enumerate(shown, start=1):
        area = areas[slug]
        cards = [_commitment_card(c, "municipality" if c["whole_municipality"] else "area")
                 for c in chosen if applies(c, area, code)]
        if not selection.get("ordered"):  # by default what names the area comes before the municipality-wide
            cards.sort(key=lambda card: card["scope"] == "municipality")
        kicker = promise["title"] if len(shown) == 1 else "Område 10 av 10"
        reserved = (_lines(kicker + " · bild 1 av 2", 1.0, bold=True) * 1.3 + 0.25
                    + _lines(area["name"], 1.8, bold=True) * 1.8 * 1.15 + 0.5)
        chunks = pack(cards, [_commitment_height(c) for c in cards], budget(reserved), MAX_COMMITMENTS_PER_SLIDE)
        for part, chunk in enumerate(chunks, start=1):
            slides.append({"kind": "area", "heading": area["name"], "area": slug, "areas": [slug],
                           "area_index": index, "area_count": len(shown), "part": part, "parts": len(chunks),
                           "commitments": chunk, "commitment_count": len(cards)})
    return slides


def _summary_slide(promise: dict, selection: dict, shown: list[str], strings: dict) -> dict:
    by_key = {c["key"]: c for c in promise["commitments"]}
    chosen = [by_key[k] for k in selection["commitments"] if k in by_key]
    counts = count_statuses(c["status"] for c in chosen)
    schedule = promise["schedule"]
    rule = promise.get("follow_up_rule") or {}
    return {"kind": "summary", "heading": strings["summary"], "areas": shown,
            "commitment_count": len(chosen), "promise_commitment_count": len(promise["commitments"]),
            "status_counts": [{"status": k, "label": vocab.STATUSES[k], "count": n} for k, n in counts.items() if n],
            "progress": progress(counts),
            "next_due": _iso(schedule.get("next_due")), "ended": bool(schedule.get("ended")),
            "period_end": _iso(promise["period"]["end"]), "period_label": promise["period"].get("label"),
            "state": promise.get("state"), "last_known": _iso(promise.get("last_known")),
            "follow_up_states": [{"state": k, "label": SLOT_STATES[k], "count": n}
                                 for k, n in schedule.get("counts", {}).items() if n],
            "rule": clip(rule.get("text"), TEXT_LIMIT)[0] or None}


def build(promise: dict, areas: dict[str, dict], citizen_url: str, selection: dict | None = None,
          strings: dict | None = None, extra: list[dict] | None = None) -> dict:
    """Every slide of a presentation of `promise`.

    areas: slug → {slug, name, municipality: {code}, bbox: [w, s, e, n], label_point: [lon, lat]}.
    selection: {"areas": [slug, …], "commitments": [key, …]} in the order to show them (a saved
    presentation), or None for every area the promise reaches and every commitment.
    extra: slides shown after the summary, before the closing slide (a dialogue's questions and results).
    """
    strings = {**STRINGS, **(strings or {})}
    ordered = selection is not None
    selection = {**(selection or default_selection(promise, areas)), "ordered": ordered}
    shown = [s for s in selection["areas"] if s in areas]
    slides = (_title_slides(promise, shown, strings) + _area_slides(promise, areas, selection)
              + [_summary_slide(promise, selection, shown, strings)]
              + [{**s, "areas": shown} for s in extra or []]
              + [{"kind": "closing", "heading": strings["closing"], "url": citizen_url, "areas": shown}])
    for n, slide in enumerate(slides, start=1):
        slide["n"] = n
        slide["bounds"] = _bounds(slide["areas"], areas)
    return {
        "promise": {"slug": promise["slug"], "title": promise["title"],
                    "municipality": promise["municipality"]},
        "citizen_url": citizen_url,
        "areas": {s: {"slug": s, "name": areas[s]["name"], "bbox": areas[s].get("bbox"),
                      "label_point": areas[s].get("label_point")} for s in candidate_areas(promise, areas)
                  if s in areas},
        "slides": slides,
        "count": len(slides),
    }


_SLUG_CHARS = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def slugify(text: str) -> str:
    """A URL slug from a name: 'Möte i Hageby 2024' → 'mote-i-hageby-2024'."""
    return re.sub(r"[^a-z0-9]+", "-", (text or "").casefold().translate(_SLUG_CHARS)).strip("-")[:80].strip("-")
