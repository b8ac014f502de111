"""A document to draft promises for review: read_document's reading shaped like the curated data, each field
with its source span and how sure the reading is, named places with their gazetteer match, and an account."""
import calendar
import datetime as dt
from dataclasses import dataclass, field

from . import fields, gazetteer, people, sections
from .draft_areas import AreaResolver, commitment_areas, wide_names
from .extract import UnreadableDocument, extract_text
from .output import MAX_SECONDS, Budget, Refused, reading
from .structure import find_lists, fold, split_lines

# The reading's responsible party in the three the promise table knows; anything else is both, flagged.
_RESPONSIBLE = {"police": "polisen", "municipality": "kommunen", "both": "both"}


@dataclass
class Drafting:
    """Drafts shaped like dataset promises (plus spans, confidence, named places) and a readable account."""

    drafts: list[dict] = field(default_factory=list)
    account: list[str] = field(default_factory=list)
    original_text: str = ""
    normalised_text: str = ""
    kind: str = ""
    unreadable: str | None = None  # why the input could not be read at all
    internal_error: bool = False  # true only if the safety net below caught a bug


def known_areas_from_dataset(ds) -> dict:
    """{slug: {name, municipality_code, municipality_name, est, provenance}} from a loaded dataset."""
    return {a["slug"]: {"name": a["name"], "municipality_code": a["municipality_code"],
                        "municipality_name": a["municipality_name"], "est": bool(a["est"].get("member")),
                        "provenance": a["provenance"]} for a in ds.areas}


def _clean_known(known_areas) -> dict:
    # Accept {slug: name} as well as {slug: {...}}; ignore anything else rather than fail.
    out = {}
    for slug, info in (known_areas or {}).items() if isinstance(known_areas, dict) else ():
        if isinstance(info, str):
            out[str(slug)] = {"name": info}
        elif isinstance(info, dict):
            out[str(slug)] = info
    return out


def draft_document(data: bytes, filename: str, known_areas: dict, geodata_dir: str | None = None,
                   seconds: float = MAX_SECONDS) -> Drafting:
    """Read one document and draft its promises; never raises, whatever the input."""
    result = Drafting()
    name = filename or "the file"
    try:
        extracted = extract_text(data, filename)
        result.original_text, result.kind = extracted.text, extracted.kind
        read = reading(extracted.text, geodata_dir, Budget(seconds))
    except (UnreadableDocument, Refused) as err:
        result.unreadable = getattr(err, "message", None) or str(err)
        verb = "Refused" if isinstance(err, Refused) else "Could not read"
        result.account = [f"{verb} {name}: {result.unreadable}.", "No draft."]
        return result
    try:
        result.account.append(f"Read {len(extracted.text)} characters of {extracted.kind}"
                              + (f" ({'; '.join(extracted.notes)})" if extracted.notes else "") + ".")
        norm = read.norm
        result.normalised_text = norm.text
        if norm.ocr_damaged:
            sample = ", ".join(f"“{a}” → “{b}”" for a, b in norm.corrections[:6])
            result.account.append(f"The text looks OCR-damaged (å/ä/ö lost); {len(norm.corrections)} word(s) "
                                  f"repaired for reading, the original is kept (e.g. {sample}).")
        gaz = gazetteer.load(geodata_dir)
        promises = read.result["promises"]
        if len(promises) > 1:
            result.account.append(f"Split into {len(promises)} promises at the dated headings: " + "; ".join(
                f"“{p['heading']['text']}”" for p in promises if p["heading"]) + ".")
        for n, (promise, part) in enumerate(zip(promises, read.parts), 1):
            label = f"Promise {n}" + (f" “{promise['heading']['text']}”" if promise["heading"] else "")
            result.drafts.append(_draft(promise, part, norm, _clean_known(known_areas), gaz, filename, label,
                                        result.account))
        if not result.drafts:
            for part in read.skipped:
                for text, _, _, why in part.rejected[:8]:
                    result.account.append(f"  A list item “{_short(text, 70)}” is not a commitment: {why}.")
                for text, _, _ in part.statements[:2]:
                    result.account.append(f"  “{_short(text, 110)}” speaks about a promise, but no list or "
                                          "paragraph of its own says what is promised.")
            result.account.append("No draft: the document states no commitments of its own.")
    except Exception as exc:  # a safety net: a bug here must still give an account, never a traceback
        result.drafts, result.internal_error = [], True
        result.account.append(f"Internal error while drafting ({type(exc).__name__}); no draft. "
                              "Please report this file.")
    return result


