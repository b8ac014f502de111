"""The fixed vocabularies of the domain: statuses, precisions, parties, cadences."""

# Status scale from DESIGN.md; "ej_bedomd" is the honest default.
STATUSES = {
    "ej_bedomd": "ej bedömd",
    "planerad": "planerad",
    "pagar": "pågår",
    "delvis_genomford": "delvis genomförd",
    "genomford": "genomförd",
    "ej_genomford": "ej genomförd",
}
DEFAULT_STATUS = "ej_bedomd"
UNKNOWN_STATUS_TEXT = "ej bedömd — ingen uppföljning publicerad"

# Map colours per status, chosen for contrast on a plain background (colour-blind safe order).
STATUS_COLOURS = {
    "ej_bedomd": "#8a8f98",
    "planerad": "#6a51a3",
    "pagar": "#e08214",
    "delvis_genomford": "#c9a100",
    "genomford": "#1b7837",
    "ej_genomford": "#b2182b",
}

RESPONSIBLE = {"polisen": "Polisen", "kommunen": "Kommunen", "both": "Polisen och kommunen"}
METHODS = {"EST", "SSPF", "SIG", "ANDTS"}
CADENCES = {"semiannual", "yearly", "monthly", "tertial", "quarterly", "once"}
PRECISIONS = {"site": "exakt plats", "approximate": "ungefärlig plats", "area": "beslutsområde"}
CAMERA_STATUSES = {"planned": "planerad", "temporary": "tillfällig", "active": "aktiv", "ended": "avslutad"}
LAGESBILD_STATUSES = {"listed", "removed", "not_listed"}
LAGESBILD_CATEGORIES = {
    "utsatt": "utsatt område",
    "riskomrade": "riskområde",
    "sarskilt_utsatt": "särskilt utsatt område",
    "okand": "på listan, kategori ej bekräftad",
}
