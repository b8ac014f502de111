"""Swedish clause reading for promises: who acts, whether a line introduces commitments, and the traps."""
import re

from .structure import fold

_W = r"[^\W\d_]"
_POLICE = re.compile(r"\b(\w*polisen|\w*polis|\w*poliser|polismyndigheten|polismyndighet|lokalpolisen|polisiar\w*"
                     r"|lokalpolisomradet?|lpo|kommunpolis(en)?|polisens|polismyndighetens)\b")
_MUNICIPAL = re.compile(r"\b(kommunen|kommun|kommunens|kommunala|staden|stad|socialtjansten?|skolan?|skolor"
                        r"|fritidsgard\w*|fritid|kommunstyrelsen|radet|brottsforebyggande radet|bra)\b")
_WE = re.compile(r"\b(vi|oss|var|vart|vara)\b")
# Finite verbs that close a subject; a closed list, since a present tense in -ar/-er is often a plural noun.
FINITE = set("""ska skall kommer kan bor far maste vill lovar lovade atar atog ar var blir blev har hade sker
genomfor genomforde arbetar samverkar traffas ser atgardar bidrar verkar deltar fortsatter erbjuder informerar
utfor prioriterar besoker finns offentliggor ansvarar innebar betyder handlar syftar bygger galler loper tar gor
jobbar satsar utvecklar planerar genomfors halls tas ges beslutade fanns tog gjorde upplevs visar bedoms
redovisas foljs utvarderas leder utgar grundar baseras genomfordes stracker""".split())
_NOT_VERBS = {"år", "åren", "års", "fär"}  # "år" folds to "ar" like "är"
MODAL = {"ska", "skall", "kommer", "lovar", "lovade", "atar", "atog", "vill"}
_FRONTED = set("""under i for genom med vid dessutom darfor utifran efter inom pa till fran nar som ocksa aven sedan
tillsammans enligt bland det detta da har nu gemensamt varje gallande sa""".split())
_ADVERBS = {"aven", "ocksa", "gemensamt", "tillsammans", "sarskilt", "darfor", "aktivt", "fortsatt", "dessutom"}
_SUBORDINATE = re.compile(r"^(genom att|for att|nar|om|eftersom|da|utifran)\b")
_NOUN_STOP = {"inom", "i", "for", "med", "fran", "pa", "av", "mellan", "om", "som", "vid", "kring", "under", "till"}
# A capitalised word at a sentence start is no name ("Resecentrum är …"): an organisation shows an
# acronym in brackets or an organisation word.
_ORGANISATION = re.compile(r"[A-ZÅÄÖ][\w-]*(?:\s+[\w-]+){0,4}\s*\([A-ZÅÄÖ]{2,}\)|(?:[\w-]+\s+){0,3}\S*(?:[Bb]ostäder"
                           r"|[Bb]ostad|[Vv]erken|[Ss]tiftelsen|AB|[Bb]olaget|[Ff]öreningen)\b")
_FOLLOW = re.compile(r"uppfolj|\bfolj(a|as|s|er)\s+upp\b|\bredovis|\butvarder|aterrapport|\brapporter(as|a)\b")
_NEGATIVE_HEAD = re.compile(r"^(det overgripande )?(malet|malen|malsattning\w*|syftet|problem\w*|situationen|bakgrund"
                            r"|effekter|resultat\w*|exempel|definition\w*|lagesbild\w*|fakta|orsak\w*)\b")
_NEGATIVE = re.compile(r"\b(malet|malen|syftet|problem\w*|situationen|bakgrund|exempel|metod(er|erna)|resultat\w*"
                       r"|effekter(na)?|uppfoljning\w*|utvardering\w*|fokusgrupp\w*|grupper(na)?|kontakt\w*"
                       r"|orsak\w*|statistik|enkat\w*|sammanvagda bilden|huvudsakliga|uppna(s|dda)?|ambition\w*)\b")
_POSITIVE = re.compile(r"\blova(r|de)?\b|\bat(ar|og)\s+(sig|vi|oss)\b|\bataganden?\b|\bgenom att:?$|\bgenom:$"
                       r"|\bfoljande\s+(\w+\s+){0,4}(aktiviteter|atgarder|insatser|punkter)\b|\bgora foljande\b"
                       r"|\b(ska|skall|kommer)\b.*:$|^aktiviteter\b|^atgarder(na)?\b|\bdel i (\w+ )?(loftet|medborgarloftet)"
                       r"|\b(ska|skall) vi\b|\buppfyller\b.*\bgenom\b|\bsker genom\b|\bi samverkan:?$|\bvi lovar\b"
                       r"|\bhar (vi|parterna) (kommit overens om|enats om) att\b")


