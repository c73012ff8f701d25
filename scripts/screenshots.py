"""Screenshots of the main pages at phone and desktop width, for review.

    make screenshots                       # own dev server on the default database
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8000

Without --base-url the script migrates the database named by DATABASE_URL
(default: the SQLite file under var/), loads the demo content when it is
empty, starts a dev server on a free port and stops it afterwards. It uses
Debian's Chromium (/usr/bin/chromium); no browser is downloaded.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
]
WIDTHS = {"390": (390, 844), "1280": (1280, 900)}
PAGES = {
    "home": "/",
    "results": "/jobs/?q=Projektkoordinator&where=Hagen&radius=50",
    "vacancy": None,  # found on the results page
    "career": "/beruf/it-projektkoordinator/hagen/",
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own local server)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"Server did not answer at {url} within {timeout}s")


def start_server():
    env = {**os.environ, "DEBUG": "1"}
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=env, cwd=BASE_DIR)  # noqa: S603 (our own manage.py)
    subprocess.run([*manage, "seed_demo", "--if-empty"], check=True, env=env, cwd=BASE_DIR)  # noqa: S603 (our own manage.py)
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for(base_url + "/healthz")
    except BaseException:
        server.terminate()
        raise
    return server, base_url


def first_vacancy_path(base_url):
    with urllib.request.urlopen(base_url + "/jobs/", timeout=10) as response:  # noqa: S310
        html = response.read().decode()
    match = re.search(r'href="(/jobs/\d+-[^"/]+/)"', html)
    if not match:
        raise SystemExit("No vacancy found on /jobs/; is the demo content loaded?")
    return match.group(1)


def shoot(base_url, out_dir):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    pages = dict(PAGES)
    pages["vacancy"] = first_vacancy_path(base_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for label, (width, height) in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height}, locale="de-DE")
                page = context.new_page()
                for name, path in pages.items():
                    response = page.goto(base_url + path, wait_until="load")
                    if response is None or response.status >= 400:
                        print(f"warning: {path} answered {response and response.status}", file=sys.stderr)
                    target = out_dir / f"{name}-{label}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                context.close()
        finally:
            browser.close()
    return written


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", help="use this running server instead of starting one")
    parser.add_argument("--out", default=str(BASE_DIR / "var" / "screenshots"))
    args = parser.parse_args()
    server = None
    base_url = args.base_url
    if not base_url:
        server, base_url = start_server()
    try:
        written = shoot(base_url.rstrip("/"), Path(args.out))
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)
    for path in written:
        print(path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path)


if __name__ == "__main__":
    main()
