"""Job alerts: subscribe with double opt-in, confirm, unsubscribe, manage,
and the digest. Views, commands and tasks call these functions; mails leave
only through tasks (listings.tasks), enqueued after the transaction commits.

Links in mails carry signed tokens (django.core.signing, one salt per
purpose): a confirmation link expires with the unconfirmed alert, an
unsubscribe link never expires (RFC 8058 clients may use it years later),
a manage link holds for MANAGE_MAX_AGE and every digest brings a fresh one."""

import dataclasses
import datetime
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jobsite.text import strip_control_chars
from listings.filters import filter_labels, params_from_querydict
from listings.models import Company, JobAlert, Occupation
from listings.search import PageOutOfRange, search
from listings.tasks import build_email, enqueue_email_on_commit

logger = logging.getLogger(__name__)

# Vacancies listed in one digest; the rest are behind the "see all" link.
DIGEST_LIMIT = 20
UNCONFIRMED_TTL = datetime.timedelta(days=7)
MANAGE_MAX_AGE = datetime.timedelta(days=90)
MAX_ALERTS_PER_ADDRESS = 20
# A vacancy joins a digest only once it has been online this long. Its
# published_at is set before its transaction commits (an import commits many
# at once, minutes later); were a younger vacancy mailed first, the alert's
# mark would pass the older one before it ever became visible.
SETTLE_TIME = datetime.timedelta(minutes=5)
QUERY_MAX_LENGTH = 1000
# Not part of what is searched: the page number and the results-only
# fragment request of the search page.
IGNORED_PARAMS = {"page", "partial", "csrfmiddlewaretoken"}

_CONFIRM_SALT = "listings.alerts.confirm"
_UNSUBSCRIBE_SALT = "listings.alerts.unsubscribe"
_MANAGE_SALT = "listings.alerts.manage"


# -- the saved search ------------------------------------------------------
def normalize_query(data):
    """GET parameters -> canonical query string: no paging, no empty values,
    keys and values sorted, so the same search is stored the same way."""
    items = []
    for key in sorted(data.keys()):
        if key in IGNORED_PARAMS:
            continue
        clean_key = strip_control_chars(key).strip()
        values = {strip_control_chars(value).strip() for value in data.getlist(key)}
        items.extend((clean_key, value) for value in sorted(values) if value)
    return urlencode(items)


def params_for(query):
    params, _errors = params_from_querydict(QueryDict(query))
    return params


def labelled(alerts):
    """`alerts`, each with `shown_label`: its name in the active language.
    The stored label is made once in German, for the admin; mails and
    pages work the name out again from the search, so that an English page
    does not say "Vollzeit, ab 3.000 € im Monat"."""
    searches = [(alert, params_for(alert.query)) for alert in alerts]
    # The names of the occupations and companies the alerts filter by, in
    # one query each, not one per alert.
    names = {}
    for name, model in (("occupation", Occupation), ("company", Company)):
        slugs = {getattr(params, name) for _alert, params in searches} - {""}
        if slugs:
            found = model.objects.filter(slug__in=slugs).values_list("slug", "name")
            names.update(((name, slug), label) for slug, label in found)
    for alert, params in searches:
        alert.shown_label = describe_search(params, names)
    return alerts


def describe_search(params, names=None):
    """A short name for a search, e.g. „Pflege“ in Hagen, Teilzeit. It quotes
    the keyword itself, so mails and pages show it as it is, without quotes
    of their own. Filters follow in the words of the search page's chips
    (Vollzeit, ab 3.000 € im Monat), so two alerts for „Pflege“ in Hagen
    with different filters do not read the same."""
    where = params.where
    if where and params.radius:
        where = _("%(place)s (+%(radius)s km)") % {"place": params.where, "radius": params.radius}
    if params.q and where:
        name = _("„%(q)s“ in %(where)s") % {"q": params.q, "where": where}
    elif params.q:
        name = _("„%(q)s“ in ganz Deutschland") % {"q": params.q}
    elif where:
        name = _("Alle Jobs in %(where)s") % {"where": where}
    else:
        name = ""
    filters = [label for _name, _value, label in filter_labels(params, names)]
    if not filters:
        return name or _("Alle neuen Jobs")
    return ", ".join([name, *filters] if name else filters)


def site_name(query):
    """The name of a saved search in the site's language, as mails give it."""
    with translation.override(settings.LANGUAGE_CODE):
        return describe_search(params_for(query))


