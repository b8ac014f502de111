"""Planner pages: dashboard, overdue list, EST map, audit log, evidence downloads; each with a JSON twin."""
from flask import Blueprint, request, send_from_directory
from flask_login import current_user

from . import evidence
from ..render import mapview
from ..core.clock import today
from ..domain import vocab
from .auth import admin_required, require_planner
from .converters import int_arg
from .twin import Page, twin
from ..store.db import get_session
from ..core.bounds import DB_INT_MAX
from ..core.errors import MapappError
from ..store import areas as area_store
from ..render import world as worlds
from ..store import audit as audit_store
from ..store import follow_ups as follow_up_store
from ..domain.municipalities import MUNICIPALITIES

bp = Blueprint("planner", __name__)
bp.before_request(require_planner)  # every planner route, present and future, needs a planner
files = Blueprint("evidence", __name__)  # public: the evidence behind published follow-ups

LABELS = {"party": vocab.RESPONSIBLE, "kommun": MUNICIPALITIES}


def dashboard_filters(args, rows) -> dict:
    """Theme, method, party and municipality from the query string; unknown values are a 400."""
    known = {
        "theme": sorted({t for r in rows for t in r["themes"]}),
        "method": sorted(vocab.METHODS),
        "party": list(vocab.RESPONSIBLE),
        "kommun": list(MUNICIPALITIES),
    }
    chosen = {}
    for name, allowed in known.items():
        value = args.get(name) or None
        if value is not None and value not in allowed:
            raise MapappError(f"{name} måste vara ett av: {', '.join(allowed)}.")
        chosen[name] = value
    return {"chosen": chosen, "options": known}


def _matches(row, chosen) -> bool:
    party = chosen["party"]
    return ((not chosen["theme"] or chosen["theme"] in row["themes"])
            and (not chosen["method"] or row["method"] == chosen["method"])
            and (not party or row["responsible"] == party or (party != "both" and row["responsible"] == "both"))
            and (not chosen["kommun"] or row["promise"]["municipality"]["code"] == chosen["kommun"]))


def _filtered_rows():
    rows = follow_up_store.commitment_rows(get_session(), today())
    filters = dashboard_filters(request.args, rows)
    return [r for r in rows if _matches(r, filters["chosen"])], filters


def _by_municipality(rows) -> list[dict]:
    groups: dict[str, dict] = {}
    for r in rows:
        m = r["promise"]["municipality"]
        group = groups.setdefault(m["code"], {**m, "promises": {}})
        group["promises"].setdefault(r["promise"]["slug"], {**r["promise"], "commitments": []})["commitments"].append(r)
    ordered = sorted(groups.values(), key=lambda g: g["name"])
    return [{**g, "promises": list(g["promises"].values())} for g in ordered]


def _by_est_area(rows) -> list[dict]:
    """Each EST area with the commitments of its current promise that reach it."""
    out = []
    for area in area_store.list_areas(worlds.get(get_session(), today())):
        if not area["est_member"]:
            continue
        shown = area["current_promise"] or area["last_promise"]
        current = (shown or {}).get("slug")
        out.append({"slug": area["slug"], "name": area["name"], "municipality": area["municipality"],
                    "current_promise": area["current_promise"], "last_promise": area["last_promise"],
                    "summary_status": area["summary_status"],
                    "commitments": [r for r in rows if r["promise"]["slug"] == current and area["slug"] in r["areas"]]})
    return out


@twin(bp, "/planner", "planner/dashboard.html")
def dashboard():
    rows, filters = _filtered_rows()
    data = {"today": today(), "filters": filters["chosen"], "options": filters["options"],
            "municipalities": _by_municipality(rows), "est_areas": _by_est_area(rows),
            "overdue_count": sum(1 for r in rows if r["overdue"])}
    return Page(data, html={"labels": LABELS})


@twin(bp, "/planner/overdue", "planner/overdue.html")
def overdue():
    rows, filters = _filtered_rows()
    late = sorted((r for r in rows if r["overdue"]), key=lambda r: (r["overdue"][-1], r["key"]), reverse=True)
    data = {"today": today(), "filters": filters["chosen"], "options": filters["options"], "commitments": late}
    return Page(data, html={"labels": LABELS})


@twin(bp, "/planner/est", "planner/est.html")
def est():
    session, day = get_session(), today()
    rows = follow_up_store.commitment_rows(session, day)
    return Page({"today": day, "est_areas": _by_est_area(rows)}, html=lambda: {"map": mapview.est(session, day)})


@twin(bp, "/admin/audit", "planner/audit.html")
@admin_required
def audit():
    page = int_arg("page", 1, default=1, message=f"page måste vara ett heltal från 1 till {DB_INT_MAX}.")
    kind = request.args.get("type") or None
    if kind is not None and kind not in audit_store.ENTITY_TYPES:
        raise MapappError(f"type måste vara ett av: {', '.join(audit_store.ENTITY_TYPES)}.")
    data = audit_store.list_entries(get_session(), page, entity_type=kind)
    data["type"] = kind
    return Page(data, html=lambda: {"changes": {e["id"]: _changes(e["before"], e["after"]) for e in data["entries"]},
                                    "types": audit_store.ENTITY_TYPES})


def _changes(before, after) -> list[dict]:
    """Only the fields that differ, for reading the log; the JSON twin keeps the whole snapshots."""
    before, after = before or {}, after or {}
    return [{"field": k, "before": before.get(k), "after": after.get(k)}
            for k in {**before, **after} if before.get(k) != after.get(k)]


@files.route("/evidence/<int:follow_up_id>")
def evidence_file(follow_up_id):
    """An uploaded document, always as a download with its checked type, never sniffed or inlined."""
    name = follow_up_store.evidence_file(get_session(), follow_up_id, include_drafts=current_user.is_authenticated)
    response = send_from_directory(evidence.folder(), name, as_attachment=True,
                                   mimetype=evidence.mimetype_of(name),
                                   download_name=f"underlag-{follow_up_id}.{name.rsplit('.', 1)[-1]}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
