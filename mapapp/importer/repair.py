"""OCR word repair that only ever turns a non-word into a valid Swedish word or a known place name.

A token that is already a valid Swedish word (Hunspell word list), a known place or a word of the app's
own data is never changed: "ger" stays "ger", "Ma1a" becomes the place "Malå", never "Mål". A token
that is no word is repaired only to a word reached by a few OCR confusions (ä read as a/d/é/&/i, ö as
o/6/d/0, å as a/é, l as 1, rn as m, a stray d/é/& next to a vowel), fewest changes first, ties broken
by the neighbouring words and by how common the word is in the app's texts.
"""
import re
from functools import lru_cache

from . import lexicon
from .lexicon import Vocabulary

# What OCR produced -> what the page had.
_REVERSE = {"a": "åä", "o": "ö", "d": "äöå", "é": "äåöe", "&": "äåö", "i": "äål", "6": "ö", "0": "oö",
            "1": "li", "|": "li", "e": "ä", "ó": "ö", "à": "å"}
_NOISE = set("dé&'")
MAX_CHANGES = 3
MAX_CANDIDATES = 250


def _variants(token: str):
    """Strings a token may have been before OCR, with the number of changes, fewest first."""
    seen = {token}
    frontier = [token]
    for changes in range(1, MAX_CHANGES + 1):
        nxt = []
        for word in frontier:
            for i, ch in enumerate(word):
                low = ch.lower()
                for alt in _REVERSE.get(low, ""):
                    cand = word[:i] + (alt.upper() if ch.isupper() else alt) + word[i + 1:]
                    if cand not in seen:
                        seen.add(cand)
                        nxt.append(cand)
                if low in _NOISE and 0 < i < len(word) - 1:
                    cand = word[:i] + word[i + 1:]
                    if cand not in seen:
                        seen.add(cand)
                        nxt.append(cand)
                if len(token) <= 2 and i == len(word) - 1:  # "s" for "så": the vowel was lost altogether
                    for alt in "åäö":
                        cand = word + alt
                        if cand not in seen:
                            seen.add(cand)
                            nxt.append(cand)
                if low == "m":
                    cand = word[:i] + ("R" if ch.isupper() else "r") + "n" + word[i + 1:]
                    if cand not in seen:
                        seen.add(cand)
                        nxt.append(cand)
            if changes == 1 and len(word) >= 5:  # "interreligisa": an å/ä/ö lost altogether, once
                for i in range(1, len(word)):
                    for alt in "öäå":
                        cand = word[:i] + alt + word[i:]
                        if cand not in seen:
                            seen.add(cand)
                            nxt.append(cand)
            if len(seen) > MAX_CANDIDATES:
                break
        for cand in nxt:
            yield changes, cand
        frontier = nxt
        if len(seen) > MAX_CANDIDATES:
            break


@lru_cache(maxsize=1)
def _prefixes() -> frozenset:
    """The first five letters of every stem: a word whose start is none of these is no word."""
    return frozenset(s.lower()[:5] for s in lexicon.stems())


