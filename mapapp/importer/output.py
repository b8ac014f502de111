"""One document to the machine-readable promises: every field with how sure it is and where it came from."""
import re
import time
from dataclasses import dataclass, field

from . import followup, gazetteer, lexicon, periods, places
from .extract import UnreadableDocument, extract_text
from .gazetteer import fold
from .normalise import normalise
from .reader import MAX_COMMITMENTS, TooMuch, check_size, read

MAX_SECONDS = 30.0
LOW = 0.6  # fields below this are listed in `review` for a person to check first


class Refused(Exception):
    """The document is refused by a limit; the message says which and why."""


@dataclass
class Budget:
    seconds: float = MAX_SECONDS
    started: float = field(default_factory=time.monotonic)
    loading: float = field(default_factory=lexicon.loading_seconds)  # word lists loaded once are not reading

    def check(self, step: str):
        spent = time.monotonic() - self.started - (lexicon.loading_seconds() - self.loading)
        if spent > self.seconds:
            raise Refused(f"reading took longer than {self.seconds:.0f} s (stopped at {step}); "
                          "the document is refused rather than half read")


def read_document(data: bytes, filename: str = "", geodata_dir: str | None = None,
                  seconds: float = MAX_SECONDS) -> dict:
    """{"promises": [...]} for one document; raises UnreadableDocument or Refused with a one-line reason."""
    budget = Budget(seconds)
    extracted = extract_text(data, filename)
    return read_text(extracted.text, geodata_dir, budget)


@dataclass
class Reading:
    """The promises as read_text gives them, with what drafting needs besides: the normalised text and,
    per promise, the reader's part (its commitments' offsets in that text)."""

    result: dict
    norm: object  # normalise.Normalised
    parts: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # the parts without commitments, for saying why


def read_text(original: str, geodata_dir: str | None = None, budget: Budget | None = None) -> dict:
    """The same from text already extracted (HTML already turned into text)."""
    return reading(original, geodata_dir, budget).result


def reading(original: str, geodata_dir: str | None = None, budget: Budget | None = None) -> Reading:
    """read_text's promises together with the normalised text and the reader's parts they came from."""
    budget = budget or Budget()
    try:
        check_size(original)
    except TooMuch as exc:
        raise Refused(f"{exc}: far beyond any promise document; refused without reading it") from None
    gaz = gazetteer.load(geodata_dir)
    from .lexicon import vocabulary
    norm = normalise(original, vocabulary(geodata_dir), sorted(gaz.place_words()),
                     [m["name"] for m in gaz.municipalities])
    budget.check("OCR repair")
    try:
        parts = read(norm.text)
    except TooMuch as exc:
        raise Refused(f"{exc}: far beyond a promise document (at most {MAX_COMMITMENTS} commitments); "
                      "refused") from None
    budget.check("reading the structure")
    text = norm.text
    report = bool(re.match(r"\s*[^\n]{0,80}uppf[oö]ljning", text, re.IGNORECASE))
    munis = [m for m in places.municipalities(text, gaz) if m["confidence"] >= 0.85]
    codes = [m["code"] for m in munis]
    names = {fold(m["name"]) for m in gaz.municipalities}
    promises, kept = [], []
    for part in parts:
        if not part.commitments:
            continue
        promises.append(_promise(part, norm, text, gaz, munis, codes, names, report))
        kept.append(part)
        budget.check("drafting the promises")
    return Reading({"promises": promises}, norm, kept, [p for p in parts if not p.commitments])


def _span(norm, start, end):
    return norm.span(start, end)


