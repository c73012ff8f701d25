"""Vacancy import from an ATS feed: JSON (an array) or JSON Lines, in the
format of CONTRACT.md. One code path for `manage.py import_vacancies` and the
employer's upload in the dashboard.

Every record is validated on its own; a bad record is reported with its
position and reason and nothing of it is written, good records still import.
Imports are upserts keyed on (company, external_id), so a second run of the
same file changes nothing."""

import datetime
import json
import queue
import threading
import time
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext
from psycopg import sql

from jobsite.dbthreads import use_database_of
from jobsite.text import german_slugify, shortened, strip_control_chars
from listings import freshness
from listings.models import City, Company, Vacancy
from listings.models.vacancies import berlin_today
from listings.taxonomy import CityResolver, OccupationMatcher

BATCH_SIZE = 1000
MAX_TITLE = 200
MAX_DESCRIPTION = 20000
MAX_VALIDITY_DAYS = 365

REMOTE_VALUES = {choice.value for choice in Vacancy.Remote}
CONTRACT_VALUES = {choice.value for choice in Vacancy.Contract}
PERIOD_VALUES = {choice.value for choice in Vacancy.SalaryPeriod}

# Fields compared to decide whether an existing vacancy really changed.
COMPARED_FIELDS = [
    "title",
    "occupation_id",
    "city_id",
    "remote",
    *Vacancy.EMPLOYMENT_TYPES,
    "contract",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "description",
    "apply_url",
    "apply_email",
    "date_posted",
    "valid_through",
    "status",
]


TOO_DEEP = gettext_noop("Kein gültiges JSON: zu tief verschachtelt.")


class RecordError(ValueError):
    """A record's rejection. Its message is translated when it is raised,
    in the language then active: the visitor's for an upload, the default
    language for the command."""


def _quoted(value):
    # The quotes belong to the language: „…“ in German, “…” in English.
    return gettext("„%(value)s“") % {"value": value}


def _one_of(values):
    """Allowed values as text for people: „full“, „hybrid“, „none“."""
    return ", ".join(_quoted(value) for value in sorted(values))


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    expected: int = 0  # records in the file, for progress ("time left")

    @property
    def total(self):
        return self.created + self.updated + self.unchanged + len(self.rejected)


def iter_records(stream, report=None):
    """Yields (position label, record or parse error) from JSON or JSON Lines."""
    # Labels are translated once, not per record: a gettext() call costs
    # several times what formatting the label does.
    file_label = gettext("Datei")
    text = stream.read()
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            yield file_label, RecordError(gettext("Die Datei ist nicht in UTF-8 kodiert."))
            return
    stripped = text.lstrip("\ufeff").lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            # exc.msg is Python's own English text ("Expecting ',' delimiter").
            message = gettext("Kein gültiges JSON: %(error)s (Zeile %(line)d)")
            yield file_label, RecordError(message % {"error": exc.msg, "line": exc.lineno})
            return
        except RecursionError:  # "[[[[…" thousands deep: json gives up, we answer
            yield file_label, RecordError(gettext(TOO_DEEP))
            return
        if report is not None and isinstance(data, list):
            report.expected = len(data)
        index_label = gettext("Index %(index)d")
        for index, record in enumerate(data):
            yield index_label % {"index": index}, record
        return
    lines = stripped.splitlines() if stripped else []
    if report is not None:
        report.expected = sum(1 for line in lines if line.strip())
    line_label = gettext("Zeile %(number)d")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        position = line_label % {"number": number}
        try:
            yield position, json.loads(line)
        except json.JSONDecodeError as exc:
            message = gettext("Kein gültiges JSON: %(error)s")
            yield position, RecordError(message % {"error": exc.msg})
        except RecursionError:
            yield position, RecordError(gettext(TOO_DEEP))


def _text(record, key, *, required=False, max_length=None):
    value = record.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RecordError(gettext("„%(field)s“ muss ein Text sein.") % {"field": key})
    value = strip_control_chars(value).strip()
    if required and not value:
        raise RecordError(gettext("„%(field)s“ fehlt.") % {"field": key})
    if max_length and len(value) > max_length:
        message = ngettext(
            "„%(field)s“ ist länger als %(count)d Zeichen.",
            "„%(field)s“ ist länger als %(count)d Zeichen.",
            max_length,
        )
        raise RecordError(message % {"field": key, "count": max_length})
    return value


