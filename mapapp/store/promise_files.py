"""Promise files and follow-ups.yaml: checked one record at a time, one clear DataError per broken record."""
import datetime as dt
from pathlib import Path

from ..core.errors import DataError
from ..domain import vocab
from .records import Record, read_records, read_yaml, span_dict, unique

# Cadences a data file may state beyond the app's own (vocab.CADENCES): "unspecified" = the source
# promises feedback without a rhythm; "unknown" = the stored source text does not give the rule.
# Both reach the app as cadence "once" with no due date (no schedule), the truth in extra.
DATA_CADENCES = vocab.CADENCES | {"unspecified", "unknown"}
EVIDENCE_KINDS = {"parties", "news", "other"}
SEARCH_RESULTS = {"none_found"}


def load_promise(path: Path, label: str, area_slugs: set) -> dict:
    rec = Record(read_yaml(path, label), label, "promise")
    slug = rec.slug()
    rec.name = f"promise '{slug}'"
    muni = rec.child("municipality", "municipality")
    period = rec.span("period", "period")
    signed = rec.when("signed", required=False)
    rule = rec.child("follow_up_rule", "follow_up_rule")
    cadence = rule.get("cadence", choices=DATA_CADENCES)
    months = rule.get("months", list, required=cadence == "semiannual", default=[])
    if any(not isinstance(m, int) or not 1 <= m <= 12 for m in months):
        rule.fail("months", "expected month numbers 1–12")
    due = rule.when("due", required=cadence == "once")
    due_label = rule.get("due_label", required=False)
    if due_label and due is None:
        rule.fail("due_label", "a due label needs a due value")
    groups = _groups(rec)
    commitments = []
    for i, raw in enumerate(rec.get("commitments", list)):
        commitments.append(_commitment(Record(raw, label, f"{rec.name} commitment {i + 1}"), area_slugs, groups))
    if not commitments:
        rec.fail("commitments", "a promise needs at least one commitment")
    unique([c["slug"] for c in commitments], label, "commitment")
    dialogue, dialogue_note = None, None
    if rec.data.get("dialogue"):
        d = rec.child("dialogue", "dialogue")
        dialogue = {"summary": d.get("summary"), "groups": d.strings("groups", required=False)}
        dialogue_note = d.get("note", required=False)
    truncated = rec.flag("source_truncated")
    sources = [_source(Record(s, label, f"{rec.name} source {i + 1}")) for i, s in enumerate(rec.get("sources", list))]
    return {
        "slug": slug, "title": rec.get("title"),
        "municipality_code": muni.get("code"), "municipality_name": muni.get("name"),
        "parties": rec.strings("parties"),
        "period_start": period["first"], "period_end": period["last"],
        # Only a day-precise signing date fits the old date field; the rest is in extra.
        "signed": signed.first if signed and signed.precision == "day" else None,
        "problem_picture": rec.get("problem_picture", required=False),
        "dialogue": dialogue,
        "follow_up_rule": {
            # The app knows vocab.CADENCES only: "unspecified"/"unknown" reach it as a rule with no due date.
            "cadence": cadence if cadence in vocab.CADENCES else "once", "months": months, "text": rule.get("text"),
            "due": due.last if due else None,
            "reporter": rule.get("reporter", required=False), "note": rule.get("note", required=False),
        },
        "sources": [{k: s[k] for k in ("seed", "url", "title")} for s in sources],
        "related_reports": [_report(Record(r, label, f"{rec.name} related report {i + 1}"))
                            for i, r in enumerate(rec.get("related_reports", list, required=False, default=[]))],
        "commitments": commitments,
        "extra": {
            "period_precision": {"start": period["start"].precision, "end": period["end"].precision},
            "period_label": period["label"],
            "signed": signed.as_dict(rec.get("signed_label", required=False)) if signed else None,
            "signed_note": rec.get("signed_note", required=False),
            "signatories": rec.strings("signatories", required=False),
            "follow_up_rule": {"cadence": cadence, "due": due.as_dict(due_label) if due else None},
            "follow_up_reports": [_follow_up_report(Record(r, label, f"{rec.name} follow-up report {i + 1}"))
                                  for i, r in enumerate(_list(rec, "follow_up_reports"))],
            "follow_up_searches": [_follow_up_search(Record(r, label, f"{rec.name} follow-up search {i + 1}"))
                                   for i, r in enumerate(_list(rec, "follow_up_searches"))],
            "groups": groups,
            "dialogue_note": dialogue_note,
            "source_truncated": truncated,
            "source_note": rec.get("source_note", required=truncated),
            "sources": sources,
            "note": rec.get("note", required=False),
        },
    }


