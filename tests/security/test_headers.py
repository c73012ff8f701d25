"""The security headers Mozilla's HTTP Observatory looks for, on real pages."""

import re

import pytest
from django.test import Client

from tests.factories import VacancyFactory

pytestmark = pytest.mark.django_db


def csp_directives(response):
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("path", ["/", "/jobs/?q=pflege", "/beruf/erzieher/", "/diese-seite-gibt-es-nicht/"])
def test_security_headers_on_pages(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_every_script_carries_the_nonce_of_the_header(client):
    vacancy = VacancyFactory()
    response = client.get(vacancy.get_absolute_url())
    assert response.status_code == 200
    script_src = csp_directives(response)["script-src"]
    nonces = [value for value in script_src if value.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    # JSON-LD is a data block the browser never executes, so CSP leaves it be;
    # every executable script must carry the nonce.
    scripts = [
        tag for tag in re.findall(r"<script\b[^>]*>", response.text) if "application/ld+json" not in tag
    ]
    assert scripts, "the vacancy page loads the site script"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag
    # A fresh nonce per response.
    again = csp_directives(client.get(vacancy.get_absolute_url()))["script-src"]
    assert [v for v in again if v.startswith("'nonce-")] != nonces


def test_production_https_headers(settings):
    """What DEBUG-off production does (set in settings.py outside DEBUG and
    tests; the deploy-check test proves it with the real environment)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client = Client()
    plain = client.get("/jobs/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/jobs/"
    secure = client.get("/arbeitgeber/anmelden/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # Behind the proxy: X-Forwarded-Proto says the visitor used https.
    proxied = client.get("/jobs/", headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200
    assert "Strict-Transport-Security" in proxied
    csrf_cookie = secure.cookies["csrftoken"]
    assert csrf_cookie["secure"] is True
    assert csrf_cookie["httponly"] is True
    assert csrf_cookie["samesite"] == "Lax"


def test_session_cookie_is_httponly_and_secure_in_production(settings, world):
    settings.SESSION_COOKIE_SECURE = True
    client = Client()
    response = client.post(
        "/arbeitgeber/anmelden/",
        {"username": world.employer.email, "password": "geheim-Passwort-123"},
        secure=True,
    )
    assert response.status_code == 302, "the demo employer logs in"
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
