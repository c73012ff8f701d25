"""Deterministic demo content: taxonomy, companies, vacancies, career
profiles. Same seed, same content (relative to the day it runs)."""

import datetime
import itertools
import json
import math
import multiprocessing
import os
import random
import sys
import threading
import time
import traceback
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import NOT_PROVIDED
from django.utils import timezone
from psycopg import sql

from jobsite.dbthreads import use_database_of
from jobsite.text import german_slugify
from listings import freshness
from listings.models import City, Company, Occupation, Vacancy
from listings.taxonomy import DATA_DIR, load_cities, load_occupations

PROFILES_DIR = Path(settings.BASE_DIR) / "demo" / "profiles"
BATCH = 5000
MIN_DESCRIPTION, MAX_DESCRIPTION = 800, 2000
# From this many vacancies on, PostgreSQL loads faster with its secondary
# indexes dropped during COPY and built once afterwards.
REINDEX_FROM = 50000
# Vacancies are published over this many days (the newest today).
PUBLISHED_SPAN_DAYS = 46
# From this many on, one COPY per core: PostgreSQL's to_tsvector for the
# generated search_vector (about 130 µs per vacancy) is what a single
# connection waits for, not Python.
PARALLEL_FROM = 50000
WORKERS = max(2, min(os.cpu_count() or 2, 4))
CHUNK = 10000  # vacancies per random stream (see DemoBuilder.chunk_rows)

# Monthly gross base salary by category keyword (rough, for believable demo data).
SALARY_BASE = [
    ("IT", 4300),
    ("Ingenieur", 4600),
    ("Finanz", 3800),
    ("Pflege", 3300),
    ("Gesundheit", 3100),
    ("Erziehung", 3200),
    ("Handwerk", 2900),
    ("Bau", 3000),
    ("Logistik", 2700),
    ("Gastronomie", 2300),
    ("Handel", 2500),
    ("Reinigung", 2200),
]


class Progress:
    """Count, rate and time left on a terminal; silent otherwise."""

    def __init__(self, total, label, stream=None):
        self.total, self.label = total, label
        self.stream = stream or sys.stdout
        self.enabled = self.stream.isatty() if hasattr(self.stream, "isatty") else False
        self.started = time.monotonic()

    def update(self, done):
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        left = (self.total - done) / rate if rate else 0
        self.stream.write(f"\r{self.label}: {done:,}/{self.total:,} ({rate:,.0f}/s, noch {left:,.0f} s)   ")
        self.stream.flush()

    def finish(self):
        if self.enabled:
            self.stream.write("\n")


def _base_salary(category):
    for keyword, base in SALARY_BASE:
        if keyword.lower() in (category or "").lower():
            return base
    return 3000


def _monthly(amount, period):
    # The model's own conversion, without building a model instance per row.
    return Vacancy._monthly(SimpleNamespace(salary_period=period), amount)


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _copy_columns():
    """Vacancy columns that COPY must fill, with the value for a column the
    generator leaves out (model default; auto_now fields get "now")."""
    now = timezone.now()
    columns = []
    for field in Vacancy._meta.concrete_fields:
        if field.primary_key or field.generated or field.db_default is not NOT_PROVIDED:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        else:
            default = field.get_default()
        columns.append((field.attname, field.column, default))
    return columns


def _copy_statement(columns, *, with_id=False):
    names = (["id"] if with_id else []) + [column for _, column, _ in columns]
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(Vacancy._meta.db_table), sql.SQL(", ").join(sql.Identifier(n) for n in names)
    )


def _secondary_indexes(cursor):
    """(name, definition) of the vacancy indexes that back no constraint."""
    table = Vacancy._meta.db_table
    cursor.execute(
        """SELECT indexname, indexdef FROM pg_indexes
           WHERE schemaname = current_schema() AND tablename = %s
             AND indexname NOT IN (
               SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)""",
        [table, table],
    )
    return cursor.fetchall()


