"""Normalised text to draft promises (curated-shaped dicts with source spans) and an account."""
import re

from . import fields, people, sections
from .normalise import Normalised
from .structure import Item, Line, Part, find_lists, fold, parts, split_lines

_INLINE = re.compile(r"\blovar(?: vi| parterna)? att\s+|^(?:polisen|kommunen|vi|parterna) (?:ska|skall)\s+")


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def parse(norm: Normalised, known_areas: dict, filename: str) -> tuple[list[dict], list[str]]:
    """Split the document into promises and draft each; every step leaves a line in the account."""
    text, lines = norm.text, split_lines(norm.text)
    account: list[str] = []
    found_parts = parts(lines)
    if len(found_parts) > 1:
        dated = [p.heading for p in found_parts]
        account.append(f"Split into {len(found_parts)} promises at the dated headings: "
                       + "; ".join(f"“{h.text}” (line {h.index + 1})" for h in dated) + ".")
    elif found_parts[0].heading is None:
        account.append("No promise heading (“Medborgarlöfte …”) found; the whole text is read as one part.")
    municipalities = {}
    for info in known_areas.values():
        if info.get("municipality_code") and info.get("municipality_name"):
            municipalities[info["municipality_code"]] = info["municipality_name"]
    doc_muni = fields.municipality(text, 0, len(text), municipalities)
    drafts = []
    for n, part in enumerate(found_parts, 1):
        label = f"Promise part {n}" + (f" “{part.heading.text}”" if part.heading else "")
        draft = _draft(norm, lines, part, known_areas, municipalities, doc_muni, filename, label, account)
        if draft is not None:
            drafts.append(draft)
    return drafts, account


def _span_of(part: Part, lines: list[Line]) -> tuple[int, int]:
    start = 0 if part.first_line == 0 else lines[part.first_line].start
    return start, lines[part.last_line - 1].end


def _inline_commitments(text: str, start: int, end: int) -> list[Item]:
    """"… lovar att X." and "Polisen ska X." sentences, used only when a promise has no list."""
    items = []
    for a, b in fields.sentences(text, start, end):
        f = fold(text[a:b])
        m = _INLINE.search(f)
        if not m or fields.FOLLOW_WORDS.search(f):
            continue
        s = a + m.end() if "lovar" in m.group() else a
        items.append(Item(s, b, fields.clean(text[s:b])))
    return items


def _municipality(text, start, end, known_areas, municipalities):
    """"Xs kommun" in this part, else the municipality of an area the part names."""
    muni = fields.municipality(text, start, end, municipalities)
    named = fields.area_mentions(text[start:end], known_areas)
    if muni is None and named:
        info = known_areas[named[0][0]]
        muni = fields.Found({"code": info.get("municipality_code"), "name": info.get("municipality_name")},
                            start + named[0][1], start + named[0][2])
    return muni


