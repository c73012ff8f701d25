from django import forms
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from profiles.models import CareerProfile

MAX_ARTICLE_BYTES = 512 * 1024
MAX_ARTICLE_FILES = 50


class CareerProfileAdminForm(forms.ModelForm):
    """Carries the version the editor started from, so that a save based on
    an older version is refused instead of silently overwriting a colleague."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CareerProfile
        fields = ["occupation", "city", "title", "kicker", "headline", "lead", "author", "author_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        # Locks the row until the admin's transaction ends (PostgreSQL), so
        # nobody can slip in between this check and the save.
        current = (
            CareerProfile.objects.select_for_update()
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
        entry = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(CareerProfile),
                object_id=str(self.instance.pk),
                action_flag=CHANGE,
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        who = (entry.user.get_full_name() if entry else "") or _("jemand anderes")
        when = formats.date_format(entry.action_time, "DATETIME_FORMAT") if entry else ""
        url = reverse("admin:profiles_careerprofile_change", args=[self.instance.pk])
        return format_html(
            "{} <a href='{}' target='_blank' rel='noopener'>{}</a> {}",
            _(
                "Konflikt: Dieses Berufsprofil wurde inzwischen von {who} geändert{when}. "
                "Ihre Änderungen wurden nicht gespeichert, sind aber unten noch vollständig erhalten."
            ).format(who=who, when=f" ({when})" if when else ""),
            url,
            _("Aktuelle Fassung in neuem Tab öffnen"),
            _(
                "und vergleichen. Wenn Sie danach erneut speichern, ersetzt Ihre Fassung die des anderen Bearbeiters."
            ),
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if not isinstance(data, (list, tuple)):
            data = [data]
        # An empty selection still goes through FileField once for its
        # "required" message.
        files = [single(item, initial) for item in data] or [single(None, initial)]
        if len(files) > MAX_ARTICLE_FILES:
            raise forms.ValidationError(
                _("Bitte höchstens %(count)d Dateien auf einmal hochladen.") % {"count": MAX_ARTICLE_FILES}
            )
        return files


class ProfileImportForm(forms.Form):
    files = MultipleFileField(
        label=_("Artikeldateien"),
        help_text=_(
            "Text im Format des Referenzartikels (UTF-8, ein Absatz pro Zeile). "
            "Ein erneuter Import aktualisiert das vorhandene Profil für Beruf und Ort."
        ),
    )
    publish = forms.BooleanField(label=_("sofort veröffentlichen"), required=False)
    dry_run = forms.BooleanField(
        label=_("nur prüfen"), required=False, help_text=_("Zeigt, was gespeichert würde, ohne zu speichern.")
    )

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("publish") and cleaned_data.get("dry_run"):
            raise forms.ValidationError(_("„nur prüfen“ und „sofort veröffentlichen“ schließen sich aus."))
        return cleaned_data


def read_article(upload):
    """(text, error) for one uploaded file; never raises."""
    if upload.size > MAX_ARTICLE_BYTES:
        return None, _("Datei zu groß (höchstens 512 KB).")
    raw = upload.read()
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return None, _("Die Datei ist nicht in UTF-8 kodiert.")