def _list(rec: Record, key: str) -> list:
    return rec.get(key, list, required=False, default=[])


def _groups(rec: Record) -> list[dict]:
    """The promises a promise document makes when it lists activities under several "Vi lovar…" (optional)."""
    groups = []
    for i, raw in enumerate(rec.get("groups", list, required=False, default=[])):
        g = Record(raw, rec.file, f"{rec.name} group {i + 1}")
        groups.append({"slug": g.slug(), "text": g.get("text"), "note": g.get("note", required=False)})
    unique([g["slug"] for g in groups], rec.file, "group")
    return groups


def _commitment(rec: Record, area_slugs: set, groups: list[dict] = ()) -> dict:
    areas = rec.get("areas", (list, str))
    outside = rec.strings("areas_outside_map", required=False)
    whole = areas == "all"
    if isinstance(areas, str):
        if areas != "all":
            rec.fail("areas", "expected a list of area slugs or 'all' for the whole municipality")
        areas = []
    elif not areas and not outside:
        rec.fail("areas", "an empty list names no area: write 'all' for the whole municipality, or name the "
                          "places that are not on the map in areas_outside_map")
    for slug in areas:
        if slug not in area_slugs:
            rec.fail("areas", f"unknown area '{slug}'")
    if whole and outside:
        rec.fail("areas_outside_map", "a commitment for the whole municipality names no other places")
    inferred = rec.flag("areas_inferred")
    areas_note = rec.get("areas_note", required=inferred)
    target = None
    if rec.data.get("target") is not None:
        t = rec.child("target", "target")
        target = {"count": t.get("count", int), "unit": t.get("unit"), "text": t.get("text")}
    method = rec.get("method", required=False, choices=vocab.METHODS)
    group = rec.get("group", required=bool(groups), choices={g["slug"] for g in groups} if groups else None)
    if group and not groups:
        rec.fail("group", "the promise lists no groups")
    group_inferred = rec.flag("group_inferred")
    if group_inferred and not rec.data.get("group_note"):
        rec.fail("group_note", "an inferred group says why")
    text_truncated = rec.flag("text_truncated")
    return {
        "slug": rec.slug(), "title": rec.get("title"), "text": rec.get("text").strip(),
        "text_note": rec.get("text_note", required=text_truncated), "note": rec.get("note", required=False),
        "responsible": rec.get("responsible", choices=vocab.RESPONSIBLE),
        "themes": rec.strings("themes"), "method": method, "target": target,
        "areas": areas, "whole_municipality": whole,
        "camera_sites": rec.strings("camera_sites", required=False),
        "extra": {
            "areas_note": areas_note, "areas_inferred": inferred, "areas_outside_map": outside,
            "group": group, "group_inferred": group_inferred, "group_note": rec.get("group_note", required=False),
            "text_truncated": text_truncated,
            # An English version of our title and of the source's text, where one is written (shown in English).
            "title_en": rec.get("title_en", required=False), "text_en": rec.get("text_en", required=False),
        },
    }


def _follow_up_report(rec: Record) -> dict:
    """A follow-up the sources show was published (its content may or may not be entered here)."""
    for key in ("covers", "url"):
        if key not in rec.data:
            rec.fail(key, "missing required field (write null when unknown)")
    seen = rec.child("seen_in", "seen_in")
    copy = None
    if rec.data.get("copy") is not None:
        c = rec.child("copy", "copy")
        copy = {"url": c.get("url"), "title": c.get("title"), "note": c.get("note", required=False)}
    return {
        "title": rec.get("title"), "kind": rec.get("kind", choices=EVIDENCE_KINDS),
        "covers": span_dict(rec.span("covers", "covers", required=False)),
        "url": rec.get("url", required=False),
        "seen_in": {"url": seen.get("url"), "title": seen.get("title"), "seed": seen.get("seed", required=False),
                    "excerpt": seen.get("excerpt", required=False)},
        "copy": copy,
        "captured": rec.get("captured", bool),
        "captured_commitments": [],  # filled in by _check_reports from follow_ups.yaml
        "note": rec.get("note", required=False),
    }


