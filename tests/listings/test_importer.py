import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from listings.importer import import_vacancies
from listings.models import Company, Vacancy

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def record(**overrides):
    data = {
        "external_id": "ATS-4711",
        "company": {"name": "Stadtwerke Beispiel GmbH", "website": "https://example.org"},
        "title": "IT-Projektkoordinator (m/w/d)",
        "occupation": "IT Projektkoordinator",
        "city": "Hagen",
        "remote": "none",
        "employment_types": ["full_time"],
        "contract": "permanent",
        "salary": {"min": 3500, "max": 4200, "currency": "EUR", "period": "month"},
        "description": "Markdown text …",
        "apply_url": "https://example.org/jobs/4711",
        "apply_email": None,
        "date_posted": TODAY.isoformat(),
        "valid_through": (TODAY + datetime.timedelta(days=60)).isoformat(),
    }
    data.update(overrides)
    return data


def jsonl(*records):
    return io.BytesIO("\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode())


def test_contract_example_imports_all_fields():
    report = import_vacancies(jsonl(record()), publish=True)
    assert (report.created, report.rejected) == (1, [])
    vacancy = Vacancy.objects.get(external_id="ATS-4711")
    assert vacancy.company.name == "Stadtwerke Beispiel GmbH"
    assert vacancy.company.website == "https://example.org"
    assert vacancy.occupation.name == "IT Projektkoordinator"
    assert vacancy.city.slug == "hagen"
    assert vacancy.employment_types == ["full_time"]
    assert vacancy.contract == "permanent"
    assert (vacancy.salary_min, vacancy.salary_max, vacancy.salary_period) == (3500, 4200, "month")
    assert vacancy.valid_through == TODAY + datetime.timedelta(days=60)
    assert vacancy.is_live


def test_good_and_bad_records_then_second_run_changes_nothing():
    records = [
        record(external_id="A-1"),
        record(external_id="A-2", city="Atlantis"),
        record(external_id="A-3", apply_url="javascript:alert(1)"),
        record(external_id="A-4", salary={"min": 5000, "max": 4000, "period": "month"}),
        record(external_id="A-5", employment_types=["full_time", "forever"]),
        record(external_id="A-6", title="Erzieherin (m/w/d)", occupation=None, city="Koeln"),
        record(external_id="A-7", remote="sometimes"),
        record(external_id="A-8", apply_url=None, apply_email=None),
    ]
    report = import_vacancies(jsonl(*records), publish=True)
    assert report.created == 2
    assert [position for position, _ in report.rejected] == [
        "Zeile 2",
        "Zeile 3",
        "Zeile 4",
        "Zeile 5",
        "Zeile 7",
        "Zeile 8",
    ]
    reasons = dict(report.rejected)
    assert "Atlantis" in reasons["Zeile 2"]
    assert "apply_url" in reasons["Zeile 3"]
    assert "forever" in reasons["Zeile 5"]
    assert set(Vacancy.objects.values_list("external_id", flat=True)) == {"A-1", "A-6"}
    assert Vacancy.objects.get(external_id="A-6").occupation.name == "Erzieher"
    assert Vacancy.objects.get(external_id="A-6").city.name == "Köln"

    first = {v.pk: (v.updated_at, v.version) for v in Vacancy.objects.all()}
    again = import_vacancies(jsonl(*records), publish=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert {v.pk: (v.updated_at, v.version) for v in Vacancy.objects.all()} == first
    assert Company.objects.filter(name="Stadtwerke Beispiel GmbH").count() == 1


def test_update_and_past_valid_through_ends_vacancy():
    import_vacancies(jsonl(record()), publish=True)
    report = import_vacancies(jsonl(record(title="IT-Projektkoordinatorin (m/w/d)")), publish=True)
    assert (report.created, report.updated) == (0, 1)
    vacancy = Vacancy.objects.get()
    assert vacancy.title == "IT-Projektkoordinatorin (m/w/d)"
    past = (TODAY - datetime.timedelta(days=1)).isoformat()
    import_vacancies(
        jsonl(record(date_posted=(TODAY - datetime.timedelta(days=10)).isoformat(), valid_through=past)),
        publish=True,
    )
    assert not Vacancy.objects.live().exists()


def test_json_array_positions_and_unknown_occupation_warning():
    data = json.dumps([record(external_id="B-1", title="Zauberlehrling", occupation="Magier"), "kaputt"])
    report = import_vacancies(io.BytesIO(data.encode()))
    assert report.created == 1
    assert report.rejected == [("Index 1", "Der Datensatz ist kein JSON-Objekt.")]
    assert report.warnings and report.warnings[0][0] == "Index 0"
    vacancy = Vacancy.objects.get(external_id="B-1")
    assert vacancy.occupation is None
    # Without --publish an untrusted company's vacancy waits for review.
    assert vacancy.status == Vacancy.Status.REVIEW


def test_broken_json_line_reported():
    stream = io.BytesIO(b'{"external_id": "x"\n' + json.dumps(record()).encode())
    report = import_vacancies(stream, publish=True)
    assert report.created == 1
    assert report.rejected[0][0] == "Zeile 1"


def test_command_exit_status_and_output(tmp_path, capsys):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(record(), record(external_id="X-2", city="Nirgendwo")).getvalue())
    with pytest.raises(SystemExit) as excinfo:
        call_command("import_vacancies", str(path), "--publish")
    assert excinfo.value.code == 1
    out, err = capsys.readouterr()
    assert "1 neu" in out
    assert "Abgelehnt Zeile 2: Unbekannter Ort: „Nirgendwo“." in err

    good = tmp_path / "good.json"
    good.write_text(json.dumps([record()]), encoding="utf-8")
    call_command("import_vacancies", str(good), "--publish")
    assert "0 neu, 0 aktualisiert, 1 unverändert, 0 abgelehnt" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_big_postgres_import_writes_on_two_connections(monkeypatch, taxonomy):
    """Outside a transaction on PostgreSQL two writer threads store the
    records while the next batch is validated: every record lands once, a
    new company is created once, the later of two records of one vacancy
    wins, a second run finds them unchanged, and a failing write stops the
    import with what was written before it kept whole."""
    import threading

    from django.db import connection

    from listings import importer

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the writer threads need their own connections")
    monkeypatch.setattr(importer, "BATCH_SIZE", 10)
    companies = [{"name": f"Firma {n} GmbH", "website": ""} for n in range(3)]
    records = [
        record(external_id=f"T-{n}", title=f"Fachkraft {n}", company=companies[n % 3]) for n in range(35)
    ]
    # T-3 again in the last batch, with a new title: the later record wins.
    records.append(record(external_id="T-3", title="Fachkraft 3 (neu)", company=companies[0]))
    threads = []
    original = importer._write_batch

    def recording(batch, companies, **kwargs):
        threads.append(threading.current_thread().name)
        return original(batch, companies, **kwargs)

    monkeypatch.setattr(importer, "_write_batch", recording)
    first = importer.import_vacancies(jsonl(*records), publish=True)
    assert (first.created, first.updated, first.rejected) == (35, 1, [])
    assert set(threads) == {"import-writer-0", "import-writer-1"}
    assert Vacancy.objects.filter(external_id__startswith="T-").count() == 35
    assert Company.objects.filter(name__startswith="Firma ").count() == 3
    assert Vacancy.objects.get(external_id="T-3").title == "Fachkraft 3 (neu)"
    again = importer.import_vacancies(jsonl(*records[:35]), publish=True)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 34)

    written = []

    def failing(batch, companies, **kwargs):
        if "Helfer 12" in [values["title"] for _, values in batch]:
            raise RuntimeError("Datenbank weg")
        counts = original(batch, companies, **kwargs)
        written.append(len(batch))
        return counts

    monkeypatch.setattr(importer, "_write_batch", failing)
    more = [record(external_id=f"U-{n}", title=f"Helfer {n}") for n in range(35)]
    with pytest.raises(RuntimeError, match="Datenbank weg"):
        importer.import_vacancies(jsonl(*more), publish=True)
    landed = Vacancy.objects.filter(external_id__startswith="U-").count()
    assert 0 < landed < 35
    assert landed == sum(written)