def _date(record, key, default=None):
    value = record.get(key)
    if value in (None, ""):
        if default is None:
            raise RecordError(gettext("„%(field)s“ fehlt.") % {"field": key})
        return default
    if not isinstance(value, str):
        raise RecordError(gettext("„%(field)s“ muss ein Datum (JJJJ-MM-TT) sein.") % {"field": key})
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError as exc:
        message = gettext("„%(field)s“ ist kein gültiges Datum (JJJJ-MM-TT): %(value)s")
        raise RecordError(message % {"field": key, "value": _quoted(shortened(value, 20))}) from exc


def _amount(value, key):
    if value is None:
        return None
    field = f"salary.{key}"
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise RecordError(gettext("„%(field)s“ muss eine Zahl sein.") % {"field": field})
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise RecordError(gettext("„%(field)s“ muss eine Zahl sein.") % {"field": field}) from exc
    # Checked after rounding to cents: 99,999,999.999 rounds to a number
    # the column cannot hold (10 digits), which failed the whole import.
    if amount.is_finite() and amount.adjusted() < 9:
        amount = amount.quantize(Decimal("0.01"))
    if not amount.is_finite() or amount < 0 or amount >= Decimal("100000000"):
        message = gettext("„%(field)s“ liegt außerhalb des erlaubten Bereichs.")
        raise RecordError(message % {"field": field})
    return amount


