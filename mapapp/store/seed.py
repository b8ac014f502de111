"""Write the checked data files into the database in one transaction."""
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from . import dataset, outbox
from ..geo import shapes as geo
from ..core.errors import MapappError
from .models import Area, Presentation, CameraSite, Commitment, DataVersion, FollowUp, LagesbildEntry, Place, Promise, camera_site_area, commitment_area, commitment_camera_site
from .versions import bump_version
from ..core.jsonable import plain


def _summary(ds: dataset.Dataset) -> dict:
    return {"areas": len(ds.areas), "promises": len(ds.promises),
            "commitments": sum(len(p["commitments"]) for p in ds.promises),
            "follow-ups": len(ds.follow_ups), "camera sites": len(ds.camera_sites), "places": len(ds.places)}


def check_dir(data_dir) -> dict:
    """Load and check the files only."""
    return _summary(dataset.load(Path(data_dir)))


def seed_from_dir(engine, data_dir, force: bool = False) -> dict:
    """Replace the promise data with the files' content; all or nothing."""
    ds = dataset.load(Path(data_dir), extra=True)  # checked fully before anything is touched
    with Session(engine) as session, session.begin():
        recorded = session.scalar(select(func.count()).select_from(FollowUp)
                                  .where(FollowUp.recorded_by != "källdata"))
        presentations = session.scalar(select(func.count()).select_from(Presentation))
        imported = session.scalar(select(func.count()).select_from(Promise).where(Promise.source_text.is_not(None)))
        made = [f"{n} {what}" for n, what in ((recorded, "follow-ups recorded"), (presentations, "saved presentations"),
                                               (imported, "imported promises")) if n]
        if made and not force:
            raise MapappError(f"The app holds work that re-seeding would remove ({', '.join(made)}). "
                              "Back up first (flask backup), then use --force.", 409)
        before = outbox.published_snapshot(session)
        for table in (commitment_camera_site, camera_site_area, commitment_area):
            session.execute(delete(table))
        for model in (FollowUp, Commitment, Promise, CameraSite, LagesbildEntry, Place, Area):
            session.execute(delete(model))
        write_dataset(session, ds)
        outbox.record_seed_changes(session, before)  # what the files newly publish reaches its followers
        bump_version(session)
    return _summary(ds)


def write_dataset(session: Session, ds: dataset.Dataset):
    areas = {}
    for a in ds.areas:
        area = Area(slug=a["slug"], name=a["name"], municipality_code=a["municipality_code"],
                    municipality_name=a["municipality_name"],
                    geometry=_dumps(geo.to_geojson(a["geometry"])), area_km2=geo.area_km2(a["geometry"]),
                    provenance=a["provenance"], lagesbild_note=a["lagesbild_note"], est=a["est"],
                    lagesbild=[LagesbildEntry(**e) for e in a["lagesbild"]])
        areas[a["slug"]] = area
        session.add(area)
    sites = {}
    for c in ds.camera_sites:
        point, extra = c["point"] or {}, c["extra"]
        site = CameraSite(**{k: v for k, v in c.items() if k not in ("point", "areas", "extra")},
                          lon=point.get("lon"), lat=point.get("lat"), areas=[areas[s] for s in c["areas"]],
                          reported=extra["reported"]["first"] if extra["reported"] else None,
                          status_as_of=extra["status_as_of"]["last"], details=plain(extra))
        sites[c["slug"]] = site
        session.add(site)
    commitments = {}
    for p in ds.promises:
        extra = p["extra"]
        fields = {k: v for k, v in p.items() if k not in ("commitments", "extra")}
        fields["follow_up_rule"] = {**p["follow_up_rule"], "due": _iso(p["follow_up_rule"]["due"])}
        promise = Promise(**fields, period_label=extra["period_label"],
                          follow_up_reports=plain(extra["follow_up_reports"]),
                          follow_up_searches=plain(extra["follow_up_searches"]),
                          details=plain({k: v for k, v in extra.items()
                                         if k not in ("period_label", "follow_up_reports", "follow_up_searches")}))
        for position, c in enumerate(p["commitments"], start=1):
            commitment = Commitment(
                position=position, **{k: v for k, v in c.items() if k not in ("areas", "camera_sites", "extra")},
                areas=[areas[s] for s in c["areas"]], camera_sites=[sites[s] for s in c["camera_sites"]],
                details=plain(c["extra"]))
            promise.commitments.append(commitment)
            commitments[f"{p['slug']}/{c['slug']}"] = commitment
        session.add(promise)
    for f in ds.follow_ups:
        extra, covers = f["extra"], f["extra"]["covers"]
        commitments[f["commitment"]].follow_ups.append(FollowUp(
            **{k: v for k, v in f.items() if k not in ("commitment", "extra")}, recorded_by="källdata",
            covers_first=covers["first"] if covers else None, covers_last=covers["last"] if covers else None,
            published_on=extra["published"]["last"] if extra["published"] else None,
            evidence_kind=extra["evidence_kind"]))
    for p in ds.places:
        point = p["point"] or {}
        session.add(Place(**{k: v for k, v in p.items() if k not in ("point", "area")},
                          lon=point.get("lon"), lat=point.get("lat"), area=areas[p["area"]]))
    if session.get(DataVersion, 1) is None:
        session.add(DataVersion(id=1, counter=0))
    session.flush()


def _iso(value):
    return value.isoformat() if value else None


def _dumps(obj) -> str:
    import json
    return json.dumps(obj, separators=(",", ":"))