# What was done, in the perfect: a report's results, not a promise ("har … genomfört", "har hållits").
_RESULTS = re.compile(r"\bhar\s+(\w+\s+){0,10}?(genomfort|genomforts|utfort|utforts|gjort|gjorts|arbetat|hallit"
                      r"|hallits|sanerats|forstarkts|gallrats|infort|inforts|anordnat|deltagit)\b")


def actors(text: str) -> set[str]:
    """"police" / "municipality" named anywhere in a phrase."""
    f = fold(text)
    out = set()
    if _POLICE.search(f):
        out.add("police")
    if _MUNICIPAL.search(f) or re.search(r"\b\w+s? (kommun|stad)\b", f):
        out.add("municipality")
    return out


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in re.finditer(r"[\w()]+(?:[-–][\w]+)*", text)]


def subject(sentence: str) -> tuple[str, str]:
    """("actor"|"nonactor"|"none", the subject phrase) of a sentence's main clause."""
    f = fold(sentence)
    if _SUBORDINATE.match(f) and "," in f:
        cut = f.index(",") + 1
        return subject(sentence[cut:])
    words = _words(sentence)
    folded = [fold(w).strip("()") if w.lower() not in _NOT_VERBS else "" for w, _, _ in words]
    verb = next((k for k, w in enumerate(folded) if w in FINITE), None)
    if verb is None:
        return "none", ""
    if verb == 0 or folded[0] in _FRONTED:
        # Swedish puts the finite verb second: after a fronted phrase the subject follows the verb.
        if re.search(r"\b(som|dar|att|vad|vilket)\b", " ".join(folded[:verb])):
            return "none", ""  # the verb belongs to a clause inside the fronted phrase
        after = []
        for w, fw in zip([w for w, _, _ in words[verb + 1:]], folded[verb + 1:]):
            if fw in FINITE or fw in ("att", "for", "under", "i", "pa", "med", "genom") and after:
                break
            after.append(w)
            if len(after) >= 6:
                break
        while len(after) > 1 and fold(after[-1]) in _ADVERBS:
            after.pop()
        phrase = " ".join(after)
    else:
        phrase = sentence[:words[verb][1]].strip(" ,")
        # A verb inside a relative or infinitive clause ("Öka närvaron … som upplevs …") has no subject
        # here; "Medborgare som blivit utsatta … ska" has one, the noun before "som".
        rel = re.search(r"\b(som|dar|att|vilket|vilka)\b", fold(phrase))
        if rel and len(fold(phrase)[:rel.start()].split()) <= 2 and rel.group(1) == "som":
            phrase = phrase[:rel.start()]
        elif rel or len(phrase.split()) > 12:
            return "none", ""
    head = []
    for w in phrase.split():
        if fold(w).strip("(),") in _NOUN_STOP and head:
            break
        head.append(w)
    head_text = " ".join(head)
    if actors(head_text) or re.match(r"(vi|tillsammans)\b", fold(head_text)):
        return "actor", head_text
    if _ORGANISATION.match(head_text):
        return "actor", head_text  # a named organisation: "Tekniska verken (TVAB)", "Bostadsstiftelsen Platen"
    return ("nonactor", head_text) if head_text else ("none", "")




def main_verb(sentence: str) -> str | None:
    """The finite verb of a sentence's main clause (folded), after a leading "Genom att …," clause."""
    f = fold(sentence)
    if _SUBORDINATE.match(f) and "," in f:
        return main_verb(sentence[f.index(",") + 1:])
    return next((w for w in (fold(x).strip("(),.") for x in sentence.split() if x.lower() not in _NOT_VERBS)
                 if w in FINITE), None)


def own_actors(text: str) -> tuple[set[str], str, str]:
    """Actors the item itself names as acting: (roles, other organisation, subject kind)."""
    roles, other, kind = set(), "", "none"
    for k, sentence in enumerate(sentences(text)):
        kind_k, phrase = subject(sentence)
        if k == 0:
            kind = kind_k
        f = fold(sentence)
        if kind_k == "actor":
            found = actors(phrase)
            if re.match(r"(vi|tillsammans)\b", fold(phrase)):
                found.add("we")
            if not found and k == 0:
                other = phrase
            roles |= found
            # "Polisen ska tillsammans med kommunen …": the partner acts too.
            m = re.search(r"\b(ska|skall|kommer)\s+(?:\w+\s+){0,2}(tillsammans|i samverkan) med (\w+(?: \w+)?)", f)
            if m and found:
                roles |= actors(m.group(3))
        for m in re.finditer(r"(?:^|\boch |\bsamt |, |\bdarfor )(polisen|kommunen|polis|kommun)\s+(ska|skall|kommer)\b", f):
            roles |= actors(m.group(1))
        m = re.search(r"\b\w+(?:as|ds|ts)\b.{0,60}\bav (kommunen|polisen|\w+s kommun)\b", f)  # passive + agent
        if m:
            roles |= actors(m.group(1))
    if not roles and kind == "none" and re.match(r"(\w+ )?polisiar", fold(text)):
        roles.add("police")  # "Polisiär närvaro på utvalda platser"
    return roles, other, kind


