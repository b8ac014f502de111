"""The fixed vocabularies of the domain: statuses, precisions, parties, cadences."""


def N_(text: str) -> str:
    """Marks a label for translation; it is translated where it is shown."""
    return text


# Status scale from DESIGN.md; "ej_bedomd" is the honest default.
STATUSES = {
    "ej_bedomd": N_("ej bedömd"),
    "planerad": N_("planerad"),
    "pagar": N_("pågår"),
    "delvis_genomford": N_("delvis genomförd"),
    "genomford": N_("genomförd"),
    "ej_genomford": N_("ej genomförd"),
}
DEFAULT_STATUS = "ej_bedomd"
# What a commitment without a known entry says: what is known, never "not published" without a source.
UNKNOWN_STATUS_TEXTS = {
    "unknown": N_("ej bedömd — ingen uppföljning registrerad här"),
    "published": N_("ej bedömd här — en uppföljning har publicerats men dess innehåll är inte infört"),
    "not_captured_here": N_("ej bedömd — ingen uppgift om åtagandet registrerad här från den publicerade uppföljningen"),
    "not_found": N_("ej bedömd — ingen uppföljning hittad där vi har sökt"),
    "not_due": N_("ej bedömd — ingen uppföljning är aktuell än"),
}

# Map colours per status, chosen for contrast on a plain background (colour-blind safe order).
STATUS_COLOURS = {
    "ej_bedomd": "#8a8f98",
    "planerad": "#6a51a3",
    "pagar": "#e08214",
    "delvis_genomford": "#c9a100",
    "genomford": "#1b7837",
    "ej_genomford": "#b2182b",
    "blandat": "#4f6d8a",  # no status covers more than half: see the bar
    "inget_gallande": "#d9d9d9",  # no promise known to be in force: shown as history
}
EVIDENCE_KINDS = {"parties": N_("parternas egen uppföljning"), "news": N_("nyhetsuppgift"), "other": N_("annat underlag")}
LINEAGE = {"continued": N_("fortsätter"), "changed": N_("ändrat"), "new": N_("nytt"), "dropped": N_("upphörde")}

# The themes the data uses: a vocabulary of ours (shown translated); a theme outside it is shown as written.
THEMES = {
    "alkohol": N_("alkohol"), "brottsförebyggande": N_("brottsförebyggande"), "brottsoffer": N_("brottsoffer"),
    "civilsamhälle": N_("civilsamhälle"), "fysisk miljö": N_("fysisk miljö"), "föräldrar": N_("föräldrar"),
    "kamerabevakning": N_("kamerabevakning"), "kriminella nätverk": N_("kriminella nätverk"),
    "krogmiljö": N_("krogmiljö"), "narkotika": N_("narkotika"), "samverkan": N_("samverkan"),
    "synlighet": N_("synlighet"), "trafik": N_("trafik"), "trygghet": N_("trygghet"), "unga": N_("unga"),
    "våld": N_("våld"),
}
# The methods, named as the sources name them; the words say what each stands for.
METHOD_NAMES = {"EST": N_("EST – effektiv samordning för trygghet"),
                "SSPF": N_("SSPF – skola, socialtjänst, polis och fritid"),
                "SIG": N_("SIG – social insatsgrupp"),
                "ANDTS": N_("ANDTS – alkohol, narkotika, dopning, tobak och spel")}
CADENCE_NAMES = {"semiannual": N_("två gånger om året"), "yearly": N_("en gång om året"), "monthly": N_("varje månad"),
                 "tertial": N_("tre gånger om året (tertial)"), "quarterly": N_("fyra gånger om året"),
                 "once": N_("en gång")}
RESPONSIBLE = {"polisen": N_("Polisen"), "kommunen": N_("Kommunen"), "both": N_("Polisen och kommunen")}
METHODS = set(METHOD_NAMES)
CADENCES = set(CADENCE_NAMES)
PRECISIONS = {"site": N_("exakt plats"), "approximate": N_("ungefärlig plats"), "area": N_("beslutsområde")}
CAMERA_STATUSES = {"planned": N_("planerad"), "temporary": N_("tillfällig"), "active": N_("aktiv"), "ended": N_("avslutad")}
LAGESBILD_STATUSES = {"listed", "removed", "not_listed"}
LAGESBILD_CATEGORIES = {
    "utsatt": N_("utsatt område"),
    "riskomrade": N_("riskområde"),
    "sarskilt_utsatt": N_("särskilt utsatt område"),
    "okand": N_("på listan, kategori ej bekräftad"),
}
