from pathlib import Path

import pytest
from django.core.management import call_command

from listings.models import Occupation
from profiles.models import CareerProfile, SalaryBand

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "demo" / "profiles"
HAGEN = DEMO / "it-projektkoordinator-hagen.txt"


def test_import_reference_and_reimport_does_not_duplicate(capsys):
    call_command("import_profiles", str(HAGEN), "--publish")
    profile = CareerProfile.objects.get()
    assert profile.occupation.slug == "it-projektkoordinator"
    assert profile.city.slug == "hagen"
    assert profile.status == CareerProfile.Status.PUBLISHED
    assert profile.sections.count() == 4
    bands = list(profile.salary_bands.values_list("level", "min_amount", "max_amount", "period"))
    assert bands == [("entry", 2800, 3300, "month"), ("experienced", 3500, 4200, "month")]

    call_command("import_profiles", str(HAGEN))
    assert CareerProfile.objects.count() == 1
    assert SalaryBand.objects.count() == 2
    assert CareerProfile.objects.get().sections.count() == 4
    assert "aktualisiert" in capsys.readouterr().out


def test_dry_run_stores_nothing(capsys):
    call_command("import_profiles", str(HAGEN), "--dry-run")
    assert CareerProfile.objects.count() == 0
    out = capsys.readouterr().out
    assert "würde gespeichert: IT Projektkoordinator Jobs und Stellenangebote in Hagen" in out
    assert "Gehalt Berufseinstieg: 2.800 € bis 3.300 € pro Monat" in out
    assert "Gehalt mit Berufserfahrung: 3.500 € bis 4.200 € pro Monat" in out


