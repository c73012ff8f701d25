from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "is_trusted", "website", "created_at"]
    list_filter = ["is_trusted"]
    list_editable = ["is_trusted"]
    search_fields = ["name", "slug", "website"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["city"]
    inlines = [MembershipInline]


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


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "city", "status", "published_at", "valid_through", "view_count"]
    list_filter = ["status", LiveFilter, "remote", "contract", "company__is_trusted"]
    list_select_related = ["company", "city"]
    search_fields = ["title", "company__name", "external_id"]
    autocomplete_fields = ["company", "occupation", "city", "created_by"]
    readonly_fields = ["view_count", "apply_count", "created_at", "updated_at", "published_at"]
    date_hierarchy = "created_at"
    actions = ["approve", "close"]

    @admin.action(description=_("Ausgewählte Stellen freigeben"), permissions=["change"])
    def approve(self, request, queryset):
        count = 0
        for vacancy in queryset.select_related("company"):
            vacancy.approve(by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%d Stelle freigegeben.", "%d Stellen freigegeben.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Ausgewählte Stellen schließen"), permissions=["change"])
    def close(self, request, queryset):
        count = 0
        for vacancy in queryset.select_related("company"):
            vacancy.close(by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%d Stelle geschlossen.", "%d Stellen geschlossen.", count) % count,
            messages.SUCCESS,
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