def _build_indexes(definitions):
    """CREATE INDEX on two connections at once: PostgreSQL builds a GIN index
    on one core, and the full-text index alone takes as long as all the
    others together."""
    heavy = [d for _, d in definitions if "search_vector" in d]
    rest = [d for _, d in definitions if "search_vector" not in d]
    errors = []
    settings_dict = dict(connection.settings_dict)

    def build(statements):
        use_database_of(settings_dict, connection.alias)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem TO '512MB'")
                for statement in statements:
                    cursor.execute(statement)
        except Exception as exc:  # reported by the caller's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=build, args=(group,)) for group in (heavy, rest) if group]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _vacuum_analyze():
    """Statistics for the planner; for big loads also VACUUM: index-only
    scans need the visibility map, which only VACUUM sets, and without it
    every index hit still reads the table page. VACUUM cannot run inside a
    transaction (a caller's, or a test's), ANALYZE can."""
    table = sql.Identifier(Vacancy._meta.db_table)
    command = sql.SQL("ANALYZE {}") if connection.in_atomic_block else sql.SQL("VACUUM ANALYZE {}")
    with connection.cursor() as cursor:
        cursor.execute(command.format(table).as_string(cursor.cursor))


def copy_vacancies(rows, count, progress):
    """PostgreSQL, one connection: COPY instead of INSERT, secondary indexes
    built once at the end for big loads, statistics refreshed."""
    columns = _copy_columns()
    done = 0
    dropped = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")
        # Every foreign key comes from rows read in this transaction, so the
        # per-row checks (deferred to commit by Django) prove nothing and
        # cost a row lock each; only a superuser may skip them, others pay.
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role TO replica")
        except DatabaseError:
            pass
        if count >= REINDEX_FROM:
            dropped = _secondary_indexes(cursor)
            for name, _definition in dropped:
                cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)).as_string(cursor.cursor))
        with cursor.cursor.copy(_copy_statement(columns)) as copy:
            for values in rows:
                copy.write_row([values.get(attname, default) for attname, _, default in columns])
                done += 1
                if done % BATCH == 0:
                    progress.update(done)
        progress.update(done)
        progress.finish()
        # Deferred checks still pending would forbid CREATE INDEX.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    copied = time.monotonic()
    if dropped:
        _build_indexes(dropped)
    _vacuum_analyze()
    progress.stream.write(
        f"COPY {copied - progress.started:.0f} s, Indizes und Statistik {time.monotonic() - copied:.0f} s\n"
    )
    return done


def _copy_worker(builder, plan, chunks, first_id, columns, params, done):
    """Runs in a forked child: its own plain psycopg connection (the parent's
    Django connection and pool must not be touched after fork), one COPY of
    its chunks, one commit. The exit code tells the parent how it went."""
    code = 1
    try:
        import psycopg

        with psycopg.connect(**params) as conn:
            conn.execute("SET synchronous_commit TO off")
            try:
                conn.execute("SET session_replication_role TO replica")
            except psycopg.Error:
                conn.rollback()
            with conn.cursor() as cursor, cursor.copy(_copy_statement(columns, with_id=True)) as copy:
                for chunk in chunks:
                    written = 0
                    for values in builder.chunk_rows(plan, chunk):
                        row = [first_id + chunk * CHUNK + written]
                        row += [values.get(attname, default) for attname, _, default in columns]
                        copy.write_row(row)
                        written += 1
                    with done.get_lock():
                        done.value += written
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def copy_vacancies_parallel(builder, plan, progress):
    """PostgreSQL, big loads: secondary indexes dropped, one forked process
    and COPY connection per core, each generating its share of the chunks,
    ids assigned from the row number (so the content does not depend on
    which process finished first), then the indexes rebuilt two at a time,
    the id sequence moved past the new rows, VACUUM ANALYZE."""
    table = Vacancy._meta.db_table
    columns = _copy_columns()
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT COALESCE(MAX(id), 0) + 1 FROM {}")
            .format(sql.Identifier(table))
            .as_string(cursor.cursor)
        )
        first_id = cursor.fetchone()[0]
        dropped = _secondary_indexes(cursor)
        for name, _definition in dropped:
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)).as_string(cursor.cursor))
    params = connection.get_connection_params()
    connection.close()
    chunks = list(range(math.ceil(plan.count / CHUNK)))
    context = multiprocessing.get_context("fork")
    done = context.Value("q", 0)
    children = [
        context.Process(
            target=_copy_worker, args=(builder, plan, chunks[k::WORKERS], first_id, columns, params, done)
        )
        for k in range(WORKERS)
    ]
    try:
        for child in children:
            child.start()
        while any(child.is_alive() for child in children):
            progress.update(done.value)
            time.sleep(0.5)
        for child in children:
            child.join()
        progress.update(done.value)
        progress.finish()
        failed = [child.exitcode for child in children if child.exitcode != 0]
        if failed:
            raise RuntimeError(f"COPY in einem Teilprozess fehlgeschlagen (Exit-Code {failed[0]}).")
    finally:
        copied = time.monotonic()
        _build_indexes(dropped)
    with connection.cursor() as cursor:
        statement = sql.SQL("SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {}))")
        cursor.execute(statement.format(sql.Identifier(table)).as_string(cursor.cursor), [table])
    _vacuum_analyze()
    progress.stream.write(
        f"COPY {copied - progress.started:.0f} s ({WORKERS} Prozesse), "
        f"Indizes und Statistik {time.monotonic() - copied:.0f} s\n"
    )
    return done.value


