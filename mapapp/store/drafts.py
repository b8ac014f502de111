"""Imported drafts (unpublished promises): store, list, review, save edits and publish; every write audited."""
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from ..core.errors import MapappError, NotFound
from ..importer.people import slugify
from .models import Area, Commitment, Promise
from . import audit, draft_places, outbox
from .versions import bump_version, claim_version

_LOAD = (selectinload(Promise.commitments).selectinload(Commitment.areas),
         selectinload(Promise.commitments).selectinload(Commitment.follow_ups))

_REQUIRED = (("municipality_code", "municipality"), ("period_start", "period"), ("follow_up_rule", "follow-up rule"))


def missing_fields(draft: dict) -> list[str]:
    """What a draft lacks that the promise table requires."""
    return [label for key, label in _REQUIRED if not draft.get(key)]


def unique_slug(base: str, taken: set[str]) -> str:
    """base, or base-draft, base-draft-2, … when the slug is in use."""
    if base not in taken:
        return base
    slug, n = f"{base}-draft", 2
    while slug in taken:
        slug, n = f"{base}-draft-{n}", n + 1
    return slug


def store_drafts(session: Session, drafts: list[dict]) -> list[str]:
    """Add each draft as an unpublished promise with its commitments; the caller owns the transaction."""
    for n, draft in enumerate(drafts, 1):
        lacking = missing_fields(draft)
        if lacking:
            raise MapappError(f"draft {n} ({draft.get('title')}) has no {', '.join(lacking)}; nothing was written")
    taken = set(session.scalars(select(Promise.slug)))
    areas = {a.slug: a for a in session.scalars(select(Area))}
    slugs = []
    for draft in drafts:
        slug = unique_slug(draft["slug"], taken)
        taken.add(slug)
        rule = dict(draft["follow_up_rule"])
        due = rule.get("due")
        rule["due"] = due.isoformat() if hasattr(due, "isoformat") else due
        promise = Promise(
            slug=slug, title=draft["title"], municipality_code=draft["municipality_code"],
            municipality_name=draft["municipality_name"] or "", parties=draft["parties"],
            period_start=draft["period_start"], period_end=draft["period_end"], signed=draft["signed"],
            problem_picture=draft["problem_picture"], dialogue=draft["dialogue"], follow_up_rule=rule,
            sources=draft["sources"], related_reports=draft["related_reports"], published=False,
            source_text=draft["original_text"], import_spans=draft["spans"])
        for position, c in enumerate(draft["commitments"], 1):
            unknown = [s for s in c["areas"] if s not in areas]
            if unknown:
                raise MapappError(f"draft {slug}: unknown area {unknown[0]}; nothing was written")
            places = c.get("places") or []
            promise.commitments.append(Commitment(
                slug=c["slug"], position=position, title=c["title"][:300], text=c["text"],
                text_note=c["text_note"], note=c["note"], responsible=c["responsible"], themes=c["themes"],
                method=c["method"], target=c["target"], whole_municipality=not (c["areas"] or places),
                areas=[areas[s] for s in c["areas"]], details={"places": places} if places else None))
        session.add(promise)
        draft_places.add_places(session, promise, draft.get("places") or [])
        slugs.append(slug)
    session.flush()
    bump_version(session)
    return slugs


_STALE = "Utkastet har ändrats av någon annan sedan du öppnade formuläret."


def commitment_dict(c: Commitment) -> dict:
    details = c.details or {}
    return {"slug": c.slug, "position": c.position, "title": c.title, "text": c.text, "text_note": c.text_note,
            "note": c.note, "responsible": c.responsible, "themes": list(c.themes), "method": c.method,
            "target": c.target, "areas": [a.slug for a in c.areas], "places": list(details.get("places") or []),
            "areas_outside_map": list(details.get("areas_outside_map") or []),
            "whole_municipality": c.whole_municipality, "follow_up_count": len(c.follow_ups)}


