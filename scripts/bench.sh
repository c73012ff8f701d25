#!/usr/bin/env bash
# make bench: loads BENCH_VACANCIES vacancies into PostgreSQL, serves the site
# with gunicorn and production settings on 127.0.0.1 only, replays a fixed,
# seeded request mix per page type with wrk and writes var/bench/results.json
# and results.md. Not part of the tests or CI. See README, "Benchmark".
#
#   BENCH_VACANCIES=1000000  vacancies to load (re-loaded when the count differs)
#   BENCH_DURATION=30        seconds of load per page type (after a warm-up)
#   BENCH_WARMUP=5           seconds of warm-up per page type, not measured
#   BENCH_CONNECTIONS=16     concurrent connections; BENCH_THREADS=2 wrk threads
#   BENCH_WORKERS=4          gunicorn sync workers
#   BENCH_DB=jobsite_bench   PostgreSQL database (created when missing)
#   BENCH_PG=postgres://postgres@127.0.0.1:5432   server, without database name
#   BENCH_REDIS_URL=redis://127.0.0.1:6379/1   cache database of the run; emptied at the start
#   BENCH_PORT=8190          gunicorn port on 127.0.0.1
#   BENCH_SEED=20261124      seed of the request mix (the data seed is seed_demo's default)
#   BENCH_PAGES="search vacancy ..."  page types to run (default: all)
#   BENCH_EXPLAIN=1          EXPLAIN ANALYZE the slowest search shapes afterwards
#   BENCH_IMPORT=100000      records for the import_vacancies measurement (0: skip); imported
#                            into a copy of the bench database, which is dropped afterwards
set -euo pipefail
cd "$(dirname "$0")/.."

VACANCIES=${BENCH_VACANCIES:-1000000}
DURATION=${BENCH_DURATION:-30}
WARMUP=${BENCH_WARMUP:-5}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-2}
WORKERS=${BENCH_WORKERS:-4}
DB=${BENCH_DB:-jobsite_bench}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PORT=${BENCH_PORT:-8190}
PAGES=${BENCH_PAGES:-"search search_keyword search_keyword_place search_place search_filters search_deep vacancy career_hubs company home feed floor"}
OUT=var/bench
PY=.venv/bin/python

export DJANGO_SETTINGS_MODULE=jobsite.settings
export DATABASE_URL="$PG/$DB"
export DEBUG=0
SECRET_KEY=$($PY -c "import secrets; print(secrets.token_urlsafe(50))")
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0   # plain http on the loopback; no TLS here
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/1}
export TASKS_BACKEND=database  # flush_stats and mails queue up; run at the end
export RATELIMIT_ENABLE=0      # all load comes from one address
export SITE_URL="http://127.0.0.1:$PORT"
export LOG_LEVEL=ERROR
export BENCH_SEED=${BENCH_SEED:-20261124}

say() { printf '\n== %s\n' "$*"; }

