"""Generated sentences in the visitor's language: counts with the right number, progress in words."""
from flask_babel import ngettext


def status_count(key: str, n: int) -> str:
    """"1 pågår", "6 ej bedömda": a count with the status in the right number."""
    forms = {
        "ej_bedomd": lambda: ngettext("%(num)s ej bedömd", "%(num)s ej bedömda", n),
        "planerad": lambda: ngettext("%(num)s planerad", "%(num)s planerade", n),
        "pagar": lambda: ngettext("%(num)s pågår", "%(num)s pågår", n),
        "delvis_genomford": lambda: ngettext("%(num)s delvis genomförd", "%(num)s delvis genomförda", n),
        "genomford": lambda: ngettext("%(num)s genomförd", "%(num)s genomförda", n),
        "ej_genomford": lambda: ngettext("%(num)s ej genomförd", "%(num)s ej genomförda", n),
    }
    return forms[key]()


def progress_text(progress: dict) -> str:
    """"7 åtaganden: 1 pågår, 6 ej bedömda" — the counts the bar and the colour stand for."""
    total = progress["total"]
    head = ngettext("%(num)s åtagande", "%(num)s åtaganden", total)
    return head + ": " + ", ".join(status_count(s["status"], s["count"]) for s in progress["segments"])