class DemoBuilder:
    def __init__(self, *, seed=42, stdout=None):
        self.seed = seed
        self.rng = random.Random(seed)
        self.stdout = stdout or sys.stdout
        self.texts = json.loads((DATA_DIR / "vacancy_texts.json").read_text(encoding="utf-8"))

    def log(self, message):
        self.stdout.write(message + "\n")

    def taxonomy(self):
        if City.objects.filter(geonames_id__isnull=False).count() < 10000:
            created, updated = load_cities()
            self.log(f"Orte: {created} neu, {updated} aktualisiert.")
        created = load_occupations()
        self.log(f"Berufe: {Occupation.objects.count()} ({created} neu).")

    def companies(self, count, cities):
        words = self.texts["company_words"]
        existing = set(Company.objects.values_list("slug", flat=True))
        companies = []
        attempts = 0
        while len(companies) < count and attempts < count * 20:
            attempts += 1
            name = f"{self.rng.choice(words['prefixes'])} {self.rng.choice(words['suffixes'])}"
            if attempts > count * 2:
                name = f"{name} {self.rng.choice(cities).name}"
            slug = german_slugify(name)
            if slug in existing:
                continue
            existing.add(slug)
            companies.append(
                Company(
                    name=name,
                    slug=slug,
                    website=f"https://{slug}.example",
                    description=self.rng.choice(self.texts["intros"]).format(
                        company=name, city=self.rng.choice(cities).name
                    ),
                    city=self.rng.choice(cities),
                    is_trusted=self.rng.random() < 0.3,
                )
            )
        Company.objects.bulk_create(companies, batch_size=BATCH)
        return list(Company.objects.order_by("pk"))

    def description(self, occupation, company, city):
        rng, texts = self.rng, self.texts
        category = occupation.category if occupation.category in texts["tasks_by_category"] else None
        category = category or rng.choice(list(texts["tasks_by_category"]))
        parts = [rng.choice(texts["intros"]).format(company=company.name, city=city.name), ""]
        parts.append("## Ihre Aufgaben")
        parts += [f"- {t}" for t in rng.sample(texts["tasks_by_category"][category], rng.randint(4, 7))]
        parts += ["", "## Ihr Profil"]
        parts += [
            f"- {t}" for t in rng.sample(texts["requirements_by_category"][category], rng.randint(3, 6))
        ]
        parts += ["", "## Wir bieten"]
        parts += [f"- {t}" for t in rng.sample(texts["benefits"], rng.randint(3, 7))]
        text = "\n".join(parts)
        # Real postings run to 800-2,000 characters; the search and the page
        # weight must be measured on text of that size.
        if len(text) < MIN_DESCRIPTION:
            about = [rng.choice(texts["intros"]).format(company=company.name, city=city.name)]
            while len(text) + sum(len(a) + 1 for a in about) + 15 < MIN_DESCRIPTION:
                about.append(rng.choice(texts["intros"]).format(company=company.name, city=city.name))
            text += "\n\n## Über uns\n" + " ".join(about)
        closing = rng.choice(texts["closings"]).format(company=company.name)
        return f"{text}\n\n{closing}"[:MAX_DESCRIPTION]

    def vacancy(self, occupation, company, city, now, today, number=0, count=1):
        """One vacancy's field values (attnames), as plain data: building
        model instances costs more than generating them. `number` of
        `count`: the later a vacancy comes, the more recently it was
        published, as on a real portal, where vacancies are stored as they
        come in; so the table's physical order follows the publication date
        too, which the newest-first queries read along."""
        rng = self.rng
        form = rng.choice([occupation.name, occupation.name_female or occupation.name, occupation.name])
        title = form
        if rng.random() < 0.08:
            title = f"{rng.choice(self.texts['title_prefixes'])} {title}"
        title = f"{title} {rng.choice(self.texts['title_suffixes'])}"[:200]
        kind = rng.random()
        types = ["full_time"]
        if kind > 0.65:
            types = ["part_time"] if kind < 0.8 else ["full_time", "part_time"]
        if kind > 0.93:
            types = [rng.choice(["mini_job", "apprenticeship", "internship", "temporary"])]
        remote = "none"
        if occupation.category and any(
            k in occupation.category for k in ("IT", "Büro", "Marketing", "Finanz")
        ):
            remote = rng.choices(["none", "hybrid", "full"], weights=[40, 45, 15])[0]
        elif rng.random() < 0.05:
            remote = "hybrid"
        salary = {}
        if rng.random() < 0.6:
            base = _base_salary(occupation.category) * rng.uniform(0.85, 1.2)
            if types[0] in ("mini_job", "temporary"):
                low = Decimal(str(round(rng.uniform(13.5, 16.5), 2)))
                salary = {"salary_min": low, "salary_max": low + Decimal("2.00"), "salary_period": "hour"}
            elif rng.random() < 0.15:
                low = int(base * 12 / 1000) * 1000
                salary = {"salary_min": low, "salary_max": low + 6000, "salary_period": "year"}
            else:
                low = int(base / 100) * 100
                salary = {
                    "salary_min": low,
                    "salary_max": low + rng.choice([300, 500, 700]),
                    "salary_period": "month",
                }
        # Spread evenly over the last PUBLISHED_SPAN_DAYS, oldest first, each
        # up to an hour out of line (review, several employers at once).
        # The two draws are kept so the rest of the data stays as it was.
        rng.randint(0, 45)
        jitter = rng.randint(0, 1439) % 60
        minutes_ago = (count - number) * PUBLISHED_SPAN_DAYS * 24 * 60 // max(count, 1) + jitter
        published_at = now - datetime.timedelta(minutes=minutes_ago)
        valid_through = today + datetime.timedelta(days=rng.randint(3, 60))
        status = Vacancy.Status.PUBLISHED
        roll = rng.random()
        if roll < 0.03:
            status, valid_through = (
                Vacancy.Status.EXPIRED,
                today - datetime.timedelta(days=rng.randint(1, 20)),
            )
        elif roll < 0.05:
            status = Vacancy.Status.CLOSED
        values = {
            "title": title,
            "slug": german_slugify(f"{title} {city.name}"),
            "company_id": company.pk,
            "occupation_id": occupation.pk,
            "city_id": city.pk,
            "remote": remote,
            "contract": rng.choices(["permanent", "fixed_term", ""], weights=[70, 20, 10])[0],
            "description": self.description(occupation, company, city),
            "apply_url": f"{company.website}/karriere/{rng.randint(1000, 999999)}",
            "date_posted": published_at.date(),
            "valid_through": valid_through,
            "status": status,
            "published_at": published_at,
            "external_id": f"DEMO-{number:08d}",
            "salary_min": None,
            "salary_max": None,
            "salary_period": "",
            **salary,
        }
        for code in Vacancy.EMPLOYMENT_TYPES:
            values[code] = code in types
        values["salary_monthly_min"] = _monthly(values["salary_min"], values["salary_period"])
        values["salary_monthly_max"] = _monthly(values["salary_max"], values["salary_period"])
        return values

    def plan(self, count, companies, cities, weights, focus):
        # Queried here, not in the generator: during COPY the connection
        # is busy, and a query from inside the loop would wait forever.
        occupations = list(Occupation.objects.order_by("pk"))
        return SimpleNamespace(
            count=count,
            companies=companies,
            cities=cities,
            # Summed once: random.choices(weights=...) sums the places' weights
            # again on every call; with cum_weights it picks the very same
            # places.
            cum_weights=list(itertools.accumulate(weights)),
            focus=focus,
            occupations=occupations,
            now=timezone.now(),
            today=timezone.localdate(),
        )

    def chunk_rows(self, plan, chunk):
        """The rows of one chunk of CHUNK vacancies. Each chunk has its own
        random stream derived from the seed, so any process can generate
        any chunk and the content is the same however the work is split."""
        self.rng = random.Random(self.seed * 1_000_003 + chunk)
        for i in range(chunk * CHUNK, min((chunk + 1) * CHUNK, plan.count)):
            if plan.focus and i % 10 == 0:
                occupation, city = plan.focus[(i // 10) % len(plan.focus)]
            else:
                occupation = self.rng.choice(plan.occupations)
                city = self.rng.choices(plan.cities, cum_weights=plan.cum_weights)[0]
            company = self.rng.choice(plan.companies)
            yield self.vacancy(occupation, company, city, plan.now, plan.today, i + 1, plan.count)

    def generate(self, plan):
        for chunk in range(math.ceil(plan.count / CHUNK)):
            yield from self.chunk_rows(plan, chunk)

    def vacancies(self, count, companies, cities, weights, focus):
        progress = Progress(count, "Stellen", self.stdout)
        plan = self.plan(count, companies, cities, weights, focus)
        if connection.vendor == "postgresql":
            if count >= PARALLEL_FROM:
                return copy_vacancies_parallel(self, plan, progress)
            return copy_vacancies(self.generate(plan), count, progress)
        done = 0
        for chunk in _chunks(self.generate(plan), BATCH):
            Vacancy.objects.bulk_create([Vacancy(**values) for values in chunk], batch_size=BATCH)
            done += len(chunk)
            progress.update(done)
        progress.finish()
        return done

    def profiles(self):
        from profiles.importer import import_profile_file

        results = []
        for path in sorted(PROFILES_DIR.glob("*.txt")):
            result = import_profile_file(path, publish=True)
            if result.ok:
                results.append(result.profile)
            else:
                self.log(f"Profil {path.name}: {result.error}")
        self.log(f"Berufsprofile: {len(results)}.")
        return results


def seed_demo(*, vacancies=300, seed=42, stdout=None):
    builder = DemoBuilder(seed=seed, stdout=stdout)
    builder.taxonomy()
    with transaction.atomic():
        profiles = builder.profiles()
    cities = list(City.objects.filter(population__gte=20000).order_by("-population", "pk")[:400])
    weights = [max(c.population, 1) ** 0.6 for c in cities]
    focus = [(p.occupation, p.city) for p in profiles]
    company_count = max(20, min(vacancies // 8, 20000))
    with transaction.atomic():
        companies = builder.companies(company_count, cities)
    created = builder.vacancies(vacancies, companies, cities, weights, focus)
    freshness.bump()  # COPY and bulk_create send no signals
    builder.log(f"Stellen: {created} angelegt.")
    return created
