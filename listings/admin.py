from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jobsite.locking import OptimisticLockAdminMixin, OptimisticLockFormMixin
from listings.alerts import services as alert_services
from listings.models import (
    City,
    Company,
    EmployerMembership,
    JobAlert,
    Occupation,
    User,
    Vacancy,
    VacancyDailyStat,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "email_verified_at", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["name", "email_verified_at"]}),
        (
            _("Rechte"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Daten"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_female", "name_male", "category", "slug"]
    list_filter = ["category"]
    search_fields = ["name", "name_female", "name_male", "synonyms"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "population", "slug", "latitude", "longitude"]
    list_filter = ["state"]
    search_fields = ["name", "aliases", "slug"]
    readonly_fields = ["name_key"]


class MembershipInline(admin.TabularInline):
    model = EmployerMembership
    fk_name = "company"
    extra = 0
    autocomplete_fields = ["user", "invited_by"]


def _count_vacancies(outer, status=None):
    # Correlated subqueries are computed only for the rows on the page, not
    # for every vacancy in the table as a join with GROUP BY would be.
    vacancies = Vacancy.objects.filter(company=OuterRef(outer))
    if status:
        vacancies = vacancies.filter(status=status)
    counted = vacancies.order_by().values("company").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _history_counts():
    return {
        "n_published": _count_vacancies("pk", Vacancy.Status.PUBLISHED),
        "n_review": _count_vacancies("pk", Vacancy.Status.REVIEW),
        "n_rejected": _count_vacancies("pk", Vacancy.Status.REJECTED),
        "n_total": _count_vacancies("pk"),
    }


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "is_trusted", "history", "website", "created_at"]
    list_filter = ["is_trusted"]
    list_editable = ["is_trusted"]
    search_fields = ["name", "slug", "website", "memberships__user__email"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["city"]
    inlines = [MembershipInline]
    readonly_fields = ["history_detail"]
    actions = ["mark_trusted", "mark_untrusted"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**_history_counts())

    @admin.display(description=_("Stellen (veröffentlicht / in Prüfung / abgelehnt / gesamt)"))
    def history(self, company):
        return f"{company.n_published} / {company.n_review} / {company.n_rejected} / {company.n_total}"

    @admin.display(description=_("Verlauf"))
    def history_detail(self, company):
        if not company.pk:
            return "–"
        recent = company.vacancies.order_by("-created_at")[:10]
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> – {} ({})</li>',
            (
                (
                    reverse("admin:listings_vacancy_change", args=[v.pk]),
                    v.title,
                    v.get_status_display(),
                    v.rejection_reason or date_format(v.created_at, "SHORT_DATE_FORMAT"),
                )
                for v in recent
            ),
        )
        link = reverse("admin:listings_vacancy_changelist") + f"?company__id__exact={company.pk}"
        return format_html(
            '<p>{}</p><ul>{}</ul><p><a href="{}">{}</a></p>',
            self.history(company) if hasattr(company, "n_total") else "",
            items,
            link,
            _("Alle Stellen dieses Unternehmens"),
        )

    @admin.action(description=_("Als vertrauenswürdig markieren (ohne Prüfung)"), permissions=["change"])
    def mark_trusted(self, request, queryset):
        count = queryset.update(is_trusted=True)
        self.message_user(
            request, ngettext("%d Unternehmen markiert.", "%d Unternehmen markiert.", count) % count
        )

    @admin.action(description=_("Vertrauensstatus entziehen"), permissions=["change"])
    def mark_untrusted(self, request, queryset):
        count = queryset.update(is_trusted=False)
        self.message_user(
            request, ngettext("%d Unternehmen geändert.", "%d Unternehmen geändert.", count) % count
        )


class LiveFilter(admin.SimpleListFilter):
    title = _("sichtbar")
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return [("yes", _("live")), ("no", _("nicht live"))]

    def queryset(self, request, queryset):
        live_ids = Vacancy.objects.live().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=live_ids)
        if self.value() == "no":
            return queryset.exclude(pk__in=live_ids)
        return queryset


class ModerationQueueFilter(admin.SimpleListFilter):
    """The moderation queue: vacancies waiting for review, oldest first."""

    title = _("Moderation")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("review", _("Warteschlange (in Prüfung)"))]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(status=Vacancy.Status.REVIEW)
        return queryset


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung für den Arbeitgeber"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
        max_length=2000,
        help_text=_("Der Arbeitgeber erhält sie per E-Mail und sieht sie in seiner Übersicht."),
    )


class VacancyAdminForm(OptimisticLockFormMixin, forms.ModelForm):
    conflict_subject = _("Diese Stelle")

    class Meta:
        model = Vacancy
        # The admin passes its own field list; this is the editable base.
        fields = [
            "title",
            "company",
            "occupation",
            "city",
            "remote",
            *Vacancy.EMPLOYMENT_TYPES,
            "contract",
            "salary_min",
            "salary_max",
            "salary_currency",
            "salary_period",
            "description",
            "apply_url",
            "apply_email",
            "date_posted",
            "valid_through",
            "external_id",
        ]


