"""Reading real promise structures: how commitments are introduced, the traps, periods and follow-up rules."""
import pytest

from mapapp.importer.output import read_text


def promises(text: str) -> list[dict]:
    return read_text(text)["promises"]


def commitments(text: str) -> list[tuple[str, str]]:
    return [(c["text"], c["responsible"]) for p in promises(text) for c in p["commitments"]]


def test_per_party_lovar_lists_keep_their_party():
    text = ("Medborgarlöfte 2021–2022\n\nPolisen lovar:\n\n• Öka närvaron i centrum på helgerna.\n\n"
            "Kommunen lovar:\n\n• Förbättra belysningen vid skolorna.\n• Anställa fler fältassistenter.\n\n"
            "Polisen och kommunen lovar att:\n\n• Genomföra två trygghetsvandringar.\n")
    assert commitments(text) == [("Öka närvaron i centrum på helgerna.", "police"),
                                 ("Förbättra belysningen vid skolorna.", "municipality"),
                                 ("Anställa fler fältassistenter.", "municipality"),
                                 ("Genomföra två trygghetsvandringar.", "both")]


def test_the_actor_inside_each_bullet():
    text = ("Medborgarlöfte 2020\n\nAktiviteter\n\n • Polisen ska genomföra riktade trafikkontroller.\n"
            " • Kommunen ska erbjuda fler platser på fritidsgården.\n"
            " • Kommunen och Polisen ska genomföra gemensamma krogtillsyner.\n"
            " • Bostadsbolaget Hemmet AB ska se över belysningen i trapphusen.\n")
    assert [r for _, r in commitments(text)] == ["police", "municipality", "both", "Bostadsbolaget Hemmet AB"]


def test_prose_paragraphs_under_a_heading_without_colon():
    text = ("Exempelby – medborgarlöften\n\nDet här ska vi göra\n\nUnder hösten kommer polisen att finnas på "
            "torget i Exempelby varje fredag kväll.\n\nKommunen kommer att rusta upp belysningen längs gång- och "
            "cykelvägarna.\n\nEffekter som ska uppnås\n\nKommunen och polisen ska bidra till ökad trygghet.\n")
    got = commitments(text)
    assert [r for _, r in got] == ["police", "municipality"]
    assert got[0][0].startswith("Under hösten kommer polisen")


def test_first_person_police_promise():
    text = ("Lokalpolisområde Nackas medborgarlöften 2022. Polisen har lyssnat på medborgarna.\n\n"
            "Vi uppfyller medborgarlöftet bland annat genom att:\n\n"
            "• Vi arbetar kontaktskapande med ungdomar på skolor och fritidsgårdar.\n"
            "• Vi genomför trafikkontroller vid skolorna.\n")
    (p,) = promises(text)
    assert [c["responsible"] for c in p["commitments"]] == ["police", "police"]
    assert p["period"]["start"] == p["period"]["end"] == "2022"


def test_noun_phrase_bullets_and_title_line_with_body():
    text = ("Medborgarlöfte 2019\n\nVi lovar att:\n\n  • Ökad polisiär närvaro i centrum.\n"
            "  • Fältsamverkan\n    Polisen och den kommunala fältverksamheten träffas varje vecka\n")
    assert commitments(text) == [
        ("Ökad polisiär närvaro i centrum.", "police"),
        ("Fältsamverkan Polisen och den kommunala fältverksamheten träffas varje vecka", "both")]


@pytest.mark.parametrize("introducer", [
    "Aktörerna lovar att:", "Här är alla punkter:", "I stadsdelen lovar vi januari 2018 - december 2018:",
    "Vi uppfyller medborgarlöftet genom att:", "Det här ska vi göra:", "Polisen och kommunen åtar sig att:"])
def test_introducers_without_the_words_lovar_att(introducer):
    text = f"Medborgarlöfte i Exempelby\n\n{introducer}\n\n• Genomföra trygghetsvandringar i Exempelby.\n"
    assert [t for t, _ in commitments(text)] == ["Genomföra trygghetsvandringar i Exempelby."]


def test_period_in_the_introducer():
    text = "Medborgarlöfte\n\nPolisen lovar vi januari 2018 - december 2018:\n\n• Öka närvaron.\n"
    assert promises(text)[0]["period"]["start"] == "2018-01"


