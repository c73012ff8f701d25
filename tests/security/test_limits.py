"""Limits: rate limits on log-in, sign-up, password reset and alert
subscription (the attempt after the limit gets the 429 page), maximum
lengths, pagination depth, and the client address behind a proxy."""

import re

import pytest
from django.test import Client

from listings.models import JobAlert, User
from tests.factories import UserFactory, VacancyFactory

pytestmark = pytest.mark.django_db


def assert_429(response):
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "Zu viele Anfragen" in response.content.decode()


def test_sixth_failed_login_in_a_row_is_refused(client):
    user = UserFactory(email="chefin@example.org")
    for _ in range(5):
        response = client.post("/arbeitgeber/anmelden/", {"username": user.email, "password": "falsch"})
        assert response.status_code == 200
    # Now even the right password waits.
    assert_429(
        client.post("/arbeitgeber/anmelden/", {"username": user.email, "password": "geheim-Passwort-123"})
    )


def test_signup_is_rate_limited():
    statuses = []
    for i in range(6):
        # A fresh browser each time (a signed-up employer is logged in), same address.
        response = Client().post(
            "/arbeitgeber/registrieren/",
            {
                "email": f"neu{i}@example.org",
                "company_name": f"Firma {i}",
                "password1": "Sehr-geheim-2026!",
                "password2": "Sehr-geheim-2026!",
            },
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [302] * 5
    assert_429(response)
    assert User.objects.filter(email="neu5@example.org").count() == 0


def test_password_reset_is_rate_limited(client):
    for _ in range(5):
        assert client.post("/arbeitgeber/passwort-vergessen/", {"email": "x@example.org"}).status_code == 302
    assert_429(client.post("/arbeitgeber/passwort-vergessen/", {"email": "x@example.org"}))


def test_alert_subscription_is_rate_limited_per_address(client):
    for _ in range(5):
        response = client.post(
            "/jobalarm/", {"email": "leser@example.org", "frequency": "daily", "query": "q=koch"}
        )
        assert response.status_code == 302
    assert_429(
        client.post("/jobalarm/", {"email": "leser@example.org", "frequency": "daily", "query": "q=koch"})
    )
    assert JobAlert.objects.filter(email="leser@example.org").count() <= 1


def test_rate_limits_count_the_client_behind_the_proxy(settings):
    """With one trusted proxy, two visitors behind it have their own
    counters, and a forged X-Forwarded-For entry does not reset one's count."""
    settings.TRUSTED_PROXY_HOPS = 1
    first, second = Client(), Client()

    def reset(client, address, forged=""):
        header = f"{forged}, {address}" if forged else address
        return client.post(
            "/arbeitgeber/passwort-vergessen/",
            {"email": "x@example.org"},
            headers={"X-Forwarded-For": header},
        )

    for i in range(5):
        assert reset(first, "203.0.113.7", forged=f"10.0.0.{i}").status_code == 302
    assert_429(reset(first, "203.0.113.7", forged="10.9.9.9"))
    assert reset(second, "198.51.100.4").status_code == 302


def test_without_trusted_proxy_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    client = Client()
    for i in range(5):
        response = client.post(
            "/arbeitgeber/passwort-vergessen/",
            {"email": "x@example.org"},
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
        )
        assert response.status_code == 302
    assert_429(
        client.post(
            "/arbeitgeber/passwort-vergessen/",
            {"email": "x@example.org"},
            headers={"X-Forwarded-For": "203.0.113.99"},
        )
    )


def test_search_text_is_capped_and_deep_pages_end(client):
    VacancyFactory(title="Koch (m/w/d)")
    response = client.get("/jobs/", {"q": "koch " + "x" * 10_000})
    assert response.status_code == 200
    chip = re.search(r"Was: (koch x*)", response.content.decode())
    assert chip and len(chip.group(1)) == 200
    assert client.get("/jobs/", {"page": "51"}).status_code == 404
    assert client.get("/jobs/", {"page": "99999999999999999999"}).status_code == 404


def test_posting_form_refuses_overlong_title():
    from listings.employer.forms import VacancyForm

    form = VacancyForm(data={"title": "x" * 201})
    assert not form.is_valid()
    assert "title" in form.errors
