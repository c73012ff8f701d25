from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from profiles.models import CareerProfile, SalaryBand, Section


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0


class SalaryBandInline(admin.TabularInline):
    model = SalaryBand
    extra = 0


@admin.register(CareerProfile)
class CareerProfileAdmin(admin.ModelAdmin):
    list_display = ["title", "occupation", "city", "status", "last_reviewed", "updated_at"]
    list_filter = ["status", "city__state", "occupation"]
    list_select_related = ["occupation", "city"]
    search_fields = ["title", "headline", "occupation__name", "city__name"]
    autocomplete_fields = ["occupation", "city", "author"]
    inlines = [SectionInline, SalaryBandInline]
    readonly_fields = ["published_at", "created_at", "updated_at"]
    actions = ["publish"]

    @admin.action(description=_("Veröffentlichen"), permissions=["change"])
    def publish(self, request, queryset):
        for profile in queryset:
            profile.set_status(CareerProfile.Status.PUBLISHED, by=request.user)