class RecordValidator:
    """Turns one raw record into validated vacancy field values."""

    def __init__(self, *, company=None):
        self.forced_company = company
        self.cities = CityResolver()
        self.occupations = OccupationMatcher()
        self.url_validator = URLValidator(schemes=["http", "https"])
        self.email_validator = EmailValidator()
        # A feed repeats its places and titles thousands of times; matching
        # a title scans the whole taxonomy, so each distinct text is matched
        # once. The same goes for a company's website.
        self._cities, self._occupations, self._websites = {}, {}, set()
        self._day = (None, 0.0)  # (German calendar day, monotonic time to ask again)

    def _today(self):
        # Asking for the German day once a second, not twice per record
        # (thread-local time zone lookups: a tenth of an import's CPU time).
        today, until = self._day
        now = time.monotonic()
        if now >= until:
            today = berlin_today()
            self._day = (today, now + 1.0)
        return today

    def _check_website(self, website):
        if website not in self._websites:
            self.url_validator(website)
            self._websites.add(website)

    def _city_id(self, name):
        if name not in self._cities:
            self._cities[name] = self.cities.resolve_id(name)
        return self._cities[name]

    def _occupation_id(self, text):
        if text not in self._occupations:
            self._occupations[text] = self.occupations.match_id(text)
        return self._occupations[text]

    def validate(self, record):
        if not isinstance(record, dict):
            raise RecordError(gettext("Der Datensatz ist kein JSON-Objekt."))
        warnings = []
        values = {}
        external_id = record.get("external_id")
        if isinstance(external_id, int) and not isinstance(external_id, bool):
            external_id = str(external_id)
        values["external_id"] = _text(
            {"external_id": external_id}, "external_id", required=True, max_length=100
        )

        if self.forced_company is not None:
            company_name, website = self.forced_company.name, None
        else:
            company = record.get("company")
            if not isinstance(company, dict):
                raise RecordError(gettext("„company“ fehlt oder ist kein Objekt mit „name“."))
            company_name = _text(company, "name", required=True, max_length=200)
            website = _text(company, "website", max_length=200)
            if website:
                try:
                    self._check_website(website)
                except ValidationError as exc:
                    raise RecordError(
                        gettext("„company.website“ ist keine gültige http(s)-Adresse.")
                    ) from exc
        values["_company"] = (company_name, website)

        values["title"] = _text(record, "title", required=True, max_length=MAX_TITLE)
        values["description"] = _text(record, "description", required=True, max_length=MAX_DESCRIPTION)

        city_name = _text(record, "city", required=True, max_length=120)
        city_id = self._city_id(city_name)
        if not city_id:
            raise RecordError(gettext("Unbekannter Ort: „%(city)s“.") % {"city": city_name})
        values["city_id"] = city_id

        occupation_name = _text(record, "occupation", max_length=120)
        occupation_id = None
        if occupation_name:
            occupation_id = self._occupation_id(occupation_name)
        if occupation_id is None:
            occupation_id = self._occupation_id(values["title"])
        if occupation_id is None:
            message = gettext("Kein passender Beruf für „%(text)s“; ohne Beruf importiert.")
            warnings.append(message % {"text": occupation_name or values["title"]})
        values["occupation_id"] = occupation_id

        remote = record.get("remote") or "none"
        # A list or an object is no value either (and cannot be looked up in a set).
        if not isinstance(remote, str) or remote not in REMOTE_VALUES:
            message = gettext("„%(field)s“ muss einer von %(allowed)s sein.")
            raise RecordError(message % {"field": "remote", "allowed": _one_of(REMOTE_VALUES)})
        values["remote"] = remote

        types = record.get("employment_types") or []
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise RecordError(gettext("„employment_types“ muss eine Liste sein."))
        unknown = [t for t in types if t not in Vacancy.EMPLOYMENT_TYPES]
        if unknown:
            message = gettext("Unbekannte Arbeitszeit in „employment_types“: %(value)s.")
            raise RecordError(message % {"value": _quoted(shortened(unknown[0], 30))})
        for code in Vacancy.EMPLOYMENT_TYPES:
            values[code] = code in types

        contract = record.get("contract") or ""
        if contract and (not isinstance(contract, str) or contract not in CONTRACT_VALUES):
            message = gettext("„%(field)s“ muss einer von %(allowed)s sein.")
            raise RecordError(message % {"field": "contract", "allowed": _one_of(CONTRACT_VALUES)})
        values["contract"] = contract

        salary = record.get("salary")
        values.update(salary_min=None, salary_max=None, salary_currency="EUR", salary_period="")
        if salary not in (None, {}):
            if not isinstance(salary, dict):
                raise RecordError(gettext("„salary“ muss ein Objekt sein."))
            low, high = _amount(salary.get("min"), "min"), _amount(salary.get("max"), "max")
            if low is None and high is None:
                raise RecordError(gettext("„salary“ braucht „min“ oder „max“."))
            if low is not None and high is not None and low > high:
                raise RecordError(gettext("„salary.min“ ist größer als „salary.max“."))
            period = salary.get("period") or "month"
            if not isinstance(period, str) or period not in PERIOD_VALUES:
                message = gettext("„%(field)s“ muss einer von %(allowed)s sein.")
                raise RecordError(message % {"field": "salary.period", "allowed": _one_of(PERIOD_VALUES)})
            currency = salary.get("currency") or "EUR"
            if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
                raise RecordError(gettext("„salary.currency“ muss ein ISO-Währungscode sein (z. B. EUR)."))
            values.update(
                salary_min=low, salary_max=high, salary_currency=currency.upper(), salary_period=period
            )

        apply_url = _text(record, "apply_url", max_length=500)
        apply_email = _text(record, "apply_email", max_length=254)
        if apply_url:
            try:
                self.url_validator(apply_url)
            except ValidationError as exc:
                raise RecordError(gettext("„apply_url“ muss eine gültige http(s)-Adresse sein.")) from exc
        if apply_email:
            try:
                self.email_validator(apply_email)
            except ValidationError as exc:
                raise RecordError(gettext("„apply_email“ ist keine gültige E-Mail-Adresse.")) from exc
        if not apply_url and not apply_email:
            raise RecordError(gettext("Es fehlt „apply_url“ oder „apply_email“."))
        values.update(apply_url=apply_url, apply_email=apply_email)

        today = self._today()
        values["date_posted"] = _date(record, "date_posted", default=today)
        values["valid_through"] = _date(
            record, "valid_through", default=values["date_posted"] + datetime.timedelta(days=30)
        )
        if values["valid_through"] < values["date_posted"]:
            raise RecordError(gettext("„valid_through“ liegt vor „date_posted“."))
        if values["valid_through"] > today + datetime.timedelta(days=MAX_VALIDITY_DAYS):
            message = ngettext(
                "„valid_through“ liegt mehr als %(count)d Tag in der Zukunft.",
                "„valid_through“ liegt mehr als %(count)d Tage in der Zukunft.",
                MAX_VALIDITY_DAYS,
            )
            raise RecordError(message % {"count": MAX_VALIDITY_DAYS})
        return values, warnings


def import_vacancies(stream, *, publish=False, company=None, progress=None):
    """Imports records from `stream`; returns an ImportReport.

    `company` scopes the import to one company (the employer's upload): the
    records' own company data is ignored."""
    report = ImportReport()
    validator = RecordValidator(company=company)
    with _BatchWriter(report, publish=publish, company=company) as writer:
        batch = []
        for position, record in iter_records(stream, report):
            if isinstance(record, RecordError):
                report.rejected.append((position, str(record)))
                continue
            try:
                values, warnings = validator.validate(record)
            except RecordError as exc:
                report.rejected.append((position, str(exc)))
                continue
            report.warnings += [(position, w) for w in warnings]
            batch.append((position, values))
            if len(batch) >= BATCH_SIZE:
                writer.write(batch)
                batch = []
                if progress:
                    progress(report)
        if batch:
            writer.write(batch)
    if progress:
        progress(report)
    return report


