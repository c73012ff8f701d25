"""EXPLAIN ANALYZE of the slowest search shapes: replays the most frequent
URLs of each search kind in the mix in-process, finds the slowest SQL
statement of each kind and writes its plan to var/bench/explain.txt."""

import collections
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobsite.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

KINDS = ["search_keyword", "search_keyword_place", "search_place", "search_filters", "search_deep"]
PER_KIND = int(os.environ.get("BENCH_EXPLAIN_URLS", "5"))


def main():
    bench_dir = Path(sys.argv[1])
    client = Client(HTTP_HOST="127.0.0.1")
    report = []
    for kind in KINDS:
        urls = (bench_dir / "urls" / f"{kind}.txt").read_text().split()
        # The most asked and as many from the tail: the slow shapes hide there.
        popular = [url for url, _ in collections.Counter(urls).most_common(PER_KIND)]
        tail = [url for url in dict.fromkeys(urls) if url not in popular][: PER_KIND * 4]
        slowest = (0, None, None, None)
        for url in popular + tail:
            client.get(url)  # warm PostgreSQL's buffers as the load run did
            # ...but measure the search itself, not its cached result.
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                status = client.get(url).status_code
                elapsed = time.perf_counter() - started
            worst = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
            if worst and elapsed > slowest[0]:
                slowest = (elapsed, url, worst, (status, len(captured.captured_queries)))
        elapsed, url, worst, (status, count) = slowest
        if url is None:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + worst["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        report.append(
            f"## {kind}: {url}\n"
            f"page {elapsed * 1000:.0f} ms, status {status}, {count} queries; slowest query "
            f"{float(worst['time']) * 1000:.0f} ms:\n\n{worst['sql']}\n\n{plan}\n"
        )
    text = "\n".join(report)
    (bench_dir / "explain.txt").write_text(text)
    print(f"EXPLAIN ANALYZE of the slowest search shapes: {bench_dir / 'explain.txt'}")
    for block in report:
        print(block.splitlines()[0] + " — " + block.splitlines()[1])


if __name__ == "__main__":
    main()
