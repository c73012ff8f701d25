from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jobsite.locking import OptimisticLockAdminMixin
from listings.models import User
from profiles.forms import CareerProfileAdminForm, ProfileImportForm, read_article
from profiles.importer import ProfileImportResult, import_profile_text, reextract_salary_bands
from profiles.models import CareerProfile, SalaryBand, Section
from profiles.salary import band_range


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["position", "heading", "body"]
    ordering = ["position", "id"]
    verbose_name_plural = _("Abschnitte (Reihenfolge über „Position“)")


class SalaryBandInline(admin.TabularInline):
    model = SalaryBand
    extra = 0
    fields = ["position", "level", "min_amount", "max_amount", "currency", "period", "source", "as_of"]
    ordering = ["position", "id"]


@admin.register(CareerProfile)
class CareerProfileAdmin(OptimisticLockAdminMixin, admin.ModelAdmin):
    form = CareerProfileAdminForm
    list_display = ["title", "occupation", "city", "status", "last_reviewed", "updated_at"]
    # Only occupations that have a profile: the full taxonomy would bury the filter.
    list_filter = ["status", "city__state", ("occupation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["occupation", "city"]
    search_fields = ["title", "headline", "occupation__name", "city__name"]
    autocomplete_fields = ["occupation", "city"]
    inlines = [SectionInline, SalaryBandInline]
    # Status and review date change only through the workflow actions, so
    # that every change of them goes through the model's rules.
    readonly_fields = ["status", "last_reviewed", "published_at", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": ["occupation", "city", "status", "edit_version"],
                "description": _(
                    "Status und „zuletzt geprüft am“ ändern Sie über die Aktionen in der Liste der Berufsprofile."
                ),
            },
        ),
        (_("Artikel"), {"fields": ["title", "kicker", "headline", "lead"]}),
        (
            _("Redaktion"),
            {
                "fields": [
                    "author",
                    "author_name",
                    "last_reviewed",
                    "published_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    actions = ["submit_for_review", "publish", "back_to_draft", "mark_reviewed", "reextract_salaries"]
    change_list_template = "admin/profiles/careerprofile/change_list.html"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            # Only staff write articles; editors need no access to the user admin.
            kwargs["queryset"] = User.objects.filter(is_staff=True).order_by("name", "email")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        return initial

    race_message = _(
        "Konflikt: Jemand hat das Profil gleichzeitig gespeichert. Ihre Änderung wurde nicht übernommen."
    )

    # -- workflow actions ----------------------------------------------
    def _transition(self, request, queryset, method, done_message, log_message):
        changed, refused = 0, []
        for profile in queryset.select_related("occupation", "city"):
            try:
                getattr(profile, method)(by=request.user)
            except ValidationError as exc:
                refused.append(f"{profile}: {' '.join(exc.messages)}")
                continue
            self.log_change(request, profile, log_message)
            changed += 1
        if changed:
            self.message_user(request, done_message(changed), messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description=_("Zur Prüfung geben"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._transition(
            request,
            queryset,
            "submit_for_review",
            lambda n: ngettext("%d Profil zur Prüfung gegeben.", "%d Profile zur Prüfung gegeben.", n) % n,
            str(_("Status auf „in Prüfung“ gesetzt.")),
        )

    @admin.action(description=_("Veröffentlichen"), permissions=["change"])
    def publish(self, request, queryset):
        self._transition(
            request,
            queryset,
            "publish",
            lambda n: ngettext("%d Profil veröffentlicht.", "%d Profile veröffentlicht.", n) % n,
            str(_("Status auf „veröffentlicht“ gesetzt.")),
        )

    @admin.action(description=_("Zurück in den Entwurf"), permissions=["change"])
    def back_to_draft(self, request, queryset):
        self._transition(
            request,
            queryset,
            "back_to_draft",
            lambda n: ngettext("%d Profil zurück im Entwurf.", "%d Profile zurück im Entwurf.", n) % n,
            str(_("Status zurück auf „Entwurf“ gesetzt.")),
        )

    @admin.action(description=_("Als heute geprüft markieren"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        self._transition(
            request,
            queryset,
            "mark_reviewed",
            lambda n: ngettext("%d Profil als geprüft markiert.", "%d Profile als geprüft markiert.", n) % n,
            str(_("Als geprüft markiert („zuletzt geprüft am“ auf heute gesetzt).")),
        )

    @admin.action(description=_("Gehaltsbänder aus dem Text neu ermitteln"), permissions=["change"])
    def reextract_salaries(self, request, queryset):
        for profile in queryset.select_related("occupation", "city"):
            bands, unplaced, ignored = reextract_salary_bands(profile)
            summary = "; ".join(
                f"{SalaryBand.Level(b.level).label}: {band_range(b)} {SalaryBand.Period(b.period).label}"
                for b in bands
            ) or str(_("keine Gehaltsangaben gefunden"))
            self.log_change(
                request, profile, str(_("Gehaltsbänder neu ermittelt: %(bands)s") % {"bands": summary})
            )
            self.message_user(
                request, f"{profile}: {summary}", messages.SUCCESS if bands else messages.WARNING
            )
            for text in unplaced:
                self.message_user(
                    request,
                    _("%(profile)s: Gehaltsangabe nicht zugeordnet: „%(text)s“")
                    % {"profile": profile, "text": text},
                    messages.WARNING,
                )
            for figure in ignored:
                self.message_user(
                    request,
                    _("%(profile)s: nicht als Gehalt gewertet (%(reason)s): „%(text)s“")
                    % {"profile": profile, "reason": figure.ignored, "text": figure.text},
                    messages.INFO,
                )

    # -- article import ------------------------------------------------
    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="profiles_careerprofile_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        results = []
        dry_run = False
        if request.method == "POST":
            form = ProfileImportForm(request.POST, request.FILES)
            if form.is_valid():
                dry_run = form.cleaned_data["dry_run"]
                for upload in form.cleaned_data["files"]:
                    results.append(
                        self._import_one(
                            request, upload, publish=form.cleaned_data["publish"], dry_run=dry_run
                        )
                    )
        else:
            form = ProfileImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Artikel importieren"),
            "form": form,
            "reports": [(result, result.report(dry_run=dry_run)) for result in results],
            "dry_run": dry_run,
        }
        return TemplateResponse(request, "admin/profiles/careerprofile/import.html", context)

    def _import_one(self, request, upload, *, publish, dry_run):
        text, error = read_article(upload)
        if error:
            return ProfileImportResult(name=upload.name, error=str(error))
        with transaction.atomic():
            result = import_profile_text(
                text, name=upload.name, publish=publish, dry_run=dry_run, author=request.user
            )
            if result.ok and result.profile is not None:
                LogEntry.objects.log_actions(
                    user_id=request.user.pk,
                    queryset=[result.profile],
                    action_flag=ADDITION if result.created else CHANGE,
                    change_message=str(_("Aus Datei „%(name)s“ importiert.") % {"name": upload.name}),
                    single_object=True,
                )
        return result

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.has_add_permission(request) and self.has_change_permission(request):
            extra_context["import_url"] = reverse("admin:profiles_careerprofile_import")
        return super().changelist_view(request, extra_context)
