"""Current status of commitments and the summary colour of an area."""
from . import vocab


def current_follow_up(follow_ups):
    """The newest entry that no later entry supersedes, or None."""
    superseded = {f.supersedes_id for f in follow_ups if f.supersedes_id}
    live = [f for f in follow_ups if f.id not in superseded]
    return max(live, key=lambda f: (f.date, f.id), default=None)


def current_status(follow_ups) -> str:
    latest = current_follow_up(follow_ups)
    return latest.status if latest else vocab.DEFAULT_STATUS


def count_statuses(statuses) -> dict:
    counts = {key: 0 for key in vocab.STATUSES}
    for s in statuses:
        counts[s] += 1
    return counts


def summary_status(counts: dict) -> str:
    """One colour for a set of commitments: unassessed, any not done, all done, or under way."""
    total = sum(counts.values())
    if total == 0 or counts["ej_bedomd"] == total:
        return "ej_bedomd"
    if counts["ej_genomford"]:
        return "ej_genomford"
    if counts["genomford"] == total:
        return "genomford"
    return "pagar"


SUMMARY_LABELS = {
    "ej_bedomd": vocab.N_("Ingen uppföljning publicerad (ej bedömd)"),
    "pagar": vocab.N_("Uppföljning visar arbete som pågår eller delvis är genomfört"),
    "genomford": vocab.N_("Alla åtaganden genomförda"),
    "ej_genomford": vocab.N_("Minst ett åtagande ej genomfört"),
}
