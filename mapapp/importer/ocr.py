"""Word-level OCR repair: find the known word an OCR-mangled token most likely was (å/ä/ö lost)."""
from collections import defaultdict

from .lexicon import Vocabulary

# Vocabulary character -> what OCR commonly produced for it (seen in scanned Swedish: ä read as
# "d", "é", "&", "i" or "a"; ö as "o", "6", "d"; l as "1").
_READ_AS = {
    "å": set("aédi&àe"),
    "ä": set("aédi&eà"),
    "ö": set("o6déó0&"),
    "l": set("1|"),
    "i": set("1l|"),
    "o": set("0"),
}
SUB_OCR = 0.2        # a known OCR confusion
DROP_DIACRITIC = 0.4  # å/ä/ö missing altogether ("s" for "så")
EXTRA_NOISE = 0.6    # a stray character OCR added next to a diacritic ("anvédnda")
RN_AS_M = 0.3        # "rn" read as "m"
PLAIN = 1.5          # any other edit; above MAX_COST, so it never passes on its own
MAX_COST = 1.2
_NOISE = set("daeé&i'`´")
# Characters dropped from the lookup key: vowels and what OCR turns them into (so "dver" and
# "över" share the key "vr"). "d" is included because OCR reads ä/ö as "d".
_DROP = set("aeiouyåäöéèêëáàâóòôúùüæø&@60d'`´|")
MAX_TOKEN = 40


def lookup_keys(word: str) -> set[str]:
    """Consonant skeletons under which a word is indexed; "1" may be l or i, "m" may be "rn"."""
    w = word.lower().replace("rn", "m")
    variants = {w.replace("1", "l"), w.replace("1", "")}
    return {"".join(ch for ch in v if ch not in _DROP) for v in variants}


def _sub_cost(token_ch: str, word_ch: str) -> float:
    return SUB_OCR if token_ch in _READ_AS.get(word_ch, ()) else PLAIN


def ocr_cost(token: str, word: str, limit: float = MAX_COST) -> float:
    """Weighted edit cost of reading `word` as `token` (both lower case); > limit means no."""
    n, m = len(token), len(word)
    if abs(n - m) > 3:
        return PLAIN * 2
    prev = [0.0] * (m + 1)
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + (DROP_DIACRITIC if word[j - 1] in "åäö" else PLAIN)
    for i in range(1, n + 1):
        t = token[i - 1]
        cur = [prev[0] + (EXTRA_NOISE if t in _NOISE else PLAIN)] + [0.0] * m
        for j in range(1, m + 1):
            w = word[j - 1]
            best = prev[j - 1] + (0.0 if t == w else _sub_cost(t, w))
            drop = cur[j - 1] + (DROP_DIACRITIC if w in "åäö" else PLAIN)
            extra = prev[j] + (EXTRA_NOISE if t in _NOISE else PLAIN)
            best = min(best, drop, extra)
            if t == "m" and j >= 2 and word[j - 2:j] == "rn":
                best = min(best, prev[j - 2] + RN_AS_M)
            cur[j] = best
        if min(cur) > limit:
            return PLAIN * 2
        prev = cur
    return prev[m]


class Corrector:
    """Looks up tokens in a Vocabulary and proposes OCR repairs, cheapest and most common first."""

    def __init__(self, vocab: Vocabulary, extra_words=()):
        self.vocab = vocab
        self.extra = {w.lower() for w in extra_words}
        self.index = defaultdict(set)
        for word in list(vocab.weights) + sorted(self.extra):
            for key in lookup_keys(word):
                self.index[key].add(word)
        self._cache: dict[str, list[tuple[float, str]]] = {}

    def known(self, word: str) -> bool:
        w = word.lower()
        return w in self.vocab or w in self.extra

    def weight(self, word: str) -> float:
        return self.vocab.weights.get(word, 0.0) + (1.0 if word in self.extra else 0.0)

    def candidates(self, token: str) -> list[tuple[float, str]]:
        """Known words the token may be an OCR reading of, as (cost, word), cheapest first."""
        t = token.lower()
        if t in self._cache:
            return self._cache[t]
        found = []
        if 0 < len(t) <= MAX_TOKEN:
            seen = set()
            for key in lookup_keys(t):
                for word in self.index.get(key, ()):
                    if word in seen or word == t:
                        continue
                    seen.add(word)
                    cost = ocr_cost(t, word)
                    if cost <= MAX_COST:
                        found.append((cost, word))
            if not found and len(t) >= 9:
                found = self._compound(t)
        found.sort(key=lambda cw: (cw[0], -self.weight(cw[1]), cw[1]))
        if len(self._cache) < 20000:
            self._cache[t] = found
        return found

    def _compound(self, t: str) -> list[tuple[float, str]]:
        # Swedish compounds are often missing from any word list; repair the two halves instead.
        best = None
        for cut in range(3, len(t) - 3):
            left, right = t[:cut], t[cut:]
            left_opts = [(0.0, left)] if self.known(left) else self.candidates_simple(left)
            right_opts = [(0.0, right)] if self.known(right) else self.candidates_simple(right)
            if not left_opts or not right_opts:
                continue
            cost = left_opts[0][0] + right_opts[0][0]
            if 0 < cost <= MAX_COST and (best is None or cost < best[0]):
                best = (cost, left_opts[0][1] + right_opts[0][1])
        return [best] if best else []

    def candidates_simple(self, t: str) -> list[tuple[float, str]]:
        found = []
        for key in lookup_keys(t):
            for word in self.index.get(key, ()):
                if len(word) >= 3:
                    cost = ocr_cost(t, word)
                    if cost <= MAX_COST:
                        found.append((cost, word))
        found.sort(key=lambda cw: (cw[0], -self.weight(cw[1])))
        return found[:1]

    def variants(self, word: str) -> list[tuple[float, str]]:
        """Known words that differ from a known word only by å/ä/ö ("bor" -> "bör")."""
        return [(c, w) for c, w in self.candidates(word) if c <= 2 * SUB_OCR and len(w) == len(word)]

    def supported(self, left: str | None, word: str, right: str | None) -> int:
        """How many neighbours form a word pair seen in the reference texts."""
        pairs = self.vocab.bigrams
        return int(left is not None and (left, word) in pairs) + int(right is not None and (word, right) in pairs)


def match_case(template: str, word: str) -> str:
    """Give a repaired word the capitalisation of the token it replaces."""
    letters = [ch for ch in template if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return word.upper()
    if template[:1].isupper() or (template[:1].isdigit() and len(template) > 1 and template[1:2].isupper()):
        return word[:1].upper() + word[1:]
    return word
