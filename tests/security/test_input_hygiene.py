"""Input hygiene: control characters never get in, request bodies are
capped with a clear page, user text is escaped or sanitised wherever it is
shown (pages, feeds, JSON-LD, admin), and no mail header can be injected."""

import json
import re
from xml.dom import minidom

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory

from jobsite.middleware import RequestGuardMiddleware
from listings.models import User
from listings.tasks import send_email
from tests.factories import VacancyFactory
from tests.security.conftest import row_counts, unescaped_payload

pytestmark = pytest.mark.django_db


def through_guard(request):
    seen = {}

    def view(request):
        seen["GET"] = request.GET
        seen["POST"] = request.POST
        seen["FILES"] = request.FILES
        return HttpResponse("ok")

    response = RequestGuardMiddleware(view)(request)
    return response, seen


def test_guard_strips_control_characters_but_keeps_line_breaks():
    factory = RequestFactory()
    request = factory.post(
        "/x/?q=Pfle%00ge%1b&where=K%C3%B6ln",
        {
            "title": "Koch\x00 (m/w/d)\x7f",
            "description": "Zeile 1\r\nZeile 2\tmit Tab",
            "tag\x00": ["a\x1b", "b"],
        },
    )
    response, seen = through_guard(request)
    assert response.status_code == 200
    assert seen["GET"]["q"] == "Pflege"
    assert seen["GET"]["where"] == "Köln"
    assert seen["POST"]["title"] == "Koch (m/w/d)"
    assert seen["POST"]["description"] == "Zeile 1\r\nZeile 2\tmit Tab"
    assert seen["POST"].getlist("tag") == ["a", "b"]
    assert not seen["POST"]._mutable


def test_guard_leaves_uploads_alone_and_clean_requests_untouched():
    factory = RequestFactory()
    upload = SimpleUploadedFile("logo.png", b"\x00\x1b\x89PNG", "image/png")
    request = factory.post("/x/", {"name": "Firma\x00", "logo": upload})
    _response, seen = through_guard(request)
    assert seen["POST"]["name"] == "Firma"
    assert seen["FILES"]["logo"].read() == b"\x00\x1b\x89PNG"
    request = factory.get("/x/?q=pflege")
    original = request.GET
    _response, seen = through_guard(request)
    assert seen["GET"] is original


def test_body_over_the_cap_gets_the_413_page_unread(client, settings):
    settings.REQUEST_MAX_BODY_SIZE = 1000
    before = row_counts()
    response = client.post(
        "/arbeitgeber/registrieren/",
        {"email": "neu@example.org", "company_name": "x" * 2000},
    )
    assert response.status_code == 413
    assert "Anfrage zu groß" in response.text
    assert "höchstens 1000" in response.text
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert row_counts() == before


def test_lying_content_length_is_refused_before_reading(client):
    response = client.generic(
        "POST",
        "/jobalarm/",
        b"email=a%40example.org",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413


def test_form_fields_over_djangos_memory_cap_get_413_too(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/arbeitgeber/anmelden/", {"username": "a@example.org", "password": "p" * 5000})
    assert response.status_code == 413
    assert "Anfrage zu groß" in response.text


def test_too_many_fields_is_a_clear_400(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post("/arbeitgeber/anmelden/", {f"f{i}": "x" for i in range(50)})
    assert response.status_code == 400
    assert "<h1>" in response.text


def test_mail_subject_cannot_inject_headers(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    send_email.enqueue(
        to=["bewerber@example.org"],
        subject="Ihre Stelle\r\nBcc: boese@example.org\r\n\r\nNeuer Text",
        body="Hallo",
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Ihre Stelle Bcc: boese@example.org Neuer Text"
    assert message.recipients() == ["bewerber@example.org"]
    raw = message.message().as_string()
    assert not re.search(r"^Bcc:", raw, re.M)
    assert "boese@example.org" not in message.bcc


def test_mail_recipient_cannot_inject_headers(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    try:
        send_email.enqueue(to=["a@example.org\r\nBcc: boese@example.org"], subject="Hallo", body="x")
    except Exception:  # refused outright: just as good
        assert not mail.outbox
        return
    for message in mail.outbox:
        assert "boese@example.org" not in message.recipients()
        assert not re.search(r"^Bcc:", message.message().as_string(), re.M)


HOSTILE_TITLE = "Koch</script><script>alert(1)</script> \x0b\x1b (m/w/d)"
HOSTILE_MARKDOWN = (
    "## Aufgaben\n\n<script>alert(1)</script>\n\n[Klick](javascript:alert(1))\n\n"
    '<img src=x onerror=alert(1)>\n\n<a href="javascript:alert(1)">x</a>'
)


@pytest.fixture
def hostile_vacancy(db):
    # Straight into the database, as a careless import or an old row would.
    return VacancyFactory(title=HOSTILE_TITLE, description=HOSTILE_MARKDOWN)


def test_vacancy_page_escapes_title_and_sanitises_markdown(client, hostile_vacancy):
    response = client.get(hostile_vacancy.get_absolute_url(), follow=True)
    assert response.status_code == 200
    html = response.text
    assert unescaped_payload(html) is None
    assert "</script><script>alert(1)" not in html
    assert "Aufgaben</h2>" in html
    for block in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S):
        data = json.loads(block)
        assert data["title"].startswith("Koch")


@pytest.mark.parametrize("path", ["/jobs/feed/rss/", "/jobs/feed/atom/"])
def test_feeds_survive_control_characters_and_markup(client, hostile_vacancy, path):
    response = client.get(path)
    assert response.status_code == 200
    document = minidom.parseString(response.content)
    text = response.content.decode()
    assert "<script>alert" not in text
    assert "\x0b" not in text and "\x1b" not in text
    assert document.documentElement is not None


def test_admin_escapes_user_text(admin_client, hostile_vacancy):
    response = admin_client.get("/admin/listings/vacancy/")
    assert response.status_code == 200
    assert unescaped_payload(response.text) is None
    response = admin_client.get(f"/admin/listings/vacancy/{hostile_vacancy.pk}/change/")
    assert response.status_code == 200
    assert unescaped_payload(response.text) is None


def test_signup_stores_no_control_characters(client, settings):
    settings.RATELIMIT_ENABLE = False
    page = client.get("/arbeitgeber/registrieren/")
    assert page.status_code == 200
    client.post(
        "/arbeitgeber/registrieren/",
        {
            "email": "neu\x00@example.org",
            "company_name": "Bäckerei\x1b Müller\x00",
            "password1": "Sehr-geheim-2026!",
            "password2": "Sehr-geheim-2026!",
        },
    )
    for user in User.objects.all():
        assert "\x00" not in user.email
