"""The job seeker in a real browser: search, filter, paginate, vacancy,
apply link, career page, hubs, company page; at phone and desktop width,
with and without JavaScript, and by keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e


def assert_fits_width(page, viewport):
    # Nothing may force sideways scrolling on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{page.url} is {width}px wide at {viewport['width']}px"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_job_seeker_journey(new_page, axe, site_data, viewport):
    page = new_page(viewport)
    page.goto("/")
    expect(page).to_have_title("Jobs und Stellenangebote in Deutschland – jobsite")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    axe(page, "home")
    assert_fits_width(page, viewport)

    # Search from the home page.
    page.get_by_label("Was").fill("Projektkoordinator")
    page.get_by_label("Wo").fill("Hagen")
    page.get_by_role("button", name="Jobs finden").click()
    page.wait_for_url(re.compile(r"/jobs/\?.*q=Projektkoordinator"))
    total = page.locator("[data-total]")
    expect(total).to_contain_text("25 Jobs")
    expect(page.locator(".vacancy-list > li")).to_have_count(20)
    axe(page, "results")
    assert_fits_width(page, viewport)

    # A filter applies on change, the list is re-rendered in place.
    page.evaluate("window.__samePage = true")
    filters = page.locator(".filters")
    if viewport is PHONE:
        # On a phone the filters are folded behind a disclosure button.
        toggle = page.get_by_role("button", name="Filter")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(filters.get_by_label(re.compile(r"^Teilzeit"))).to_be_hidden()
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
    filters.get_by_label(re.compile(r"^Teilzeit")).check()
    expect(total).to_contain_text("5 Jobs")
    page.wait_for_url(re.compile(r"type=part_time"))
    assert page.evaluate("window.__samePage") is True  # no page load happened
    expect(filters.get_by_label(re.compile(r"^Teilzeit"))).to_be_checked()
    axe(page, "results with a filter")
    filters.get_by_label(re.compile(r"^Teilzeit")).uncheck()
    expect(total).to_contain_text("25 Jobs")

    # Pagination, in place as well.
    page.get_by_role("link", name="Weiter").click()
    expect(page.locator(".vacancy-list > li")).to_have_count(5)
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator(".pagination")).to_contain_text("Seite 2 von 2")

    # Back to page 1 with the browser, then open the newest vacancy.
    page.go_back()
    expect(page.locator(".vacancy-list > li")).to_have_count(20)
    page.get_by_role("link", name="IT-Projektkoordinator (m/w/d) Team 01").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("IT-Projektkoordinator (m/w/d) Team 01")
    expect(page.locator(".vacancy")).to_contain_text("3.500 € – 4.200 €")
    axe(page, "vacancy")
    assert_fits_width(page, viewport)

    # The apply link leads on to the employer's page (which is not fetched: no network in tests).
    with page.expect_request("https://bewerbung.example.org/0"):
        page.get_by_role("link", name="Jetzt bewerben").click()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("IT-Projektkoordinator (m/w/d) Team 01")

    # From the vacancy to the career page for the occupation in the city.
    page.get_by_role("link", name=re.compile("Beruf IT Projektkoordinator in Hagen")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "IT Projektkoordinator Jobs und Stellenangebote in Hagen"
    )
    expect(page.locator("body")).to_contain_text("2.800 €")
    axe(page, "career page")
    assert_fits_width(page, viewport)

    for path in ["/beruf/it-projektkoordinator/", "/jobs-in/hagen/", site_data["company"].get_absolute_url()]:
        response = page.goto(path)
        assert response.status == 200, path
        axe(page, path)
        assert_fits_width(page, viewport)

    page.goto("/impressum/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Impressum")
    axe(page, "Impressum")
    assert page.errors == []


def test_job_seeker_without_javascript(new_page, site_data):
    page = new_page(PHONE, javascript=False)
    page.goto("/jobs/?q=Projektkoordinator&where=Hagen")
    expect(page.locator("[data-total]")).to_contain_text("25 Jobs")
    # Without the script the filter form has its submit button.
    page.get_by_label(re.compile(r"^Teilzeit")).check()
    page.get_by_role("button", name="Filter anwenden").click()
    page.wait_for_url(re.compile(r"type=part_time"))
    expect(page.locator("[data-total]")).to_contain_text("5 Jobs")
    page.goto("/jobs/?q=Projektkoordinator&where=Hagen")
    page.get_by_role("link", name="Weiter").click()
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator(".vacancy-list > li")).to_have_count(5)
    page.locator(".vacancy-list a").first.click()
    expect(page.get_by_role("link", name="Jetzt bewerben")).to_be_visible()
    # The language switch is a plain form.
    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Wechseln").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_keyboard_only_search_and_filters(new_page, site_data):
    page = new_page(DESKTOP)
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).top") != "-64px"  # visible on focus
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    # Tab onward to the Was field, type, on to Wo, type, submit with Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_q":
            break
    expect(page.get_by_label("Was")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus must be visible"
    page.keyboard.type("Projektkoordinator")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wo")).to_be_focused()
    page.keyboard.type("Hagen")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/jobs/\?"))
    expect(page.locator("[data-total]")).to_contain_text("25 Jobs")

    # Reach the part-time filter by Tab alone and tick it with Space.
    part_time = page.locator(".filters").get_by_label(re.compile(r"^Teilzeit"))
    part_time_id = part_time.get_attribute("id")
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == part_time_id:
            break
    expect(part_time).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("[data-total]")).to_contain_text("5 Jobs")
    # After the in-place update the focus stays where the user was.
    assert page.evaluate("document.activeElement.id") == part_time_id
    expect(part_time).to_be_checked()

    # Tab further until a result link, open it with Enter.
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.vacancy-list') !== null"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("IT-Projektkoordinator")
    assert page.errors == []


def test_place_autocomplete_suggests_places(new_page, site_data):
    page = new_page(DESKTOP)
    page.goto("/")
    page.get_by_label("Wo").press_sequentially("Hag", delay=30)
    options = page.locator("#id_where-suggestions option")
    expect(options.first).to_have_attribute("value", re.compile("Hagen"))


def test_results_swapped_in_keep_the_place_autocomplete_and_live_filters(new_page, site_data):
    page = new_page(DESKTOP)
    page.goto("/jobs/?q=Projektkoordinator")
    form = page.locator("form.filter-form")
    expect(form).to_have_class(re.compile(r"\bis-live\b"))
    page.evaluate("window.__samePage = true")
    page.locator(".filters").get_by_label(re.compile(r"^Teilzeit")).check()
    page.wait_for_url(re.compile(r"type=part_time"))
    assert page.evaluate("window.__samePage") is True
    # The form came in new: still live (no "Filter anwenden" button) ...
    expect(page.locator("form.filter-form")).to_have_class(re.compile(r"\bis-live\b"))
    expect(page.get_by_role("button", name="Filter anwenden")).to_be_hidden()
    # ... and "Wo" still suggests places.
    page.locator("#id_where").press_sequentially("Hag", delay=30)
    expect(page.locator("#id_where-suggestions option").first).to_have_attribute("value", re.compile("Hagen"))