def _date(value: str | None, last: bool) -> dt.date | None:
    """"2018", "2021-12" or "2018-07-01" as the first (or last) day it names."""
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else (12 if last else 1)
    day = parts[2] if len(parts) > 2 else (calendar.monthrange(year, month)[1] if last else 1)
    return dt.date(year, month, day)


def _municipality(promise, part_text, known_areas, gaz) -> tuple[dict | None, float, str]:
    """The promise's municipality: as the text names it, else that of the app's areas or the exact
    gazetteer matches it names (less sure)."""
    if promise["municipalities"]:
        m = promise["municipalities"][0]
        return {"code": m["code"], "name": m["name"]}, m["confidence"], m["how"]
    codes = {known_areas[s].get("municipality_code") for s, _, _ in fields.area_mentions(part_text, known_areas)}
    codes |= {a["match"]["municipality_code"] for a in promise["areas"] if a["match"] and a["match"]["kind"] == "exact"}
    codes.discard(None)
    if len(codes) == 1 and (code := codes.pop()) in gaz.by_code:
        return {"code": code, "name": gaz.by_code[code]["name"]}, 0.55, "the municipality of the places it names"
    return None, 0.0, "not found"


def _draft(promise, part, norm, known_areas, gaz, filename, label, account) -> dict:
    text = norm.text
    span = norm.span
    part_text = text[part.start:part.end]
    muni, muni_conf, muni_how = _municipality(promise, part_text, known_areas, gaz)
    code = muni["code"] if muni else None
    spans: dict = {"promise": span(part.start, part.end)}
    conf: dict = {"municipality": muni_conf}
    if promise["municipalities"] and muni:
        spans["municipality"] = span(*promise["municipalities"][0]["span"])
    account.append(f"{label}: {len(promise['commitments'])} commitment(s).")
    account.append(f"  municipality: {muni['name']} ({code}), from {muni_how}." if muni else "  municipality: not found.")
    period = promise["period"]
    start, end = _date(period["start"], False), _date(period["end"], True)
    conf["period"] = period["confidence"]
    if period["span"]:
        spans["period"] = period["span"]
    if start and end:
        account.append(f"  period: {start} – {end} ({period['how']}).")
    else:
        account.append(f"  period: {'not found' if not (start or end) else 'incomplete'} ({period['how']}).")
        start = end = None
    rule = _rule(promise, norm, part)
    if rule:
        conf["follow_up_rule"] = rule.pop("confidence")
        spans["follow_up_rule"] = rule.pop("span")
        account.append(f"  follow-up rule: {rule['cadence']}, “{_short(rule['text'])}”"
                       + (f" ({rule['note']})" if rule.get("note") else "") + ".")
    else:
        account.append("  follow-up rule: not found.")
    resolver = AreaResolver(known_areas, code, gaz)
    heads = {id(b): _head_areas(b, promise["areas"], resolver, span)
             for b in ([part.heading] if part.heading else []) + list(part.leads)}
    by_name = {a["name"]: a for a in promise["areas"]}
    est = [s for s, a in resolver.known.items() if a.get("est")]
    commitments, notes = _commitments(promise, part, norm, resolver, by_name, heads, est)
    account.append("  areas: " + "; ".join(notes) + ".")
    if resolver.places:
        account.append("  named places for the reviewer to match: " + "; ".join(
            f"“{p['name']}” → " + (f"{p['match']['name']} ({p['match']['dataset']}, {p['match']['kind']})"
                                   if p["match"] else "no gazetteer entry") for p in resolver.places.values()) + ".")
    sig = fields.signed(text, part.start, part.end)
    if sig:
        spans["signed"] = span(sig.start, sig.end)
    problem, dialogue = _prose(text, part, spans, span)
    parties, conf["parties"] = _parties(promise, commitments, part_text, muni, text)
    first = next((p["span"] for p in promise["parties"] if p["span"] and p["role"] in ("police", "municipality")), None)
    if first:
        spans["parties"] = span(*first)
    place = _title_place([_scope(part, heads, f.start) for f in part.commitments], resolver, muni)
    years = "" if not start else f"{start.year}" if start.year == end.year else f"{start.year}–{end.year}"
    return {
        "slug": people.slugify(f"{place[0] or 'import'} {years.replace('–', ' ')}", words=6),
        "title": f"Medborgarlöfte {place[1] or muni and muni['name'] or ''} {years}".replace("  ", " ").strip(),
        "municipality_code": code, "municipality_name": muni["name"] if muni else None, "parties": parties,
        "period_start": start, "period_end": end, "signed": sig.value if sig else None,
        "problem_picture": problem, "dialogue": dialogue, "follow_up_rule": rule,
        "sources": [{"seed": filename or None, "url": None, "title": f"Importerat dokument {filename}".strip()}],
        "related_reports": [], "commitments": commitments,
        "places": list(resolver.places.values()),
        "spans": spans | {"confidence": conf, "commitments": [c.pop("_spans") for c in commitments]},
        "original_text": norm.original,
    }


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _rule(promise, norm, part) -> dict | None:
    """The follow-up rule as read; else (flagged, less sure) one inferred from a linked follow-up document's name."""
    found = promise["follow_up_rule"]
    if found and found["cadence"]:
        extra = fields.cadence(fold(found["text"])) or {}
        return {"cadence": found["cadence"], "months": found["months"], "text": found["text"],
                "due": extra.get("due"), "reporter": None, "note": None,
                "confidence": found["confidence"], "span": found["span"]}
    inferred = fields.follow_up_rule(norm.text, part.start, part.end)
    if inferred is None:
        return None
    return {**inferred.value, "confidence": 0.4 if inferred.value.get("note") else 0.55,
            "span": norm.span(inferred.start, inferred.end)}


