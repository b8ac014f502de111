"""Follow-up reports: a planner uploads one against a promise, then accepts, changes or rejects each proposed
entry, one by one; nothing is recorded before that. Routes on the review blueprint (planners only)."""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length, Optional

from . import evidence
from .bodies import accepts_upload
from ..core.clock import today
from ..core.errors import MapappError, NotFound
from ..importer.extract import UnreadableDocument, extract_text
from ..importer.followup import covers, propose_follow_ups, report_period
from ..importer.output import LOW
from ..importer.reader import TooMuch, check_size
from ..render.source_marks import quoted_marks
from ..store import follow_up_reports as report_store
from ..store import follow_ups as follow_up_store
from ..store import promises as promise_store
from ..store.db import get_session
from .forms import FollowUpForm, final_follow_up_limit, http_url, parse_int
from .import_forms import EXTENSIONS, ImportForm
from .review import bp, max_import_bytes
from .twin import Page, twin

_BAD_DATE = _l("Ogiltigt datum: skriv ÅÅÅÅ-MM-DD.")


class ReportForm(ImportForm):
    """A follow-up report: the file or its text, where it is published, its name and date."""

    source_url = StringField(_l("Länk till rapporten där den är publicerad"),
                             [InputRequired(_l("Fyll i fältet.")), Length(max=2000), http_url])
    title = StringField(_l("Rapportens namn, t.ex. ”Uppföljning tertial 1 2024”"),
                        [InputRequired(_l("Fyll i fältet.")), Length(max=500)])
    report_date = DateField(_l("Rapportens datum"), [InputRequired(_BAD_DATE)], invalid_value_message=_BAD_DATE)
    covers_first = DateField(_l("Rapporten gäller från (valfritt)"), [Optional()], invalid_value_message=_BAD_DATE)
    covers_last = DateField(_l("… till och med"), [Optional()], invalid_value_message=_BAD_DATE)

    def check_dates(self, period: dict, day) -> bool:
        """The rules of a follow-up's date and period (as web/forms.FollowUpForm), so the proposals start valid."""
        date, start, end = self.report_date.data, period["start"], period["end"]
        if date and date > day:
            self.report_date.errors = [*self.report_date.errors, _l("Datumet ligger i framtiden.")]
        elif date and not start <= date <= final_follow_up_limit(end):
            self.report_date.errors = [*self.report_date.errors, _l(
                "Datumet ligger utanför löftesperioden %(start)s–%(end)s (eller året efter).",
                start=start.isoformat(), end=end.isoformat())]
        first, last = self.covers_first.data, self.covers_last.data
        if bool(first) != bool(last):
            self.covers_last.errors = [*self.covers_last.errors, _l("Ange både början och slut, eller ingen av dem.")]
        elif first and (last < first or first < start or last > end or (date and last > date)):
            self.covers_last.errors = [*self.covers_last.errors, _l(
                "Perioden ska ligga inom löftesperioden och sluta senast på rapportens datum.")]
        return not (self.report_date.errors or self.covers_last.errors)


def _promise(session, slug) -> dict:
    p = promise_store.load_promise(session, slug, include_drafts=True)
    return {"slug": p.slug, "title": p.title, "published": p.published,
            "period": {"start": p.period_start, "end": p.period_end},
            "commitments": [{"slug": c.slug, "title": c.title, "text": c.text} for c in p.commitments]}


@twin(bp, "/planner/promise/<slug:slug>/report", "planner/report_upload.html", methods=["GET", "POST"])
@accepts_upload(max_import_bytes)
def report_upload(slug):
    session = get_session()
    promise = _promise(session, slug)
    limits = {"max_bytes": max_import_bytes(), "extensions": list(EXTENSIONS)}
    data = {"promise": promise, **limits}
    if request.method == "GET":
        return Page(data, html=lambda: {"form": ReportForm()})
    form = ReportForm()
    valid = form.validate()
    valid = form.check(limits["max_bytes"]) and valid
    valid = valid and form.check_dates(promise["period"], today())
    if not valid:
        return render_template("planner/report_upload.html", data=data, form=form), 400
    content, name = form.upload
    field = form.document if name else form.text
    try:
        text = extract_text(content, name).text
        check_size(text)
    except (UnreadableDocument, TooMuch) as err:
        field.errors = [_("Dokumentet kunde inte läsas (%(why)s). Inget sparades.",
                          why=getattr(err, "message", None) or str(err))]
        return render_template("planner/report_upload.html", data=data, form=form), 400
    proposals = propose_follow_ups(text, promise)
    if not proposals:
        form.form_errors.append(_("Inget i rapporten kunde kopplas till löftets åtaganden som ett resultat "
                                  "(”har genomfört …”, ”pågår …”). Inget sparades."))
        return render_template("planner/report_upload.html", data=data, form=form), 422
    label = report_period(text)
    period = promise["period"]
    span = (form.covers_first.data, form.covers_last.data) if form.covers_first.data else covers(label)
    if span and not (period["start"] <= span[0] and span[1] <= period["end"] and span[1] <= form.report_date.data):
        span = None  # the label's period does not fit this promise; the planner gives it per entry
    stored = report_store.store_report(session, slug, {
        "title": form.title.data.strip(), "source_url": form.source_url.data.strip(), "file_name": name or None,
        "text": text, "period_label": label, "report_date": form.report_date.data,
        "covers_first": span[0] if span else None, "covers_last": span[1] if span else None},
        proposals, current_user.username)
    return redirect(url_for("review.report", report_id=stored["id"]))


