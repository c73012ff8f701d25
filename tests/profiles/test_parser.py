import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profiles.parser import ProfileFormatError, extract_salaries, parse_profile

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seeds" / "it-projektkoordinator-hagen.txt"
DEMO = ROOT / "demo" / "profiles"


def reference_text():
    # The demo copy is byte-identical to shared/seeds (checked below).
    return (DEMO / "it-projektkoordinator-hagen.txt").read_text(encoding="utf-8")


def test_demo_copy_is_the_reference():
    if SEED.exists():
        assert SEED.read_bytes() == (DEMO / "it-projektkoordinator-hagen.txt").read_bytes()


def test_reference_article_parsed_exactly():
    profile = parse_profile(reference_text())
    assert profile.title == "IT Projektkoordinator Jobs und Stellenangebote in Hagen"
    assert profile.occupation_name == "IT Projektkoordinator"
    assert profile.city_name == "Hagen"
    assert profile.kicker == "Beruf IT Projektkoordinator in Hagen"
    assert profile.headline == "Zwischen Anspruch und Praxis: Der Job des IT Projektkoordinators in Hagen"
    assert profile.lead.startswith("Manchmal hat man den Eindruck, IT-Projektkoordination sei")
    assert [s.heading for s in profile.sections] == [
        "Was wirklich passiert: Aufgabenbild und Realität",
        "Regionale Farbtupfer: Hagen bleibt eigenwillig",
        "Perspektiven, Erwartungen und eine Prise Realitätssinn",
        "Stolpersteine, Chancen und der Blick nach vorn",
    ]
    assert all(len(s.paragraphs) == 1 for s in profile.sections)
    assert [(b.level, b.min_amount, b.max_amount) for b in profile.salary_bands] == [
        ("entry", 2800, 3300),
        ("experienced", 3500, 4200),
    ]
    assert profile.unplaced == []


@pytest.mark.parametrize("name", sorted(p.name for p in DEMO.glob("*.txt")))
def test_every_demo_article_matches_its_expectation(name):
    expected = json.loads((DEMO / "EXPECTED.json").read_text(encoding="utf-8"))[name]
    profile = parse_profile((DEMO / name).read_text(encoding="utf-8"))
    assert profile.title == expected["title"]
    assert profile.kicker == expected["kicker"]
    assert profile.headline == expected["headline"]
    assert [s.heading for s in profile.sections] == expected["section_headings"]
    assert [
        {"level": b.level, "min": b.min_amount, "max": b.max_amount} for b in profile.salary_bands
    ] == expected["salary_bands"]


def figures(sentence):
    return [
        (f.level, f.min_amount, f.max_amount, f.period) for f in extract_salaries(sentence) if not f.ignored
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The five phrasings of the issue.
        ("Einsteiger starten oft im Bereich von 2.800 € bis 3.300 €.", [("entry", 2800, 3300)]),
        ("Beim Berufseinstieg zahlt man zwischen 2.900 und 3.400 Euro brutto.", [("entry", 2900, 3400)]),
        ("Mit Erfahrung sind 3.100–3.600 € drin.", [("experienced", 3100, 3600)]),
        ("Erfahrene Fachkräfte bekommen ab 2.750 Euro.", [("experienced", 2750, None)]),
        ("In der Leitung verdient man rund 3.800 €.", [("lead", 3800, 3800)]),
        # The five level words of the issue, each with another phrasing.
        ("Einsteiger bekommen 3.100–3.600 €.", [("entry", 3100, 3600)]),
        ("Zum Berufseinstieg sind rund 2.900 € üblich.", [("entry", 2900, 2900)]),
        ("Mit Erfahrung liegt man zwischen 3.500 und 4.000 Euro brutto.", [("experienced", 3500, 4000)]),
        ("Erfahrene Fachkräfte kommen auf 3.700 € bis 4.100 €.", [("experienced", 3700, 4100)]),
        ("Wer die Leitung übernimmt, erhält ab 4.600 Euro.", [("lead", 4600, None)]),
        # More ways of saying it.
        ("Mit Erfahrung sind bis zu 4.500 € möglich.", [("experienced", None, 4500)]),
        ("Einsteiger erhalten 2.800 EUR - 3.000 EUR.", [("entry", 2800, 3000)]),
        ("Einsteiger starten mit 2800 bis 3100 Euro.", [("entry", 2800, 3100)]),
        ("Einsteiger bekommen 2.800,- € bis 3.000,- €.", [("entry", 2800, 3000)]),
        (
            "Einsteiger beginnen bei 2.600 €, mit Erfahrung sind 3.400 € drin.",
            [("entry", 2600, 2600), ("experienced", 3400, 3400)],
        ),
        ("Seit 2023 starten Einsteiger mit 2.600 €.", [("entry", 2600, 2600)]),
        ("Das Gehalt liegt bei 3.000 €.", [(None, 3000, 3000)]),
    ],
)
def test_salary_phrasings_and_level_words(sentence, expected):
    assert figures(sentence) == [(*e, "month") for e in expected]