def test_goal_problem_link_and_accordion_traps():
    text = ("Medborgarlöften 2020-2021\n\nResecentrum är en plats där narkotikahandel är vanligt förekommande.\n\n"
            "Polisen och kommunen lovar att:\n\n"
            " • Resecentrum är en plats där narkotikahandel är vanligt förekommande.\n"
            " • Polisen ska ha riktade insatser mot narkotikabrott.\n"
            " • Målet är att fler ska känna sig trygga.\n"
            " • Uppföljning 2020 tertial 1-2\n\nMålet med insatserna är att:\n\n"
            " • Fler ska känna sig trygga i centrum.\n\nLäs mer om lägesbilden.\n\n • Bakgrund\n")
    got = promises(text)[0]
    assert [c["text"] for c in got["commitments"]] == ["Polisen ska ha riktade insatser mot narkotikabrott."]
    reasons = " ".join(n["why"] for n in got["not_commitments"])
    for why in ("problem", "goal", "link text", "lone title"):
        assert why in reasons


def test_a_list_of_methods_and_of_problems_is_no_commitment():
    text = ("Medborgarlöfte 2017\n\nProblemområden:\n\n1. Våld i offentlig miljö\n2. Otrygga miljöer\n\n"
            "Vi arbetar med följande metoder:\n\n• EST – effektiv samordning för trygghet\n"
            "• SSPF – skola, socialtjänst, polis och fritid\n\nVi lovar att:\n\n• Arbeta med EST i centrum.\n")
    assert [t for t, _ in commitments(text)] == ["Arbeta med EST i centrum."]


def test_ocr_bullets_are_list_items_and_no_sentence_is_taken_instead():
    text = ("Medborgarlöfte 2019\n\nUtifrån lägesbilden ska parterna i samverkan:\n"
            "e arbeta uppsökande mot ungdomar under 2019\n"
            "o öka närvaron i centrum\n« motverka narkotika i skolorna\n")
    assert [t for t, _ in commitments(text)] == ["arbeta uppsökande mot ungdomar under 2019",
                                                 "öka närvaron i centrum", "motverka narkotika i skolorna"]


def test_parties_only_as_the_text_names_them():
    text = ("Lokalpolisområde Motala och Vadstena kommun har kommit överens om medborgarlöften.\n\n"
            "Medborgarlöfte 2022/2023\n\n• Vadstena kommun och polisen kommer att genomföra trygghetsvandringar.\n")
    (p,) = promises(text)
    assert [m["name"] for m in p["municipalities"]] == ["Vadstena"]  # not Motala, the police area's name
    assert {x["name"] for x in p["parties"]} == {"Lokalpolisområde Motala", "Vadstena kommun"}


def test_several_promises_on_one_page_each_with_its_period_and_rule():
    text = ("Mjölby – medborgarlöften\n\nMedborgarlöften i Mjölby kommun 2020-2021\n\n"
            "Polismyndigheten och Mjölby kommun lovar att:\n\n • Polisen skall ha riktade insatser\n"
            "Resultatet kommer att följas upp och redovisas 2 gånger/år\n\n---------------\n\n"
            "Medborgarlöften i Mjölby kommun 2018-2019\n\nPolismyndigheten och Mjölby kommun lovar att:\n\n"
            " • Polisen kommer att öka sin synliga närvaro i området\n\nUppföljning 2018\n")
    first, second = promises(text)
    assert (first["period"]["start"], first["period"]["end"]) == ("2020", "2021")
    assert (second["period"]["start"], second["period"]["end"]) == ("2018", "2019")
    assert first["follow_up_rule"]["text"] == "Resultatet kommer att följas upp och redovisas 2 gånger/år"
    assert second["follow_up_rule"] is None  # "Uppföljning 2018" is a link text, not a rule


