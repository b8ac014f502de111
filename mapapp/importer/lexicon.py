"""The Swedish vocabulary OCR repair checks words against: common words plus the curated data's words."""
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

# Common Swedish words, written for this project (not copied from a word list). Rare homographs of
# frequent å/ä/ö words ("for", "spar", "fran") are left out on purpose: in OCR text they are almost
# always the damaged form of "för", "spår", "från".
_FREQUENT = """
och att i på för som det en av till med den de om har inte ett ska kan från så vid när också där än
är var vi man sig eller men alla efter under över mot hur här bara nu då bli blir
"""
_COMMON = """
aktiviteter aktivitet aktiviteterna aktivt alkohol allmän allmänna allmänheten allt andra anser ansvar
ansvarar ansvarig ansvaret antagen antagna anställda användning använda använder användandet arbeta
arbetar arbete arbetet arbetssätt arbetssättet att av avsikt bakgrund barn barnen bedöma bedöms
behov behöver beivras bekämpa beredskap beslut beslutade beslutat beslutet bland blivit bo boende
boendemiljö boendemiljöer bor bostad bostäder bra brott brotten brottslighet brottsligheten
begå begår brottsförebyggande brottsoffer brottsutsatta bryta bygga både bör börja centrala chef chefer därför
där dess detta dialog dialoger dock doping drog droger dålig efter egen eget elever enligt ensam
erbjuda erbjuds erfarenhet erfarenheter exempel fall familj familjer fastighet fastigheter
fastighetsägare fick finnas finns fler flera fokus fokuserar fokusgrupper forum framför framförallt
framförts framkommit fritid fritids fritidsgård fritidsgårdar fritidsgårdarna fråga frågor från
fysisk fysiska få får fånga fått följa följande följas följer följs följt före förebygga förebyggande
föreningar föreningsliv förekomst förekomsten försvåra föräldrar föräldraskap förbättra förslag förstärka
förstärkning förstärkt förstärkta försäljning försäljningen förutsättningar gemensam gemensamma
gemensamt genom genomföra genomfört genomförts genomförd genomförda genomförande gjort god goda grupp
grupper gruppen gå gäller gällande gärna göra gör handlingsplan handlingsplanen hantera hela helhet
hemsida hjälp hot hund hundar hög höga högre hösten identifierats individ individer information
inför inom insats insatser insatsen inte invånare kameror kameraövervakning kartläggning
kartläggningen kommun kommunen kommunens kommer kommuniceras konkreta kontakt kontroller kraft krafter
kriminalitet kriminell kriminella kriminellt kunna kunskap känna känner känsla lag leda ledare leva
livsstil lokal lokala lokalpolisområde lämna lämplig lämpliga lång långsiktig långsiktigt lägesbild
lägesbilden löfte löftet löften medborgare medborgarna medborgardialog medborgardialoger medborgarlöfte
medborgarlöftet medborgarlöften medverka metod metoden miljö miljön miljöer minska minst mer mest
mindre motverka må mål målet många måste möjlig möjligt möjligheter möte möten narkotika
narkotikabrott narkotikasök nationell naturlig ned ner nivå nivåer nu nya nytt nyttja nätverk
nätverken närvaro närmare område området områden områdena offentlig offentliga olika om omfattande
omhändertas omkring otrygghet otrygga organiserad orsaker parter parterna personer plan plats platser
polis polisen polisens polisiär polisiära prioritera prioriterade prioriteringar problem problembild
problemen påverka påverkan rad redovisa redovisas redovisning regelbundet regionalt respektive resultat
riktade riktas risk riskzon råd rådet samarbete samarbetet samhälle samhället samhällskrafter samla
samlad samordna samordning samstämmiga samtidigt samverka samverkan samverkansform samverkansformen
samverkansområden samverkansöverenskommelse samverkansöverenskommelsen senast situationen skapa skall
skola skolan skolor sker skillnader slutet snabbt social socialtjänst socialtjänsten spel spridning
spår stad staden stadsdel stadsdelar stadsdelen stark starka stod stora stort strategi strategin
strategisk styrgrupp styrgruppen stärka stöd stödja största syfte syftar syftet synlighet synligheten
system säker säkerhet säkra säkert särskild särskilt sätt sätta sådan sådant sådana ta tagits tar
tid tidig tidiga tidigt tillgång tillgången tillsammans tillsyn tobak trafik trygg trygga tryggare
trygghet tryggheten trygghetsskapande trygghetsundersökningar två tydlig underlag underlaget ungdomar
ungdomarna ung unga upplevd upplevs uppleva upplever uppdrag uppföljning uppföljningen uppsökande upptäcka
upptäckt ut utbildning utifrån utgår utgångspunkt utrymmen utsatta utsatt utveckla utveckling vad
varje vardag verka verkar verksamhet verksamheter verksamheterna vi vid viktig viktiga viktigt vilja
vill vistas vuxna våld vår våra vårt väl värde åren året år årligen åstadkomma åtagande åtaganden
åtagandena åtgärd åtgärder åtgärderna åtminstone återkommande än ännu ärende även ökad ökade ökat öka
ökar öppna önskemål över överenskommelse överenskommelsen övervakning
måndag tisdag onsdag torsdag fredag lördag söndag januari februari mars april maj juni juli augusti
september oktober november december våren sommaren vintern hösten vår höst
en ett två tre fyra fem sex sju åtta nio tio elva tolv
"""