def _head_areas(block, areas, resolver, span) -> tuple[list, list, dict]:
    """(app area slugs, named places, marks) a heading or a list's introduction names."""
    slugs, places, marks = [], [], {}
    for slug, a, z in resolver.mentions(block.text):
        if slug not in slugs:
            slugs.append(slug)
            marks[slug] = span(block.start + a, block.start + z)
    for area in wide_names(areas, [block.text]):
        slug = resolver.resolve(area)
        if slug is None:
            places.append(resolver.place(area))
        elif slug not in slugs:
            slugs.append(slug)
    return slugs, places, marks


def _scope(part, heads, start) -> tuple[list, list, dict]:
    """What the promise's heading and the introduction of the commitment's own list name: they scope it."""
    lead = max((b for b in part.leads if b.start < start), key=lambda b: b.start, default=None)
    slugs, places, marks = [], [], {}
    for b in ([part.heading] if part.heading else []) + ([lead] if lead is not None else []):
        s, p, m = heads[id(b)]
        slugs += [x for x in s if x not in slugs]
        places += [x for x in p if x not in places]
        marks = {**m, **marks}
    return slugs, places, marks


def _commitments(promise, part, norm, resolver, by_name, heads, est) -> tuple[list[dict], list[str]]:
    out, slugs, notes = [], set(), []
    for k, (c, found) in enumerate(zip(promise["commitments"], part.commitments), 1):
        body = norm.text[found.start:found.end]
        scope = _scope(part, heads, found.start)
        chosen = commitment_areas(resolver, body, [by_name[n] for n in c["areas"] if n in by_name], scope, est)
        cspans: dict = {"text": c["span"]}
        marks = {s: norm.span(found.start + a, found.start + b) for s, (a, b) in chosen["marks"].items()}
        marks = {**{s: v for s, v in scope[2].items() if s in chosen["areas"]}, **marks}
        if marks:
            cspans["areas"] = marks
        what = ", ".join(chosen["areas"] + [f"“{p}” (named place)" for p in chosen["places"]])
        notes.append(f"{k} → " + {"named": what, "est": f"the municipality's EST areas ({what}), as the text "
                                  "says EST in “beslutade områden”", "wide": f"{what} (from the promise's heading)",
                                  "none": "whole municipality (no place named)"}[chosen["how"]])
        found_method, found_target = fields.method(body), fields.target(body)
        if found_method:
            cspans["method"] = norm.span(found.start + found_method.start, found.start + found_method.end)
        if found_target:
            cspans["target"] = norm.span(found.start + found_target.start, found.start + found_target.end)
        responsible = _RESPONSIBLE.get(c["responsible"], "both")
        sure = c["responsible_confidence"] if c["responsible"] in _RESPONSIBLE else min(0.5, c["responsible_confidence"])
        cspans["confidence"] = {"text": c["confidence"], "responsible": round(sure, 2)}
        title = people.title(c["text"])
        slug = base = people.slugify(title, words=5)
        n = 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        note = ("Områdena är kommunens EST-områden enligt områdesdata; texten säger ”beslutade områden”."
                if chosen["how"] == "est" else None)
        out.append({
            "slug": slug, "title": title, "text": c["text"], "text_note": None, "note": note,
            "responsible": responsible, "themes": people.themes(c["text"]),
            "method": found_method.value if found_method else None,
            "target": found_target.value if found_target else None, "areas": chosen["areas"],
            "places": chosen["places"], "whole_municipality": not (chosen["areas"] or chosen["places"]),
            "camera_sites": [], "_spans": cspans,
        })
    return out, notes