@pytest.mark.parametrize(
    "sentence",
    [
        "Hagen hat rund 190.000 Einwohner.",
        "Seit 2019 wuchs die Zahl der Stellen um 15 Prozent.",
        "Etwa 20 % arbeiten in Teilzeit, 300 Betriebe bilden aus.",
        "Die Europaschule bietet 2.000 Plätze.",
        "Zwischen 2010 und 2020 entstanden 1.200 neue Betriebe.",
        "Die Stadt investiert 2,5 Millionen Euro in Schulen.",
        "Der Hafen setzt 4.000 Mio. € um.",
        "Im Jahr 2024 waren es 3,5 Prozent mehr.",
        "Die Kaltmiete liegt bei 900 € für zwei Zimmer.",
        "Einsteiger bekommen 1.200 € Weihnachtsgeld.",
        "Die Ausbildungsvergütung beträgt 1.100 € im ersten Lehrjahr.",
    ],
)
def test_trap_numbers_are_no_salaries(sentence):
    assert figures(sentence) == []


def test_year_after_a_range_is_not_its_lower_end():
    assert figures("Seit 2019 und 2.500 € für Einsteiger hat sich viel getan.") == [
        ("entry", 2500, 2500, "month")
    ]


def test_yearly_salaries_keep_their_period():
    assert figures("Mit Erfahrung sind 52.000 bis 60.000 Euro im Jahr drin.") == [
        ("experienced", 52000, 60000, "year")
    ]
    assert figures("Einsteiger: Jahresgehalt von rund 45.000 €.") == [("entry", 45000, 45000, "year")]


@pytest.mark.parametrize(
    ("sentence", "text", "reason"),
    [
        (
            "Einsteiger bekommen 4.200 € bis 3.500 € im Monat.",
            "4.200 € bis 3.500 €",
            "Untergrenze über der Obergrenze",
        ),
        (
            "Einsteiger: zwischen 3.300 und 2.800 Euro.",
            "zwischen 3.300 und 2.800 Euro",
            "Untergrenze über der Obergrenze",
        ),
        ("Einsteiger bekommen -2.500 € im Monat.", "-2.500 €", "negativer Betrag"),
        ("Einsteiger bekommen \u22122.500 € im Monat.", "\u22122.500 €", "negativer Betrag"),
        ("Einsteiger bekommen minus 2.500 Euro.", "minus 2.500 Euro", "negativer Betrag"),
        ("Einsteiger: -3.500 bis -2.800 €.", "-2.800 €", "negativer Betrag"),
    ],
)
def test_reversed_or_negative_amounts_are_reported_not_split_into_single_figures(sentence, text, reason):
    assert [(f.text, f.ignored, f.level) for f in extract_salaries(sentence)] == [(text, reason, None)]


