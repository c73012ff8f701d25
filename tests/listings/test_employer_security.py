"""Attacks on the employer area: other companies' vacancies, mass
assignment, hostile Markdown and links, logo uploads, brute force, CSRF."""

import datetime
import io
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from listings.models import Company, Vacancy
from tests.factories import CompanyFactory, MembershipFactory, UserFactory, VacancyFactory
from tests.listings.test_employer import vacancy_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return MembershipFactory()


@pytest.fixture
def employer_client(client, member):
    client.force_login(member.user)
    return client


def snapshot(vacancy):
    vacancy.refresh_from_db()
    return {f.attname: getattr(vacancy, f.attname) for f in Vacancy._meta.concrete_fields}


@pytest.mark.parametrize(
    ("name", "get_status", "post_status"),
    [
        ("vacancy_edit", 404, 404),
        ("vacancy_close", 404, 404),
        ("vacancy_renew", 404, 404),
        # Views that answer only one method say 405 to the other, for anyone.
        ("vacancy_preview", 404, 405),
        ("vacancy_submit", 405, 404),
    ],
)
def test_other_companys_vacancy_is_404_and_unchanged(employer_client, name, get_status, post_status):
    foreign = VacancyFactory(valid_through=timezone.localdate() + datetime.timedelta(days=3))
    before = snapshot(foreign)
    url = reverse(f"listings:{name}", kwargs={"pk": foreign.pk})
    assert employer_client.get(url).status_code == get_status
    data = vacancy_data(employer_client, title="Übernommen")
    assert employer_client.post(url, data).status_code == post_status
    assert snapshot(foreign) == before


def test_other_companys_draft_cannot_be_submitted(employer_client):
    foreign = VacancyFactory(status=Vacancy.Status.DRAFT, published_at=None)
    assert (
        employer_client.post(reverse("listings:vacancy_submit", kwargs={"pk": foreign.pk})).status_code == 404
    )
    foreign.refresh_from_db()
    assert foreign.status == Vacancy.Status.DRAFT


def test_unknown_vacancy_is_404(employer_client):
    assert employer_client.get(reverse("listings:vacancy_edit", kwargs={"pk": 999999})).status_code == 404


def test_user_without_company_is_refused(client):
    client.force_login(UserFactory())
    response = client.get(reverse("listings:dashboard"))
    assert response.status_code == 403
    assert "gehört zu keinem Unternehmen" in response.text
    assert client.post(reverse("listings:vacancy_create"), {}).status_code == 403


def test_posted_extra_fields_are_ignored(employer_client, member):
    other = CompanyFactory()
    data = vacancy_data(
        employer_client,
        status="published",
        company=str(other.pk),
        view_count="99999",
        apply_count="555",
        is_trusted="on",
        published_at="2026-01-01T00:00:00Z",
        rejection_reason="egal",
        created_by="1",
        external_id="X-1",
    )
    employer_client.post(reverse("listings:vacancy_create"), data)
    vacancy = Vacancy.objects.get(title=data["title"])
    assert vacancy.company == member.company
    assert vacancy.status == Vacancy.Status.DRAFT
    assert (vacancy.view_count, vacancy.apply_count) == (0, 0)
    assert vacancy.published_at is None
    assert vacancy.rejection_reason == ""
    assert vacancy.external_id == ""
    assert vacancy.created_by == member.user
    assert not other.vacancies.exists()
    member.company.refresh_from_db()
    assert member.company.is_trusted is False
    # The same on edit.
    url = reverse("listings:vacancy_edit", kwargs={"pk": vacancy.pk})
    employer_client.post(url, {**data, "title": "Neuer Titel", "base_version": vacancy.version})
    vacancy.refresh_from_db()
    assert (vacancy.title, vacancy.status, vacancy.company) == (
        "Neuer Titel",
        Vacancy.Status.DRAFT,
        member.company,
    )


