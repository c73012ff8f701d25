from pathlib import Path

import pytest
from django.core.management import call_command

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
    assert "Gehalt Berufseinstieg: 2800–3300 EUR pro Monat" in out
    assert "Gehalt mit Berufserfahrung: 3500–4200 EUR pro Monat" in out


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
