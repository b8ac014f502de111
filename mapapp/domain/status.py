"""A commitment's status as of a date, and the honest summary of a set of commitments: counts, a bar, a colour."""
from . import vocab


def current_follow_up(follow_ups, as_of=None):
    """The newest entry known on as_of that no entry known by then supersedes, or None.

    follow_ups are objects or dicts with id, date, supersedes and known_on."""
    get = (lambda f, k: f[k]) if follow_ups and isinstance(follow_ups[0], dict) else getattr
    seen = [f for f in follow_ups if as_of is None or get(f, "known_on") <= as_of]
    superseded = {get(f, "supersedes") for f in seen if get(f, "supersedes")}
    live = [f for f in seen if get(f, "id") not in superseded]
    return max(live, key=lambda f: (get(f, "date"), get(f, "id")), default=None)


def count_statuses(statuses) -> dict:
    counts = {key: 0 for key in vocab.STATUSES}
    for s in statuses:
        counts[s] += 1
    return counts


def summary_status(counts: dict) -> str:
    """The colour of a set of commitments: a status shared by more than half of them, else "blandat".

    The colour never claims more than the counts: one "pågår" among seven unassessed stays "ej bedömd"."""
    total = sum(counts.values())
    if total == 0:
        return "ej_bedomd"
    status, n = max(counts.items(), key=lambda kv: kv[1])
    return status if n * 2 > total else "blandat"


def progress(counts: dict) -> dict:
    """The bar: one segment per status present, the assessed first in the scale's order, the unassessed last."""
    total = sum(counts.values())
    order = [k for k in counts if k != vocab.DEFAULT_STATUS] + [vocab.DEFAULT_STATUS]
    segments = [{"status": key, "count": counts[key], "share": round(counts[key] / total, 4)}
                for key in order if counts.get(key)] if total else []
    return {"total": total, "assessed": total - counts.get(vocab.DEFAULT_STATUS, 0), "segments": segments}


SUMMARY_LABELS = {
    "ej_bedomd": vocab.N_("Mer än hälften ej bedömda"),
    "planerad": vocab.N_("Mer än hälften planerade"),
    "pagar": vocab.N_("Mer än hälften pågår"),
    "delvis_genomford": vocab.N_("Mer än hälften delvis genomförda"),
    "genomford": vocab.N_("Mer än hälften genomförda"),
    "ej_genomford": vocab.N_("Mer än hälften ej genomförda"),
    "blandat": vocab.N_("Blandat – inget läge gäller mer än hälften"),
    "inget_gallande": vocab.N_("Inget gällande medborgarlöfte känt"),
}
COLOUR_RULE = vocab.N_("Färgen visar det läge som gäller för mer än hälften av åtagandena; staplarna visar alla.")