def test_json_nested_too_deep_is_a_clear_rejection_not_a_crash():
    deep = "[" * 20_000 + "]" * 20_000
    report = import_vacancies(io.BytesIO(deep.encode()))
    assert (report.created, report.rejected) == (0, [("Datei", "Kein gültiges JSON: zu tief verschachtelt.")])
    lines = json.dumps(record()) + "\n" + "[" * 100_000 + "]" * 100_000
    report = import_vacancies(io.BytesIO(lines.encode()), publish=True)
    assert report.created == 1
    assert report.rejected == [("Zeile 2", "Kein gültiges JSON: zu tief verschachtelt.")]


def test_changed_content_of_a_company_not_trusted_is_reviewed_again():
    import_vacancies(jsonl(record()))
    vacancy = Vacancy.objects.get(external_id="ATS-4711")
    assert vacancy.status == Vacancy.Status.REVIEW
    vacancy.approve(notify=False)
    # The same record again changes nothing and stays online.
    report = import_vacancies(jsonl(record()))
    assert report.unchanged == 1
    assert Vacancy.objects.get(pk=vacancy.pk).status == Vacancy.Status.PUBLISHED
    # A new title must not go online unchecked.
    import_vacancies(jsonl(record(title="Jetzt Krypto kaufen!!! (m/w/d)")))
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.title) == (Vacancy.Status.REVIEW, "Jetzt Krypto kaufen!!! (m/w/d)")
    assert vacancy not in Vacancy.objects.live()
    # With --publish (the operator's own feed) it stays online.
    import_vacancies(jsonl(record(title="IT-Projektkoordinator (m/w/d) Hagen")), publish=True)
    assert Vacancy.objects.get(pk=vacancy.pk).status == Vacancy.Status.PUBLISHED


