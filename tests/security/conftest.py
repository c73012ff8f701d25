"""Shared pieces of the security suite: every public URL of the project,
found by walking the URL resolver (so pages added later are attacked too),
and the small world of objects their path arguments point at."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import CareerProfileFactory, CompanyFactory, MembershipFactory, VacancyFactory

# Namespaces that are not public pages: the admin is for staff and has its
# own test-suite in Django; the language switch is a POST-only redirect that
# is attacked as a form (it sits in every page's footer).
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"set_language"}


@dataclass
class Route:
    name: str
    route: str
    kwargs: list = field(default_factory=list)

    @property
    def employer_area(self):
        return self.route.startswith("arbeitgeber/")


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in SKIPPED_NAMES:
            route = prefix + str(pattern.pattern)
            yield Route(
                name=namespace + pattern.name,
                route=route,
                kwargs=list(pattern.pattern.converters),
            )


def public_routes():
    return list(_walk(get_resolver().url_patterns))


@dataclass
class World:
    vacancy: object
    company: object
    profile: object
    employer: object
    own_vacancy: object

    def kwargs_for(self, route):
        values = {
            "occupation": "it-projektkoordinator",
            "city": "hagen",
            "section": "stellen",
            "token": "ungueltiges-token",
            "uidb64": "MQ",
        }
        if route.employer_area:
            values["pk"] = self.own_vacancy.pk
        else:
            values["pk"] = self.vacancy.pk
        if route.name.endswith("company_detail"):
            values["slug"] = self.company.slug
        else:
            values["slug"] = self.vacancy.slug
        missing = [name for name in route.kwargs if name not in values]
        assert not missing, f"the security suite does not know how to fill {missing} in {route.route}"
        return {name: values[name] for name in route.kwargs}

    def url_for(self, route):
        return reverse(route.name, kwargs=self.kwargs_for(route))


@pytest.fixture
def world(db):
    company = CompanyFactory(name="Stadtwerke Beispiel GmbH")
    vacancy = VacancyFactory(company=company)
    profile = CareerProfileFactory()
    membership = MembershipFactory()
    own_vacancy = VacancyFactory(company=membership.company, title="Eigene Stelle (m/w/d)")
    return World(
        vacancy=vacancy,
        company=company,
        profile=profile,
        employer=membership.user,
        own_vacancy=own_vacancy,
    )


@pytest.fixture
def employer_client(client, world):
    from django.test import Client

    logged_in = Client(raise_request_exception=True)
    logged_in.force_login(world.employer)
    return logged_in


class FormParser(HTMLParser):
    """Collects every <form> with its method, action and named fields."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "fields": {},
                    "enctype": attrs.get("enctype") or "",
                }
            )
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attrs.get("name")
        if tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""
        elif tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                fields.setdefault(name, None)
                return
            if kind == "file":
                fields.setdefault(name, None)
                return
            fields[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if "selected" in attrs or not fields.get(self._select):
                fields[self._select] = value

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea" and self._textarea and self.forms:
            # Django writes a newline after <textarea>, which browsers drop.
            fields = self.forms[-1]["fields"]
            fields[self._textarea] = fields[self._textarea].removeprefix("\n")
            self._textarea = None


def forms_in(html):
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def row_counts():
    """Rows per model of our apps: what a rejected request must not change."""
    counts = {}
    for label in ("listings", "profiles"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts


# What a payload must never look like in a response: live markup or a
# javascript: link the browser would follow.
UNESCAPED = [
    re.compile(r"<script>alert\(", re.I),
    re.compile(r"<img src=x onerror", re.I),
    re.compile(r"<svg onload", re.I),
    # Inside a real tag only: escaped text ("&lt;a href=…") is harmless.
    re.compile(r"<[a-z][^<>]*\b(?:href|src|action|formaction)\s*=\s*[\"']?\s*javascript:", re.I),
]


def unescaped_payload(text):
    for pattern in UNESCAPED:
        match = pattern.search(text)
        if match:
            return text[max(0, match.start() - 80) : match.end() + 80]
    return None
