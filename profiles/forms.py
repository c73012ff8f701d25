from django import forms
from django.utils.translation import gettext_lazy as _

from jobsite.locking import OptimisticLockFormMixin
from profiles.models import CareerProfile

MAX_ARTICLE_BYTES = 512 * 1024
MAX_ARTICLE_FILES = 50


class CareerProfileAdminForm(OptimisticLockFormMixin, forms.ModelForm):
    """Carries the version the editor started from, so that a save based on
    an older version is refused instead of silently overwriting a colleague."""

    conflict_subject = _("Dieses Berufsprofil")

    class Meta:
        model = CareerProfile
        fields = ["occupation", "city", "title", "kicker", "headline", "lead", "author", "author_name"]


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
        # "required" message. An empty file is let through: read_article
        # reports it by name, and the other files of the batch still import.
        files = [item if getattr(item, "size", None) == 0 else single(item, initial) for item in data] or [
            single(None, initial)
        ]
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
    if not upload.size:
        return None, _("Die Datei ist leer.")
    raw = upload.read()
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return None, _("Die Datei ist nicht in UTF-8 kodiert.")
