"""Languages: Swedish by default, English when chosen; data texts stay in their source language."""
from urllib.parse import urlencode

from flask import request, session
from flask_babel import Babel, gettext

from ..domain import vocab

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
    from ..domain.status import SUMMARY_LABELS
    app.add_template_filter(_label_filter(SUMMARY_LABELS), "summary_label")

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
    from ..domain.status import SUMMARY_LABELS
    return {
        "municipality_suffix": gettext(" kommun"),
        "approximation": gettext("Gränsen är en approximation."),
        "promises": gettext("Medborgarlöften"),
        "no_promise": gettext("Inget medborgarlöfte i datan gäller området."),
        "status_in": gettext("Status för åtagandena i"),
        "next_due": gettext("Nästa uppföljning senast"),
        "no_next_due": gettext("Ingen kommande uppföljning: löftesperioden är slut."),
        "overdue": gettext("Uppföljningar utan publicerat resultat:"),
        "open_area": gettext("Allt om"),
        "decided": gettext("Beslut:"),
        "status": gettext("Status:"),
        "precision": gettext("Precision:"),
        "unknown_date": gettext("okänt datum"),
        "est": gettext("EST-område"),
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
    }