@twin(bp, "/planner/reports", "planner/reports.html")
def reports():
    return {"reports": report_store.list_reports(get_session()), "done": request.args.get("done")}


def _proposal_form(report: dict, proposal: dict) -> FollowUpForm:
    """The proposal as a follow-up entry: the quoted sentence, the report as evidence, its date and period."""
    span = report["covers"] or {}
    return FollowUpForm(prefix=f"p{proposal['id']}", formdata=None, data={
        "date": report["report_date"], "date_label": report["period_label"], "covers_first": span.get("first"),
        "covers_last": span.get("last"), "status": proposal["status"], "note": proposal["evidence"],
        "evidence_url": report["source_url"], "evidence_title": report["title"], "evidence_kind": "parties",
        "seen_latest": str(proposal["latest_id"])})


def _report_page(data: dict, posted: dict | None = None, status: int = 200, conflict: dict | None = None):
    nodes, links, quotes = quoted_marks(data["text"], {f"src-p{p['id']}": p["span"] for p in data["proposals"]})
    forms = {p["id"]: (posted or {}).get(p["id"]) or _proposal_form(data, p) for p in data["proposals"]}
    return render_template("planner/report.html", data=data, forms=forms, nodes=nodes, links=links, quotes=quotes,
                           conflict=conflict or {}, done=request.args.get("done"), low=LOW), status


@twin(bp, "/planner/reports/<int:report_id>", "planner/report.html")
def report(report_id):
    data = report_store.get_report(get_session(), report_id)
    return Page(data, html=lambda: _report_page(data))


@bp.route("/planner/reports/<int:report_id>/proposals/<int:proposal_id>", methods=["POST"])
def decide(report_id, proposal_id):
    """Accept (as proposed or changed) or reject one proposal."""
    session, day = get_session(), today()
    data = report_store.get_report(session, report_id)
    proposal = next((p for p in data["proposals"] if p["id"] == proposal_id), None)
    if proposal is None:
        raise NotFound("Rapporten har inget sådant förslag; det kan redan vara godtaget eller avvisat.")
    action = request.form.get("action")
    if action == "reject":
        last = report_store.reject(session, report_id, proposal_id, current_user.username)
        return _after(report_id, last, "rejected")
    if action != "accept":
        raise MapappError("Välj att godta eller avvisa förslaget.")
    promise_slug, slug = proposal["commitment"]["key"].split("/")
    commitment = follow_up_store.planner_commitment(session, promise_slug, slug, day)
    form = FollowUpForm(prefix=f"p{proposal_id}")
    valid = form.validate()
    if not (form.check(commitment, day, evidence.max_bytes()) and valid):
        return _report_page(data, {proposal_id: form}, 400)
    seen = parse_int(form.seen_latest.data)
    try:
        report_store.accept(session, report_id, proposal_id, form.values(None), current_user.username, seen,
                            bool(form.confirm.data))
    except MapappError as err:
        if err.status != 409 or report_store.waiting(session, report_id, proposal_id) == 0:
            raise  # refused, or someone else took the proposal first: the error page says which
        newer = follow_up_store.newer_entries(session, promise_slug, slug, seen)
        fresh = report_store.get_report(session, report_id)
        return _report_page(fresh, {proposal_id: form}, 409, {"id": proposal_id, "message": err.message,
                                                               "newer": newer})
    return _after(report_id, not report_store.waiting(session, report_id), "accepted")


def _after(report_id: int, last: bool, done: str):
    if last:
        return redirect(url_for("review.reports", done=done))
    return redirect(url_for("review.report", report_id=report_id, done=done))