@pytest.mark.parametrize("sentence, start, end", [
    ("Medborgarlöftet kommer att löpa från 2018-07-01—2020-06-30.", "2018-07-01", "2020-06-30"),
    ("Medborgarlöftet gäller från 1 januari 2020- 31 december 2022, med möjlighet att revidera vid "
     "årsskiftet 2020/2021.", "2020-01-01", "2022-12-31"),
    ("Medborgarlöften löper fram till 1 augusti 2022.", None, "2022-08-01"),
    ("Medborgarlöftet sträcker sig fram till december 2021 med möjlighet till revidering 2020.", None, "2021-12"),
    ("Gemensamma medborgarlöften i Exempelby kommun från 2022.", "2022", None),
    ("Vi har valt att förlänga 2018 års medborgarlöften till att gälla även för 2019.", "2018", "2019"),
    ("Medborgarlöftet gäller under perioden 2023 till och med 2025, men kan förlängas.", "2023", "2025"),
    ("Detta medborgarlöfte löper under 2019 eller till dess att nytt löfte undertecknats.", "2019", "2019"),
    ("Här presenteras medborgarlöftet.", None, None),
])
def test_periods_in_the_forms_documents_write_them(sentence, start, end):
    text = f"Exempelby – medborgarlöften\n\n{sentence}\n\nVi lovar att:\n\n• Öka närvaron i centrum.\n"
    period = promises(text)[0]["period"]
    assert (period["start"], period["end"]) == (start, end)
    assert period["confidence"] > 0


@pytest.mark.parametrize("sentence, cadence", [
    ("Uppföljning ska ske kontinuerligt och ska rapporteras till det lokala brottsförebyggande rådet.", None),
    ("Arbetet kommer månadsvis att följas upp och kommuniceras via våra hemsidor.", "monthly"),
    ("Dessa kommer att redovisas vid uppföljningarna varje tertial.", "tertial"),
    ("Medborgarlöftet ska årligen följas upp under maj och november.", "semiannual"),
])
def test_follow_up_rhythm_as_written(sentence, cadence):
    text = f"Medborgarlöfte 2021\n\nVi lovar att:\n\n• Öka närvaron i centrum.\n\n{sentence}\n"
    rule = promises(text)[0]["follow_up_rule"]
    assert rule["text"] == sentence and rule["cadence"] == cadence


def test_a_survey_deadline_or_a_past_report_is_no_follow_up_rule():
    text = ("Medborgarlöfte 2021\n\nVi lovar att:\n\n• Öka närvaron i centrum.\n\n"
            "Du kan svara på uppföljningen av medborgarenkäten fram till den 30 september. "
            "Resultatet av trygghetsmätningen redovisades under våren.\n")
    assert promises(text)[0]["follow_up_rule"] is None


def test_html_navigation_is_never_the_heading():
    from mapapp.importer.output import read_document
    page = ("<html><body><header><nav><ul><li><a href='/'>Medborgarlöften 2019</a></li></ul></nav></header>"
            "<main><h1>Exempelby – medborgarlöften</h1><h2>Medborgarlöfte 2021</h2><p>Vi lovar att:</p>"
            "<ul><li>Öka närvaron i centrum.</li></ul></main><footer><ul><li>Kontakt</li></ul></footer>"
            "</body></html>")
    (p,) = read_document(page.encode(), "x.html")["promises"]
    assert p["heading"]["text"] == "Medborgarlöfte 2021"
    assert [c["text"] for c in p["commitments"]] == ["Öka närvaron i centrum."]


@pytest.mark.parametrize("text", [
    "Senast 2017 ska alla kommuner ha medborgarlöften. Modellen innebär att polisen ska arbeta närmare.",
    "Medborgarlöfte\n\nKommunen och polisen ger varje år ett gemensamt medborgarlöfte. Du kan läsa mer om "
    "medborgarlöften 2024 på polisens hemsida.\n",
    "Nytt medborgarlöfte\n\n– Vi kommer att arbeta för en tryggare stad, säger kommunstyrelsens ordförande.\n"
    "– Vi ska bli bättre på att lyssna, säger lokalpolisområdeschefen.\n",
])
def test_pages_that_are_not_promises_draft_nothing(text):
    assert promises(text) == []


def test_every_field_has_confidence_and_low_confidence_is_listed_for_review():
    text = ("Exempelby – medborgarlöften\n\nHär presenteras medborgarlöftet.\n\nVi lovar att:\n\n"
            "• Öka närvaron i Påhittadalen.\n")
    (p,) = promises(text)
    assert p["period"]["start"] is None and "period" in p["review"]
    assert p["areas"][0]["name"] == "Påhittadalen" and p["areas"][0]["match"] is None
    assert "areas[0]" in p["review"]
    c = p["commitments"][0]
    assert 0 < c["confidence"] <= 1 and 0 < c["responsible_confidence"] <= 1 and c["why"] and c["span"]