def stored_label(query, name=None):
    """The name kept with an alert, for the admin's list (`name`: the
    site_name the caller has at hand)."""
    return (name or site_name(query))[: JobAlert._meta.get_field("label").max_length]


def normalize_email(email):
    return (email or "").strip().lower()


# -- signed links ----------------------------------------------------------
def absolute(path):
    return settings.SITE_URL + path


def confirm_url(alert):
    token = signing.dumps({"a": alert.token}, salt=_CONFIRM_SALT)
    return absolute(reverse("listings:alert_confirm", args=[token]))


def unsubscribe_url(alert=None, *, email=None):
    """One alert's unsubscribe link, or (email=…) one for every alert of an
    address, used in mails that are about the address, not one alert."""
    payload = {"a": alert.token} if alert is not None else {"e": normalize_email(email)}
    token = signing.dumps(payload, salt=_UNSUBSCRIBE_SALT)
    return absolute(reverse("listings:alert_unsubscribe", args=[token]))


def manage_url(email):
    token = signing.dumps({"e": normalize_email(email)}, salt=_MANAGE_SALT)
    return absolute(reverse("listings:alert_manage", args=[token]))


def alert_for_confirm_token(token):
    try:
        payload = signing.loads(token, salt=_CONFIRM_SALT, max_age=UNCONFIRMED_TTL)
    except signing.BadSignature:
        return None
    return JobAlert.objects.filter(token=payload.get("a", "")).first()


def unsubscribe_target(token):
    """The alerts an unsubscribe token covers as a queryset (possibly empty
    when they are gone already), or None for a forged token."""
    try:
        payload = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if "a" in payload:
        return JobAlert.objects.filter(token=payload["a"])
    if "e" in payload:
        return JobAlert.objects.filter(email=payload["e"])
    return None


def email_for_manage_token(token):
    """The address a manage link is for; None when forged or too old."""
    try:
        payload = signing.loads(token, salt=_MANAGE_SALT, max_age=MANAGE_MAX_AGE)
    except signing.BadSignature:
        return None
    return payload.get("e") or None


def unsubscribe_headers(url):
    # RFC 8058: mail clients offer one-click unsubscribe and POST
    # "List-Unsubscribe=One-Click" to the URL, without a browser.
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# -- mails -----------------------------------------------------------------
def _render_mail(name, context):
    context = {"SITE_URL": settings.SITE_URL, **context}
    return (
        render_to_string(f"email/alert_{name}.txt", context),
        render_to_string(f"email/alert_{name}.html", context),
    )


def _enqueue_mail(*, to, subject, name, context, unsubscribe):
    with translation.override(settings.LANGUAGE_CODE):
        context = {**context, "unsubscribe_url": unsubscribe, "manage_url": manage_url(to)}
        body, html = _render_mail(name, context)
        enqueue_email_on_commit(
            to=[to], subject=str(subject), body=body, html=html, headers=unsubscribe_headers(unsubscribe)
        )


# -- state changes ---------------------------------------------------------
def _locked_alert(email, query):
    return JobAlert.objects.select_for_update().filter(email=email, query=query).first()


@transaction.atomic
def subscribe(*, email, query, frequency):
    """Starts the double opt-in. Whatever the address already has, the caller
    shows the same page; only the mail differs (no enumeration)."""
    email = normalize_email(email)
    name = site_name(query)
    existing = _locked_alert(email, query)
    created = False
    if existing is None:
        if JobAlert.objects.filter(email=email).count() >= MAX_ALERTS_PER_ADDRESS:
            send_manage_link(email=email, too_many=True)
            return None
        try:
            with transaction.atomic():
                existing = JobAlert.objects.create(
                    email=email, query=query, frequency=frequency, label=stored_label(query, name)
                )
                created = True
        except IntegrityError:
            # A second request for the same search (a double click) created
            # it after our look: carry on with that one, which its commit
            # has made visible to us.
            existing = _locked_alert(email, query)
            if existing is None:  # and deleted again since: nothing to confirm
                return None
    if existing.confirmed_at is not None:
        with translation.override(settings.LANGUAGE_CODE):
            _enqueue_mail(
                to=email,
                subject=_("Diesen Jobalarm haben Sie bereits"),
                name="exists",
                context={"alert": existing, "label": name},
                unsubscribe=unsubscribe_url(existing),
            )
        return existing
    if not created:
        # A fresh confirmation link gets its full seven days before cleanup.
        existing.frequency = frequency
        existing.created_at = timezone.now()
        existing.save(update_fields=["frequency", "created_at"])
    with translation.override(settings.LANGUAGE_CODE):
        _enqueue_mail(
            to=email,
            subject=_("Bitte bestätigen Sie Ihren Jobalarm"),
            name="confirm",
            context={
                "alert": existing,
                "label": name,
                "confirm_url": confirm_url(existing),
            },
            unsubscribe=unsubscribe_url(existing),
        )
    return existing


