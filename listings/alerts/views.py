"""Job alerts (/jobalarm/…) and the Merkliste (/merkliste/). Thin views over
listings.alerts.services; no state changes on GET."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from listings.alerts import services
from listings.alerts.forms import AlertSettingsForm, ManageRequestForm, SubscribeForm
from listings.alerts.merkliste import MERKLISTE_MAX, MERKLISTE_SESSION_KEY, saved_ids
from listings.models import JobAlert, Vacancy

# Per address: enough to retry a typo, too few to flood someone's inbox.
RATE_PER_ADDRESS = "5/h"
# Per client (IP address): a shared office network subscribes now and then.
RATE_PER_CLIENT = "30/h"


def _limited(request, *, group, email):
    """Counts this POST against the client and the address; True when either
    is over its rate."""
    over_client = is_ratelimited(
        request, group=f"{group}:client", key="ip", rate=RATE_PER_CLIENT, method="POST", increment=True
    )
    over_address = bool(email) and is_ratelimited(
        request,
        group=f"{group}:address",
        key=lambda _group, _request: email,
        rate=RATE_PER_ADDRESS,
        method="POST",
        increment=True,
    )
    return over_client or over_address


def _ratelimited_response(request):
    return import_string(settings.RATELIMIT_VIEW)(request, Ratelimited())


def _invalid_link(request):
    return render(request, "listings/alerts/invalid_link.html", status=404)


@method_decorator(never_cache, name="dispatch")
class SubscribeView(View):
    """ "Jobalarm für diese Suche": GET shows the form for the search in the
    query string, POST starts the double opt-in."""

    def get(self, request):
        query = services.normalize_query(request.GET)
        form = SubscribeForm(initial={"query": query})
        return self._render(request, form, query)

    def post(self, request):
        email = services.normalize_email(request.POST.get("email", ""))[:254]
        if _limited(request, group="alerts.subscribe", email=email):
            return _ratelimited_response(request)
        form = SubscribeForm(request.POST)
        if not form.is_valid():
            query = services.normalize_query(QueryDict(request.POST.get("query", "")[:4000]))
            return self._render(request, form, query, status=400)
        services.subscribe(
            email=form.cleaned_data["email"],
            query=form.cleaned_data["query"],
            frequency=form.cleaned_data["frequency"],
        )
        return redirect("listings:alert_subscribe_done")

    def _render(self, request, form, query, status=200):
        context = {
            "form": form,
            "search_label": services.describe_search(services.params_for(query)),
            "search_url": reverse("listings:vacancy_list") + (f"?{query}" if query else ""),
        }
        return render(request, "listings/alerts/subscribe.html", context, status=status)


def subscribe_done(request):
    return render(request, "listings/alerts/subscribe_done.html")


class ConfirmView(View):
    """The link in the confirmation mail. GET asks for a click on a button, so
    that link scanners of mail providers confirm nothing."""

    def get(self, request, token):
        alert = services.alert_for_confirm_token(token)
        if alert is None:
            return _invalid_link(request)
        services.labelled([alert])
        return render(request, "listings/alerts/confirm.html", {"alert": alert, "confirmed": False})

    def post(self, request, token):
        alert = services.alert_for_confirm_token(token)
        if alert is None:
            return _invalid_link(request)
        services.confirm(alert=alert)
        services.labelled([alert])
        context = {"alert": alert, "confirmed": True, "manage_url": services.manage_url(alert.email)}
        return render(request, "listings/alerts/confirm.html", context)


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """GET shows what would be cancelled; POST cancels. Without CSRF because
    mail clients POST here directly (RFC 8058 one-click); the signed token is
    what authorises the request."""

    def get(self, request, token):
        alerts = services.unsubscribe_target(token)
        if alerts is None:
            return _invalid_link(request)
        alerts = services.labelled(list(alerts))
        return render(request, "listings/alerts/unsubscribe.html", {"alerts": alerts, "done": False})

    def post(self, request, token):
        alerts = services.unsubscribe_target(token)
        if alerts is None:
            return _invalid_link(request)
        services.unsubscribe(alerts=alerts)
        return render(request, "listings/alerts/unsubscribe.html", {"alerts": [], "done": True})


@method_decorator(never_cache, name="dispatch")
class ManageRequestView(View):
    """Asks for a fresh manage link; answers the same for every address."""

    def get(self, request):
        return render(request, "listings/alerts/manage_request.html", {"form": ManageRequestForm()})

    def post(self, request):
        email = services.normalize_email(request.POST.get("email", ""))[:254]
        if _limited(request, group="alerts.manage", email=email):
            return _ratelimited_response(request)
        form = ManageRequestForm(request.POST)
        if not form.is_valid():
            return render(request, "listings/alerts/manage_request.html", {"form": form}, status=400)
        services.send_manage_link(email=form.cleaned_data["email"])
        return render(request, "listings/alerts/manage_request.html", {"form": None, "sent": True})


@method_decorator(never_cache, name="dispatch")
class ManageView(View):
    """Every alert of one address: frequency, pause, delete."""

    def get(self, request, token):
        email = services.email_for_manage_token(token)
        if email is None:
            return render(
                request,
                "listings/alerts/manage_request.html",
                {"form": ManageRequestForm(), "expired": True},
                status=404,
            )
        return self._render(request, email)

    def post(self, request, token):
        email = services.email_for_manage_token(token)
        if email is None:
            return _invalid_link(request)
        try:
            alert_id = int(request.POST.get("alert", ""))
        except ValueError:
            return self._render(request, email, status=400)
        alert = get_object_or_404(JobAlert, pk=alert_id, email=email)
        if request.POST.get("action") == "delete":
            services.unsubscribe(alerts=JobAlert.objects.filter(pk=alert.pk))
            messages.success(request, _("Der Jobalarm wurde gelöscht."))
            return redirect(request.path)
        form = AlertSettingsForm(request.POST, instance=alert, prefix=f"alert-{alert.pk}")
        if not form.is_valid():
            return self._render(request, email, invalid=form, status=400)
        form.save()
        messages.success(request, _("Ihre Änderungen wurden gespeichert."))
        return redirect(request.path)

    def _render(self, request, email, invalid=None, status=200):
        rows = []
        alerts = services.labelled(list(JobAlert.objects.filter(email=email).order_by("created_at", "pk")))
        for alert in alerts:
            form = invalid if invalid is not None and invalid.instance.pk == alert.pk else None
            form = form or AlertSettingsForm(instance=alert, prefix=f"alert-{alert.pk}")
            query = alert.query
            search_url = reverse("listings:vacancy_list") + (f"?{query}" if query else "")
            rows.append({"alert": alert, "form": form, "search_url": search_url})
        return render(request, "listings/alerts/manage.html", {"email": email, "rows": rows}, status=status)


# -- Merkliste ---------------------------------------------------------------
def merkliste(request):
    ids = saved_ids(request)
    found = Vacancy.objects.for_lists().in_bulk(ids)
    vacancies = [found[pk] for pk in ids if pk in found]
    if len(vacancies) != len(ids):
        # Deleted vacancies leave the list quietly.
        request.session[MERKLISTE_SESSION_KEY] = [v.pk for v in vacancies]
    return render(request, "listings/merkliste.html", {"vacancies": vacancies})


class MerklisteToggleView(View):
    """POST action=add|remove for one vacancy, then back to where the button
    was (or to the Merkliste)."""

    def post(self, request, pk):
        ids = saved_ids(request)
        action = request.POST.get("action")
        if action == "add":
            vacancy = get_object_or_404(Vacancy.objects.live(), pk=pk)
            if pk not in ids:
                ids = [pk, *ids][:MERKLISTE_MAX]
            messages.success(
                request, _("„%(title)s“ steht jetzt auf Ihrer Merkliste.") % {"title": vacancy.title}
            )
        elif action == "remove":
            if pk in ids:
                ids = [other for other in ids if other != pk]
            messages.success(request, _("Die Stelle wurde von Ihrer Merkliste entfernt."))
        else:
            raise BadRequest("unknown action")
        request.session[MERKLISTE_SESSION_KEY] = ids
        # Only a path on this site; redirect() would take a bare word for
        # the name of a view and fail on it.
        target = request.POST.get("next", "")
        if not target.startswith("/") or not url_has_allowed_host_and_scheme(
            target, {request.get_host()}, request.is_secure()
        ):
            target = reverse("listings:merkliste")
        return HttpResponseRedirect(target)
