"""Clean text for parsing (spaces, line ends, OCR damage) while keeping a map back to the original."""
import re
import unicodedata
from dataclasses import dataclass, field

from .lexicon import Vocabulary, number_token
from .ocr import Corrector, match_case
from .offsets import Edit, MapChain, apply_edits

_CLEANUP = re.compile(
    "\r\n?|[\u00ad\u200b-\u200d\u2060\ufeff]|[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\x0b\x0c]"
    "|[\x00-\x08\x0e-\x1f\x7f-\x9f]|[\ufb00-\ufb06]|.[\u0300-\u036f]+", re.DOTALL)
_TOKEN = re.compile(r"(?:[^\W_]|&(?=[^\W\d_]))+")
_FOOTNOTE = re.compile(r"(?<=[0-9])[!¹²³](?=[ \n])")
_OCR_BULLET = re.compile(r"^([ ]*)([eo«»©°¢])(?=[ ]+[a-zåäö])", re.MULTILINE)
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


def normalise(original: str, vocab: Vocabulary, extra_words=()) -> Normalised:
    """Clean-up always; OCR repair only where the text looks OCR-damaged."""
    text1, map1 = apply_edits(original, [_cleanup_edit(m) for m in _CLEANUP.finditer(original)])
    result = Normalised(original, text1, MapChain([map1]))
    corrector = Corrector(vocab, extra_words)
    all_tokens = list(_TOKEN.finditer(text1))
    tokens = [m for m in all_tokens if any(ch.isalpha() for ch in m.group())]
    if len(tokens) > MAX_WORDS or not _looks_damaged(tokens, corrector):
        return result
    edits = [Edit(m.start(), m.end(), "") for m in _FOOTNOTE.finditer(text1)]
    edits += [Edit(m.start(2), m.end(2), "•") for m in _OCR_BULLET.finditer(text1)]
    edits += [Edit(m.start(), m.end(), "i") for m in _LONE_ONE.finditer(text1)]
    edited = {e.start for e in edits}  # tokens already handled by the edits above
    word_edits, corrections = _repair_words(text1, all_tokens, corrector, edited)
    text2, map2 = apply_edits(text1, edits + word_edits)
    return Normalised(original, text2, MapChain([map1, map2]), True, corrections)


def _looks_damaged(tokens, corrector: Corrector) -> bool:
    # Swedish prose has å/ä/ö in roughly every fifth word; OCR that lost them has almost none,
    # and many of its unknown words turn into known ones by restoring them.
    words = [m.group() for m in tokens if len(m.group()) > 1]
    if len(words) < 20:
        return False
    with_diacritics = sum(1 for w in words if _DIACRITIC.search(w))
    if with_diacritics / len(words) > 0.05:
        return False
    suspect = sum(1 for w in words if _SUSPECT.search(w))
    fixable = sum(1 for w in words[:3000] if not corrector.known(w) and corrector.candidates(w))
    return fixable >= 5 and (fixable + suspect) / min(len(words), 3000) >= 0.06


def _repairable(m: re.Match, text: str) -> bool:
    token = m.group()
    if token.isupper() and len(token) > 1:
        return False  # acronyms: EST, SSPF, SIG, ANDTS
    after = text[m.end():m.end() + 1]
    if after == "." and len(token) <= 2 and text[m.end() + 1:m.end() + 2].isalpha():
        return False  # abbreviation such as "s.k."
    return True


def _repair_words(text: str, tokens, corrector: Corrector, skip: set):
    """Choose a word for each token, using neighbouring words to break ties; then make the edits."""
    # Numbers stay in the sequence as "#" so that "18 år" can tell "år" from "är".
    letter_tokens = [m for m in tokens if m.start() not in skip and (m.group().isdigit() or _repairable(m, text))]
    lower = [number_token(m.group().lower()) for m in letter_tokens]
    choice = list(lower)
    options: list[list[tuple[float, str]]] = []
    for i, word in enumerate(lower):
        if word == "#" or not any(ch.isalpha() for ch in word):
            options.append([])
        elif corrector.known(word):
            opts = corrector.variants(word) if len(word) > 1 else []
            options.append([(0.0, word)] + opts if opts else [])
        else:
            cands = corrector.candidates(word)
            if len(word) == 1:  # a lone letter is only ever a word that lost its å/ä/ö ("s" -> "så")
                cands = [(c, w) for c, w in cands if len(w) == 2]
            if cands:
                best = cands[0][0]
                options.append([cw for cw in cands if cw[0] <= best + 0.3][:8])
                choice[i] = options[-1][0][1]
            else:
                options.append([])
    for _ in range(2):  # a second sweep lets repaired neighbours inform each other
        for i, opts in enumerate(options):
            if not opts:
                continue
            left = choice[i - 1] if i > 0 else None
            right = choice[i + 1] if i + 1 < len(choice) else None
            known = corrector.known(lower[i])

            def score(cw, left=left, right=right, known=known, i=i):
                support = corrector.supported(left, cw[1], right)
                # A known word only yields to a variant that the reference texts support better.
                keep_bonus = 0.5 if known and cw[1] == lower[i] else 0.0
                return (support + keep_bonus, -cw[0], corrector.weight(cw[1]))

            choice[i] = max(opts, key=score)[1]
    edits, corrections = [], []
    for m, old, new in zip(letter_tokens, lower, choice):
        if new != old:
            repl = match_case(m.group(), new)
            edits.append(Edit(m.start(), m.end(), repl))
            corrections.append((m.group(), repl))
    return edits, corrections