def test_unknown_occupation_is_created(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(
        "Drohnenpilot Jobs und Stellenangebote in Hagen\nBeruf Drohnenpilot in Hagen\nÜberschrift\n"
        "Vorspann.\nAlltag\nEinsteiger bekommen 3.000 € bis 3.400 €.\n",
        encoding="utf-8",
    )
    call_command("import_profiles", str(path))
    profile = CareerProfile.objects.get()
    assert profile.occupation.name == "Drohnenpilot"
    assert profile.status == CareerProfile.Status.DRAFT


def test_bad_file_reported(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("Das ist kein Artikel\n", encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import_profiles", str(path))
    assert CareerProfile.objects.count() == 0


VARIETY = "\n".join(
    [
        "Elektroniker Jobs und Stellenangebote in Bochum",
        "Beruf Elektroniker in Bochum",
        "Strom und Wandel",
        "Bochum hat rund 365.000 Einwohner, seit 2019 wuchs die Zahl der Betriebe um 12 Prozent.",
        "Was verdient man in Bochum?",
        "Einsteiger starten oft im Bereich von 2.800 € bis 3.300 €.",
        "Mit Erfahrung sind 3.100–3.600 € drin, dazu kommt ein Zuschlag von 1.200 €.",
        "In der Leitung verdient man rund 4.800 €.",
        "Und die Zukunft",
        "Erfahrene Fachkräfte bekommen ab 3.900 Euro. Zwischen 2010 und 2020 entstanden 1.500 Stellen.",
        "Die Stadt investiert 2,5 Millionen Euro in Berufsschulen.",
    ]
)


def test_import_of_a_varied_article_reports_what_it_stored_and_left_out(tmp_path, capsys):
    path = tmp_path / "elektroniker-bochum.txt"
    path.write_text(VARIETY, encoding="utf-8")
    call_command("import_profiles", str(path))
    profile = CareerProfile.objects.get()
    assert [(s.heading, len(s.paragraphs)) for s in profile.sections.all()] == [
        ("Was verdient man in Bochum?", 3),
        ("Und die Zukunft", 2),
    ]
    assert list(profile.salary_bands.values_list("level", "min_amount", "max_amount", "period")) == [
        ("entry", 2800, 3300, "month"),
        ("experienced", 3100, 3600, "month"),
        ("lead", 4800, 4800, "month"),
    ]
    out = capsys.readouterr().out
    assert f"{path}: angelegt: Elektroniker Jobs und Stellenangebote in Bochum" in out
    assert "  Abschnitt: Was verdient man in Bochum? (3 Absätze)" in out
    assert "  Gehalt Leitung: rund 4.800 € pro Monat" in out
    # A second figure for a level already taken is reported, not stored.
    assert "  Hinweis: Gehaltsangabe nicht zugeordnet (keine oder doppelte Stufe): „ab 3.900 Euro“" in out
    assert "  Hinweis: Betrag nicht als Gehalt gewertet (Zuschlag): „1.200 €“" in out
    assert "365.000" not in out
    assert "1.500" not in out


def test_yearly_figures_are_stored_as_yearly(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(
        "Softwareentwickler Jobs und Stellenangebote in München\nBeruf Softwareentwickler in München\n"
        "Überschrift\nVorspann.\nGeld\nMit Erfahrung sind 62.000 bis 75.000 Euro im Jahr üblich.\n",
        encoding="utf-8",
    )
    call_command("import_profiles", str(path), "--publish")
    band = SalaryBand.objects.get()
    assert (band.level, band.min_amount, band.max_amount, band.period) == (
        "experienced",
        62000,
        75000,
        "year",
    )


def test_reimport_keeps_identity_and_bumps_version(tmp_path):
    call_command("import_profiles", str(HAGEN), "--publish")
    profile = CareerProfile.objects.get()
    first_version = profile.version
    call_command("import_profiles", str(HAGEN))
    profile.refresh_from_db()
    assert CareerProfile.objects.get().pk == profile.pk
    assert profile.version == first_version + 1
    assert profile.status == CareerProfile.Status.PUBLISHED


def test_every_demo_article_imports_with_bands_and_without_loose_figures(capsys):
    paths = sorted(str(p) for p in DEMO.glob("*.txt"))
    assert len(paths) >= 6
    call_command("import_profiles", *paths, "--publish")
    assert CareerProfile.objects.published().count() == len(paths)
    for profile in CareerProfile.objects.all():
        assert profile.salary_bands.count() >= 2, profile
    assert "Gehaltsangabe nicht zugeordnet" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "title", ["€€€ Jobs und Stellenangebote in Hagen", "Koch Jobs und Stellenangebote in ???"]
)
def test_an_occupation_or_place_without_letters_is_refused(tmp_path, client, title):
    from django.core.management.base import CommandError

    occupation, city = title.split(" Jobs und Stellenangebote in ")
    path = tmp_path / "x.txt"
    path.write_text(
        f"{title}\nBeruf {occupation} in {city}\nÜberschrift\nVorspann.\nAlltag\n"
        "Einsteiger bekommen 3.000 € bis 3.400 €.\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_profiles", str(path), "--publish")
    assert CareerProfile.objects.count() == 0
    # The pages that list career pages still work.
    assert client.get("/").status_code == 200
    assert client.get("/sitemap.xml").status_code == 200


def test_the_salary_axis_keeps_a_few_ticks_whatever_the_figures():
    from types import SimpleNamespace

    from profiles.salary import salary_chart

    for high in (4_200, 33_000, 3_300_000, 99_999_999_999):
        band = SimpleNamespace(
            period="month",
            min_amount=2_800,
            max_amount=high,
            level="entry",
            get_level_display=lambda: "Einstieg",
        )
        band.currency = "EUR"
        chart = salary_chart([band])
        assert 2 <= len(chart.ticks) <= 9, (high, len(chart.ticks))


def article(title="Drohnenpilot Jobs und Stellenangebote in Hagen", kicker="Beruf Drohnenpilot in Hagen"):
    return f"{title}\n{kicker}\nÜberschrift\nVorspann.\nAlltag\nEinsteiger bekommen 3.000 € bis 3.400 €.\n"


def test_a_byte_order_mark_from_an_editor_stays_out_of_the_title(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(article().encode("utf-8-sig"))
    call_command("import_profiles", str(path))
    profile = CareerProfile.objects.get()
    assert profile.title == "Drohnenpilot Jobs und Stellenangebote in Hagen"
    assert profile.occupation.name == "Drohnenpilot"


@pytest.mark.parametrize(
    "kicker", ["Beruf Koch in Hagen", "Beruf Drohnenpilot in Essen", "Beruf Koch in Essen"]
)
def test_a_kicker_naming_another_job_or_place_is_refused(kicker):
    from profiles.importer import import_profile_text

    result = import_profile_text(article(kicker=kicker), name="x.txt")
    assert result.error == (
        f"Die Dachzeile „{kicker}“ nennt nicht denselben Beruf und Ort wie der Titel "
        "(„Beruf Drohnenpilot in Hagen“)."
    )
    assert CareerProfile.objects.count() == 0
    # The same names in another spelling are the same names.
    assert import_profile_text(article(kicker="Beruf DROHNENPILOT in hagen"), name="x.txt").ok


def test_lines_longer_than_their_columns_are_refused_before_anything_is_stored():
    from profiles.importer import import_profile_text

    long_job = "Fachkraft " * 13  # 130 characters, the column holds 120
    title = f"{long_job.strip()} Jobs und Stellenangebote in Hagen"
    result = import_profile_text(
        article(title=title, kicker=f"Beruf {long_job.strip()} in Hagen"), name="x.txt"
    )
    assert result.error == "Beruf ist zu lang (129 Zeichen, höchstens 120)."
    headline = "Ü" * 301
    text = article().replace("Überschrift", headline)
    assert import_profile_text(text).error == "Überschrift ist zu lang (301 Zeichen, höchstens 300)."
    assert CareerProfile.objects.count() == 0
    assert not Occupation.objects.filter(name__startswith="Fachkraft Fachkraft").exists()


def test_reversed_and_negative_ranges_are_reported_not_stored(tmp_path, capsys):
    text = article().replace(
        "Einsteiger bekommen 3.000 € bis 3.400 €.",
        "Einsteiger bekommen 3.400 € bis 3.000 €. Mit Erfahrung sind es -3.800 €.",
    )
    path = tmp_path / "x.txt"
    path.write_text(text, encoding="utf-8")
    call_command("import_profiles", str(path))
    out = capsys.readouterr().out
    assert "Betrag nicht als Gehalt gewertet (Untergrenze über der Obergrenze): „3.400 € bis 3.000 €“" in out
    assert "Betrag nicht als Gehalt gewertet (negativer Betrag): „-3.800 €“" in out
    assert "Keine Gehaltsangaben gefunden." in out
    assert SalaryBand.objects.count() == 0
