import json
from pathlib import Path

import pytest

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


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Einsteiger starten oft im Bereich von 2.800 € bis 3.300 €.", [("entry", 2800, 3300)]),
        ("Beim Berufseinstieg zahlt man zwischen 2.900 und 3.400 Euro brutto.", [("entry", 2900, 3400)]),
        ("Mit Erfahrung sind 3.100–3.600 € drin.", [("experienced", 3100, 3600)]),
        ("Erfahrene Fachkräfte bekommen ab 2.750 Euro.", [("experienced", 2750, None)]),
        ("In der Leitung verdient man rund 3.800 €.", [("lead", 3800, 3800)]),
        ("Hagen hat rund 190.000 Einwohner.", []),
        ("Seit 2019 wuchs die Zahl der Stellen um 15 Prozent.", []),
        ("Etwa 20 % arbeiten in Teilzeit, 300 Betriebe bilden aus.", []),
        ("Seit 2023 starten Einsteiger mit 2.600 €.", [("entry", 2600, 2600)]),
        ("Die Europaschule bietet 2.000 Plätze.", []),
    ],
)
def test_salary_phrasings_and_traps(sentence, expected):
    assert [(level, low, high) for level, low, high, _ in extract_salaries(sentence)] == expected


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
