"""The Merkliste: starred vacancies kept in the session, no account."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from listings.models import Vacancy
from tests.factories import VacancyFactory

pytestmark = pytest.mark.django_db

STARRED = '<span aria-hidden="true">★</span> Gemerkt'
UNSTARRED = '<span aria-hidden="true">☆</span> Merken'


def listing(response):
    """The page below its heading (flash messages stand above it)."""
    return response.content.decode().split("<h1>Merkliste</h1>", 1)[1]


def toggle(client, vacancy, action, **extra):
    return client.post(reverse("listings:merkliste_toggle", args=[vacancy.pk]), {"action": action, **extra})


def test_add_list_and_remove(client):
    first = VacancyFactory(title="Erzieher (m/w/d) Kita Sonnenschein")
    second = VacancyFactory(title="Berufskraftfahrer (m/w/d) Nahverkehr")

    response = toggle(client, first, "add", next="/jobs/?q=Erzieher")
    assert response.status_code == 302
    assert response["Location"] == "/jobs/?q=Erzieher"
    toggle(client, second, "add")
    toggle(client, second, "add")  # twice is once
    assert client.session["merkliste"] == [second.pk, first.pk]

    page = client.get(reverse("listings:merkliste"))
    assert page.status_code == 200
    html = listing(page)
    assert html.index("Berufskraftfahrer (m/w/d) Nahverkehr") < html.index(
        "Erzieher (m/w/d) Kita Sonnenschein"
    )
    assert "Diese Stelle ist nicht mehr verfügbar." not in html
    assert html.count(STARRED) == 2

    response = toggle(client, first, "remove")
    assert response["Location"] == reverse("listings:merkliste")
    assert client.session["merkliste"] == [second.pk]
    html = listing(client.get(reverse("listings:merkliste")))
    assert "Erzieher (m/w/d) Kita Sonnenschein" not in html


def test_expired_and_deleted_vacancies(client):
    kept = VacancyFactory(title="Pflegefachkraft (m/w/d)")
    expiring = VacancyFactory(title="Koch (m/w/d) Hotel am See")
    gone = VacancyFactory(title="Gelöschte Stelle")
    for vacancy in (kept, expiring, gone):
        toggle(client, vacancy, "add")
    Vacancy.objects.filter(pk=expiring.pk).update(
        valid_through=timezone.localdate() - datetime.timedelta(days=1)
    )
    gone.delete()

    html = listing(client.get(reverse("listings:merkliste")))
    assert "Koch (m/w/d) Hotel am See" in html
    assert html.count("Diese Stelle ist nicht mehr verfügbar.") == 1
    assert html.index("Koch (m/w/d) Hotel am See") < html.index("Diese Stelle ist nicht mehr verfügbar.")
    assert "Gelöschte Stelle" not in html
    assert client.session["merkliste"] == [expiring.pk, kept.pk]
    # An expired vacancy can still be removed, but not added again.
    assert toggle(client, expiring, "remove").status_code == 302
    assert toggle(client, expiring, "add").status_code == 404
    assert client.session["merkliste"] == [kept.pk]


def test_list_page_query_count(client, django_assert_max_num_queries):
    vacancies = VacancyFactory.create_batch(5)
    for vacancy in vacancies:
        toggle(client, vacancy, "add")
    # Session, then one query for all vacancies with company and city.
    with django_assert_max_num_queries(2):
        page = client.get(reverse("listings:merkliste"))
    assert page.content.decode().count(STARRED) == 5


def test_bad_requests(client):
    vacancy = VacancyFactory()
    assert client.get(reverse("listings:merkliste_toggle", args=[vacancy.pk])).status_code == 405
    assert toggle(client, vacancy, "steal").status_code == 400
    assert (
        client.post(reverse("listings:merkliste_toggle", args=[999999]), {"action": "add"}).status_code == 404
    )
    # No open redirect through "next".
    response = toggle(client, vacancy, "add", next="https://evil.example/")
    assert response["Location"] == reverse("listings:merkliste")
    # A bare word is no view's name either (it was a 500).
    for target in ("Pflegekraft", "//evil.example/", "jobs/"):
        response = toggle(client, vacancy, "add", next=target)
        assert (response.status_code, response["Location"]) == (302, reverse("listings:merkliste"))


def test_star_needs_the_csrf_token():
    vacancy = VacancyFactory()
    strict = Client(enforce_csrf_checks=True)
    assert toggle(strict, vacancy, "add").status_code == 403


def test_empty_list(client):
    html = client.get(reverse("listings:merkliste")).content.decode()
    assert "Ihre Merkliste ist leer." in html


def render_tag(tag, request, **context):
    from django.template import Context, Template

    return Template("{% load merkliste %}" + tag).render(Context({"request": request, **context}))


def test_star_button(rf):
    vacancy = VacancyFactory(title="Elektriker (m/w/d)")
    request = rf.get("/jobs/")
    from django.contrib.sessions.backends.cache import SessionStore

    request.session = SessionStore()
    html = render_tag("{% star_button vacancy %}", request, vacancy=vacancy)
    assert f'<form method="post" action="/merkliste/{vacancy.pk}/" class="star-form">' in html
    assert 'name="action" value="add"' in html
    assert 'name="next" value="/jobs/"' in html
    assert UNSTARRED in html
    assert "„Elektriker (m/w/d)“ auf die Merkliste setzen" in html
    assert 'name="csrfmiddlewaretoken"' in html
    request = rf.get("/jobs/")
    request.session = SessionStore()
    request.session["merkliste"] = [vacancy.pk]
    html = render_tag("{% star_button vacancy %}", request, vacancy=vacancy)
    assert 'name="action" value="remove"' in html
    assert STARRED in html
    assert "„Elektriker (m/w/d)“ von der Merkliste entfernen" in html


def test_detached_star_button_for_use_inside_another_form(rf):
    # An id of four digits: the German thousands separator must not get
    # into ids ("merkliste-1.236" would tie the button to no form).
    vacancy = VacancyFactory(pk=1236, title="Elektriker <m/w/d>")
    request = rf.get("/jobs/?q=Elektriker")
    from django.contrib.sessions.backends.cache import SessionStore

    request.session = SessionStore()
    button = render_tag("{% star_button vacancy detached=True %}", request, vacancy=vacancy)
    assert "<form" not in button
    assert f'form="merkliste-{vacancy.pk}"' in button
    assert "„Elektriker &lt;m/w/d&gt;“ auf die Merkliste setzen" in button
    forms = render_tag("{% star_forms vacancies %}", request, vacancies=[vacancy])
    assert f'id="merkliste-{vacancy.pk}"' in forms
    assert f'action="/merkliste/{vacancy.pk}/"' in forms
    assert 'name="action" value="add"' in forms
    assert 'name="next" value="/jobs/?q=Elektriker#stelle-1236"' in forms
    forms = render_tag("{% star_forms vacancies back %}", request, vacancies=[vacancy], back="/jobs/?q=a&b=c")
    assert 'name="next" value="/jobs/?q=a&amp;b=c#stelle-1236"' in forms


def test_a_vacancy_page_can_be_starred_and_unstarred(client):
    vacancy = VacancyFactory(title="Erzieher (m/w/d) Kita Sonnenschein")
    url = vacancy.get_absolute_url()
    action = f'action="/merkliste/{vacancy.pk}/"'
    # A first visitor (no session: the page may come from the page cache).
    html = client.get(url).content.decode()
    assert action in html
    assert 'name="action" value="add"' in html and UNSTARRED in html
    assert client.get(url).content.decode().count(action) == 1  # the cached answer too

    response = toggle(client, vacancy, "add", next=url)
    assert response["Location"] == url
    html = client.get(url).content.decode()
    assert 'name="action" value="remove"' in html and STARRED in html
    assert vacancy.title in listing(client.get(reverse("listings:merkliste")))

    toggle(client, vacancy, "remove", next=url)
    html = client.get(url).content.decode()
    assert 'name="action" value="add"' in html and UNSTARRED in html


def test_search_results_can_be_starred_without_nesting_forms(client):
    import re

    first = VacancyFactory(title="Elektriker (m/w/d) Netzbetrieb")
    second = VacancyFactory(title="Elektriker (m/w/d) Gebäudetechnik")
    url = "/jobs/?q=Elektriker"
    html = client.get(url).content.decode()
    # Each card carries a button that submits a form of its own, and every
    # such form stands outside the filter form.
    filter_form = html.split('<form class="filter-form"', 1)[1].split("</form>", 1)[0]
    for vacancy in (first, second):
        assert f'form="merkliste-{vacancy.pk}">{UNSTARRED}' in filter_form
        assert f'id="merkliste-{vacancy.pk}"' not in filter_form
        assert (
            f'<form method="post" action="/merkliste/{vacancy.pk}/" id="merkliste-{vacancy.pk}" hidden>'
            in html
        )
    # A click comes back to the card itself, not to the top of the page.
    assert sorted(re.findall(r'name="next" value="([^"]*)"', html)) == sorted(
        f"/jobs/?q=Elektriker#stelle-{vacancy.pk}" for vacancy in (first, second)
    )
    for vacancy in (first, second):
        assert f'<li class="card-with-star" id="stelle-{vacancy.pk}">' in html

    response = toggle(client, second, "add", next=f"{url}#stelle-{second.pk}")
    assert response["Location"] == f"{url}#stelle-{second.pk}"
    html = client.get(url).content.decode()
    assert f'form="merkliste-{second.pk}">{STARRED}' in html
    assert f'form="merkliste-{first.pk}">{UNSTARRED}' in html
    form = html.split(f'id="merkliste-{second.pk}"', 1)[1].split("</form>", 1)[0]
    assert 'name="action" value="remove"' in form
    assert second.title in listing(client.get(reverse("listings:merkliste")))


def test_swapped_in_results_star_back_to_the_whole_page(client):
    VacancyFactory(title="Elektriker (m/w/d) Netzbetrieb")
    html = client.get("/jobs/?q=Elektriker&type=full&partial=results").content.decode()
    assert "<h1>" not in html  # the partial, not the page
    vacancy = Vacancy.objects.get()
    assert f'name="next" value="/jobs/?q=Elektriker&amp;type=full#stelle-{vacancy.pk}"' in html