# Word pairs any Swedish text supports; "#" is any number ("18 år", never "18 är").
_PAIRS = {("#", "år"), ("#", "års"), ("#", "åren")}
_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_IDENTIFIER = re.compile(r"[a-z0-9_.-]*[-_.0-9][a-z0-9_.-]*")


@dataclass
class Vocabulary:
    """Known words with a weight (how common), and which word pairs occur in the reference texts."""

    weights: Counter = field(default_factory=Counter)
    bigrams: set = field(default_factory=set)

    def __contains__(self, word: str) -> bool:
        return word in self.weights

    def add_text(self, text: str, weight: float = 1.0):
        words = [number_token(w.lower()) for w in _WORD.findall(text)]
        for w in words:
            # One-letter tokens in the reference are abbreviation parts ("s.k."), not words.
            if w != "#" and (len(w) > 1 or w in ("i", "å", "ö")):
                self.weights[w] += weight
        self.bigrams.update(zip(words, words[1:]))


def number_token(word: str) -> str:
    """Numbers stand for any number in word pairs, so "18 år" supports "10 år"."""
    return "#" if word.isdigit() else word


def _strings(node):
    if isinstance(node, str):
        # Slugs and file names ("centrala-norrkoping") are identifiers, not Swedish words.
        if not node.startswith(("http://", "https://")) and not _IDENTIFIER.fullmatch(node):
            yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def base_vocabulary() -> Vocabulary:
    """The common words only."""
    vocab = Vocabulary()
    vocab.add_text(_COMMON, 1.0)
    vocab.add_text(_FREQUENT, 50.0)
    vocab.bigrams.clear()  # the word list is not running text
    vocab.bigrams.update(_PAIRS)
    return vocab


_LOADING = [0.0]  # seconds spent loading word lists in this process (once each, then cached)


def _timed(load):
    """Count a one-time load, so a document's time limit measures reading, not loading the word lists."""
    def run(*args, **kwargs):
        started = time.monotonic()
        try:
            return load(*args, **kwargs)
        finally:
            _LOADING[0] += time.monotonic() - started
    run.__name__, run.__doc__ = load.__name__, load.__doc__
    return run


def loading_seconds() -> float:
    """Seconds this process has spent loading word lists so far."""
    return _LOADING[0]


@lru_cache(maxsize=8)
@_timed
def vocabulary(geodata_dir: str | None = None, exclude: tuple = ()) -> Vocabulary:
    """Common words plus every word of the curated data files (promises and areas) under geodata_dir."""
    vocab = base_vocabulary()
    if geodata_dir:
        root = Path(geodata_dir)
        files = sorted((root / "promises").glob("*.yaml")) + [root / "areas.yaml"]
        for path in files:
            if path.name in exclude:
                continue
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue  # the vocabulary is a help; a broken data file is reported by `seed`, not here
            for text in _strings(data):
                vocab.add_text(text, 1.0)
    return vocab


