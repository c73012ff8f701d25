"""SQL time of cold pages by the line of our code that ran each query,
in-process, on the bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jobsite_bench \\
        .venv/bin/python scripts/bench/query_times.py search 400

Replays URLs of var/bench/urls/<page type>.txt (written by `make bench`)
through Django's test client with production settings and a session
cookie, so that the page cache does not answer, after a warm-up of 100
other URLs and with the cache emptied, and prints per calling line the
queries and their wall time per page. Not a test: it finds which query
a page's database time goes to (and how a change moves it)."""

import collections
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.db import connection  # noqa: E402
from inprocess import ROOT, cold_pages  # noqa: E402 (importing it sets Django up)

spent = collections.defaultdict(lambda: [0, 0.0])


def _caller():
    """The innermost frame of our own code (not the virtualenv's)."""
    for frame in reversed(traceback.extract_stack()[:-3]):
        if frame.filename.startswith(str(ROOT)) and "/.venv/" not in frame.filename:
            return f"{Path(frame.filename).name}:{frame.name}:{frame.lineno}"
    return "?"


def _timed(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        entry = spent[_caller()]
        entry[0] += 1
        entry[1] += time.perf_counter() - started


def main(page_type="search", count=400):
    client, pages = cold_pages(page_type, count, seed=2)
    started = time.perf_counter()
    with connection.execute_wrapper(_timed):
        for url in pages:
            client.get(url)
    wall = (time.perf_counter() - started) / len(pages) * 1000
    print(f"{len(pages)} cold pages of {page_type}: {wall:.1f} ms wall per page; SQL by calling line:")
    for where, (queries, seconds) in sorted(spent.items(), key=lambda item: -item[1][1])[:20]:
        print(f"{seconds / len(pages) * 1000:7.2f} ms/page {queries / len(pages):6.2f} queries/page  {where}")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["search"]), *(int(n) for n in sys.argv[2:3]))
