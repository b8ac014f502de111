"""Swedish by default, English complete: every interface string has a translation, compiled."""
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "mapapp" / "translations"


def test_english_catalog_is_complete_and_compiled():
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as f:
        po = read_po(f)
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        pot = read_po(f)
    missing = [m.id for m in pot if m.id and (m.id not in po or not all(po[m.id].string if isinstance(
        po[m.id].string, tuple) else [po[m.id].string]))]
    assert missing == [], f"untranslated strings (run scripts/translations.sh and translate): {missing[:10]}"
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo", "rb") as f:
        mo = read_mo(f)
    def table(catalog):  # plural entries: ids and strings as tuples, however the reader gives them
        def key(v):
            return tuple(v) if isinstance(v, (list, tuple)) else v
        return {key(m.id): key(m.string) for m in catalog if m.id}
    assert table(po) == table(mo), "messages.mo is stale"


def test_swedish_is_the_default(client):
    assert '<html lang="sv">' in client.get("/").get_data(as_text=True)


def test_english_on_request_and_data_stays_swedish(client):
    body = client.get("/promise/norrmalm-2018?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in body and "Skip to content" in body and "Commitments (4)" in body
    # Data texts keep their language, marked with lang="sv".
    assert '<blockquote lang="sv">Polisen skall genomföra minst två riktade insatser' in body


def test_catalog_is_in_sync_with_the_code():
    import subprocess
    import sys
    import tempfile
    root = TRANSLATIONS.parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "fresh.pot"
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-k", "_l",
                        "-k", "N_", "--no-location", "--sort-output", "-o", str(out), "mapapp", "templates"], cwd=root, check=True)
        with open(out, "rb") as f:
            fresh = {m.id for m in read_po(f) if m.id}
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        stored = {m.id for m in read_po(f) if m.id}
    assert fresh - stored == set(), "new strings are not in the catalog: run scripts/translations.sh"
