"""Languages: Swedish by default, English when chosen; data texts stay in their source language."""
from urllib.parse import urlencode

from flask import request, session
from flask_babel import Babel, gettext

from ..domain import vocab
from ..render.labels import progress_text

LANGUAGES = ("sv", "en")


def select_locale():
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        return chosen
    return session.get("lang", "sv") if session.get("lang") in LANGUAGES else "sv"


def _label_filter(table: dict):
    def label(key):
        return gettext(table[key]) if key in table else key
    return label


def init_app(app):
    Babel(app, locale_selector=select_locale)

    labels = {"status_label": vocab.STATUSES, "responsible_label": vocab.RESPONSIBLE,
              "precision_label": vocab.PRECISIONS, "camera_status_label": vocab.CAMERA_STATUSES,
              "category_label": vocab.LAGESBILD_CATEGORIES}
    for name, table in labels.items():
        app.add_template_filter(_label_filter(table), name)
    from ..domain.knowledge import SLOT_STATES
    from ..domain.periods import PROMISE_STATES
    from ..domain.status import SUMMARY_LABELS
    more = {"summary_label": SUMMARY_LABELS, "slot_state_label": SLOT_STATES, "promise_state_label": PROMISE_STATES,
            "evidence_kind_label": vocab.EVIDENCE_KINDS, "lineage_label": vocab.LINEAGE,
            "theme_label": vocab.THEMES, "method_label": vocab.METHOD_NAMES, "cadence_label": vocab.CADENCE_NAMES}
    for name, table in more.items():
        app.add_template_filter(_label_filter(table), name)
    app.add_template_filter(gettext, "status_text")  # a status text is one of vocab's marked sentences
    app.add_template_filter(progress_text, "progress_text")

    @app.context_processor
    def locale_context():
        from flask_babel import get_locale
        return {"current_locale": str(get_locale() or "sv"), "map_strings": map_strings,
                "language_url": language_url}


def language_url(lang: str) -> str:
    """The current page in another language: same path and query, with lang set."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return request.path + "?" + urlencode(args, doseq=True)


def map_strings() -> dict:
    """The interface strings the map script needs, in the current language."""
    from ..domain.periods import PROMISE_STATES
    from ..domain.status import SUMMARY_LABELS
    return {
        "municipality_suffix": gettext(" kommun"),
        "approximation": gettext("Gränsen är en approximation."),
        "promises": gettext("Tidigare medborgarlöften"),
        "no_promise": gettext("Inget medborgarlöfte i Löfteskartan gäller området."),
        "in_force": gettext("Gällande medborgarlöfte"),
        "none_in_force": gettext("Inget gällande medborgarlöfte känt."),
        "last_promise": gettext("Senaste medborgarlöftet"),
        "last_known": gettext("senast kända läge per"),
        "as_of": gettext("Läget per"),
        "next_due": gettext("Nästa uppföljning senast"),
        "no_next_due": gettext("Ingen kommande uppföljning enligt löftets regel."),
        "open_area": gettext("Allt om"),
        "close": gettext("Stäng"),
        "camera": gettext("Kamerabevakning"),
        "decided": gettext("Beslut:"),
        "status": gettext("Status:"),
        "precision": gettext("Precision:"),
        "unknown_date": gettext("okänt datum"),
        "est": gettext("EST-område"),
        "map_layers": gettext("Kartlager: välj vad som visas"),
        "you_are_in": gettext("Punkten ligger i"),
        "outside": gettext("Punkten ligger inte i något område med medborgarlöfte i Löfteskartan."),
        "nearest": gettext("Närmast är"),
        "km_away": gettext("km bort."),
        "locating": gettext("Hämtar din position …"),
        "geolocation_unavailable": gettext("Webbläsaren kan inte ge din position. Sök på ett namn i stället."),
        "geolocation_denied": gettext("Positionen kunde inte hämtas. Sök på ett namn i stället."),
        "lookup_failed": gettext("Uppslagningen misslyckades. Försök igen."),
        "status_labels": {k: gettext(v) for k, v in vocab.STATUSES.items()},
        "summary_labels": {k: gettext(v) for k, v in SUMMARY_LABELS.items()},
        "promise_states": {k: gettext(v) for k, v in PROMISE_STATES.items()},
    }
