"""The employer area under /arbeitgeber/. Views are thin: forms validate,
model methods and services change state, and nothing changes on GET."""

import copy
import datetime
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView

from jobsite.markdown import render_markdown
from listings.importer import import_vacancies
from listings.models import City, Vacancy, VacancyDailyStat
from listings.models.vacancies import berlin_today

from . import services
from .forms import (
    AcceptInviteForm,
    CompanyForm,
    EmailAuthenticationForm,
    ImportForm,
    InviteForm,
    QueuedPasswordResetForm,
    SignupForm,
    VacancyFilterForm,
    VacancyForm,
)
from .ratelimits import login_blocked, over_limit, ratelimited, record_login_failure, record_login_success

CHART_DAYS = 30
IDEMPOTENCY_TTL = 24 * 3600
# Fields copied when a vacancy is duplicated; dates and state start afresh.
DUPLICATED_FIELDS = [
    "title",
    "occupation",
    "remote",
    "contract",
    "salary_min",
    "salary_max",
    "salary_period",
    "description",
    "apply_url",
    "apply_email",
]


# -- accounts --------------------------------------------------------------------
@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
class SignupView(FormView):
    template_name = "listings/employer/signup.html"
    form_class = SignupForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("listings:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if over_limit(request, "employer-signup", rate="5/h"):
            return ratelimited(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = services.register_employer(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            company_name=form.cleaned_data["company_name"],
        )
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request,
            _(
                "Willkommen! Wir haben Ihnen eine E-Mail an %(email)s geschickt. Bitte bestätigen Sie "
                "Ihre Adresse; bis dahin können Sie Stellen als Entwurf anlegen."
            )
            % {"email": user.email},
        )
        return redirect("listings:dashboard")


class EmployerLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def _email(self):
        return (self.request.POST.get("username") or "").strip().lower()[:254]

    def post(self, request, *args, **kwargs):
        if login_blocked(request, self._email()):
            return ratelimited(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        record_login_failure(self.request, self._email())
        return super().form_invalid(form)

    def form_valid(self, form):
        record_login_success(self._email())
        return super().form_valid(form)


class EmployerLogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("listings:password_reset_done")

    def post(self, request, *args, **kwargs):
        if over_limit(request, "employer-password-reset", rate="5/h"):
            return ratelimited(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.extra_email_context = {"SITE_URL": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("listings:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("listings:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class VerifyEmailView(View):
    """GET shows a button, POST confirms: mail scanners that follow links
    must not confirm an address on their own."""

    template_name = "listings/employer/verify_email.html"

    def get(self, request, token):
        try:
            user = services.user_for_verification_token(token)
        except services.TokenError as error:
            return render(request, self.template_name, {"error": str(error)}, status=400)
        return render(request, self.template_name, {"target": user})

    def post(self, request, token):
        try:
            user = services.user_for_verification_token(token)
        except services.TokenError as error:
            return render(request, self.template_name, {"error": str(error)}, status=400)
        services.verify_email(user=user)
        messages.success(request, _("Danke! Ihre E-Mail-Adresse ist bestätigt."))
        if request.user.is_authenticated and request.user.pk == user.pk:
            return redirect("listings:dashboard")
        return redirect("listings:login")


class ResendVerificationView(LoginRequiredMixin, View):
    def post(self, request):
        if over_limit(request, "employer-resend-verification", rate="3/h", key="user"):
            return ratelimited(request)
        if request.user.email_verified_at is None:
            services.send_verification_mail(user=request.user)
            messages.success(request, _("Wir haben Ihnen den Bestätigungslink erneut geschickt."))
        return redirect("listings:dashboard")


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
class AcceptInviteView(View):
    template_name = "listings/employer/accept_invite.html"

    def _read(self, token):
        try:
            return services.read_invite_token(token), None
        except services.TokenError as error:
            return None, str(error)

    def get(self, request, token):
        invite, error = self._read(token)
        if error:
            return render(request, self.template_name, {"error": error}, status=400)
        company, email, _inviter = invite
        form = AcceptInviteForm(email=email)
        return render(request, self.template_name, {"form": form, "company": company, "email": email})

    def post(self, request, token):
        invite, error = self._read(token)
        if error:
            return render(request, self.template_name, {"error": error}, status=400)
        company, email, inviter = invite
        form = AcceptInviteForm(request.POST, email=email)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "company": company, "email": email})
        user = services.accept_invite(
            company=company, email=email, password=form.cleaned_data["password1"], inviter=inviter
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Willkommen bei %(company)s!") % {"company": company.name})
        return redirect("listings:dashboard")


# -- the employer's own area -------------------------------------------------------
@method_decorator(never_cache, name="dispatch")
class EmployerMixin(LoginRequiredMixin):
    """Logged in and member of a company; every lookup is scoped to it."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.company = request.user.company
        if self.company is None:
            # Staff and other accounts without a company: say why, not just 403.
            return render(request, "listings/employer/no_company.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_vacancy(self, pk):
        return get_object_or_404(
            Vacancy.objects.for_company(self.company).select_related("company", "city", "occupation"), pk=pk
        )

    @property
    def verified(self):
        return self.request.user.email_verified_at is not None


def views_chart(vacancy_filter, *, days=CHART_DAYS):
    """Daily views of the last `days` days as bar geometry for an inline SVG."""
    today = berlin_today()
    start = today - datetime.timedelta(days=days - 1)
    rows = (
        VacancyDailyStat.objects.filter(vacancy_filter, date__gte=start, date__lte=today)
        .values("date")
        .annotate(total=Sum("views"), clicks=Sum("apply_clicks"))
        .order_by("date")
    )
    by_day = {row["date"]: (row["total"] or 0, row["clicks"] or 0) for row in rows}
    values = [(start + datetime.timedelta(days=i)) for i in range(days)]
    peak = max([by_day.get(day, (0, 0))[0] for day in values] + [1])
    height, bar_width = 80, 10
    bars = []
    for i, day in enumerate(values):
        views, clicks = by_day.get(day, (0, 0))
        bar_height = round(views / peak * height, 1)
        bars.append(
            {
                "date": day,
                "views": views,
                "clicks": clicks,
                "x": i * bar_width,
                "y": height - bar_height,
                "height": bar_height,
                "width": bar_width - 2,
            }
        )
    return {
        "bars": bars,
        "peak": peak if any(b["views"] for b in bars) else 0,
        "total_views": sum(b["views"] for b in bars),
        "total_clicks": sum(b["clicks"] for b in bars),
        "width": days * bar_width,
        "height": height,
        "start": start,
        "end": today,
    }


class DashboardView(EmployerMixin, View):
    paginate_by = 25

    def get(self, request):
        form = VacancyFilterForm(request.GET or None)
        vacancies = (
            Vacancy.objects.for_company(self.company).select_related("city").order_by("-updated_at", "-id")
        )
        if form.is_valid():
            q = form.cleaned_data["q"].strip()
            if q:
                vacancies = vacancies.filter(
                    Q(title__icontains=q) | Q(external_id__iexact=q) | Q(city__name__icontains=q)
                )
            status = form.cleaned_data["status"]
            if status == Vacancy.Status.EXPIRED:
                vacancies = vacancies.ended()
            elif status == Vacancy.Status.PUBLISHED:
                vacancies = vacancies.live()
            elif status:
                vacancies = vacancies.filter(status=status)
        paginator = Paginator(vacancies, self.paginate_by)
        page = paginator.get_page(request.GET.get("page"))
        rows = [(vacancy, services.employer_status(vacancy)) for vacancy in page.object_list]
        querystring = request.GET.copy()
        querystring.pop("page", None)
        return render(
            request,
            "listings/employer/dashboard.html",
            {
                "company": self.company,
                "form": form,
                "page_obj": page,
                "rows": rows,
                "total": paginator.count,
                "chart": views_chart(Q(vacancy__company=self.company)),
                "verified": self.verified,
                "querystring": querystring.urlencode(),
                "Status": Vacancy.Status,
            },
        )


class CompanyEditView(EmployerMixin, View):
    template_name = "listings/employer/company_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": CompanyForm(instance=self.company)})

    def post(self, request):
        form = CompanyForm(request.POST, request.FILES, instance=self.company)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=200)
        form.save()
        messages.success(request, _("Das Unternehmensprofil ist gespeichert."))
        return redirect("listings:company_edit")


class InviteView(EmployerMixin, View):
    template_name = "listings/employer/invite.html"

    def get(self, request):
        return render(request, self.template_name, self._context(InviteForm()))

    def _context(self, form):
        members = self.company.memberships.select_related("user").order_by("user__email")
        return {"form": form, "members": members, "verified": self.verified}

    def post(self, request):
        if not self.verified:
            messages.error(request, _("Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse."))
            return redirect("listings:invite")
        if over_limit(request, "employer-invite", rate="20/h", key="user"):
            return ratelimited(request)
        form = InviteForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self._context(form))
        services.invite_colleague(
            company=self.company, email=form.cleaned_data["email"], invited_by=request.user
        )
        messages.success(
            request, _("Die Einladung an %(email)s ist unterwegs.") % {"email": form.cleaned_data["email"]}
        )
        return redirect("listings:invite")


# -- vacancies -------------------------------------------------------------------------
def city_suggestions():
    # Offered by the browser while typing; any other German place is still
    # accepted, the CityResolver decides.
    names = City.objects.order_by("-population").values_list("name", flat=True)[:400]
    return list(dict.fromkeys(names))


def _idempotency_key(user, token):
    return f"employer-vacancy-form:{user.pk}:{token}"


class VacancyCreateView(EmployerMixin, View):
    """Creates a draft. The form carries a one-time token: a second POST of
    the same form (double click, reload) leads to the draft of the first."""

    template_name = "listings/employer/vacancy_form.html"

    def get(self, request):
        initial = {"form_token": secrets.token_urlsafe(16)}
        source = None
        source_pk = request.GET.get("von")
        if source_pk:
            # isdigit() alone lets "²" through, which int() refuses.
            if not (source_pk.isascii() and source_pk.isdigit()):
                raise Http404
            source = self.get_vacancy(int(source_pk))
            initial.update({name: getattr(source, name) for name in DUPLICATED_FIELDS})
            initial["city_name"] = source.city.where_value
            initial["employment_types"] = source.employment_types
            initial["title"] = source.title
        form = VacancyForm(initial=initial, instance=Vacancy(company=self.company))
        return render(
            request,
            self.template_name,
            {"form": form, "source": source, "creating": True, "cities": city_suggestions()},
        )

    def post(self, request):
        form = VacancyForm(request.POST, instance=Vacancy(company=self.company))
        if not form.is_valid():
            return render(
                request, self.template_name, {"form": form, "creating": True, "cities": city_suggestions()}
            )
        token = form.cleaned_data.get("form_token") or ""
        if not token:
            # No token (an old or hand-made form): issue one and let the user send again.
            data = request.POST.copy()
            data["form_token"] = secrets.token_urlsafe(16)
            form = VacancyForm(data, instance=Vacancy(company=self.company))
            form.is_valid()
            messages.info(request, _("Bitte prüfen Sie Ihre Angaben und senden Sie das Formular erneut."))
            return render(
                request, self.template_name, {"form": form, "creating": True, "cities": city_suggestions()}
            )
        key = _idempotency_key(request.user, token[:64])
        if not cache.add(key, 0, IDEMPOTENCY_TTL):
            existing = cache.get(key)
            vacancy = (
                Vacancy.objects.for_company(self.company).filter(pk=existing).first() if existing else None
            )
            if vacancy is not None:
                return redirect("listings:vacancy_preview", pk=vacancy.pk)
            messages.info(request, _("Ihre Stelle wird bereits gespeichert."))
            return redirect("listings:dashboard")
        try:
            with transaction.atomic():
                vacancy = form.save(commit=False)
                vacancy.company = self.company
                vacancy.created_by = request.user
                vacancy.status = Vacancy.Status.DRAFT
                vacancy.save()
        except Exception:
            cache.delete(key)
            raise
        cache.set(key, vacancy.pk, IDEMPOTENCY_TTL)
        messages.success(request, _("Der Entwurf ist gespeichert. So wird Ihre Stelle aussehen:"))
        return redirect("listings:vacancy_preview", pk=vacancy.pk)


class VacancyEditView(EmployerMixin, View):
    template_name = "listings/employer/vacancy_form.html"

    def _vacancy(self, pk):
        vacancy = self.get_vacancy(pk)
        if not services.can_edit(vacancy):
            messages.error(self.request, _("Eine geschlossene Stelle kann nicht mehr bearbeitet werden."))
            return vacancy, redirect("listings:vacancy_preview", pk=vacancy.pk)
        return vacancy, None

    def get(self, request, pk):
        vacancy, response = self._vacancy(pk)
        if response:
            return response
        form = VacancyForm(instance=vacancy)
        return render(
            request, self.template_name, {"form": form, "vacancy": vacancy, "cities": city_suggestions()}
        )

    def post(self, request, pk):
        vacancy, response = self._vacancy(pk)
        if response:
            return response
        # Expired counts too: renewing puts it back online as it is, so its
        # changed content must be checked first.
        was_public = vacancy.status in (
            Vacancy.Status.PUBLISHED,
            Vacancy.Status.REVIEW,
            Vacancy.Status.EXPIRED,
        )
        form = VacancyForm(request.POST, instance=vacancy)
        if not form.is_valid():
            return render(
                request, self.template_name, {"form": form, "vacancy": vacancy, "cities": city_suggestions()}
            )
        with transaction.atomic():
            # Compare-and-increment under a row lock: if a colleague saved in
            # the meantime, this form is shown again with its input intact.
            stored = Vacancy.objects.select_for_update().only("version").get(pk=vacancy.pk).version
            if form.cleaned_data.get("base_version") != stored:
                form.add_error(
                    None,
                    _(
                        "Konflikt: Diese Stelle wurde inzwischen von jemand anderem geändert. "
                        "Ihre Eingaben sind unten erhalten; bitte prüfen Sie die aktuelle Fassung "
                        "und speichern Sie dann erneut."
                    ),
                )
                form.data = form.data.copy()
                form.data["base_version"] = stored
                return render(
                    request,
                    self.template_name,
                    {"form": form, "vacancy": vacancy, "cities": city_suggestions()},
                    status=409,
                )
            vacancy = form.save(commit=False)
            vacancy.version = stored + 1
            if was_public:
                # Changed content is checked again unless the company is trusted;
                # submit() decides which.
                vacancy.submit(by=request.user)
            else:
                vacancy.save()
        if vacancy.status == Vacancy.Status.REVIEW and was_public:
            messages.success(request, _("Ihre Änderungen sind gespeichert und werden geprüft."))
        else:
            messages.success(request, _("Ihre Änderungen sind gespeichert."))
        return redirect("listings:vacancy_preview", pk=vacancy.pk)


def as_published(vacancy):
    """A copy that looks live, so the vacancy page template renders it
    exactly as job seekers will see it once it is published."""
    shown = copy.copy(vacancy)
    shown.status = Vacancy.Status.PUBLISHED
    shown.published_at = vacancy.published_at or timezone.now()
    today = berlin_today()
    if shown.valid_through < today:
        shown.valid_through = today
    return shown


class VacancyPreviewView(EmployerMixin, View):
    def get(self, request, pk):
        vacancy = self.get_vacancy(pk)
        status = services.employer_status(vacancy)
        logo = vacancy.company.logo
        return render(
            request,
            "listings/employer/vacancy_preview.html",
            {
                "vacancy": as_published(vacancy),
                "status": status,
                "Status": Vacancy.Status,
                "description_html": render_markdown(vacancy.description),
                "logo_url": services.absolute_url(logo.url) if logo else "",
                "related": [],
                "can_submit": services.can_submit(vacancy),
                "can_edit": services.can_edit(vacancy),
                "can_close": services.can_close(vacancy),
                "can_renew": services.can_renew(vacancy),
                "verified": self.verified,
                "chart": views_chart(Q(vacancy=vacancy)),
                "preview": True,
            },
        )


class VacancySubmitView(EmployerMixin, View):
    def post(self, request, pk):
        vacancy = self.get_vacancy(pk)
        if not self.verified:
            messages.error(
                request,
                _("Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse, bevor Sie eine Stelle einreichen."),
            )
            return redirect("listings:vacancy_preview", pk=vacancy.pk)
        if not services.can_submit(vacancy):
            # A second click on "Einreichen" changes nothing.
            messages.info(request, _("Diese Stelle wurde bereits eingereicht."))
            return redirect("listings:vacancy_preview", pk=vacancy.pk)
        try:
            vacancy.full_clean(exclude=["slug"])
        except ValidationError:
            messages.error(request, _("Bitte vervollständigen Sie die Stelle, bevor Sie sie einreichen."))
            return redirect("listings:vacancy_edit", pk=vacancy.pk)
        vacancy.submit(by=request.user)
        if vacancy.status == Vacancy.Status.PUBLISHED:
            messages.success(request, _("Ihre Stelle ist jetzt online."))
        else:
            messages.success(
                request, _("Danke! Ihre Stelle ist jetzt in Prüfung. Wir melden uns per E-Mail.")
            )
        return redirect("listings:dashboard")


class _ConfirmActionView(EmployerMixin, View):
    """GET asks, POST acts: no state change on GET."""

    template_name = "listings/employer/vacancy_confirm.html"
    allowed = staticmethod(lambda vacancy: False)
    question = ""
    button = ""

    def get(self, request, pk):
        vacancy = self.get_vacancy(pk)
        if not self.allowed(vacancy):
            messages.error(request, _("Das ist für diese Stelle nicht möglich."))
            return redirect("listings:vacancy_preview", pk=vacancy.pk)
        return render(
            request,
            self.template_name,
            {"vacancy": vacancy, "question": self.question, "button": self.button},
        )

    def post(self, request, pk):
        vacancy = self.get_vacancy(pk)
        if not self.allowed(vacancy):
            messages.error(request, _("Das ist für diese Stelle nicht möglich."))
            return redirect("listings:vacancy_preview", pk=vacancy.pk)
        self.act(vacancy)
        return redirect("listings:dashboard")


class VacancyCloseView(_ConfirmActionView):
    allowed = staticmethod(services.can_close)

    @property
    def question(self):
        return _("Möchten Sie diese Stelle schließen? Sie verschwindet sofort aus der Suche.")

    @property
    def button(self):
        return _("Stelle schließen")

    def act(self, vacancy):
        vacancy.close(by=self.request.user)
        messages.success(
            self.request, _("Die Stelle „%(title)s“ ist geschlossen.") % {"title": vacancy.title}
        )


class VacancyRenewView(_ConfirmActionView):
    allowed = staticmethod(services.can_renew)

    @property
    def question(self):
        return _("Möchten Sie diese Stelle um 30 Tage verlängern?")

    @property
    def button(self):
        return _("Um 30 Tage verlängern")

    def act(self, vacancy):
        vacancy.renew(days=30, by=self.request.user)
        messages.success(
            self.request,
            _("Die Stelle ist jetzt bis %(date)s online.")
            % {"date": date_format(vacancy.valid_through, "SHORT_DATE_FORMAT")},
        )


class VacancyImportView(EmployerMixin, View):
    template_name = "listings/employer/import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ImportForm(), "verified": self.verified})

    def post(self, request):
        if not self.verified:
            messages.error(request, _("Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse."))
            return redirect("listings:vacancy_import")
        if over_limit(request, "employer-import", rate="30/h", key="user"):
            return ratelimited(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "verified": self.verified})
        report = import_vacancies(form.cleaned_data["file"], company=self.company)
        return render(
            request,
            self.template_name,
            {"form": ImportForm(), "report": report, "verified": self.verified},
        )