def draft_dict(p: Promise, with_source: bool = True, places: list[dict] | None = None) -> dict:
    """A draft as the review page shows it: its fields, its commitments and, on request, its source and spans."""
    out = {"slug": p.slug, "title": p.title, "municipality": {"code": p.municipality_code,
                                                              "name": p.municipality_name},
           "parties": list(p.parties), "period": {"start": p.period_start, "end": p.period_end},
           "signed": p.signed, "problem_picture": p.problem_picture, "dialogue": p.dialogue,
           "follow_up_rule": dict(p.follow_up_rule or {}), "sources": list(p.sources),
           "related_reports": list(p.related_reports), "published": p.published, "version": p.version,
           "commitments": [commitment_dict(c) for c in p.commitments],
           "places": [] if p.published else places if places is not None
           else draft_places.places_of(object_session(p), p.id)}
    if with_source:
        out.update(source_text=p.source_text or "", spans=p.import_spans or {})
    return out


def incomplete(draft: dict) -> list[str]:
    """What a draft still lacks before it can be published (period, municipality, a commitment with text)."""
    lacking = []
    if not (draft["period"]["start"] and draft["period"]["end"]):
        lacking.append("period")
    if not (draft["municipality"]["code"] and draft["municipality"]["name"]):
        lacking.append("municipality")
    if not any((c["text"] or "").strip() for c in draft["commitments"]):
        lacking.append("commitment")
    return lacking


def store_import(session: Session, drafts: list[dict], username: str, all_or_nothing: bool = False) -> dict:
    """Store every complete-enough draft as an unpublished promise, audited, in one transaction.

    Returns {"stored": [{slug, title}], "skipped": [{title, missing}]}; a draft the promise table cannot
    hold (no municipality, period or follow-up rule) is skipped and named, never half-written — or, with
    all_or_nothing, refused together with every other draft of the document.
    """
    storable = drafts if all_or_nothing else [d for d in drafts if not missing_fields(d)]
    skipped = [] if all_or_nothing else [{"title": d.get("title") or "", "missing": missing_fields(d)}
                                         for d in drafts if missing_fields(d)]
    stored = []
    if storable:
        with audit.write(session, bump=False):  # store_drafts bumps the data version itself
            slugs = store_drafts(session, storable)
            for slug in slugs:
                p = _load(session, slug)
                audit.record(session, username, "import", "promise", slug, None, draft_dict(p, with_source=False))
                stored.append({"slug": slug, "title": p.title})
    return {"stored": stored, "skipped": skipped}


def list_drafts(session: Session) -> list[dict]:
    """Every unpublished promise, newest period first."""
    rows = session.scalars(select(Promise).options(*_LOAD).where(Promise.published.is_(False))
                           .order_by(Promise.period_end.desc(), Promise.title, Promise.slug))
    rows = list(rows)
    places = draft_places.places_of_drafts(session, [p.id for p in rows])  # one query, not one per draft
    out = []
    for p in rows:
        d = draft_dict(p, with_source=False, places=places.get(p.id, []))
        out.append({**{k: v for k, v in d.items() if k != "commitments"}, "commitment_count": len(p.commitments),
                    "imported": p.source_text is not None, "incomplete": incomplete(d)})
    return out


def published_title(session: Session, slug: str) -> str | None:
    """The title of a published promise, for the "published" notice; None for anything else."""
    return session.scalar(select(Promise.title).where(Promise.slug == slug, Promise.published.is_(True)))


def _load(session: Session, slug: str) -> Promise:
    p = session.scalar(select(Promise).options(*_LOAD).where(Promise.slug == slug))
    if p is None or p.published:
        raise NotFound(f"Det finns inget opublicerat utkast med adressen '{slug}'.")
    return p


def get_draft(session: Session, slug: str) -> dict:
    return draft_dict(_load(session, slug))


def _claim(session: Session, p: Promise, expected_version: int, **values):
    """Move the version on, only if nobody else has since expected_version; 409 otherwise."""
    claim_version(session, p, expected_version, _STALE, **values)


