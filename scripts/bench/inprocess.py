"""Shared by the in-process measurements (template_times.py,
query_times.py): Django with production settings on the bench database,
and a client that replays cold pages of one of the bench's URL lists."""

import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobsite.settings")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ.update(
    DEBUG="0",
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="0",
    LOG_LEVEL="ERROR",
    RATELIMIT_ENABLE="0",
    TASKS_BACKEND="database",
)
os.environ.setdefault("SECRET_KEY", "in-process-measurement-only-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402


def cold_pages(page_type, count, *, seed):
    """(client, URLs): `count` distinct URLs of var/bench/urls/<page type>.txt
    (written by `make bench`), after the client has warmed the process up on
    100 others and the cache has been emptied. The client carries a session
    cookie, so the page cache never answers."""
    urls = (ROOT / "var" / "bench" / "urls" / f"{page_type}.txt").read_text().split()
    random.Random(seed).shuffle(urls)
    urls = list(dict.fromkeys(urls))[: 100 + count]
    client = Client()
    client.cookies["sessionid"] = "none"
    cache.clear()
    for url in urls[:100]:
        client.get(url)
    cache.clear()
    return client, urls[100:]