@admin.register(Vacancy)
class VacancyAdmin(OptimisticLockAdminMixin, admin.ModelAdmin):
    form = VacancyAdminForm
    list_display = [
        "title",
        "company",
        "employer_history",
        "city",
        "status",
        "submitted_at",
        "published_at",
        "valid_through",
        "view_count",
    ]
    list_filter = [ModerationQueueFilter, "status", LiveFilter, "remote", "contract", "company__is_trusted"]
    list_select_related = ["company", "city"]
    search_fields = ["title", "company__name", "external_id"]
    autocomplete_fields = ["company", "occupation", "city", "created_by"]
    # State changes only through the actions, which call the model methods
    # (and so notify the employer), never by editing the field.
    readonly_fields = [
        "status",
        "rejection_reason",
        "submitted_at",
        "closed_at",
        "view_count",
        "apply_count",
        "created_at",
        "updated_at",
        "published_at",
    ]
    date_hierarchy = "created_at"
    actions = ["approve", "reject", "close"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                company_published=_count_vacancies("company", Vacancy.Status.PUBLISHED),
                company_rejected=_count_vacancies("company", Vacancy.Status.REJECTED),
            )
        )

    def get_ordering(self, request):
        # The queue is worked first come, first served.
        if request.GET.get(ModerationQueueFilter.parameter_name) == "review":
            return ["submitted_at", "pk"]
        return super().get_ordering(request)

    @admin.display(description=_("Arbeitgeber bisher"))
    def employer_history(self, vacancy):
        trusted = _("vertrauenswürdig") if vacancy.company.is_trusted else ""
        summary = _("%(published)d veröffentlicht, %(rejected)d abgelehnt") % {
            "published": getattr(vacancy, "company_published", 0),
            "rejected": getattr(vacancy, "company_rejected", 0),
        }
        return f"{summary}{' · ' + str(trusted) if trusted else ''}"

    def _moderate(self, request, queryset, allowed, act, done_message):
        count = skipped = 0
        for vacancy in queryset.select_related("company", "city"):
            if vacancy.status not in allowed:
                skipped += 1
                continue
            act(vacancy)
            count += 1
        self.message_user(request, done_message(count), messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d Stelle übersprungen (passender Status fehlt).",
                    "%d Stellen übersprungen (passender Status fehlt).",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )

    @admin.action(description=_("Ausgewählte Stellen freigeben"), permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(
            request,
            queryset,
            {Vacancy.Status.REVIEW, Vacancy.Status.REJECTED},
            lambda vacancy: vacancy.approve(by=request.user),
            lambda n: ngettext("%d Stelle freigegeben.", "%d Stellen freigegeben.", n) % n,
        )

    @admin.action(description=_("Ausgewählte Stellen ablehnen (mit Begründung) …"), permissions=["change"])
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._moderate(
                request,
                queryset,
                {Vacancy.Status.REVIEW, Vacancy.Status.PUBLISHED},
                lambda vacancy: vacancy.reject(reason=reason, by=request.user),
                lambda n: ngettext("%d Stelle abgelehnt.", "%d Stellen abgelehnt.", n) % n,
            )
            return None
        # The intermediate page: returning a response keeps the admin on it
        # until a reason is given.
        context = {
            **self.admin_site.each_context(request),
            "title": _("Stellen ablehnen"),
            "opts": self.model._meta,
            "form": form,
            "vacancies": queryset.select_related("company"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "listings/employer/moderation_reject.html", context)

    @admin.action(description=_("Ausgewählte Stellen schließen"), permissions=["change"])
    def close(self, request, queryset):
        self._moderate(
            request,
            queryset,
            {s for s in Vacancy.Status if s != Vacancy.Status.CLOSED},
            lambda vacancy: vacancy.close(by=request.user),
            lambda n: ngettext("%d Stelle geschlossen.", "%d Stellen geschlossen.", n) % n,
        )


@admin.register(VacancyDailyStat)
class VacancyDailyStatAdmin(admin.ModelAdmin):
    list_display = ["vacancy", "date", "views", "apply_clicks"]
    list_select_related = ["vacancy"]
    date_hierarchy = "date"
    raw_id_fields = ["vacancy"]


@admin.register(JobAlert)
class JobAlertAdmin(admin.ModelAdmin):
    list_display = ["email", "label", "frequency", "confirmed_at", "paused", "last_sent_at"]
    list_filter = ["frequency", "paused"]
    search_fields = ["email", "label"]
    readonly_fields = ["label"]

    def save_model(self, request, obj, form, change):
        # The label names the search in this list and follows the query;
        # mails and pages work the name out from the query themselves, so a
        # label typed in here would show nowhere else.
        obj.label = alert_services.stored_label(obj.query)
        super().save_model(request, obj, form, change)
