"""Drafts against curated promises, field by field, as table rows."""
import difflib
import re
import unicodedata
from dataclasses import dataclass

MATCH_AT = 0.9  # similarity at or above which two commitment texts count as the same commitment


@dataclass
class Row:
    document: str
    promise: str
    field: str
    result: str
    detail: str = ""
    ok: bool | None = None  # None: shown for information, not part of the pass/fail fields


def norm_text(text: str | None) -> str:
    """Case-, whitespace- and punctuation-insensitive form ("10–18 år." == "10-18 år")."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def similarity(a: str, b: str) -> float:
    """difflib's character ratio (2·matches / total length) of the normalised texts."""
    return difflib.SequenceMatcher(None, norm_text(a), norm_text(b), autojunk=False).ratio()


def primary_seed(promise: dict) -> str | None:
    return next((s["seed"] for s in promise["sources"] if s.get("seed")), None)


def match_commitments(drafted: list[dict], curated: list[dict]) -> list[tuple[int, int, float]]:
    """One-to-one pairs (draft index, curated index, similarity), best first, at or above MATCH_AT."""
    scored = sorted(((similarity(d["text"], c["text"]), i, j) for i, d in enumerate(drafted)
                     for j, c in enumerate(curated)), reverse=True)
    used_d, used_c, pairs = set(), set(), []
    for score, i, j in scored:
        if score >= MATCH_AT and i not in used_d and j not in used_c:
            pairs.append((i, j, score))
            used_d.add(i)
            used_c.add(j)
    return sorted(pairs)


def _pair_drafts(drafts: list[dict], expected: list[dict]):
    """Pair each draft with the curated promise it most resembles (same period first)."""
    scored = []
    for i, d in enumerate(drafts):
        for j, p in enumerate(expected):
            same_period = d["period_start"] == p["period_start"] and d["period_end"] == p["period_end"]
            overlap = len(match_commitments(d["commitments"], p["commitments"]))
            scored.append((same_period * 100 + overlap, i, j))
    pairs, used_d, used_c = [], set(), set()
    for score, i, j in sorted(scored, reverse=True):
        if score > 0 and i not in used_d and j not in used_c:
            pairs.append((i, j))
            used_d.add(i)
            used_c.add(j)
    return sorted(pairs), used_d, used_c


def compare_document(filename: str, drafts: list[dict], promises: list[dict]) -> list[Row]:
    """Rows for one document: each curated promise whose first source is this file, against its draft."""
    expected = [p for p in promises if primary_seed(p) == filename]
    supporting = [p["slug"] for p in promises if p not in expected
                  and any(s.get("seed") == filename for s in p["sources"])]
    rows: list[Row] = []
    pairs, used_d, used_c = _pair_drafts(drafts, expected)
    for i, j in pairs:
        rows += _compare_promise(filename, drafts[i], expected[j])
    for j, p in enumerate(expected):
        if j not in used_c:
            rows.append(Row(filename, p["slug"], "promise", "missing", "no draft for this curated promise", False))
    for i, d in enumerate(drafts):
        if i not in used_d:
            rows.append(Row(filename, d["slug"], "promise", "extra",
                            f"draft with {len(d['commitments'])} commitment(s) has no curated counterpart", False))
    if not expected and not drafts:
        detail = "no promise expected, none drafted"
        if supporting:
            detail += f"; curated data uses this file only as a supporting source of {', '.join(supporting)}"
        rows.append(Row(filename, "—", "document", "ok", detail, True))
    return rows


def _compare_promise(doc: str, d: dict, p: dict) -> list[Row]:
    slug = p["slug"]
    pairs = match_commitments(d["commitments"], p["commitments"])
    nd, nc, nm = len(d["commitments"]), len(p["commitments"]), len(pairs)
    precision, recall = (nm / nd if nd else 0.0), (nm / nc if nc else 0.0)
    exact = sum(1 for i, j, _ in pairs
                if norm_text(d["commitments"][i]["text"]) == norm_text(p["commitments"][j]["text"]))
    lowest = min((s for _, _, s in pairs), default=0.0)
    rows = [Row(doc, slug, "commitments", f"P {precision:.2f} R {recall:.2f}",
                f"{nm} of {nd} drafted, {nm} of {nc} curated; {exact} identical after normalisation, "
                f"lowest similarity {lowest:.2f}", nm == nd == nc)]
    same = (d["period_start"], d["period_end"]) == (p["period_start"], p["period_end"])
    rows.append(Row(doc, slug, "period", "yes" if same else "no",
                    f"{d['period_start']} – {d['period_end']}" + ("" if same else
                    f" vs curated {p['period_start']} – {p['period_end']}"), same))
    rows.append(_areas_row(doc, slug, d, p, pairs))
    rows.append(_rule_row(doc, slug, d.get("follow_up_rule"), p["follow_up_rule"]))
    rows += _info_rows(doc, slug, d, p, pairs)
    return rows