def sentences(text: str) -> list[str]:
    """Sentences of a short text (abbreviations such as "t.ex." and "bl a" kept whole)."""
    parts = re.split(r"(?<![A-ZÅÄÖ])(?<!\b[a-zåäö])(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"”])", text.strip())
    return [p for p in parts if p.strip()]


def lead_kind(text: str) -> str:
    """How a line introduces what follows: "positive", "negative", "neutral" (a ":" line) or "weak"."""
    f = fold(text).strip()
    if _NEGATIVE_HEAD.match(f) or _RESULTS.search(f):
        return "negative"
    if re.search(r"\bfoljande (\w+ )?medborgarloften?\b", f) and not re.search(r"\blova", f):
        return "weak"  # "… följande medborgarlöften:" lists the promise's headlines, not what is done
    if _POSITIVE.search(f):
        return "positive"
    if actor_heading(text) or re.fullmatch(r"(det |)(medborgar)?loftet\s*:?|vara (medborgar)?loften\s*:?", f):
        return "positive"  # "Polisen lovar", "Löftet": the heading over what is promised
    if _NEGATIVE.search(f) or _FOLLOW.search(f):
        return "negative"
    return "neutral" if f.endswith(":") else "weak"


def actor_heading(text: str) -> bool:
    """A heading that only names who acts: "Polisen", "Kommunen", "Polis och kommun i samverkan"."""
    f = re.sub(r"\b(och|i samverkan|tillsammans|gemensamt|lovar|att)\b|[:.]", " ", fold(text))
    words = f.split()
    return 0 < len(words) <= 4 and all(_POLICE.fullmatch(w) or _MUNICIPAL.fullmatch(w) for w in words)


def is_follow_up(text: str) -> bool:
    """Says how the promise is followed up ("Resultatet kommer att följas upp och redovisas två gånger …")."""
    f = fold(text)
    return bool(_FOLLOW.search(f)) and not re.search(r"\benkat\w*\b|\bsvara pa\b", f)


def trap(text: str) -> str | None:
    """Why an item that sits among commitments is not one (None: no trap)."""
    f = fold(text).strip()
    words = f.split()
    if not words:
        return "empty"
    if re.match(r"(malet|malen|syftet|malsattningen|vart mal|var malsattning)\b", f):
        return "a goal (“Målet/Syftet …”)"
    if re.search(r"\.pdf\b|\blank till\b|^las (mer|vidare)\b|oppnas i nytt fonster", f) or \
            re.fullmatch(r"uppfoljning\b.{0,40}\d{4}.{0,20}", f):
        return "a link text"
    if re.match(r"[A-ZÅÄÖ]{2,}\w*\s*[-–—:=]", text.strip()) and not re.search(r"\b(ska|skall|kommer att|lovar)\b", f):
        return "explains a term"
    if re.search(r",\s*(sager|sade|berattar|menar)\s+\w+", f):
        return "a quotation in a news item"
    if _RESULTS.search(f) and not re.search(r"\b(ska|skall|kommer att|lovar)\b", f):
        return "a result already achieved"
    action = re.search(r"\b(ska|skall|kommer|lovar|genom att|arbeta|genomfora|verka|oka|skapa|utveckla|"
                       r"samverka|erbjuda|motverka|bidra|sker)\b", f)
    first = sentences(text)[0] if sentences(text) else text
    kind, phrase = subject(first)
    verb = next((w for w in (fold(x).strip("()") for x in first.split()) if w in FINITE), None)
    if kind == "nonactor" and verb in ("ar", "innebar", "betyder", "handlar", "bygger", "upplevs", "visar") \
            and not action:
        return "describes a problem or situation"
    if kind == "nonactor" and verb in ("innebar", "betyder", "handlar") and is_follow_up(text):
        return "describes a method and its follow-up"
    return None
