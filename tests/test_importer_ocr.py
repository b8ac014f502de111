"""OCR damage: damaged structure is recognised, and word repair never changes a valid word or a place."""
import sys
from pathlib import Path

from mapapp.importer.gazetteer import load
from mapapp.importer.lexicon import vocabulary
from mapapp.importer.normalise import normalise
from mapapp.importer.output import read_text

ROOT = Path(__file__).resolve().parents[1]
# Text that reads as OCR output: å/ä/ö lost or misread, so the repair is switched on.
DAMAGED = ("Medborgarloftet &r en utveckling av polisens och kommunens samverkan om ett langsiktigt "
           "forebyggande arbete. Loftet fokuserar pa sadant som de som bor och verkar i kommunen upplever "
           "som viktigt for att kdnna sig trygga och sdkra. Det &r gillande under aren 2023-2024.\n")


def repaired(text: str) -> str:
    gaz = load()
    return normalise(text, vocabulary(), sorted(gaz.place_words()), [m["name"] for m in gaz.municipalities]).text


def test_mala_read_as_ma1a_becomes_the_place_not_mal():
    text = repaired(DAMAGED + "Polisen i Ma1a kommun ger stöd till föreningarna i Ma1a.\n")
    assert "Polisen i Malå kommun" in text and "föreningarna i Malå." in text
    assert "Mål" not in text


def test_valid_words_stay_as_scanned():
    text = repaired(DAMAGED + "Kommunen ger stöd och polisen bor inte i stod for att ar.\n")
    assert "Kommunen ger stöd" in text  # not "gör"
    assert "polisen bor inte i stod for att ar" in text  # valid words, however likely a misreading


def test_damaged_words_become_valid_words():
    text = repaired(DAMAGED)
    assert text.startswith("Medborgarlöftet är en utveckling")
    assert "långsiktigt förebyggande" in text and "känna sig trygga och säkra" in text


def test_clean_text_is_not_touched():
    clean = "Polisen och kommunen lovar att öka tryggheten i Navestad. Kommunen ger stöd till föreningar.\n"
    assert repaired(clean) == clean


def test_damaged_structure_bullets_hyphenation_and_wrapped_lines():
    text = DAMAGED + ("\nMedborgarlöfte 2023\n\nPolisen och kommunen lovar att:\n"
                      "e arbeta uppsökande mot ungdomar i syfte att tidigt fånga upp individer i\n\n"
                      "behov av stöd\n"
                      "o motverka narkotika i offentliga miljöer genom kamerabevak-\nning på utvalda platser\n"
                      "« genomföra trygghetsvandringar\n\nl . Polisen ska öka närvaron.\n2. Kommunen ska anställa fler.\n")
    got = [c["text"] for p in read_text(text)["promises"] for c in p["commitments"]]
    assert got[:3] == ["arbeta uppsökande mot ungdomar i syfte att tidigt fånga upp individer i behov av stöd",
                       "motverka narkotika i offentliga miljöer genom kamerabevakning på utvalda platser",
                       "genomföra trygghetsvandringar"]


def test_ocr_variants_are_the_same_every_time(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_ocr_variants import make_variants
    corpus = ROOT / "tests" / "data" / "import-corpus"
    one = make_variants(corpus, tmp_path / "a", seed=15)
    two = make_variants(corpus, tmp_path / "b", seed=15)
    other = make_variants(corpus, tmp_path / "c", seed=16)
    assert len(one) == 40 and (tmp_path / "a" / "truth.json").is_file()
    assert [p.read_text() for p in one] == [p.read_text() for p in two]
    assert [p.read_text() for p in one] != [p.read_text() for p in other]
    damaged = (tmp_path / "a" / "kalmar_2022.txt").read_text()
    assert damaged != (corpus / "kalmar_2022.txt").read_text()
