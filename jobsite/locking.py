"""Optimistic locking for admin change forms: two editors who open the same
record cannot silently overwrite each other. The model carries a `version`
integer; the form remembers the version it was opened at, the save bumps it
with a compare-and-set, and a stale save is shown again with its input and a
conflict message. Saving that form again is a deliberate overwrite."""

from django import forms
from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class EditConflict(Exception):
    """A second editor saved in the instant between our check and our save."""


class OptimisticLockFormMixin(forms.ModelForm):
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # "Dieses Berufsprofil", "Diese Stelle": the start of the conflict message.
    conflict_subject = _("Dieser Eintrag")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        model = type(self.instance)
        # Locks the row until the admin's transaction ends (PostgreSQL), so
        # nobody can slip in between this check and the save.
        current = (
            model.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        sent = cleaned_data.get("edit_version")
        if current is not None and sent != current:
            # The re-shown form carries the current version: saving it again
            # is then a deliberate decision to overwrite, not an accident.
            self.data = self.data.copy()
            self.data[self.add_prefix("edit_version")] = str(current)
            raise forms.ValidationError(self.conflict_message(), code="conflict")
        return cleaned_data

    def conflict_message(self):
        opts = self.instance._meta
        entry = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(type(self.instance)),
                object_id=str(self.instance.pk),
                action_flag=CHANGE,
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        who = (entry.user.get_full_name() if entry else "") or _("jemand anderes")
        when = formats.date_format(entry.action_time, "DATETIME_FORMAT") if entry else ""
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.instance.pk])
        return format_html(
            "{} <a href='{}' target='_blank' rel='noopener'>{}</a> {}",
            _(
                "Konflikt: {subject} wurde inzwischen von {who} geändert{when}. "
                "Ihre Änderungen wurden nicht gespeichert, sind aber unten noch vollständig erhalten."
            ).format(subject=self.conflict_subject, who=who, when=f" ({when})" if when else ""),
            url,
            _("Aktuelle Fassung in neuem Tab öffnen"),
            _(
                "und vergleichen. Wenn Sie danach erneut speichern, ersetzt Ihre Fassung die des anderen Bearbeiters."
            ),
        )


class OptimisticLockAdminMixin:
    """ModelAdmin side: bumps the version with a compare-and-set on save."""

    race_message = _(
        "Konflikt: Jemand hat den Eintrag gleichzeitig gespeichert. Ihre Änderung wurde nicht übernommen."
    )

    def save_model(self, request, obj, form, change):
        if change:
            expected = form.cleaned_data.get("edit_version")
            bumped = type(obj).objects.filter(pk=obj.pk, version=expected).update(version=expected + 1)
            if not bumped:
                raise EditConflict
            obj.version = expected + 1
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # The admin's transaction was rolled back: nothing half-saved.
            self.message_user(request, self.race_message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