class Repairer:
    """Decides, token by token, whether and how to repair; remembers its answers."""

    def __init__(self, vocab: Vocabulary, places: set[str], municipalities: set[str] = frozenset(),
                 budget: int = 800):
        self.vocab = vocab
        self.places = {p.lower() for p in places}
        self.municipalities = {m.lower() for m in municipalities}
        self.budget = budget  # word-list look-ups per document; OCR repair is a help, not worth minutes
        self._known: dict[str, bool] = {}

    def known(self, word: str, candidate: bool = False) -> bool:
        """A valid word: the Swedish word list, a place, or a word of the app's own data.

        A token on the page is always asked of the full word list (irregular forms such as "for" or
        "gick" start like no stem); a repair candidate is first sifted by the stems' beginnings.
        """
        w = word.lower()
        if len(w) == 1:
            return w in "iåö"  # a lone consonant is what is left of a word, not a word
        if w in self.vocab or w in self.places:
            return True
        if word in self._known:
            return self._known[word]
        prefixes = _prefixes()
        if candidate and prefixes and w[:5] not in prefixes:
            return False
        # A page token is vouched for by a stem and an ending, else by the full speller (compounds);
        # a candidate may also be two stems joined.
        if lexicon.quick_known(w, compounds=candidate):
            ok = True
        elif candidate:
            return False  # a repair must be a form the stems vouch for; the full speller is for the page
        elif self.budget <= 0:
            ok = not candidate  # out of look-ups: keep a token as it is rather than guess
        else:
            self.budget -= 1
            ok = lexicon.is_swedish(word)  # the speller tries the lower-case form itself
        self._known[word] = ok
        return ok

    @lru_cache(maxsize=20_000)  # noqa: B019 - one Repairer per document; the cache dies with it
    def candidates(self, token: str, capital_inside: bool) -> tuple:
        """((changes, word, is_place), …) the token may be a reading of, cheapest first."""
        if self.known(token) or not re.search(r"[^\W\d_]", token) or len(token) > 40:
            return ()
        found, best = [], None
        for changes, cand in _variants(token):
            if best is not None and changes > best + (2 if capital_inside else 1):
                break
            low = cand.lower()
            place = low in self.places
            if place or self.known(cand, candidate=True):
                # A capital mid-sentence is a name: a place costs a change less, a municipality two
                # ("Ma1a" -> "Malå", not the verb "mala" nor "Mål").
                bonus = (2 if low in self.municipalities else 1 if place else 0) if capital_inside else 0
                # A form only two stems glued together vouch for is a weaker guess than a listed word.
                glued = 0 if place or low in self.vocab or lexicon.quick_known(low, compounds=False) else 1.01
                found.append((changes - bonus + glued, -bonus, cand, place))
                best = changes - bonus if best is None else min(best, changes - bonus)
        return tuple((cost, cand, place) for cost, _, cand, place in sorted(found))

    def choose(self, token: str, left: str | None, right: str | None, capital_inside: bool) -> str | None:
        """The repaired word, or None to keep the token."""
        cands = self.candidates(token, capital_inside)
        if not cands:
            return None
        lowest = cands[0][0]
        close = [c for c in cands if c[0] <= lowest + 1]

        def score(k_c):
            k, (cost, word, _) = k_c
            w = word.lower()
            support = int(left is not None and (left, w) in self.vocab.bigrams) + \
                int(right is not None and (w, right) in self.vocab.bigrams)
            return (cost - 1.5 * support, -self.vocab.weights.get(w, 0.0), k)

        return min(enumerate(close), key=score)[1][1]


_FUNCTION = ("att", "och", "som", "för", "med", "av", "till", "ska", "kommer", "det", "den", "de", "en", "ett",
             "på", "i", "om", "vid", "under", "mot", "samt")


def split_lost_space(token: str, repairer: Repairer) -> str | None:
    """"attidentifiera" -> "att identifiera": a non-word that is a function word and a word run together."""
    if repairer.known(token) or len(token) < 6:
        return None
    low = token.lower()
    for fw in _FUNCTION:
        if low.startswith(fw) and len(low) - len(fw) >= 4 and repairer.known(token[len(fw):]):
            return token[:len(fw)] + " " + token[len(fw):]
        if low.endswith(fw) and len(low) - len(fw) >= 4 and len(fw) >= 2 and repairer.known(token[:-len(fw)]):
            return token[:-len(fw)] + " " + token[-len(fw):]
    return None


def match_case(template: str, word: str) -> str:
    """Give a repaired word the capitalisation of the token it replaces."""
    letters = [ch for ch in template if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return word.upper()
    if template[:1].isupper() or (template[:1].isdigit() and len(template) > 1 and template[1:2].isupper()):
        return word[:1].upper() + word[1:]
    return word
