"""Subscriptions: Atom feeds of new promises and follow-ups, iCalendar of follow-up due dates."""
import datetime as dt
import xml.etree.ElementTree as ET

import icalendar

from ..domain.knowledge import SLOT_STATES

ATOM = "http://www.w3.org/2005/Atom"


def _stamp(value) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value.replace(microsecond=0).isoformat() + "Z"


def promise_entries(promise: dict, url_for_promise, url_for_commitment) -> list[dict]:
    """A feed entry for the promise itself and one per follow-up of its commitments."""
    entries = [{
        "id": f"promise:{promise['slug']}", "title": f"Medborgarlöfte: {promise['title']}",
        "updated": promise["signed"] or promise["period"]["start"], "link": url_for_promise(promise["slug"]),
        "summary": f"{promise['municipality']['name']}, {promise['period']['label']} ({promise['state_label']}), "
                   f"{len(promise['commitments'])} åtaganden.",
    }]
    for c in promise["commitments"]:
        for f in c["follow_ups"]:
            entries.append({
                "id": f"follow-up:{f['id']}", "title": f"Uppföljning: {c['title']} – {f['status_label']}",
                "updated": f["date"], "link": url_for_commitment(promise["slug"], c["slug"]),
                "summary": f["note"] + (f" Underlag: {f['evidence']['url']}" if f["evidence"]["url"] else ""),
            })
    return entries


def atom(feed_id: str, title: str, self_url: str, page_url: str, entries: list[dict]) -> bytes:
    """An Atom 1.0 document (RFC 4287), newest entry first."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(root, f"{{{ATOM}}}id").text = f"tag:lofteskartan,2026:{feed_id}"
    ET.SubElement(root, f"{{{ATOM}}}title").text = title
    entries = sorted(entries, key=lambda e: _stamp(e["updated"]), reverse=True)
    ET.SubElement(root, f"{{{ATOM}}}updated").text = _stamp(entries[0]["updated"]) if entries else _stamp(dt.date(2018, 1, 1))
    ET.SubElement(root, f"{{{ATOM}}}link", rel="self", href=self_url)
    ET.SubElement(root, f"{{{ATOM}}}link", rel="alternate", href=page_url)
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Löfteskartan"
    for e in entries:
        node = ET.SubElement(root, f"{{{ATOM}}}entry")
        ET.SubElement(node, f"{{{ATOM}}}id").text = f"tag:lofteskartan,2026:{e['id']}"
        ET.SubElement(node, f"{{{ATOM}}}title").text = e["title"]
        ET.SubElement(node, f"{{{ATOM}}}updated").text = _stamp(e["updated"])
        ET.SubElement(node, f"{{{ATOM}}}link", rel="alternate", href=e["link"])
        ET.SubElement(node, f"{{{ATOM}}}summary").text = e["summary"]
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def follow_up_calendar(promise: dict, page_url: str) -> bytes:
    """One all-day event per follow-up due date of the promise's rule."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Löfteskartan//medborgarlöften//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Uppföljningar: {promise['title']}")
    for window in promise["schedule"]["due_dates"]:
        due = window["due"]
        event = icalendar.Event()
        event.add("uid", f"{promise['slug']}-{due.isoformat()}@lofteskartan")
        event.add("dtstamp", dt.datetime(due.year, due.month, due.day, tzinfo=dt.timezone.utc))
        event.add("dtstart", due)
        event.add("dtend", due + dt.timedelta(days=1))
        event.add("summary", f"Uppföljning senast: {promise['title']}")
        state = SLOT_STATES[window["state"]]
        event.add("description", f"{promise['follow_up_rule']['text']} Gäller {window['period']['label']}. "
                                 f"Känt läge: {state}. {page_url}")
        event.add("url", page_url)
        cal.add_component(event)
    return cal.to_ical()
