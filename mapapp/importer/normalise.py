"""Clean text for parsing (spaces, line ends, OCR damage) while keeping a map back to the original."""
import re
import unicodedata
from dataclasses import dataclass, field

from .lexicon import Vocabulary, number_token
from .lexicon import quick_known as lexicon_quick
from .offsets import Edit, MapChain, apply_edits
from .repair import Repairer, match_case, split_lost_space

_CLEANUP = re.compile(
    "\r\n?|[\u00ad\u200b-\u200d\u2060\ufeff]|[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\x0b\x0c]"
    "|[\x00-\x08\x0e-\x1f\x7f-\x9f]|[\ufb00-\ufb06]|.[\u0300-\u036f]+", re.DOTALL)
_TOKEN = re.compile(r"(?:[^\W_]|&(?=[^\W\d_]))+")
_FOOTNOTE = re.compile(r"(?<=[0-9])[!¹²³](?=[ \n])")
_OCR_BULLET = re.compile(r"^([ ]*)([eo«»©°¢])(?=[ ]+[^\W\d_])", re.MULTILINE)
_OCR_ONE = re.compile(r"^([ ]*)([lI]\s?\.)(?=\s)", re.MULTILINE)  # "l ." is "1." read by OCR
_LONE_ONE = re.compile(r"(?:(?<=[^\W\d_] )|(?<=\) ))1(?=\s+[a-zåäö])")
_DIACRITIC = re.compile(r"[åäöÅÄÖ]")
_SUSPECT = re.compile(r"[^\W\d_][&16é][^\W\d_]|^&[^\W\d_]|[^\W\d_]é|é[^\W\d_]")
MAX_WORDS = 50_000  # OCR repair is skipped beyond this; a promise document is a few thousand words


@dataclass
class Normalised:
    """The parse text, a map to the original, and what the repair did."""

    original: str
    text: str
    offsets: MapChain
    ocr_damaged: bool = False
    corrections: list[tuple[str, str]] = field(default_factory=list)

    def span(self, start: int, end: int) -> list[int]:
        return self.offsets.span(start, end)


def _cleanup_edit(m: re.Match) -> Edit:
    s = m.group()
    if s[0] == "\r":
        new = "\n"
    elif s in "\u00ad\u200b\u200c\u200d\u2060\ufeff":
        new = ""
    elif "\ufb00" <= s <= "\ufb06":
        new = unicodedata.normalize("NFKC", s)
    elif len(s) > 1:
        new = unicodedata.normalize("NFC", s)
    else:
        new = " "
    return Edit(m.start(), m.end(), new)


def normalise(original: str, vocab: Vocabulary, extra_words=(), municipalities=()) -> Normalised:
    """Clean-up always; OCR repair only where the text looks OCR-damaged."""
    text1, map1 = apply_edits(original, [_cleanup_edit(m) for m in _CLEANUP.finditer(original)])
    result = Normalised(original, text1, MapChain([map1]))
    all_tokens = list(_TOKEN.finditer(text1))
    tokens = [m for m in all_tokens if any(ch.isalpha() for ch in m.group())]
    if len(tokens) > MAX_WORDS or not _suspicious(tokens):
        return result
    repairer = Repairer(vocab, set(extra_words), set(municipalities))
    if not _looks_damaged(tokens, repairer):
        return result
    edits = [Edit(m.start(), m.end(), "") for m in _FOOTNOTE.finditer(text1)]
    edits += [Edit(m.start(2), m.end(2), "•") for m in _OCR_BULLET.finditer(text1)]
    edits += [Edit(m.start(2), m.end(2), "1.") for m in _OCR_ONE.finditer(text1)]
    edits += [Edit(m.start(), m.end(), "i") for m in _LONE_ONE.finditer(text1)]
    edited = {e.start for e in edits}  # tokens already handled by the edits above
    word_edits, corrections = _repair_words(text1, all_tokens, repairer, edited)
    text2, map2 = apply_edits(text1, edits + word_edits)
    return Normalised(original, text2, MapChain([map1, map2]), True, corrections)


def _suspicious(tokens) -> bool:
    """A cheap first look: OCR debris inside words ("&r", "6ver", "pé"), or Swedish without å/ä/ö."""
    words = [m.group() for m in tokens if len(m.group()) > 1]
    if len(words) < 20:
        return False
    suspect = sum(1 for w in words if _SUSPECT.search(w))
    ratio = sum(1 for w in words if _DIACRITIC.search(w)) / len(words)
    return suspect >= 2 or ratio < 0.05 or (ratio < 0.12 and suspect >= 1)


def _looks_damaged(tokens, repairer: Repairer) -> bool:
    # Many unknown words that become known Swedish words by undoing OCR confusions.
    unique = list(dict.fromkeys(m.group() for m in tokens if len(m.group()) > 1 and not m.group().isupper()))
    sample = [w for w in unique[:400] if not lexicon_quick(w, False)]
    unknown = [w for w in sample if not repairer.known(w)]
    fixable = sum(1 for w in unknown[:40] if repairer.candidates(w, False))
    return fixable >= 3 and fixable / max(1, min(len(unique), 400)) >= 0.02


def _repairable(m: re.Match, text: str) -> bool:
    token = m.group()
    if token.isupper() and len(token) > 1:
        return False  # acronyms: EST, SSPF, SIG, ANDTS
    after = text[m.end():m.end() + 1]
    if after == "." and len(token) <= 2 and text[m.end() + 1:m.end() + 2].isalpha():
        return False  # abbreviation such as "s.k."
    if len(token) == 1 and (after == "." or text[max(0, m.start() - 1):m.start()] == "."):
        return False  # the "k" of "s.k.", the "a" of "bl.a."
    return not token.isdigit()


def _inside_sentence(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3):pos].rstrip(" ")
    return bool(before) and (before[-1].isalnum() or before[-1] in ",;)")


def _repair_words(text: str, tokens, repairer: Repairer, skip: set):
    """A valid word stays; a non-word becomes the closest valid word, or two words when a space was lost."""
    letter_tokens = [m for m in tokens if m.start() not in skip and (m.group().isdigit() or _repairable(m, text))]
    lower = [number_token(m.group().lower()) for m in letter_tokens]
    chosen: list[str | None] = [None] * len(letter_tokens)
    for _ in range(2):  # the second sweep lets repaired neighbours settle ties ("försvåra försäljningen")
        context = [(c or w).lower() for c, w in zip(chosen, lower)]
        for i, m in enumerate(letter_tokens):
            word = m.group()
            if word.isdigit() or not any(ch.isalpha() for ch in word):
                continue
            left = context[i - 1] if i > 0 else None
            right = context[i + 1] if i + 1 < len(context) else None
            capital_inside = word[:1].isupper() and _inside_sentence(text, m.start())
            chosen[i] = repairer.choose(word, left, right, capital_inside)
    edits, corrections = [], []
    for i, m in enumerate(letter_tokens):
        word, new = m.group(), chosen[i]
        if word.isdigit() or not any(ch.isalpha() for ch in word):
            continue
        if new is None and not repairer.known(word):
            new = split_lost_space(word, repairer)
        if new and new != word:
            repl = match_case(word, new) if " " not in new else new
            edits.append(Edit(m.start(), m.end(), repl))
            corrections.append((word, repl))
    return edits, corrections
