"""Subscriptions: Atom feeds and an iCalendar feed that parse with standard libraries."""
import datetime as dt
import xml.etree.ElementTree as ET

import icalendar

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    root = ET.fromstring(r.data)
    assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}updated") is not None
    return [(e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}updated"), e.find(f"{ATOM}link").get("href"))
            for e in root.findall(f"{ATOM}entry")]


def test_promise_feed(client):
    items = entries(client, "/promise/skaggetorp-2018-2019/feed.atom")
    titles = [t for t, _, _ in items]
    assert "Medborgarlöfte: Medborgarlöfte Skäggetorp 2018–2019" in titles
    assert "Uppföljning: Organiserade fritidsaktiviteter och ledarutbildning – pågår" in titles
    assert all(link.startswith("http://localhost/") for _, _, link in items)


def test_area_feed_has_the_promises_and_follow_ups_that_reach_the_area(client):
    items = entries(client, "/area/skaggetorp/feed.atom")
    titles = [t for t, _, _ in items]
    for expected in ["Medborgarlöfte: Medborgarlöfte Linköping 2021–2022", "Medborgarlöfte: Medborgarlöfte Skäggetorp 2018–2019",
                     "Uppföljning: Fysiska åtgärder i stadsmiljön – pågår"]:
        assert expected in titles
    assert ("Uppföljning: Föräldraskapsstöd – pågår", "2019-08-31T00:00:00Z") in [(t, u) for t, u, _ in items]


def test_follow_up_calendar(client):
    r = client.get("/promise/norrkoping-2020-2022/follow-ups.ics")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(r.data)
    starts = [e.get("dtstart").dt for e in cal.walk("VEVENT")]
    assert starts == [dt.date(2020, 5, 31), dt.date(2020, 11, 30), dt.date(2021, 5, 31), dt.date(2021, 11, 30),
                      dt.date(2022, 5, 31), dt.date(2022, 11, 30)]
    # What is known of each, never "late": the page links a published follow-up whose period is not known.
    descriptions = [str(e.get("description")) for e in cal.walk("VEVENT")]
    assert all("Känt läge: ingen uppföljning registrerad här" in d and "försenad" not in d for d in descriptions)


def test_unknown_feed_is_404(client):
    assert client.get("/area/atlantis/feed.atom").status_code == 404