@transaction.atomic
def confirm(*, alert):
    if alert.confirmed_at is None:
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at"])
    return alert


@transaction.atomic
def unsubscribe(*, alerts):
    """Deletes the alerts; returns how many there were."""
    count, _details = alerts.delete()
    return count


@transaction.atomic
def send_manage_link(*, email, too_many=False):
    """Mails the manage link, but only to an address that has alerts."""
    email = normalize_email(email)
    if not JobAlert.objects.filter(email=email).exists():
        return False
    with translation.override(settings.LANGUAGE_CODE):
        _enqueue_mail(
            to=email,
            subject=_("Ihre Jobalarme verwalten"),
            name="manage_link",
            context={"too_many": too_many, "max_alerts": MAX_ALERTS_PER_ADDRESS},
            unsubscribe=unsubscribe_url(email=email),
        )
    return True


@transaction.atomic
def delete_unconfirmed(*, older_than=UNCONFIRMED_TTL, dry_run=False):
    stale = JobAlert.objects.filter(confirmed_at__isnull=True, created_at__lt=timezone.now() - older_than)
    if dry_run:
        return stale.count()
    count, _details = stale.delete()
    return count


def due_alerts(frequency):
    """The alerts a run of send_job_alerts mails: confirmed, not paused."""
    return JobAlert.objects.filter(frequency=frequency, confirmed_at__isnull=False, paused=False)


# -- the digest ------------------------------------------------------------
def send_digest(alert_id):
    """Sends one alert the live matching vacancies published since its last
    digest; returns how many were listed (0: no mail).

    The mail is sent inside the transaction that moves the alert's mark, and
    the row is locked meanwhile, so two workers never send the same digest:
    if sending fails, the mark stays and the next attempt sends the same
    vacancies; if it succeeds, the mark is the newest listed vacancy's
    publication time, so nothing listed comes again and nothing newer is
    skipped."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        alert = (
            JobAlert.objects.select_for_update()
            .filter(pk=alert_id, confirmed_at__isnull=False, paused=False)
            .first()
        )
        if alert is None:
            return 0
        since = alert.last_sent_at or alert.confirmed_at
        params = dataclasses.replace(params_for(alert.query), sort="date")
        try:
            result = search(params, page=1, per_page=DIGEST_LIMIT, facets=False, since=since)
        except PageOutOfRange:
            return 0
        cutoff = timezone.now() - SETTLE_TIME
        settled = [v for v in result.vacancies if v.published_at <= cutoff]
        vacancies = sorted(settled, key=lambda v: (v.published_at, v.pk), reverse=True)
        if not vacancies:
            return 0
        # Too fresh ones wait for the next digest and are not counted here.
        total = max(result.total - (len(result.vacancies) - len(settled)), len(vacancies))
        unsubscribe = unsubscribe_url(alert)
        search_url = absolute(reverse("listings:vacancy_list")) + (f"?{alert.query}" if alert.query else "")
        # Worked out now, not the stored label: alerts made in the admin
        # have none, and older ones were named by rules since improved.
        label = describe_search(params)
        context = {
            "SITE_URL": settings.SITE_URL,
            "alert": alert,
            "label": label,
            "vacancies": vacancies,
            "total": total,
            "more": total - len(vacancies),
            "search_url": search_url,
            "unsubscribe_url": unsubscribe,
            "manage_url": manage_url(alert.email),
        }
        body, html = _render_mail("digest", context)
        subject = ngettext(
            "%(count)s neuer Job: %(label)s",
            "%(count)s neue Jobs: %(label)s",
            context["total"],
        ) % {"count": context["total"], "label": label}
        message = build_email(
            to=[alert.email], subject=subject, body=body, html=html, headers=unsubscribe_headers(unsubscribe)
        )
        message.send()
        JobAlert.objects.filter(pk=alert.pk).update(last_sent_at=vacancies[0].published_at)
        return len(vacancies)