# -- tools ---------------------------------------------------------------
if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "Installing Debian's wrk"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null ||
            { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
    else
        echo "wrk is missing: apt-get install wrk" >&2
        exit 1
    fi
fi
if ! $PY -c "import psycopg; psycopg.connect('$PG/postgres', connect_timeout=3).close()" 2>/dev/null; then
    echo "PostgreSQL does not answer at $PG" >&2
    exit 1
fi
if ! $PY -c "import redis, sys; redis.Redis.from_url('$REDIS_URL', socket_timeout=2).ping()" 2>/dev/null; then
    if command -v redis-server >/dev/null; then
        say "Starting redis-server on 127.0.0.1:6379"
        redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' >/dev/null
        sleep 1
    else
        echo "Redis does not answer at $REDIS_URL (apt-get install redis-server)" >&2
        exit 1
    fi
fi
# Every run starts from an empty cache: pages and searches kept by an
# earlier run of the same mix (same seed, same URLs) would otherwise be
# replayed and counted as fast answers.
$PY -c "import redis; redis.Redis.from_url('$REDIS_URL', socket_timeout=5).flushdb()"
mkdir -p "$OUT/raw"
rm -f "$OUT"/raw/*.json "$OUT"/raw/*.cpu "$OUT/rss.txt"

# -- data ----------------------------------------------------------------
exists=$($PY -c "
import psycopg
with psycopg.connect('$PG/postgres') as c:
    print(c.execute('SELECT count(*) FROM pg_database WHERE datname = %s', ['$DB']).fetchone()[0])")
have=-1
if [ "$exists" = 1 ]; then
    have=$($PY -c "
import psycopg
with psycopg.connect('$PG/$DB') as c:
    try:
        print(c.execute('SELECT count(*) FROM listings_vacancy').fetchone()[0])
    except psycopg.Error:
        print(-1)")
fi
LOAD_S=None
if [ "$have" != "$VACANCIES" ]; then
    say "Loading $VACANCIES vacancies into $DB (found $have)"
    $PY -c "
import psycopg
with psycopg.connect('$PG/postgres', autocommit=True) as c:
    c.execute('DROP DATABASE IF EXISTS \"$DB\"')
    c.execute('CREATE DATABASE \"$DB\"')"
    $PY manage.py migrate --noinput -v0
    started=$(date +%s.%N)
    $PY manage.py seed_demo --vacancies "$VACANCIES"
    LOAD_S=$($PY -c "import time; print(round(time.time() - $started, 1))")
    say "seed_demo took $LOAD_S s"
else
    say "$DB already holds $VACANCIES vacancies"
    $PY manage.py migrate --noinput -v0
    # An earlier run's flush_stats updated thousands of rows; until VACUUM
    # their pages are not all-visible and index-only scans read the table
    # again. Every run starts from a vacuumed table, as the first one did.
    $PY -c "
import psycopg
with psycopg.connect('$PG/$DB', autocommit=True) as c:
    c.execute('VACUUM (ANALYZE) listings_vacancy')"
fi
$PY manage.py collectstatic --noinput -v0

# A server whose database fits in memory has it in the page cache. This VM
# kind hands idle page cache back to the host, so without reading it in
# first the figures depended on what earlier runs had left there (the
# search mix measured 57 and 153 requests/s on consecutive runs).
say "Reading $DB into the page cache (pg_prewarm)"
started=$(date +%s.%N)
$PY -c "
import psycopg
with psycopg.connect('$PG/$DB', autocommit=True) as c:
    c.execute('CREATE EXTENSION IF NOT EXISTS pg_prewarm')
    rels = c.execute(\"\"\"SELECT c.oid::regclass::text FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 'i', 't')\"\"\").fetchall()
    blocks = sum(c.execute('SELECT pg_prewarm(%s::regclass, %s)', [r, 'read']).fetchone()[0] for (r,) in rels)
    print(f'{blocks * 8 // 1024} MB in {len(rels)} relations')"
echo "took $($PY -c "import time; print(round(time.time() - $started, 1))") s"
$PY manage.py check --deploy --fail-level ERROR 2>&1 | grep -v "W008" | grep -E "^[?a-z].*: \(" || true

say "Request mix (seed $BENCH_SEED)"
BENCH_OUT_DIR="$OUT/urls" $PY scripts/bench/urls.py

# -- server --------------------------------------------------------------
say "gunicorn: $WORKERS sync workers on 127.0.0.1:$PORT"
.venv/bin/gunicorn jobsite.wsgi:application --workers "$WORKERS" --worker-class sync \
    --bind "127.0.0.1:$PORT" --timeout 60 --pid "$OUT/gunicorn.pid" \
    --error-logfile "$OUT/gunicorn.log" --log-level warning &
GUNICORN=$!
stop() {
    if kill -0 "$GUNICORN" 2>/dev/null; then
        kill -TERM "$GUNICORN"
        for _ in $(seq 1 50); do kill -0 "$GUNICORN" 2>/dev/null || break; sleep 0.2; done
    fi
}
trap stop EXIT
up=0
for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then up=1; break; fi
    kill -0 "$GUNICORN" 2>/dev/null || break
    sleep 0.5
done
if [ "$up" != 1 ]; then
    echo "gunicorn did not come up; see $OUT/gunicorn.log" >&2
    exit 1
fi

# -- load ----------------------------------------------------------------
# CPU time (utime + stime, in clock ticks) of the site's workers, of
# PostgreSQL's processes and of Redis: read before and after each measured
# run, so the results say where a page type's time went.
cpu_ticks() {
    local workers pg redis
    workers=$(pgrep -P "$GUNICORN" | tr '\n' ' ')
    pg=$(pgrep -x postgres | tr '\n' ' ')
    redis=$(pgrep -x redis-server | tr '\n' ' ')
    $PY - "$workers" "$pg" "$redis" <<'PY'
import sys
def ticks(pids):
    total = 0
    for pid in pids.split():
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        total += int(fields[11]) + int(fields[12])
    return total
print(" ".join(str(ticks(group)) for group in sys.argv[1:]))
PY
}
for page in $PAGES; do
    list="$OUT/urls/$page.txt"
    [ -s "$list" ] || { echo "no URL list for $page" >&2; exit 1; }
    printf '%-22s ' "$page"
    if [ "$WARMUP" -gt 0 ]; then
        BENCH_RESULT=/dev/null wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 10s \
            -s scripts/bench/replay.lua "http://127.0.0.1:$PORT" -- "$list" warmup >/dev/null
    fi
    before=$(cpu_ticks)
    BENCH_RESULT="$OUT/raw/$page.json" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s \
        -s scripts/bench/replay.lua "http://127.0.0.1:$PORT" -- "$list" >/dev/null
    echo "$before $(cpu_ticks) $(getconf CLK_TCK)" >"$OUT/raw/$page.cpu"
    cat "$OUT/raw/$page.json"
done

# Resident memory of the workers (children of the gunicorn master), in kB.
ps -o rss= --ppid "$GUNICORN" | tr -s ' \n' ' ' >"$OUT/rss.txt"
stop
trap - EXIT

FLUSHED=$($PY manage.py flush_stats 2>&1 | tail -1)

# -- import --------------------------------------------------------------
IMPORT_N=${BENCH_IMPORT:-100000}
IMPORT_S=None
if [ "$IMPORT_N" -gt 0 ]; then
    say "import_vacancies: $IMPORT_N records into a copy of $DB"
    $PY scripts/bench/import_file.py "$IMPORT_N" "$OUT/import.jsonl"
    $PY -c "
import psycopg
with psycopg.connect('$PG/postgres', autocommit=True) as c:
    c.execute('DROP DATABASE IF EXISTS \"${DB}_import\"')
    c.execute('CREATE DATABASE \"${DB}_import\" TEMPLATE \"$DB\"')"
    started=$(date +%s.%N)
    DATABASE_URL="$PG/${DB}_import" $PY manage.py import_vacancies "$OUT/import.jsonl" --publish | tail -1
    IMPORT_S=$($PY -c "import time; print(round(time.time() - $started, 1))")
    $PY -c "
import psycopg
with psycopg.connect('$PG/postgres', autocommit=True) as c:
    c.execute('DROP DATABASE IF EXISTS \"${DB}_import\"')"
    rm -f "$OUT/import.jsonl"
fi
$PY -c "
import json, subprocess, datetime
json.dump({
    'vacancies': $VACANCIES, 'duration_s': $DURATION, 'warmup_s': $WARMUP,
    'connections': $CONNECTIONS, 'threads': $THREADS, 'workers': $WORKERS,
    'seed': $BENCH_SEED, 'load_s': $LOAD_S, 'flushed': '''$FLUSHED''',
    'import_records': $IMPORT_N, 'import_s': $IMPORT_S,
    'commit': subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip(),
    'started': datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC'),
    'tool': 'wrk ' + ' '.join(['-t$THREADS', '-c$CONNECTIONS', '-d${DURATION}s', '-s scripts/bench/replay.lua']),
}, open('$OUT/meta.json', 'w'), indent=2)"
say "Results ($OUT/results.json, $OUT/results.md)"
$PY scripts/bench/report.py "$OUT"
if [ "${BENCH_EXPLAIN:-1}" = 1 ]; then
    $PY scripts/bench/explain.py "$OUT" || echo "EXPLAIN step failed (see above)" >&2
fi