@pytest.mark.parametrize("sentence", ["Einsteiger: 3.000 € - 3.500 €.", "Einsteiger: 3.000-3.500 €."])
def test_a_dash_between_two_amounts_is_a_range_not_a_minus(sentence):
    assert figures(sentence) == [("entry", 3000, 3500, "month")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A hyphen with a space after it is a dash, not a minus.
        ("Für Einsteiger gibt es eine klare Antwort - 2.800 € im Monat.", [("entry", 2800, 2800)]),
        (
            "Einsteiger - 2.800 €, Berufserfahrene - 3.400 €.",
            [("entry", 2800, 2800), ("experienced", 3400, 3400)],
        ),
        ("Einsteiger: 2.800 € brutto - 3.400 € brutto.", [("entry", 2800, 2800), ("entry", 3400, 3400)]),
        # Two figures joined by "und", the larger first: no range at all.
        (
            "Einsteiger bekommen 3.500 € und 2.800 € gibt es für Aushilfen.",
            [("entry", 3500, 3500), ("entry", 2800, 2800)],
        ),
    ],
)
def test_dashes_and_two_figures_are_no_slips(sentence, expected):
    assert [(f.level, f.min_amount, f.max_amount, f.ignored) for f in extract_salaries(sentence)] == [
        (*e, "") for e in expected
    ]


@pytest.mark.parametrize("occupation", ["Fachkraft in der Pflege", "Ärztin in Weiterbildung"])
def test_a_kicker_repeating_a_job_with_in_in_its_name_is_accepted(occupation):
    text = (
        f"{occupation} Jobs und Stellenangebote in Hagen\nBeruf {occupation} in Hagen\n"
        "Überschrift\nVorspann.\nAlltag\nEinsteiger bekommen 3.000 € bis 3.400 €.\n"
    )
    parsed = parse_profile(text)
    assert (parsed.occupation_name, parsed.city_name) == (occupation, "Hagen")


def test_money_that_is_not_pay_is_reported_as_ignored():
    [figure] = extract_salaries("Dazu kommt ein Zuschlag von 1.500 €.")
    assert figure.ignored == "Zuschlag"


def test_question_mark_heading_and_multi_paragraph_sections():
    text = "\n".join(
        [
            "Bäcker Jobs und Stellenangebote in Münster",
            "Beruf Bäcker in Münster",
            "Früh auf, spät satt",
            "Ein Vorspann.",
            "Was verdient man eigentlich?",
            "Einsteiger bekommen 2.400 € bis 2.700 €.",
            "Mit einigen Jahren Erfahrung sind es rund 3.000 €.",
            "Der Alltag",
            "Ein Absatz.",
        ]
    )
    profile = parse_profile(text)
    assert [s.heading for s in profile.sections] == ["Was verdient man eigentlich?", "Der Alltag"]
    assert len(profile.sections[0].paragraphs) == 2
    assert [(b.level, b.min_amount, b.max_amount) for b in profile.salary_bands] == [
        ("entry", 2400, 2700),
        ("experienced", 3000, 3000),
    ]


@pytest.mark.parametrize(
    "text",
    ["", "nur eine Zeile", "Kein Titel\nBeruf X in Y\nH\nL\nAbschnitt\nText."],
)
def test_format_errors(text):
    with pytest.raises(ProfileFormatError):
        parse_profile(text)


@given(st.lists(st.text(max_size=200), max_size=12))
@settings(max_examples=200, deadline=None)
def test_any_text_parses_or_fails_with_a_format_error(lines):
    # The admin upload feeds arbitrary files in; only ProfileFormatError may come out.
    text = "\n".join(["X Jobs und Stellenangebote in Y", "Beruf X in Y", *lines])
    try:
        profile = parse_profile(text)
    except ProfileFormatError:
        return
    for band in profile.salary_bands:
        assert band.min_amount is not None or band.max_amount is not None


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_extract_salaries_never_raises(text):
    for figure in extract_salaries(text):
        assert (
            figure.min_amount is None or figure.max_amount is None or figure.min_amount <= figure.max_amount
        )