# Writer threads on PostgreSQL. Most of a record's cost is PostgreSQL's
# (to_tsvector, the full-text and trigram indexes), which runs in one
# backend per connection: two writers keep both cores busy.
WRITERS = 2


class _BatchWriter:
    """Writes batches. On PostgreSQL, outside a transaction (the command,
    not a test or a request), WRITERS threads with a connection each write
    while this one parses and validates the next batch, so the database
    work and the Python work overlap instead of taking turns.

    This thread first finds or creates the batch's companies, then shares
    its records out by (company, external_id): all records of one vacancy
    go to the same writer, in file order, so a later record still wins and
    no two writers ever insert the same vacancy or create the same
    company. Each writer's share of a batch is its own transaction; each
    writer's queue holds one share, so memory stays at about two batches.

    The writers only store and count: every report text is made in this
    thread, where the visitor's language is active (a new thread has none
    and would speak the default language)."""

    def __init__(self, report, *, publish, company):
        self.report, self.publish, self.company = report, publish, company
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        # The writers' connections must reach the same database as ours
        # (under the test runner, settings still name the non-test database).
        self.settings_dict = dict(connection.settings_dict)
        self.alias = connection.alias
        self.lock = threading.Lock()  # the report's counters
        self.lanes = []
        self.errors = []

    def __enter__(self):
        if self.threaded:
            for number in range(WRITERS):
                lane = queue.Queue(maxsize=1)
                thread = threading.Thread(
                    target=self._run, args=(lane,), name=f"import-writer-{number}", daemon=True
                )
                thread.start()
                self.lanes.append((lane, thread))
        return self

    def _run(self, lane):
        use_database_of(self.settings_dict, self.alias)
        try:
            while (work := lane.get()) is not None:
                if not self.errors:
                    self._write(*work)
        except Exception as exc:  # handed to the reading thread
            self.errors.append(exc)
            while lane.get() is not None:  # let the reader finish
                pass
        finally:
            connection.close()

    def _write(self, batch, companies):
        counts = _write_batch(batch, companies, publish=self.publish)
        with self.lock:
            self.report.created += counts["created"]
            self.report.updated += counts["updated"]
            self.report.unchanged += counts["unchanged"]

    def write(self, batch):
        if not self.threaded:
            with transaction.atomic():
                self._write(batch, _companies_for(batch, self.company))
            return
        if self.errors:
            raise self.errors[0]
        companies = _companies_for(batch, self.company)
        shares = [[] for _ in self.lanes]
        for position, values in batch:
            key = f"{companies[values['_company']].pk}:{values['external_id']}"
            shares[zlib.crc32(key.encode()) % len(shares)].append((position, values))
        for (lane, _thread), share in zip(self.lanes, shares, strict=True):
            if share:
                lane.put((share, companies))

    def __exit__(self, *exc_info):
        for lane, _thread in self.lanes:
            lane.put(None)
        for _lane, thread in self.lanes:
            thread.join()
        if self.errors and exc_info[0] is None:
            raise self.errors[0]
        return False


def _companies_for(batch, forced):
    if forced is not None:
        return {key: forced for key in {v["_company"] for _, v in batch}}
    wanted = {v["_company"][0]: v["_company"][1] for _, v in batch}
    slugs = {name: german_slugify(name) or "unternehmen" for name in wanted}
    found = {c.slug: c for c in Company.objects.filter(slug__in=slugs.values())}
    missing = {}
    for name, website in wanted.items():
        if slugs[name] not in found and slugs[name] not in missing:
            missing[slugs[name]] = Company(name=name, slug=slugs[name], website=website or "")
    if missing:
        # One INSERT for the batch's new companies (a feed may bring
        # thousands), then read back: another import may have created one
        # of them meanwhile, and its row is the one to use.
        Company.objects.bulk_create(missing.values(), ignore_conflicts=True)
        found.update((c.slug, c) for c in Company.objects.filter(slug__in=missing))
        freshness.bump()  # bulk writes send no signals
    result = {name: found[slugs[name]] for name in wanted}
    return {(name, website): result[name] for name, website in {v["_company"] for _, v in batch}}


