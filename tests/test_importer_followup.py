"""A follow-up report turned into proposed follow-up entries, one per commitment it reports on."""
from pathlib import Path

from mapapp.importer.followup import propose_follow_ups

CORPUS = Path(__file__).parent / "data" / "import-corpus"
PROMISE = {"commitments": [
    {"slug": "krogtillsyner", "text": "Att genomföra fyra krogtillsyner under året."},
    {"slug": "fotpatrullera", "text": "Att fotpatrullera på platser där medborgare uppgett att de känner sig otrygga."},
    {"slug": "trygghetsvandringar", "text": "Tillsammans lovar vi att utföra två trygghetsvandringar i utvalda "
                                            "bostadsområden."},
    {"slug": "nattvandringar", "text": "Att tillsammans med föreningar i Skara kommun, genomföra tre "
                                       "nattvandringar under utvalda tillfällen."},
    {"slug": "belysning", "text": "Att tillsammans med plan- och byggenheten, bjuda in medborgarna till en dialog "
                                  "kring belysningsfrågan i Skara kommun."},
]}


def test_a_follow_up_report_becomes_proposed_entries_with_evidence():
    report = (CORPUS / "skara_2018_uppfoljning.txt").read_text(encoding="utf-8")
    proposals = propose_follow_ups(report, PROMISE)
    by_slug = {p["commitment"]: p for p in proposals}
    assert set(by_slug) == {"krogtillsyner", "fotpatrullera", "trygghetsvandringar", "nattvandringar"}
    assert "belysning" not in by_slug  # nothing reported: no entry proposed, it stays "ej bedömd"
    for p in proposals:
        a, b = p["span"]
        assert report[a:b] == p["evidence"] and p["status"] == "genomförd" and p["period"] == "2018"
        assert 0.5 <= p["confidence"] <= 1
    assert by_slug["nattvandringar"]["evidence"].startswith("Kommunen har tillsammans med föreningar")


def test_fewer_than_promised_is_partly_done_and_a_cancelled_one_not_done():
    report = ("Uppföljning tertial 1 2019\n\nPolisen har genomfört två krogtillsyner.\n"
              "Nattvandringarna har inte kunnat genomföras på grund av pandemin.\n")
    proposals = {p["commitment"]: p for p in propose_follow_ups(report, PROMISE)}
    assert proposals["krogtillsyner"]["status"] == "delvis genomförd"
    assert proposals["nattvandringar"]["status"] == "ej genomförd"
    assert proposals["krogtillsyner"]["period"] == "tertial 1 2019"


def test_restating_the_promise_proposes_nothing():
    assert propose_follow_ups("I medborgarlöftet lovade polisen att genomföra fyra krogtillsyner.", PROMISE) == []