def _draft(norm, lines, part, known_areas, municipalities, doc_muni, filename, label, account):
    text = norm.text
    start, end = _span_of(part, lines)
    blocks = find_lists(lines, part.first_line, part.last_line)
    chosen = [b for b in blocks if b.kind == "commitments"]
    items = [it for b in chosen for it in b.items]
    source = "list"
    if not items and part.headings:
        items, source = _inline_commitments(text, start, end), "sentences"
    if not items:
        account.append(f"{label}: no commitments found — no draft.")
        for b in blocks:
            account.append(f"  A list at line {b.first_line + 1} is not read as commitments: {b.reason}.")
        for a, b in fields.sentences(text, start, end):
            if re.search(r"\blovar\b", fold(text[a:b])):
                account.append(f"  “{_short(text[a:b], 110)}” (line {text.count(chr(10), 0, a) + 1}) speaks "
                               "about a promise, but the document has no promise heading or list of its own.")
                break
        return None
    span = norm.span
    account.append(f"{label}: {len(items)} commitment(s) from "
                   + (" and ".join(f"the list after “{_short(b.lead.text, 60)}”" for b in chosen)
                      if source == "list" else "“lovar att …” / “… ska …” sentences") + ".")
    spans: dict = {"promise": span(start, end)}
    muni = _municipality(text, start, end, known_areas, municipalities) or doc_muni
    code = muni.value["code"] if muni else None
    muni_name = muni.value["name"] if muni else None
    if muni:
        spans["municipality"] = span(muni.start, muni.end)
        evidence = _short(text[muni.start:muni.end])
        account.append(f"  municipality: {muni_name} ({code or 'code unknown'}), from “{evidence}”.")
    else:
        account.append("  municipality: not found.")
    # Areas named in the promise's headings or list lead-ins apply to commitments that name none.
    heading_lines = list(part.headings) + [b.lead for b in chosen if b.lead is not None]
    promise_areas = []
    for ln in heading_lines:
        for slug, a, b in fields.area_mentions(ln.text, known_areas):
            if slug not in [s for s, _ in promise_areas]:
                promise_areas.append((slug, span(ln.start + a, ln.start + b)))
    lead_text = " ".join(b.lead.text for b in chosen if b.lead is not None)
    lead_roles = people.roles(lead_text, text[start:end]) if lead_text else set()
    commitments = _commitments(text, items, known_areas, code, promise_areas, lead_roles, span, account)
    # Period
    dated_heading = part.heading if part.heading is not None and re.search(r"\d{4}", part.heading.text) else None
    per = fields.period(text, start, end, (dated_heading.start, dated_heading.end) if dated_heading else None)
    if per:
        spans["period"] = span(per.start, per.end)
        evidence = _short(text[per.start:per.end])
        account.append(f"  period: {per.value[0]} – {per.value[1]}, from “{evidence}”.")
    else:
        account.append("  period: not found (no dated “Medborgarlöfte …” heading, no “gäller …” sentence).")
    rule = fields.follow_up_rule(text, start, end)
    if rule:
        spans["follow_up_rule"] = span(rule.start, rule.end)
        months = f" (months {', '.join(map(str, rule.value['months']))})" if rule.value["months"] else ""
        due = f" (due {rule.value['due']})" if rule.value.get("due") else ""
        account.append(f"  follow-up rule: {rule.value['cadence']}{months}{due}, {rule.note}: "
                       f"“{_short(rule.value['text'])}”.")
    else:
        account.append("  follow-up rule: not found.")
    sig = fields.signed(text, start, end)
    if sig:
        spans["signed"] = span(sig.start, sig.end)
    account.append(f"  signed: {sig.value if sig else 'not found'}.")
    problem = sections.problem_picture(text, lines, part.first_line, part.last_line, blocks)
    if problem:
        spans["problem_picture"] = span(problem.start, problem.end)
    summary, groups = sections.dialogue(text, lines, part.first_line, part.last_line)
    dialogue = None
    if summary or groups:
        dialogue = {"summary": summary.value if summary else None,
                    "groups": [g for g, _, _ in groups.value] if groups else []}
        if summary:
            spans["dialogue"] = span(summary.start, summary.end)
        if groups:
            spans["dialogue_groups"] = [span(a, b) for _, a, b in groups.value]
    account.append(f"  dialogue groups: {len(groups.value) if groups else 'none listed'}.")
    statement = next((text[a:b] for a, b in fields.sentences(text, start, end)
                      if re.search(r"\blovar\b", fold(text[a:b]))), "")
    role_set = people.roles(statement, text[start:end]) if statement else set()
    role_set = role_set or {c["responsible"] for c in commitments} - {"both"} or {"polisen", "kommunen"}
    if any(c["responsible"] == "both" for c in commitments):
        role_set |= {"polisen", "kommunen"}
    party_list = people.parties(role_set, text[start:end], muni_name, text)
    area_slug = promise_areas[0][0] if len(promise_areas) == 1 and part.headings else None
    place = known_areas[area_slug]["name"] if area_slug else (muni_name or "okänd kommun")
    years = ""
    if per:
        y1, y2 = per.value[0].year, per.value[1].year
        years = f"{y1}" if y1 == y2 else f"{y1}–{y2}"
    return {
        "slug": people.slugify(f"{area_slug or muni_name or 'import'} {years.replace('–', ' ')}", words=6),
        "title": f"Medborgarlöfte {place} {years}".strip(),
        "municipality_code": code, "municipality_name": muni_name, "parties": party_list,
        "period_start": per.value[0] if per else None, "period_end": per.value[1] if per else None,
        "signed": sig.value if sig else None,
        "problem_picture": problem.value if problem else None,
        "dialogue": dialogue,
        "follow_up_rule": rule.value if rule else None,
        "sources": [{"seed": filename or None, "url": None, "title": f"Importerat dokument {filename}".strip()}],
        "related_reports": [],
        "commitments": commitments,
        "spans": spans | {"commitments": [c.pop("_spans") for c in commitments]},
        "original_text": norm.original,
    }


def _commitments(text, items, known_areas, code, promise_areas, lead_roles, span, account) -> list[dict]:
    out, slugs, area_notes = [], set(), []
    est_areas = [s for s, info in known_areas.items()
                 if info.get("est") and info.get("municipality_code") == code]
    for k, item in enumerate(items, 1):
        body = text[item.start:item.end]
        value = fields.clean(item.text)
        cspans: dict = {"text": span(item.start, item.end)}
        named = fields.area_mentions(body, known_areas)
        note = None
        if named:
            areas = [s for s, _, _ in named]
            cspans["areas"] = {s: span(item.start + a, item.start + b) for s, a, b in named}
            area_notes.append(f"{k} → {', '.join(areas)} (named)")
        elif est_areas and fields.EST_AREAS.search(fold(body)):
            areas = list(est_areas)
            note = "Områdena är kommunens EST-områden enligt områdesdata; texten säger ”beslutade områden”."
            area_notes.append(f"{k} → the municipality's EST areas ({', '.join(areas)}), as the text says EST in "
                              "“beslutade områden”")
        elif promise_areas:
            areas = [s for s, _ in promise_areas]
            cspans["areas"] = {s: sp for s, sp in promise_areas}
            area_notes.append(f"{k} → {', '.join(areas)} (from the promise's heading)")
        else:
            areas = []
            area_notes.append(f"{k} → whole municipality (no area named)")
        found_method = fields.method(body)
        found_target = fields.target(body)
        if found_method:
            cspans["method"] = span(item.start + found_method.start, item.start + found_method.end)
        if found_target:
            cspans["target"] = span(item.start + found_target.start, item.start + found_target.end)
        title = people.title(value)
        slug = base = people.slugify(title, words=5)
        n = 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        out.append({
            "slug": slug, "title": title, "text": value, "text_note": None, "note": note,
            "responsible": people.responsible(value, lead_roles), "themes": people.themes(value),
            "method": found_method.value if found_method else None,
            "target": found_target.value if found_target else None,
            "areas": areas, "whole_municipality": not areas, "camera_sites": [], "_spans": cspans,
        })
    account.append("  areas: " + "; ".join(area_notes) + ".")
    methods = [f"{k} {c['method']}" for k, c in enumerate(out, 1) if c["method"]]
    targets = [f"{k} “{c['target']['text']}”" for k, c in enumerate(out, 1) if c["target"]]
    account.append(f"  methods: {', '.join(methods) or 'none'}; numeric targets: {', '.join(targets) or 'none'}.")
    return out
