"""CPU time per template of cold pages, in-process, on the bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jobsite_bench \\
        .venv/bin/python scripts/bench/template_times.py search 300

Replays the first URLs of var/bench/urls/<page type>.txt (written by
`make bench`) through Django's test client with production settings and a
session cookie, so that the page cache does not answer, and prints each
template's own CPU time per page (time in templates it includes is theirs).
The cache (Redis database 3 unless REDIS_URL says otherwise) is emptied
after a warm-up of 100 other URLs, so every page is rendered cold. Not a
test: it finds where a page's template time goes."""

import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.template import base  # noqa: E402
from inprocess import cold_pages  # noqa: E402 (importing it sets Django up)

own = collections.defaultdict(float)
renders = collections.Counter()
_stack = []
_render = base.Template._render


def _timed(self, context):
    started = time.process_time()
    _stack.append(0.0)
    try:
        return _render(self, context)
    finally:
        spent = time.process_time() - started
        children = _stack.pop()
        own[self.origin.template_name] += spent - children
        renders[self.origin.template_name] += 1
        if _stack:
            _stack[-1] += spent


def main(page_type="search", count=300):
    client, pages = cold_pages(page_type, count, seed=1)
    base.Template._render = _timed
    started = time.process_time()
    for url in pages:
        client.get(url)
    total = (time.process_time() - started) / len(pages) * 1000
    print(f"{len(pages)} cold pages of {page_type}: {total:.1f} ms CPU per page in all")
    for name, seconds in sorted(own.items(), key=lambda item: -item[1])[:12]:
        print(
            f"{name:48s} {seconds / len(pages) * 1000:6.2f} ms/page  {renders[name] / len(pages):5.1f} renders/page"
        )


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["search"]), *(int(n) for n in sys.argv[2:3]))
