"""Importing promise documents: every seed drafts to its curated promises, field by field."""
import html
import re
from pathlib import Path

import pytest

from conftest import GEODATA
from mapapp.store import dataset
from mapapp.importer import draft_document, known_areas_from_dataset
from mapapp.importer.lexicon import is_swedish
from mapapp.importer.compare import compare_document, format_table, norm_text, primary_seed, similarity
from mapapp.importer.offsets import Edit, MapChain, apply_edits

SEEDS = Path(__file__).parent / "data" / "seeds"
SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))
OCR_SEED = "001_b7c2dbbc183ed716.txt"


@pytest.fixture(scope="module")
def ds():
    return dataset.load(GEODATA)


@pytest.fixture(scope="module")
def known(ds):
    return known_areas_from_dataset(ds)


def seed_bytes(name: str) -> bytes:
    return (SEEDS / name).read_bytes()


def make_pdf(text: str, per_page: int = 70) -> bytes:
    """A minimal hand-built PDF: Helvetica, WinAnsi encoding, one text line per source line."""
    lines = text.split("\n")
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
               3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"}
    kids = []
    for n, page in enumerate(pages):
        page_id, content_id = 4 + 2 * n, 5 + 2 * n
        ops = [b"BT /F1 9 Tf 11 TL 40 800 Td"]
        for line in page:
            raw = line.encode("cp1252", errors="replace")
            raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            ops.append(b"(" + raw + b") Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        objects[content_id] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        objects[page_id] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                            b"/Resources << /Font << /F1 3 0 R >> >> >>" % content_id)
        kids.append(b"%d 0 R" % page_id)
    objects[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(pages)
    out, offsets = bytearray(b"%PDF-1.4\n"), {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def make_html(text: str) -> str:
    """The seed as a web page: headings, paragraphs, <ul> lists, entities, a script to ignore."""
    body, in_list = [], False
    for line in text.split("\n"):
        s = line.strip()
        if s.startswith("•"):
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"  <li>{html.escape(s[1:].strip())}</li>")
            continue
        if in_list and s:
            body.append("</ul>")
            in_list = False
        if s:
            tag = "h2" if len(s) < 45 and not s.endswith(".") else "p"
            body.append(f"<{tag}>{html.escape(s)}</{tag}>")
    if in_list:
        body.append("</ul>")
    page = "\n".join(body).replace("ö", "&ouml;").replace("å", "&#229;")
    return ("<!DOCTYPE html><html><head><title>Medborgarlöften</title>"
            "<script>var x = 'Vi lovar att: <li>inte detta</li>';</script></head><body>\n"
            f"{page}\n</body></html>")


def expected_for(ds, filename):
    return [p for p in ds.promises if primary_seed(p) == filename]


def draft_for(drafts, promise):
    period = promise["period_start"], promise["period_end"]
    return next(d for d in drafts if (d["period_start"], d["period_end"]) == period)


def same_text_valid_words_kept(got: str, want: str) -> bool:
    """Equal after normalisation, except that a scanned word that is itself a valid Swedish word stays.

    The curated text of the OCR seed restores "stöd" where the scan reads "stod"; issue 15 forbids the
    repair to change a valid word, so "stod" is kept (and so would "bor" be for "bör").
    """
    fold = str.maketrans("åäö", "aao")
    a, b = norm_text(got).split(), norm_text(want).split()
    return len(a) == len(b) and all(x == y or (x.translate(fold) == y.translate(fold) and is_swedish(x))
                                    for x, y in zip(a, b))


def rule_key(rule):
    return rule["cadence"], list(rule["months"] or []), rule["due"]


@pytest.mark.parametrize("filename", SEED_FILES)
def test_every_seed_drafts_its_curated_promises_field_by_field(ds, known, filename):
    result = draft_document(seed_bytes(filename), filename, known, GEODATA)
    expected = expected_for(ds, filename)
    assert len(result.drafts) == len(expected), result.account
    for promise in expected:
        draft = draft_for(result.drafts, promise)
        assert draft["municipality_code"] == promise["municipality_code"]
        assert len(draft["commitments"]) == len(promise["commitments"])
        for got, want in zip(draft["commitments"], promise["commitments"]):
            assert same_text_valid_words_kept(got["text"], want["text"])
            assert sorted(got["areas"]) == sorted(want["areas"]), got["text"]
            assert got["method"] == want["method"]
        assert rule_key(draft["follow_up_rule"]) == rule_key(promise["follow_up_rule"])
    rows = compare_document(filename, result.drafts, ds.promises)
    assert all(r.ok for r in rows if r.ok is not None), format_table(rows)


def test_documents_with_two_promises_are_split(known):
    for filename, slugs in (("000_d3ad751963882e1b.txt", ["norrkoping-2020-2022", "norrkoping-2018-2019"]),
                            ("003_b4b69d941b3a8619.txt", ["linkoping-2021-2022", "skaggetorp-2018-2019"])):
        result = draft_document(seed_bytes(filename), filename, known, GEODATA)
        assert [d["slug"] for d in result.drafts] == slugs
        assert any(line.startswith("Split into 2 promises") for line in result.account)


def test_ocr_document_yields_seven_readable_commitments(ds, known):
    result = draft_document(seed_bytes(OCR_SEED), OCR_SEED, known, GEODATA)
    (draft,) = result.drafts
    texts = [c["text"] for c in draft["commitments"]]
    assert len(texts) == 7
    assert ("försvåra försäljningen av narkotika i offentliga miljöer genom kameraövervakning på s.k. hot spots"
            in texts)
    assert texts[4].endswith("mellan 10-18 år i risk att begå brott eller med en begynnande kriminalitet")
    # "över 18 ar": "ar" is a valid Swedish word (the unit), so issue 15's rule keeps it as scanned.
    assert "unga vuxna över 18 ar som" in texts[5]
    for text in texts:  # no OCR debris left: "&r", "pé", "1 beslutade", "6ver", bullets read as "e"/"o"
        assert not re.search(r"[&é]|\b1\b|[a-z][0-9]|[0-9][a-z]|^[eo] ", text), text
    assert (draft["period_start"].isoformat(), draft["period_end"].isoformat()) == ("2023-01-01", "2024-12-31")
    assert draft["follow_up_rule"]["cadence"] == "yearly"
    assert draft["signed"].isoformat() == "2023-04-03"
    assert [c["method"] for c in draft["commitments"]] == [None, None, "EST", None, "SSPF", "SIG", "ANDTS"]
    curated = next(p for p in ds.promises if p["slug"] == "norrkoping-2023-2024")
    groups, want = draft["dialogue"]["groups"], curated["dialogue"]["groups"]
    # The source writes "Taktisk grupp EST Hageby, EST Klockaretorpet, EST Navestad"; the curated list
    # spells out the shared "Taktisk grupp" for each group, the draft keeps the source's words.
    want = [w.removeprefix("Taktisk grupp ") if w.startswith("Taktisk grupp EST") and not g.startswith("Taktisk")
            else w for g, w in zip(groups, want)]
    assert len(groups) == len(want) and all(map(same_text_valid_words_kept, groups, want))
    assert any("OCR-damaged" in line for line in result.account)


def test_ocr_repair_keeps_the_original_and_maps_spans_back(known):
    raw = seed_bytes(OCR_SEED).decode("utf-8")
    result = draft_document(raw.encode("utf-8"), OCR_SEED, known, GEODATA)
    draft = result.drafts[0]
    assert draft["original_text"] == raw == result.original_text
    start, end = draft["spans"]["commitments"][1]["text"]
    assert raw[start:end].startswith("forsvara forsiljningen") and raw[start:end].endswith("hot spots")
    start, end = draft["spans"]["period"]
    assert raw[start:end] == "2023-2024"
    start, end = draft["spans"]["follow_up_rule"]
    assert raw[start:end] == "Arbetet ska foljas upp och redovisas arligen."
    start, end = draft["spans"]["commitments"][2]["method"]
    assert raw[start:end] == "EST"


def test_spans_in_a_clean_document_point_at_the_field_text(known):
    filename = "004_551f9de1e0a2196d.txt"
    result = draft_document(seed_bytes(filename), filename, known, GEODATA)
    draft = result.drafts[0]
    assert result.normalised_text.replace(" ", "") == result.original_text.replace("\xa0", "").replace(" ", "")
    for c, spans in zip(draft["commitments"], draft["spans"]["commitments"]):
        a, b = spans["text"]
        assert " ".join(result.original_text[a:b].split()) == c["text"]
        a, b = spans["target"]
        assert " ".join(result.original_text[a:b].split()) == c["target"]["text"]
    assert [c["target"]["count"] for c in draft["commitments"]] == [2, 3, 4, 3]
    a, b = draft["spans"]["commitments"][1]["areas"]["norrmalm"]
    assert result.original_text[a:b] == "Norrmalms"


def test_press_release_has_no_commitments_of_its_own(known):
    filename = "002_38ecb879a60c7a57.txt"
    result = draft_document(seed_bytes(filename), filename, known, GEODATA)
    assert result.drafts == []
    account = "\n".join(result.account)
    assert account.endswith("No draft: the document states no commitments of its own.")
    # Why each list item was left out, in the reader's words: its lists explain EST and SSPF, and it quotes.
    assert "“EST - effektiv samordning för trygghet" in account and "explains a term" in account
    assert "a quotation in a news item" in account


def test_est_in_decided_areas_needs_the_areas_est_membership(ds, known):
    without_est = {slug: {**info, "est": False} for slug, info in known.items()}
    result = draft_document(seed_bytes(OCR_SEED), OCR_SEED, without_est, GEODATA)
    est = result.drafts[0]["commitments"][2]
    assert est["method"] == "EST" and est["areas"] == []  # nothing in the text names the areas
    rows = compare_document(OCR_SEED, result.drafts, ds.promises)
    assert next(r for r in rows if r.field == "areas").result == "no"


def test_area_names_match_without_diacritics_and_with_genitive(known):
    text = ("Medborgarlöfte Skaggetorp 2018-2019\n\nPolisen och kommunen lovar att:\n"
            "• öka närvaron i Skaggetorps centrum\n• arbeta i hela staden\n\n"
            "Uppföljning sker månadsvis.\n")
    (draft,) = draft_document(text.encode(), "x.txt", known, GEODATA).drafts
    assert [c["areas"] for c in draft["commitments"]] == [["skaggetorp"], ["skaggetorp"]]
    assert draft["municipality_code"] == "0580" and draft["follow_up_rule"]["cadence"] == "monthly"


@pytest.mark.parametrize("filename", ["000_d3ad751963882e1b.txt", "003_b4b69d941b3a8619.txt"])
def test_html_input(known, filename):
    page = make_html(seed_bytes(filename).decode("utf-8"))
    from_html = draft_document(page.encode("utf-8"), filename.replace(".txt", ".html"), known, GEODATA)
    from_text = draft_document(seed_bytes(filename), filename, known, GEODATA)
    assert from_html.kind == "html"
    assert "inte detta" not in from_html.original_text
    assert [[c["text"] for c in d["commitments"]] for d in from_html.drafts] == \
        [[c["text"] for c in d["commitments"]] for d in from_text.drafts]
    assert [rule_key(d["follow_up_rule"]) for d in from_html.drafts] == \
        [rule_key(d["follow_up_rule"]) for d in from_text.drafts]


@pytest.mark.parametrize("filename", ["004_551f9de1e0a2196d.txt", OCR_SEED])
def test_pdf_input(ds, known, filename):
    pdf = make_pdf(seed_bytes(filename).decode("utf-8"))
    result = draft_document(pdf, filename.replace(".txt", ".pdf"), known, GEODATA)
    assert result.kind == "pdf", result.account
    rows = compare_document(filename, result.drafts, ds.promises)
    assert rows and all(r.ok for r in rows if r.ok is not None), format_table(rows)


@pytest.mark.parametrize("data, name, reason", [
    (b"", "empty.txt", "empty"),
    (b"\x00\x01\x02binary\x00" * 20, "x.bin", "binary"),
    (b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF", "broken.pdf", "PDF"),
    (make_pdf(""), "blank.pdf", "no text layer"),
])
def test_unreadable_input_gets_an_account(known, data, name, reason):
    result = draft_document(data, name, known, GEODATA)
    assert result.drafts == [] and not result.internal_error
    assert reason in result.unreadable
    assert result.account[-1] == "No draft."


def test_text_without_a_promise_says_what_is_missing(known):
    result = draft_document("Hej! Det här är ett vanligt brev utan löften.".encode(), "brev.txt", known, GEODATA)
    assert result.drafts == [] and result.unreadable is None
    assert result.account[-1] == "No draft: the document states no commitments of its own."


def test_draft_without_period_is_reported(known):
    text = "Medborgarlöfte i Hageby\n\nVi lovar att:\n• synas mer i Hageby\n"
    result = draft_document(text.encode(), "x.txt", known, GEODATA)
    (draft,) = result.drafts
    assert draft["period_start"] is None and draft["follow_up_rule"] is None
    assert any("period: not found" in line for line in result.account)
    assert draft["commitments"][0]["areas"] == ["hageby"]


def test_offsets_map_edits_back_to_the_original():
    original = "ab\r\ncd&r ef"
    text, m = apply_edits(original, [Edit(2, 4, "\n"), Edit(6, 8, "är")])
    assert text == "ab\ncdär ef"
    chain = MapChain([m])
    start = text.index("är")
    assert chain.span(start, start + 2) == [6, 8]
    assert chain.span(0, len(text)) == [0, len(original)]
    assert original[slice(*chain.span(text.index("ef"), len(text)))] == "ef"


def test_similarity_is_case_space_and_punctuation_insensitive():
    assert norm_text("Mellan 10–18 år.") == norm_text("mellan 10-18  år")
    assert similarity("öka den polisiära synligheten", "Öka den polisiära synligheten!") == 1.0
    assert similarity("öka synligheten", "minska bruket av narkotika") < 0.9


@pytest.mark.parametrize("filename", [f for f in SEED_FILES if f != OCR_SEED])
def test_clean_documents_are_not_repaired(known, filename):
    result = draft_document(seed_bytes(filename), filename, known, GEODATA)
    assert not any("OCR-damaged" in line for line in result.account)
    assert result.normalised_text == result.original_text.replace("\xa0", " ")


def test_sentences_promise_when_there_is_no_list(known):
    text = ("Medborgarlöfte Navestad 2021\n\nPolisen ska synas mer i Navestad under kvällarna. "
            "Kommunen ska ordna fler fritidsaktiviteter. Uppföljning sker tertialvis.\n")
    result = draft_document(text.encode(), "x.txt", known, GEODATA)
    (draft,) = result.drafts
    assert [(c["text"], c["responsible"]) for c in draft["commitments"]] == [
        ("Polisen ska synas mer i Navestad under kvällarna.", "polisen"),
        ("Kommunen ska ordna fler fritidsaktiviteter.", "kommunen")]
    assert [c["areas"] for c in draft["commitments"]] == [["navestad"], ["navestad"]]
    assert draft["follow_up_rule"]["cadence"] == "tertial" and draft["slug"] == "navestad-2021"
