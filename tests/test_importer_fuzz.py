"""The importer never raises: random bytes, random text, truncated and damaged seed documents."""
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import GEODATA
from mapapp.store import dataset
from mapapp.importer import Drafting, draft_document, known_areas_from_dataset

SEEDS = Path(__file__).parent / "data" / "seeds"
SEED_BYTES = [p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))]
KNOWN = known_areas_from_dataset(dataset.load(GEODATA))
NAMES = st.sampled_from(["doc.txt", "doc.html", "doc.pdf", "doc", ""])
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Swedish letters, OCR debris and the characters the parser keys on, so examples reach deep paths.
ALPHABET = st.sampled_from(list("abcdeoiklmnrståäöÅÄÖé&16!•-–:.\n ") + ["Medborgarlöfte ", "lovar att:",
                           "\n• ", "2018-2019", "Hageby", "årligen i maj och november", "ska ", "EST "])


def check(result):
    """A well-formed result: drafts or an account of why there are none, and no caught bug."""
    assert isinstance(result, Drafting)
    assert result.account, "every result explains itself"
    assert not result.internal_error, result.account
    for draft in result.drafts:
        assert draft["commitments"]
        assert draft["original_text"] == result.original_text
        for spans in draft["spans"]["commitments"]:
            a, b = spans["text"]
            assert 0 <= a <= b <= len(result.original_text)


@FUZZ
@given(data=st.binary(max_size=4000), name=NAMES)
def test_random_bytes_never_raise(data, name):
    check(draft_document(data, name, KNOWN, str(GEODATA)))


@FUZZ
@given(text=st.text(max_size=3000), name=NAMES)
def test_random_text_never_raises(text, name):
    check(draft_document(text.encode("utf-8", errors="surrogatepass"), name, KNOWN, str(GEODATA)))


@FUZZ
@given(parts=st.lists(ALPHABET, max_size=300))
def test_promise_like_text_never_raises(parts):
    check(draft_document("".join(parts).encode("utf-8"), "doc.txt", KNOWN, str(GEODATA)))


@FUZZ
@given(seed=st.sampled_from(SEED_BYTES), data=st.data())
def test_truncated_seeds_never_raise(seed, data):
    cut = data.draw(st.integers(min_value=0, max_value=len(seed)))
    keep_head = data.draw(st.booleans())
    check(draft_document(seed[:cut] if keep_head else seed[cut:], "seed.txt", KNOWN, str(GEODATA)))


@FUZZ
@given(seed=st.sampled_from(SEED_BYTES), data=st.data())
def test_damaged_seeds_never_raise(seed, data):
    """A slice cut out and random bytes spliced in, as a broken download or a bad scan might give."""
    a = data.draw(st.integers(min_value=0, max_value=len(seed)))
    b = data.draw(st.integers(min_value=a, max_value=len(seed)))
    noise = data.draw(st.binary(max_size=40))
    name = data.draw(NAMES)
    check(draft_document(seed[:a] + noise + seed[b:], name, KNOWN, str(GEODATA)))


@FUZZ
@given(body=st.binary(max_size=2000))
def test_random_pdf_bodies_never_raise(body):
    check(draft_document(b"%PDF-1.4\n" + body, "doc.pdf", KNOWN, str(GEODATA)))


@pytest.mark.parametrize("known", [None, {}, {"x": 3}, {"hageby": "Hageby"}, "not a dict"])
def test_odd_known_areas_never_raise(known):
    check(draft_document(SEED_BYTES[0], "seed.txt", known, str(GEODATA)))
