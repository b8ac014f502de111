"""Imported promises against a labelled truth.json: every field per document and overall."""
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .gazetteer import fold

ROLES = {"police", "municipality", "both", "unspecified"}
_AREA_STOP = {"i", "av", "och", "samt", "den", "de", "det", "pa", "vid", "framfor", "centrala", "delarna"}


def words(text: str | None) -> list[str]:
    """Case-, space- and punctuation-insensitive words (å/ä/ö kept: a repair must get them right)."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"[\W_]+", " ", text).split()


def overlaps(a: str, b: str) -> bool:
    """Most of the words of each text are in the other: the rule for "the same commitment"."""
    wa, wb = Counter(words(a)), Counter(words(b))
    if not wa or not wb:
        return False
    shared = sum((wa & wb).values())
    return shared * 2 > sum(wa.values()) and shared * 2 > sum(wb.values())


def _pairs(drafted: list[str], truth: list[str], same) -> list[tuple[int, int]]:
    """One-to-one pairs, the closest first."""
    scored = []
    for i, d in enumerate(drafted):
        for j, t in enumerate(truth):
            if same(d, t):
                wa, wb = Counter(words(d)), Counter(words(t))
                scored.append((sum((wa & wb).values()) / max(sum(wa.values()), sum(wb.values()), 1), i, j))
    used_d, used_t, out = set(), set(), []
    for _, i, j in sorted(scored, reverse=True):
        if i not in used_d and j not in used_t:
            out.append((i, j))
            used_d.add(i)
            used_t.add(j)
    return out


def _area_tokens(name: str) -> list[str]:
    out = []
    for w in fold(name).split():
        if w in _AREA_STOP:
            continue
        for suffix in ("ens", "ets", "en", "et", "s", "n"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 4:
                w = w[:-len(suffix)]
                break
        out.append(w)
    return out


def same_area(a: str, b: str) -> bool:
    """Half the words of each name in the other, inflection aside ("centrala Jakobsberg" ~ "Jakobsberg")."""
    ta, tb = set(_area_tokens(a)), set(_area_tokens(b))
    if not ta or not tb:
        return False
    shared = len(ta & tb)
    return shared * 2 >= len(ta) and shared * 2 >= len(tb)


def primary(responsible: str) -> str:
    return (responsible or "unspecified").split("+")[0].strip()


def same_responsible(got: str, want: str) -> bool:
    g, w = primary(got), primary(want)
    if w in ROLES or g in ROLES:
        return g == w
    tg, tw = set(words(g)), set(words(w))
    return bool(tg & tw) and len(tg & tw) * 2 >= min(len(tg), len(tw))


@dataclass
class DocScore:
    name: str
    kind: str
    drafted: int = 0  # promises
    c_drafted: int = 0
    c_truth: int = 0
    c_matched: int = 0
    period_ok: bool | None = None
    period_detail: str = ""
    a_drafted: int = 0
    a_truth: int = 0
    a_matched: int = 0
    r_total: int = 0
    r_ok: int = 0
    follow_ok: bool | None = None
    follow_detail: str = ""
    notes: list = field(default_factory=list)


def _years(period: dict) -> tuple:
    return tuple(int(v[:4]) if v else None for v in (period.get("start"), period.get("end")))


def score_document(name: str, result: dict, truth: dict) -> DocScore:
    promises = result.get("promises", [])
    d = DocScore(name, truth.get("kind", "promise"), drafted=len(promises))
    drafted = [c for p in promises for c in p["commitments"]]
    d.c_drafted, d.c_truth = len(drafted), len(truth.get("commitments") or [])
    if d.kind == "not_promise":
        return d
    pairs = _pairs([c["text"] for c in drafted], truth["commitments"], overlaps)
    d.c_matched = len(pairs)
    responsible = truth.get("responsible") or []
    for i, j in pairs:
        if j < len(responsible):
            d.r_total += 1
            if same_responsible(drafted[i]["responsible"], responsible[j]):
                d.r_ok += 1
            else:
                d.notes.append(f"responsible #{j + 1}: {drafted[i]['responsible']} vs truth {responsible[j]}")
    want = {tuple(p) for p in truth.get("commitment_periods") or []} or \
        {tuple(truth["period"]) if truth.get("period") else (None, None)}
    got = {_years(p["period"]) for p in promises}
    d.period_ok = bool(promises) and got == want
    d.period_detail = f"{_fmt(got) if promises else 'no promise drafted'}" + ("" if d.period_ok else f" vs truth {_fmt(want)}")
    areas = [a["name"] for p in promises for a in p["areas"]]
    unique = []
    for a in areas:  # the same place named in two promises of one page is one area
        if not any(fold(a) == fold(u) for u in unique):
            unique.append(a)
    apairs = _pairs(unique, truth.get("areas") or [], same_area)
    d.a_drafted, d.a_truth, d.a_matched = len(unique), len(truth.get("areas") or []), len(apairs)
    extra = [unique[i] for i in range(len(unique)) if i not in {p[0] for p in apairs}]
    missed = [truth["areas"][j] for j in range(d.a_truth) if j not in {p[1] for p in apairs}]
    if extra or missed:
        d.notes.append(f"areas: extra {extra}, missed {missed}")
    rules = [p["follow_up_rule"]["text"] for p in promises if p.get("follow_up_rule")]
    if truth.get("follow_up"):
        d.follow_ok = any(overlaps(r, truth["follow_up"]) for r in rules)
        d.follow_detail = "stated rule found" if d.follow_ok else f"truth “{truth['follow_up'][:60]}”, got {rules[:1]}"
    else:
        d.follow_ok = not rules
        d.follow_detail = "none stated, none drafted" if d.follow_ok else f"none stated, got “{rules[0][:60]}”"
    return d


def _fmt(periods: set) -> str:
    return ", ".join(f"{a or '?'}–{b or '?'}" if (a, b) != (None, None) else "none" for a, b in sorted(
        periods, key=lambda p: (p[0] or 0, p[1] or 0)))


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def summary(docs: list[DocScore]) -> dict:
    """Overall scores over all documents (micro-averaged counts)."""
    promise_docs = [d for d in docs if d.kind != "not_promise"]
    s = {
        "documents": len(docs),
        "commitments_precision": _ratio(sum(d.c_matched for d in promise_docs), sum(d.c_drafted for d in promise_docs)),
        "commitments_recall": _ratio(sum(d.c_matched for d in promise_docs), sum(d.c_truth for d in promise_docs)),
        "periods_exact": _ratio(sum(1 for d in promise_docs if d.period_ok), len(promise_docs)),
        "areas_precision": _ratio(sum(d.a_matched for d in promise_docs), sum(d.a_drafted for d in promise_docs)),
        "areas_recall": _ratio(sum(d.a_matched for d in promise_docs), sum(d.a_truth for d in promise_docs)),
        "responsible": _ratio(sum(d.r_ok for d in promise_docs), sum(d.r_total for d in promise_docs)),
        "follow_up_rule": _ratio(sum(1 for d in promise_docs if d.follow_ok), len(promise_docs)),
        "not_promise_drafted": sum(1 for d in docs if d.kind == "not_promise" and d.drafted),
        "not_promise_documents": sum(1 for d in docs if d.kind == "not_promise"),
        "missed_promises": sum(1 for d in promise_docs if d.c_truth and not d.c_matched),
    }
    return s


def format_report(docs: list[DocScore], s: dict) -> str:
    out = []
    for d in docs:
        out.append(f"== {d.name} ({d.kind})")
        if d.kind == "not_promise":
            out.append("  not a promise: " + (f"DRAFTED {d.drafted} promise(s) — wrong" if d.drafted else "ok, none drafted"))
            continue
        if d.c_truth and not d.c_matched:
            out.append(f"  MISSED: none of the {d.c_truth} commitments found ({d.c_drafted} drafted)")
        out.append(f"  commitments  P {_ratio(d.c_matched, d.c_drafted):.2f} R {_ratio(d.c_matched, d.c_truth):.2f}"
                   f"  ({d.c_matched} matched; {d.c_drafted} drafted, {d.c_truth} in truth)")
        out.append(f"  period       {'yes' if d.period_ok else 'no '}  {d.period_detail}")
        out.append(f"  areas        P {_ratio(d.a_matched, d.a_drafted):.2f} R {_ratio(d.a_matched, d.a_truth):.2f}"
                   f"  ({d.a_matched} matched; {d.a_drafted} drafted, {d.a_truth} in truth)")
        out.append(f"  responsible  {d.r_ok} of {d.r_total} matched commitments")
        out.append(f"  follow-up    {'yes' if d.follow_ok else 'no '}  {d.follow_detail}")
        out += [f"  note: {n}" for n in d.notes]
    out.append("")
    out.append(f"OVERALL ({s['documents']} documents)")
    out.append(f"  commitments precision {s['commitments_precision']:.2f}  recall {s['commitments_recall']:.2f}")
    out.append(f"  periods exact {s['periods_exact']:.2f}")
    out.append(f"  areas precision {s['areas_precision']:.2f}  recall {s['areas_recall']:.2f}")
    out.append(f"  responsible party right {s['responsible']:.2f}")
    out.append(f"  follow-up rule right {s['follow_up_rule']:.2f}")
    out.append(f"  not-a-promise documents drafted {s['not_promise_drafted']} of {s['not_promise_documents']}")
    out.append(f"  promises missed entirely {s['missed_promises']}")
    if "seconds_mean" in s:
        out.append(f"  time per document: mean {s['seconds_mean']:.2f} s, max {s['seconds_max']:.2f} s "
                   "(the first one loads the word list when a text needs OCR repair)")
    return "\n".join(out) + "\n"


def compare_directory(directory, truth: dict, reader, skip=()) -> tuple[list[DocScore], dict, list[str]]:
    """Read every document of `truth` found in `directory` with `reader(bytes, name)` and score it."""
    import time
    from pathlib import Path
    docs, problems, seconds = [], [], []
    for name in sorted(truth):
        path = Path(directory) / name
        if name in skip:
            continue
        if not path.is_file():
            problems.append(f"{name}: in the truth file but not in {directory}")
            continue
        started = time.monotonic()
        try:
            result = reader(path.read_bytes(), name)
        except Exception as exc:  # a refused or unreadable file scores as nothing drafted, and says so
            problems.append(f"{name}: {getattr(exc, 'message', None) or exc}")
            result = {"promises": []}
        seconds.append(time.monotonic() - started)
        docs.append(score_document(name, result, truth[name]))
    overall = summary(docs)
    overall["seconds_mean"] = sum(seconds) / len(seconds) if seconds else 0.0
    overall["seconds_max"] = max(seconds, default=0.0)
    return docs, overall, problems


THRESHOLDS = {  # option name -> (summary key, direction)
    "min_commitment_precision": ("commitments_precision", "min"),
    "min_commitment_recall": ("commitments_recall", "min"),
    "min_period_exact": ("periods_exact", "min"),
    "min_area_precision": ("areas_precision", "min"),
    "min_area_recall": ("areas_recall", "min"),
    "min_responsible": ("responsible", "min"),
    "min_follow_up": ("follow_up_rule", "min"),
    "max_not_promise_drafted": ("not_promise_drafted", "max"),
}


def failures(s: dict, limits: dict) -> list[str]:
    """The thresholds the scores miss, one line each (an empty list: all met)."""
    out = []
    for option, value in limits.items():
        if value is None:
            continue
        key, direction = THRESHOLDS[option]
        if (direction == "min" and s[key] < value) or (direction == "max" and s[key] > value):
            out.append(f"{key} {s[key]:.2f} is {'below' if direction == 'min' else 'above'} {value}")
    return out