# --- the Swedish word list (hunspell-sv, LGPL-3.0; a declared dependency, read from the environment) ---

def dictionary_path() -> Path | None:
    """sv_SE.dic/.aff as pip (hunspell-sv) or Debian (hunspell-sv) installs them, if present."""
    import site
    import sys
    for base in (sys.prefix, site.getuserbase(), "/usr/local", "/usr"):
        path = Path(base) / "share" / "hunspell" / "sv_SE"
        if path.with_suffix(".dic").is_file() and path.with_suffix(".aff").is_file():
            return path
    return None


@lru_cache(maxsize=1)
@_timed
def _read_stems() -> tuple[frozenset, frozenset]:
    path = dictionary_path()
    if path is None:
        return frozenset(), frozenset()
    every, inflected = set(), set()
    with open(path.with_suffix(".dic"), encoding="utf-8", errors="replace") as fh:
        next(fh, None)  # the entry count
        for line in fh:
            stem, _, flags = line.strip().partition("/")
            if stem:
                every.add(stem)
                if flags:
                    inflected.add(stem)
    return frozenset(every), frozenset(inflected)


def stems() -> frozenset:
    """The word list's stems as written (proper nouns keep their capital), read without affix rules."""
    return _read_stems()[0]


_DEFINITE = ("erna", "arna", "orna", "en", "et", "na", "n", "t")


def is_common_word(word: str) -> bool:
    """A lower-case Swedish word (or its definite form) in the word list: "Grannsamverkan", "Socialtjänsten"."""
    w = word.lower()
    known = _read_stems()[1]  # entries with inflection rules; bare ones include odd place names ("vislanda")
    # The list also holds some place names in lower case; one that it also capitalises is a name.
    for form in [w] + [w[:-len(s)] for s in _DEFINITE if w.endswith(s) and len(w) - len(s) >= 3]:
        if form in known:
            return form[:1].upper() + form[1:] not in stems()
    return False


@lru_cache(maxsize=1)
@_timed
def speller():
    """A full Hunspell speller (spylls) for inflected and compound forms; None without the word list."""
    path = dictionary_path()
    if path is None:
        return None
    try:
        from spylls.hunspell import Dictionary
    except ImportError:  # pragma: no cover - spylls is a declared dependency
        return None
    return Dictionary.from_files(str(path))


@lru_cache(maxsize=50_000)
def is_swedish(word: str) -> bool:
    """A valid Swedish word form by the Hunspell word list (inflections and compounds included)."""
    sp = speller()
    if sp is None:
        return word.lower() in stems()
    try:
        return bool(sp.lookup(word))
    except Exception:  # spylls is strict about odd input; such a token is no known word
        return False


_ENDINGS = ("", "s", "n", "en", "et", "na", "er", "ar", "or", "erna", "arna", "orna", "ens", "ets", "ns", "ts",
            "t", "a", "e", "ade", "ad", "at", "de", "te", "r", "ande", "ende", "ning", "ningen", "ningar",
            "ningarna", "are", "aste", "ast", "are", "as", "es", "ats", "ades", "ies", "ernas", "arnas", "ornas")


@lru_cache(maxsize=100_000)
def quick_known(word: str, compounds: bool = True) -> bool:
    """A word the stems vouch for without affix rules: a stem plus a common ending, or two such joined.

    Fast and conservative: a "no" here is asked of the full speller when it matters.
    """
    w = word.lower()
    known = stems()
    if not known:
        return False

    def simple(x: str) -> bool:
        return any(x.endswith(e) and len(x) - len(e) >= 2 and x[:len(x) - len(e)] in known for e in _ENDINGS)

    if simple(w):
        return True
    if not compounds:
        return False
    for cut in range(4, len(w) - 3):  # compounds: "kamera" + "övervakning", "trygghet" + "s" + "vandringar"
        head, tail = w[:cut], w[cut:]
        if (head in known or head.endswith("s") and head[:-1] in known) and len(tail) >= 5 and simple(tail):
            return True
    return False