def _areas_row(doc, slug, d, p, pairs) -> Row:
    wrong = []
    for i, j, _ in pairs:
        got, want = sorted(d["commitments"][i]["areas"]), sorted(p["commitments"][j]["areas"])
        if got != want:
            wrong.append(f"#{j + 1} {got or 'whole municipality'} vs curated {want or 'whole municipality'}")
    unpaired = len(p["commitments"]) - len(pairs)
    ok = not wrong and not unpaired
    detail = "; ".join(wrong) if wrong else f"{len(pairs)} commitment(s) with the curated areas"
    if unpaired:
        detail += f"; {unpaired} curated commitment(s) without a draft, not compared"
    return Row(doc, slug, "areas", "yes" if ok else "no", detail, ok)


def _rule_key(rule: dict | None):
    if not rule:
        return None
    due = rule.get("due")
    return rule.get("cadence"), tuple(rule.get("months") or ()), due.isoformat() if hasattr(due, "isoformat") else due


def _describe_rule(rule: dict | None) -> str:
    if not rule:
        return "none"
    months = f" {rule['months']}" if rule.get("months") else ""
    return rule["cadence"] + months + (f" due {rule['due']}" if rule.get("due") else "")


def _rule_row(doc, slug, got: dict | None, want: dict) -> Row:
    ok = _rule_key(got) == _rule_key(want)
    detail = _describe_rule(got) if ok else f"{_describe_rule(got)} vs curated {_describe_rule(want)}"
    if got and got.get("text"):
        detail += f"; text similarity {similarity(got['text'], want['text']):.2f}"
    return Row(doc, slug, "follow-up rule", "yes" if ok else "no", detail, ok)


def _info_rows(doc, slug, d, p, pairs) -> list[Row]:
    rows = []
    muni_ok = d.get("municipality_code") == p["municipality_code"]
    rows.append(Row(doc, slug, "municipality (info)", "yes" if muni_ok else "no",
                    f"{d.get('municipality_name')} ({d.get('municipality_code')})"))
    methods = [(d["commitments"][i]["method"], p["commitments"][j]["method"]) for i, j, _ in pairs]
    bad = [f"{a} vs curated {b}" for a, b in methods if a != b]
    found = [a for a, _ in methods if a]
    rows.append(Row(doc, slug, "methods (info)", "no" if bad else "yes",
                    "; ".join(bad) or (", ".join(found) if found else "none, as curated")))
    targets = [(d["commitments"][i]["target"], p["commitments"][j]["target"]) for i, j, _ in pairs]
    tbad, notes = [], []
    for a, b in targets:
        if (a and (a["count"], norm_text(a["text"]))) != (b and (b["count"], norm_text(b["text"]))):
            tbad.append(f"{a and a['text']} vs curated {b and b['text']}")
        elif a and b and a["unit"] != b["unit"]:
            notes.append(f"unit “{a['unit']}” vs curated “{b['unit']}”")
    rows.append(Row(doc, slug, "targets (info)", "no" if tbad else "yes",
                    "; ".join(tbad + notes) or (f"{sum(1 for a, _ in targets if a)} count(s) and text(s) as curated")))
    got_groups = [norm_text(g) for g in ((d.get("dialogue") or {}).get("groups") or [])]
    want_groups = [norm_text(g) for g in ((p.get("dialogue") or {}).get("groups") or [])]
    rows.append(Row(doc, slug, "dialogue groups (info)", "yes" if got_groups == want_groups else "no",
                    f"{len(got_groups)} drafted, {len(want_groups)} curated"))
    signed_ok = d.get("signed") == p.get("signed")
    rows.append(Row(doc, slug, "signed (info)", "yes" if signed_ok else "no",
                    f"{d.get('signed')}" + ("" if signed_ok else f" vs curated {p.get('signed')}")))
    return rows


def format_table(rows: list[Row]) -> str:
    """One block per document: promise | field | result | detail."""
    out, by_doc = [], {}
    for r in rows:
        by_doc.setdefault(r.document, []).append(r)
    for doc, doc_rows in by_doc.items():
        widths = [max(len(h), *(len(getattr(r, a)) for r in doc_rows))
                  for h, a in (("promise", "promise"), ("field", "field"), ("result", "result"))]
        out.append(f"== {doc}")
        out.append("  ".join(h.ljust(w) for h, w in zip(("promise", "field", "result"), widths)) + "  detail")
        for r in doc_rows:
            out.append("  ".join(v.ljust(w) for v, w in zip((r.promise, r.field, r.result), widths)) + "  " + r.detail)
        out.append("")
    return "\n".join(out).rstrip() + "\n"