def save_draft(session: Session, slug: str, values: dict, expected_version: int, username: str) -> dict:
    """Write a reviewed draft's fields and commitments (checked by the caller); audited, all or nothing."""
    p = _load(session, slug)
    if p.version != expected_version:
        raise MapappError(_STALE, 409)
    before = draft_dict(p, with_source=False)
    existing = {c.slug: c for c in p.commitments}
    posted = [c for c in values["commitments"] if c.get("slug")]
    if sorted(c["slug"] for c in posted) != sorted(existing):
        raise MapappError("Formuläret är trasigt: åtagandena stämmer inte med utkastet. Ladda om sidan.")
    wanted = {s for c in values["commitments"] if not c.get("remove") for s in c["areas"]}
    areas = {a.slug: a for a in session.scalars(select(Area).where(Area.slug.in_(wanted)))}
    if wanted - set(areas):
        raise MapappError(f"Okänt område: {sorted(wanted - set(areas))[0]}.")
    old_spans = dict(zip([c.slug for c in p.commitments], (p.import_spans or {}).get("commitments") or []))
    with audit.write(session):
        _claim(session, p, expected_version)
        for key in ("title", "municipality_code", "municipality_name", "parties", "period_start", "period_end",
                    "signed", "problem_picture", "dialogue", "sources"):
            setattr(p, key, values[key])
        p.follow_up_rule = {**(p.follow_up_rule or {}), **values["follow_up_rule"]}  # keeps reporter and note
        kept, spans = _commitments(p, values["commitments"], existing, areas, old_spans)
        p.commitments = kept
        if "places" in values:
            draft_places.save_choices(session, p.id, values["places"])
        p.import_spans = {**(p.import_spans or {}), "commitments": spans}
        session.flush()
        session.refresh(p)
        audit.record(session, username, "update", "promise", slug, before, draft_dict(p, with_source=False))
    return draft_dict(p)


def _commitments(p, posted, existing, areas, old_spans):
    """The commitments in the form's order: edited, removed (only without follow-ups) or new."""
    kept, spans, taken = [], [], set(existing)
    for c in posted:
        row = existing.get(c.get("slug") or "")
        if c.get("remove"):
            if row is not None and row.follow_ups:
                raise MapappError(f"Åtagandet ”{row.title}” har uppföljningar och kan inte tas bort.")
            continue
        if row is None:
            slug = base = slugify(c["title"], words=5)
            n = 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            row = Commitment(slug=slug, text_note=None, note=None)
        for key in ("title", "text", "responsible", "themes", "method", "target"):
            setattr(row, key, c[key])
        row.areas = [areas[s] for s in c["areas"]]
        row.whole_municipality = not (c["areas"] or (row.details or {}).get("places"))
        row.position = len(kept) + 1
        kept.append(row)
        spans.append(old_spans.get(row.slug, {}))
    return kept, spans


def publish_draft(session: Session, slug: str, expected_version: int, username: str, geodata_dir: str) -> dict:
    """Make a complete draft public at once: its named places turned into areas (or kept as places off the
    map) as the reviewer chose, published, a new version, the data version bumped; audited, all or nothing."""
    p = _load(session, slug)
    if p.version != expected_version:
        raise MapappError(_STALE, 409)
    before = draft_dict(p, with_source=False)
    lacking = incomplete(before)
    if lacking:
        raise MapappError(f"Utkastet kan inte publiceras än: det saknar {', '.join(lacking)}.", 422)
    with audit.write(session):  # the bump in here makes cached maps and pages rebuild with the new promise
        made = draft_places.publish_places(session, p, geodata_dir, username)
        _claim(session, p, expected_version, published=True)
        session.refresh(p)
        audit.record(session, username, "publish", "promise", slug, before,
                     {**draft_dict(p, with_source=False), "areas_made": made})
        outbox.record_promise(session, p)  # its alert is published with it, or not at all
    return draft_dict(p, with_source=False)