# Every message of the report in both languages, word for word: the
# employer's upload speaks the visitor's language, and no Python repr
# (['full', 'hybrid', 'none'], 'forever') may reach a person.
REASONS = [
    pytest.param(
        {"remote": "sometimes"},
        "„remote“ muss einer von „full“, „hybrid“, „none“ sein.",
        "“remote” must be one of “full”, “hybrid”, “none”.",
        id="remote",
    ),
    pytest.param(
        {"contract": "forever"},
        "„contract“ muss einer von „fixed_term“, „permanent“ sein.",
        "“contract” must be one of “fixed_term”, “permanent”.",
        id="contract",
    ),
    pytest.param(
        {"salary": {"min": 3500, "period": "week"}},
        "„salary.period“ muss einer von „hour“, „month“, „year“ sein.",
        "“salary.period” must be one of “hour”, “month”, “year”.",
        id="salary-period",
    ),
    pytest.param(
        {"employment_types": ["full_time", "forever"]},
        "Unbekannte Arbeitszeit in „employment_types“: „forever“.",
        "Unknown working time in “employment_types”: “forever”.",
        id="employment-type",
    ),
    # On one line, without the escape character, cut after 19 characters.
    pytest.param(
        {"valid_through": "31.12.2026\n\x1bund noch viel mehr"},
        "„valid_through“ ist kein gültiges Datum (JJJJ-MM-TT): „31.12.2026 und noch…“",
        "“valid_through” is not a valid date (YYYY-MM-DD): “31.12.2026 und noch…”",
        id="date",
    ),
    pytest.param(
        {"valid_through": (TODAY + datetime.timedelta(days=400)).isoformat()},
        "„valid_through“ liegt mehr als 365 Tage in der Zukunft.",
        "“valid_through” is more than 365 days in the future.",
        id="too-far-ahead",
    ),
    pytest.param(
        {"title": "x" * 201},
        "„title“ ist länger als 200 Zeichen.",
        "“title” is longer than 200 characters.",
        id="too-long",
    ),
    pytest.param({"city": ""}, "„city“ fehlt.", "“city” is missing.", id="missing"),
    pytest.param(
        {"city": "Atlantis"}, "Unbekannter Ort: „Atlantis“.", "Unknown place: “Atlantis”.", id="unknown-city"
    ),
    pytest.param(
        {"salary": {"min": "viel"}},
        "„salary.min“ muss eine Zahl sein.",
        "“salary.min” must be a number.",
        id="not-a-number",
    ),
    pytest.param(
        {"apply_url": None, "apply_email": None},
        "Es fehlt „apply_url“ oder „apply_email“.",
        "“apply_url” or “apply_email” is missing.",
        id="no-apply",
    ),
    # A list or an object: looking it up in the set of allowed values raised
    # TypeError, which ended the whole import (a 500 on the upload page).
    pytest.param(
        {"remote": ["full"]},
        "„remote“ muss einer von „full“, „hybrid“, „none“ sein.",
        "“remote” must be one of “full”, “hybrid”, “none”.",
        id="remote-list",
    ),
    pytest.param(
        {"contract": {"type": "permanent"}},
        "„contract“ muss einer von „fixed_term“, „permanent“ sein.",
        "“contract” must be one of “fixed_term”, “permanent”.",
        id="contract-object",
    ),
]