def _follow_up_search(rec: Record) -> dict:
    """Negative knowledge: a follow-up looked for and not found, saying where, when and on whose record."""
    if "covers" not in rec.data:
        rec.fail("covers", "missing required field (write null when unknown)")
    searched = rec.child("searched", "searched")
    when = searched.when("when", required=False)
    not_before = searched.get("not_before", dt.date, required=False)
    not_after = searched.get("not_after", dt.date, required=False)
    if not_before and not_after and not_after < not_before:
        searched.fail("not_after", "the search window ends before it starts")
    if when and ((not_before and when.last < not_before) or (not_after and when.first > not_after)):
        searched.fail("when", "outside the not_before/not_after window")
    where = rec.strings("where")
    if not where:
        rec.fail("where", "say where the search was made")
    return {
        "result": rec.get("result", choices=SEARCH_RESULTS), "looked_for": rec.get("looked_for"),
        "searched": {"when": when.as_dict() if when else None, "not_before": not_before, "not_after": not_after,
                     "label": searched.get("label")},
        "where": where, "covers": span_dict(rec.span("covers", "covers", required=False)),
        "source": rec.get("source"), "note": rec.get("note", required=False),
    }


def _source(rec: Record) -> dict:
    seed, url = rec.get("seed", required=False), rec.get("url", required=False)
    if not seed and not url:
        rec.fail("url", "a source needs a seed file or a URL")
    truncated = rec.flag("truncated")
    return {"seed": seed, "url": url, "title": rec.get("title"), "excerpt": rec.get("excerpt", required=False),
            "truncated": truncated, "note": rec.get("note", required=truncated)}


def _report(rec: Record) -> dict:
    return {"date_label": rec.get("date_label"), "title": rec.get("title"),
            "summary": rec.get("summary"), "url": rec.get("url")}


def load_follow_ups(path: Path, commitments: dict) -> list[dict]:
    out = []
    for rec in read_records(path, "follow-up"):
        item = rec.data
        key = rec.get("commitment")
        if key not in commitments:
            rec.fail("commitment", f"unknown commitment '{key}' (use promise-slug/commitment-slug)")
        status = rec.get("status", choices=vocab.STATUSES)
        evidence = rec.child("evidence", "evidence") if item.get("evidence") else None
        if status != vocab.DEFAULT_STATUS and evidence is None:
            rec.fail("evidence", f"status '{status}' needs evidence")
        covers = rec.span("covers", "covers", required=False)
        date = rec.get("date", dt.date, required=covers is None)
        if covers and date is None:
            date = covers["last"]
        elif covers and date != covers["last"]:
            rec.fail("date", f"the date is the last day covered ({covers['last'].isoformat()}), not {date.isoformat()}")
        published = rec.when("published", required=False)
        if published and covers and published.last < covers["first"]:
            rec.fail("published", "published before the period it reports on began")
        out.append({
            "commitment": key, "date": date,
            "date_label": rec.get("date_label", required=False) or (covers["label"] if covers else None),
            "status": status, "note": rec.get("note"), "basis": rec.get("basis", required=False),
            "evidence_url": evidence.get("url") if evidence else None,
            "evidence_title": evidence.get("title") if evidence else None,
            "extra": {
                "covers": span_dict(covers),
                "published": published.as_dict() if published else None,
                "evidence_kind": evidence.get("kind", choices=EVIDENCE_KINDS) if evidence else None,
            },
        })
    return out


def check_reports(promises: list[dict], follow_ups: list[dict]):
    """A report marked captured has entries in follow_ups.yaml (matched by its URL or its copy's URL),
    and one marked not captured has none; the commitments it was entered for are recorded on it."""
    for p in promises:
        for i, report in enumerate(p["extra"]["follow_up_reports"]):
            urls = {u for u in (report["url"], (report["copy"] or {}).get("url")) if u}
            hits = sorted({f["commitment"].split("/", 1)[1] for f in follow_ups
                           if f["commitment"].startswith(p["slug"] + "/") and f["evidence_url"] in urls},
                          key=[c["slug"] for c in p["commitments"]].index)
            if report["captured"] and not hits:
                raise DataError(f"promises/{p['slug']}.yaml", f"promise '{p['slug']}' follow-up report {i + 1}",
                                "captured", "no follow_ups.yaml entry cites this report's url or copy url")
            if not report["captured"] and hits:
                raise DataError(f"promises/{p['slug']}.yaml", f"promise '{p['slug']}' follow-up report {i + 1}",
                                "captured", f"follow_ups.yaml has entries from it ({', '.join(hits)}): "
                                            "set captured: true")
            report["captured_commitments"] = hits
