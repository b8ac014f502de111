"""Write imported drafts as unpublished promises, all or nothing."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import MapappError
from ..models import Area, Commitment, Promise
from ..store.versions import bump_version

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
            promise.commitments.append(Commitment(
                slug=c["slug"], position=position, title=c["title"][:300], text=c["text"],
                text_note=c["text_note"], note=c["note"], responsible=c["responsible"], themes=c["themes"],
                method=c["method"], target=c["target"], whole_municipality=not c["areas"],
                areas=[areas[s] for s in c["areas"]]))
        session.add(promise)
        slugs.append(slug)
    session.flush()
    bump_version(session)
    return slugs