def _period(part, norm) -> dict:
    found, where = None, None
    for b in part.blocks:
        if b.kind == "item":
            continue
        p = periods.statement_period(b.text)
        if p and (found is None or p.confidence > found.confidence):
            found, where = p, b
    if (found is None or not (found.start and found.end)) and part.years:
        y1, y2 = part.years
        heading = part.heading
        if found is None or (found.start or found.end)[:4] in (str(y1), str(y2)):
            found = periods.Period(found.start if found and found.start else str(y1),
                                   found.end if found and found.end else str(y2), (0, len(heading.text)),
                                   0.85, "the promise's dated heading" + (" and " + found.how if found else ""))
            where = heading
    if found is None:
        for text, start, end in part.statements:
            p = periods.find(text)
            if p:
                found, where = p, None
                found.how, found.confidence = "the sentence that says who promises", 0.7
                span = _span(norm, start + p.span[0], start + p.span[1])
                break
    if found is None:
        for c in part.commitments:
            p = periods.commitment_dates(c.text)
            if p:
                return _period_dict(p, _span(norm, c.start, c.end))
        return {"start": None, "end": None, "confidence": 0.5, "span": None, "how": "the text states no period"}
    if where is not None:
        span = _span(norm, where.start + found.span[0], where.start + found.span[1]) \
            if where.kind != "heading" or where is not part.heading else _span(norm, where.start, where.end)
    return _period_dict(found, span)


def _period_dict(p, span) -> dict:
    return {"start": p.start, "end": p.end, "confidence": p.confidence, "span": span, "how": p.how}


def _promise(part, norm, text, gaz, munis, codes, names, report) -> dict:
    commitments, areas = [], {}
    segments = [(c.text, c.start, c) for c in part.commitments]
    segments += [(t, s, None) for t, s, _ in part.statements]
    segments += [(b.text, b.start, None) for b in part.leads + part.themes + ([part.heading] if part.heading else [])]
    segments += [(t, s, None) for t, s, _, why in part.rejected if why.startswith("headlines")]
    per_commitment: dict[int, list[str]] = {}
    for seg_text, seg_start, owner in segments:
        for m in places.mentions(seg_text, seg_start, names, gaz, codes):
            key = re.sub(r"s$", "", fold(m.name))
            if owner is not None:
                per_commitment.setdefault(id(owner), []).append(m.name)
            if key in areas:
                continue
            match = gaz.match(m.name, codes)
            areas[key] = {"name": m.name, "match": match.as_dict() if match else None,
                          "confidence": m.confidence, "span": _span(norm, m.start, m.end), "how": m.how}
    for c in part.commitments:
        commitments.append({
            "text": c.text, "responsible": c.responsible, "confidence": c.confidence,
            "span": _span(norm, c.start, c.end), "why": c.why,
            "responsible_confidence": c.responsible_confidence, "responsible_why": c.responsible_why,
            "also_named": c.also, "areas": per_commitment.get(id(c), [])})
    rule = followup.rule(part.blocks)
    follow = None
    if rule:
        follow = {"text": rule.text, "cadence": (rule.cadence or {}).get("cadence"),
                  "months": (rule.cadence or {}).get("months") or [], "confidence": rule.confidence,
                  "span": _span(norm, rule.start, rule.end)}
    others = sorted({c.responsible for c in part.commitments} - {"police", "municipality", "both", "unspecified"})
    result = {
        "kind": "restated in a follow-up report" if report else "promise",
        "heading": {"text": part.heading.text, "span": _span(norm, part.heading.start, part.heading.end)}
        if part.heading else None,
        "period": _period(part, norm),
        "municipalities": munis,
        "areas": list(areas.values()),
        "commitments": commitments,
        "follow_up_rule": follow,
        "parties": places.parties(part.statements, others),
        "not_commitments": [{"text": t, "span": _span(norm, s, e), "why": why} for t, s, e, why in part.rejected],
        "ocr_repaired": norm.ocr_damaged,
    }
    result["review"] = _review(result)
    return result


def _review(p: dict) -> list[str]:
    """Fields a reviewer should look at first: low confidence, candidate matches, unknown values."""
    out = []
    if p["period"]["confidence"] < LOW or not (p["period"]["start"] or p["period"]["end"]):
        out.append("period")
    for k, c in enumerate(p["commitments"]):
        if c["confidence"] < LOW or c["responsible_confidence"] < LOW:
            out.append(f"commitments[{k}]")
    for k, a in enumerate(p["areas"]):
        if a["match"] is None or a["match"]["kind"] != "exact":
            out.append(f"areas[{k}]")
    if not p["municipalities"]:
        out.append("municipalities")
    return out


__all__ = ["Reading", "Refused", "UnreadableDocument", "read_document", "read_text", "reading", "lexicon"]