@pytest.mark.parametrize("overrides, german, english", REASONS)
def test_rejection_reasons_are_readable_in_german_and_english(overrides, german, english):
    bad = record(external_id="BAD", **overrides)
    with translation.override("de"):
        report = import_vacancies(jsonl(record(), bad))
    assert report.rejected == [("Zeile 2", german)]
    with translation.override("en"):
        report = import_vacancies(jsonl(record(), bad))
    assert report.rejected == [("Line 2", english)]


def test_positions_file_errors_and_warnings_in_english():
    data = json.dumps([record(external_id="B-1", title="Zauberlehrling", occupation="Magier"), "kaputt"])
    with translation.override("en"):
        report = import_vacancies(io.BytesIO(data.encode()))
        assert report.rejected == [("Index 1", "The record is not a JSON object.")]
        assert report.warnings == [
            ("Index 0", "No matching occupation for “Magier”; imported without occupation.")
        ]
        broken = import_vacancies(io.BytesIO(b'[{"external_id": 1,\n'))
        assert broken.rejected == [
            ("File", "Not valid JSON: Expecting property name enclosed in double quotes (line 2)")
        ]
        deep = import_vacancies(io.BytesIO(b"[" * 20_000 + b"]" * 20_000))
        assert deep.rejected == [("File", "Not valid JSON: nested too deeply.")]
        latin = import_vacancies(io.BytesIO('["Köln"]'.encode("latin-1")))
        assert latin.rejected == [("File", "The file is not encoded in UTF-8.")]


class Terminal(io.StringIO):
    """Output that says it is a terminal, so the command shows its progress."""

    def isatty(self):
        return True


def test_command_speaks_the_default_language_and_english_when_active(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(record(), record(external_id="X-2", city="Nirgendwo")).getvalue())

    def run():
        out, err = Terminal(), io.StringIO()
        with pytest.raises(SystemExit):
            call_command("import_vacancies", str(path), stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    # No language active, as in a shell: the default language, German.
    translation.deactivate()
    out, err = run()
    assert re.match(r"\r2/2 Datensätze, [\d.]+/s, noch 0 s {3}\n", out)
    assert re.search(r"^1 neu, 0 aktualisiert, 0 unverändert, 1 abgelehnt \(\d+,\d s\)\.$", out, re.M)
    assert err == "Abgelehnt Zeile 2: Unbekannter Ort: „Nirgendwo“.\n"

    with translation.override("en"):
        out, err = run()
    assert re.match(r"\r2/2 records, [\d,]+/s, 0 s left {3}\n", out)
    assert re.search(r"^0 new, 0 updated, 1 unchanged, 1 rejected \(\d+\.\d s\)\.$", out, re.M)
    assert err == "Rejected Line 2: Unknown place: “Nirgendwo”.\n"


@pytest.mark.parametrize("amount", ["99999999.999", 99999999.999, "99999999.995", "1e30"])
def test_an_amount_that_rounds_past_the_column_is_a_rejection(client, amount):
    bad = record(external_id="BIG", salary={"max": amount, "period": "year"})
    report = import_vacancies(jsonl(record(), bad), publish=True)
    assert report.rejected == [("Zeile 2", "„salary.max“ liegt außerhalb des erlaubten Bereichs.")]
    assert report.created == 1
    assert client.get("/jobs/").status_code == 200