def _prose(text, part, spans, span) -> tuple[str | None, dict | None]:
    """The problem picture and the citizen dialogue (summary, groups) of the part, with their spans."""
    lines = split_lines(text)
    first = text.count("\n", 0, part.start)
    stop = text.count("\n", 0, part.end) + 1
    problem = sections.problem_picture(text, lines, first, stop, find_lists(lines, first, stop))
    if problem:
        spans["problem_picture"] = span(problem.start, problem.end)
    summary, groups = sections.dialogue(text, lines, first, stop)
    if summary:
        spans["dialogue"] = span(summary.start, summary.end)
    if groups:
        spans["dialogue_groups"] = [span(a, b) for _, a, b in groups.value]
    if not (summary or groups):
        return (problem.value if problem else None), None
    return (problem.value if problem else None), {"summary": summary.value if summary else None,
                                                  "groups": [g for g, _, _ in groups.value] if groups else []}


def _parties(promise, commitments, part_text, muni, text) -> tuple[list[str], float]:
    """The parties as the text names them; else as the commitments' responsible parties imply (less sure)."""
    found = [p for p in promise["parties"] if p["role"] in ("police", "municipality")]
    named = []
    for p in found:  # as written ("Norrköpings kommun"), not as the reading compares names
        name = " ".join(text[p["span"][0]:p["span"][1]].split()) if p["span"] else p["name"]
        named += [name[:1].upper() + name[1:]] if name.lower() not in map(str.lower, named) else []
    if named:
        return named, min(p["confidence"] for p in found)
    roles = {c["responsible"] for c in commitments} - {"both"}
    if any(c["responsible"] == "both" for c in commitments) or not roles:
        roles |= {"polisen", "kommunen"}
    return people.parties(roles, part_text, muni["name"] if muni else None, text), 0.5


def _title_place(scopes, resolver, muni) -> tuple[str | None, str | None]:
    """(for the slug, for the title): the one place the heading or introductions name for every commitment,
    else the municipality."""
    common = None
    for slugs, places, _ in scopes:
        here = [("area", x) for x in slugs] + [("place", x) for x in places]
        common = here if common is None else [x for x in common if x in here]
    if common and len(common) == 1:
        kind, value = common[0]
        return value, resolver.known[value].get("name") if kind == "area" else value
    return (muni["name"], muni["name"]) if muni else (None, None)