@transaction.atomic
def _write_batch(batch, companies, *, publish):
    """Writes one batch in one transaction; returns how many vacancies were
    created, updated and left unchanged."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    now = timezone.now()
    today = berlin_today()
    keys = {(companies[v["_company"]].pk, v["external_id"]) for _, v in batch}
    existing = {
        (v.company_id, v.external_id): v
        for v in Vacancy.objects.filter(
            company_id__in={k[0] for k in keys}, external_id__in={k[1] for k in keys}
        ).select_related("city")
    }
    to_create, to_update = [], []
    seen = {}
    for _position, values in batch:
        target_company = companies[values["_company"]]
        key = (target_company.pk, values["external_id"])
        vacancy = seen.get(key) or existing.get(key)
        is_new = vacancy is None
        fields = {name: value for name, value in values.items() if name != "_company"}
        if is_new:
            # Values passed to the constructor skip the fields' defaults
            # (date_posted's asks for the German day).
            vacancy = Vacancy(company=target_company, **fields)
            before = None
        else:
            before = [getattr(vacancy, f) for f in COMPARED_FIELDS]
            for name, value in fields.items():
                setattr(vacancy, name, value)
        if values["valid_through"] < today:
            # A past valid_through ends the vacancy at once (CONTRACT.md).
            if vacancy.status == Vacancy.Status.PUBLISHED or is_new:
                vacancy.status = Vacancy.Status.EXPIRED
        elif publish or target_company.is_trusted:
            vacancy.status = Vacancy.Status.PUBLISHED
            vacancy.published_at = vacancy.published_at or now
        elif is_new:
            vacancy.status = Vacancy.Status.REVIEW
            vacancy.submitted_at = now
        elif vacancy.status == Vacancy.Status.EXPIRED or (
            vacancy.status == Vacancy.Status.PUBLISHED
            and before != [getattr(vacancy, f) for f in COMPARED_FIELDS]
        ):
            # Changed content of a company that is not trusted is checked
            # again before it is shown, as after an edit in the form.
            vacancy.status = Vacancy.Status.REVIEW
            vacancy.submitted_at = now
        vacancy.salary_monthly_min = vacancy._monthly(vacancy.salary_min)
        vacancy.salary_monthly_max = vacancy._monthly(vacancy.salary_max)
        if key in seen:
            # The same external_id twice in one file: the later record wins.
            if vacancy.pk is not None and vacancy not in to_update:
                to_update.append(vacancy)
            continue
        seen[key] = vacancy
        if is_new:
            to_create.append(vacancy)
            counts["created"] += 1
        elif before == [getattr(vacancy, f) for f in COMPARED_FIELDS]:
            counts["unchanged"] += 1
        else:
            vacancy.version += 1
            vacancy.updated_at = now
            to_update.append(vacancy)
            counts["updated"] += 1
    city_names = dict(
        City.objects.filter(pk__in={v.city_id for v in to_create + to_update}).values_list("pk", "name")
    )
    for vacancy in to_create + to_update:
        vacancy.slug = german_slugify(f"{vacancy.title} {city_names.get(vacancy.city_id, '')}")
    if connection.vendor == "postgresql":
        _copy_create(to_create)
    else:
        Vacancy.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        fields = [f for f in COMPARED_FIELDS if not f.endswith("_id")] + [
            "occupation",
            "city",
            "slug",
            "salary_monthly_min",
            "salary_monthly_max",
            "published_at",
            "submitted_at",
            "version",
            "updated_at",
        ]
        Vacancy.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    if to_create or to_update:
        freshness.bump()  # bulk writes send no signals
    return counts


# Field classes whose Python values psycopg adapts as they are; anything else
# goes through the field's own conversion.
_PLAIN_FIELDS = (
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DecimalField,
    models.ForeignKey,
    models.IntegerField,
    models.TextField,
)


def _copy_create(vacancies):
    """COPY instead of a multi-row INSERT: compiling a 1,000-row INSERT costs
    more CPU than PostgreSQL spends storing the rows."""
    if not vacancies:
        return
    fields = [
        f
        for f in Vacancy._meta.concrete_fields
        if not f.primary_key and not f.generated and f.db_default is models.NOT_PROVIDED
    ]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(Vacancy._meta.db_table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    )
    plain = [isinstance(f, _PLAIN_FIELDS) and not isinstance(f, models.JSONField) for f in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for vacancy in vacancies:
            row = []
            for field, is_plain in zip(fields, plain, strict=True):
                value = field.pre_save(vacancy, add=True)
                row.append(value if is_plain else field.get_db_prep_save(value, connection))
            copy.write_row(row)