def test_hostile_markdown_is_sanitised_in_preview(employer_client, member):
    hostile = (
        "Hallo <script>alert('x')</script>\n\n"
        "[Klick](javascript:alert(1)) <img src=x onerror=alert(2)> "
        '<a href="https://example.org" onclick="alert(3)">ok</a>\n\n'
        "<iframe src='https://evil.example'></iframe><style>body{display:none}</style>"
    )
    employer_client.post(
        reverse("listings:vacancy_create"), vacancy_data(employer_client, description=hostile)
    )
    vacancy = Vacancy.objects.get(company=member.company)
    html = employer_client.get(reverse("listings:vacancy_preview", kwargs={"pk": vacancy.pk})).text
    section = html[html.index('id="description-heading"') :]
    section = section[: section.index("</section>")]
    for bad in ("<script", "javascript:", "<iframe", "<style", "<img"):
        assert bad not in section.lower()
    # Event handlers may survive only as escaped, visible text, never inside a tag.
    assert not re.search(r"<[^>]*\son\w+=", section)
    assert "Hallo" in section
    assert 'href="https://example.org"' in section


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<b>x</b>", "ftp://x.org/a"],
)
def test_bad_apply_url_refused_with_field_error(employer_client, member, url):
    response = employer_client.post(
        reverse("listings:vacancy_create"), vacancy_data(employer_client, apply_url=url)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["apply_url"]
    assert not Vacancy.objects.filter(company=member.company).exists()


def test_csrf_is_enforced(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    response = client.post(reverse("listings:vacancy_create"), {"title": "x"})
    assert response.status_code == 403
    assert client.post(reverse("listings:login"), {"username": "a@b.de", "password": "x"}).status_code == 403


# -- logos -------------------------------------------------------------------
def image_bytes(fmt, size=(64, 32), color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def post_logo(client, content, name, content_type):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(
        reverse("listings:company_edit"),
        {"name": "Logo Test GmbH", "website": "", "description": "", "logo": upload},
    )


@pytest.mark.parametrize(("fmt", "ext"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_good_logo_is_reencoded(employer_client, member, settings, tmp_path, fmt, ext):
    settings.MEDIA_ROOT = tmp_path
    response = post_logo(employer_client, image_bytes(fmt), f"Unser Logo.{ext}", f"image/{ext}")
    assert response.status_code == 302
    company = Company.objects.get(pk=member.company.pk)
    assert company.logo.name.startswith("logos/unser-logo")
    with Image.open(company.logo.path) as stored:
        assert stored.format == fmt
        assert stored.size == (64, 32)


def test_oversized_logo_refused(employer_client, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = image_bytes("PNG", size=(16, 16)) + b"\0" * (2 * 1024 * 1024 + 1)
    response = post_logo(employer_client, big, "gross.png", "image/png")
    assert response.status_code == 200
    assert "zu groß" in response.context["form"].errors["logo"][0]
    assert not Company.objects.get(pk=member.company.pk).logo


def test_svg_logo_refused(employer_client, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = post_logo(employer_client, svg, "logo.svg", "image/svg+xml")
    assert "SVG" in response.context["form"].errors["logo"][0]
    response = post_logo(employer_client, svg, "logo.png", "image/png")
    assert response.context["form"].errors["logo"]
    assert not Company.objects.get(pk=member.company.pk).logo


def png_with_text_chunk(payload):
    data = image_bytes("PNG")
    chunk_data = b"Comment\0" + payload
    chunk = struct.pack(">I", len(chunk_data)) + b"tEXt" + chunk_data
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + chunk_data) & 0xFFFFFFFF)
    return data[:33] + chunk + data[33:]


@pytest.mark.parametrize(
    "content",
    [
        image_bytes("PNG") + b"<html><script>alert(document.cookie)</script></html>",
        image_bytes("JPEG") + b"PK\x03\x04" + b"\0" * 40,
        png_with_text_chunk(b"<?php system($_GET['c']); ?>"),
        b"GIF89a" + b"\0" * 20 + b"<script>alert(1)</script>",
        b"<html><body>kein Bild</body></html>",
    ],
    ids=["png+html", "jpeg+zip", "php-in-png-chunk", "gif-script", "html"],
)
def test_polyglot_or_fake_logo_refused(employer_client, member, settings, tmp_path, content):
    settings.MEDIA_ROOT = tmp_path
    response = post_logo(employer_client, content, "logo.png", "image/png")
    assert response.status_code == 200
    assert response.context["form"].errors["logo"]
    assert not Company.objects.get(pk=member.company.pk).logo
    assert not list(tmp_path.rglob("*"))


# -- rate limits -------------------------------------------------------------
def test_sixth_failed_login_in_a_row_gets_429(client, member):
    url = reverse("listings:login")
    for attempt in range(5):
        response = client.post(
            url, {"username": member.user.email, "password": "falsch"}, REMOTE_ADDR=f"10.0.0.{attempt}"
        )
        assert response.status_code == 200
        assert "E-Mail-Adresse oder Passwort ist falsch." in response.text
    # Even the right password from a new address: the account is locked for now.
    response = client.post(
        url, {"username": member.user.email, "password": "geheim-Passwort-123"}, REMOTE_ADDR="10.0.0.99"
    )
    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.text
    assert "_auth_user_id" not in client.session


def test_successful_login_resets_the_failure_count(client, member):
    url = reverse("listings:login")
    for _ in range(4):
        client.post(url, {"username": member.user.email, "password": "falsch"})
    response = client.post(url, {"username": member.user.email, "password": "geheim-Passwort-123"})
    assert response.status_code == 302
    client.post(reverse("listings:logout"))
    for _ in range(5):
        assert client.post(url, {"username": member.user.email, "password": "falsch"}).status_code == 200
    assert client.post(url, {"username": member.user.email, "password": "falsch"}).status_code == 429


def test_one_address_trying_many_accounts_is_limited(client):
    url = reverse("listings:login")
    statuses = [
        client.post(url, {"username": f"opfer{n}@example.org", "password": "x"}).status_code
        for n in range(21)
    ]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429


def test_signup_and_password_reset_are_rate_limited(client):
    url = reverse("listings:signup")
    statuses = [
        client.post(url, {"email": f"neu{n}@example.org", "company_name": "", "password1": "x"}).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    url = reverse("listings:password_reset")
    statuses = [client.post(url, {"email": "wer@example.org"}).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
