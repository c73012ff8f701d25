"""Employer forms. Every form names its fields explicitly: status, company,
counters and the trusted flag are never among them (mass assignment)."""

import datetime

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from listings.images import clean_logo
from listings.models import City, Company, Occupation, User, Vacancy
from listings.models.vacancies import berlin_today
from listings.tasks import enqueue_email_on_commit
from listings.taxonomy import CityResolver, OccupationMatcher

DEFAULT_VALIDITY_DAYS = 30
MAX_VALIDITY_DAYS = 180
MAX_IMPORT_BYTES = 2 * 1024 * 1024


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-Mail-Adresse"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _("E-Mail-Adresse oder Passwort ist falsch."),
        "inactive": _("Dieses Konto ist deaktiviert."),
    }


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the mail leaves through our task queue."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template import loader

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html = loader.render_to_string(html_email_template_name, context) if html_email_template_name else ""
        enqueue_email_on_commit(to=[to_email], subject=subject, body=body, html=html)


class PasswordFieldsMixin:
    def clean_password2(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise forms.ValidationError(_("Die beiden Passwörter stimmen nicht überein."))
        return password2

    def _validate_password(self, user):
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)


class SignupForm(PasswordFieldsMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    company_name = forms.CharField(
        label=_("Name des Unternehmens"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    password1 = forms.CharField(
        label=_("Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Mindestens 8 Zeichen, nicht nur Ziffern und kein gängiges Passwort."),
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("Für diese Adresse gibt es schon ein Konto. Bitte melden Sie sich an.")
            )
        return email

    def clean_company_name(self):
        name = " ".join(self.cleaned_data["company_name"].split())
        if not name:
            raise forms.ValidationError(_("Bitte geben Sie den Namen Ihres Unternehmens an."))
        return name

    def _post_clean(self):
        super()._post_clean()
        self._validate_password(User(email=self.cleaned_data.get("email", "")))


class AcceptInviteForm(PasswordFieldsMixin, forms.Form):
    password1 = SignupForm.base_fields["password1"]
    password2 = SignupForm.base_fields["password2"]

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def _post_clean(self):
        super()._post_clean()
        self._validate_password(User(email=self.email))


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse der Kollegin oder des Kollegen"), max_length=254)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Für diese Adresse gibt es bereits ein Konto."))
        return email


class CompanyForm(forms.ModelForm):
    # A plain file field: listings.images does every check itself, with
    # clearer messages (SVG, size, polyglots) than the generic image field.
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG oder WebP, höchstens 2 MB. SVG ist nicht möglich."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )

    class Meta:
        model = Company
        fields = ["name", "website", "description", "logo"]
        labels = {
            "name": _("Name des Unternehmens"),
            "website": _("Website"),
            "description": _("Über das Unternehmen"),
        }
        help_texts = {
            "website": _("Mit https:// oder http://."),
            "description": _("Ein paar Sätze, die auf Ihrer Unternehmensseite erscheinen."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Bitte geben Sie einen Namen an."))
        return name

    def clean_website(self):
        website = self.cleaned_data["website"]
        if website and not website.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Nur Adressen mit http:// oder https:// sind erlaubt."))
        return website

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # Only a new upload is checked; an unchanged or cleared logo passes.
        if logo and hasattr(logo, "content_type"):
            return clean_logo(logo)
        return logo


class VacancyForm(forms.ModelForm):
    employment_types = forms.MultipleChoiceField(
        label=_("Arbeitszeit"),
        choices=list(Vacancy.EMPLOYMENT_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Mindestens eine Angabe."),
    )
    city_name = forms.CharField(
        label=_("Arbeitsort"),
        max_length=120,
        help_text=_("Ort in Deutschland, z. B. „Hagen“ oder „Köln“."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "city-suggestions"}),
    )
    occupation = forms.ModelChoiceField(
        label=_("Beruf"),
        queryset=Occupation.objects.order_by("name"),
        required=False,
        empty_label=_("– automatisch aus dem Titel –"),
        help_text=_("Bleibt das Feld leer, ordnen wir den Beruf anhand des Titels zu."),
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # The version the editor started from; a save based on an older version
    # is refused so that two colleagues cannot silently overwrite each other.
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Vacancy
        fields = [
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
            "valid_through",
        ]
        labels = {
            "title": _("Stellentitel"),
            "remote": _("Homeoffice"),
            "contract": _("Vertragsart"),
            "salary_min": _("Gehalt von (€)"),
            "salary_max": _("Gehalt bis (€)"),
            "salary_period": _("Gehalt bezieht sich auf"),
            "description": _("Stellenbeschreibung"),
            "apply_url": _("Link zur Bewerbung"),
            "apply_email": _("E-Mail für Bewerbungen"),
            "valid_through": _("Online bis"),
        }
        help_texts = {
            "title": _("Wie im Stellentitel üblich, z. B. „IT-Projektkoordinator (m/w/d)“."),
            "salary_min": _("Brutto; leer lassen, wenn Sie kein Gehalt nennen möchten."),
            "salary_max": _("Brutto; darf nicht unter dem Mindestwert liegen."),
            "description": _(
                "Markdown ist erlaubt: **fett**, *kursiv*, Listen mit „- “, Zwischenüberschriften mit „## “."
            ),
            "apply_url": _("Nur Adressen mit https:// oder http://."),
            "apply_email": _("Alternativ oder zusätzlich zum Link."),
            "valid_through": _("Höchstens 180 Tage ab heute; vorgeschlagen sind 30 Tage."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 14}),
            "valid_through": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "apply_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "salary_min": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
            "salary_max": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
        }

    field_order = [
        "title",
        "occupation",
        "city_name",
        "remote",
        "employment_types",
        "contract",
        "salary_min",
        "salary_max",
        "salary_period",
        "description",
        "apply_url",
        "apply_email",
        "valid_through",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs.setdefault("maxlength", 200)
        self.fields["apply_url"].validators = [URLValidator(schemes=["http", "https"])]
        self.fields["contract"].choices = [("", _("keine Angabe")), *Vacancy.Contract.choices]
        self.fields["salary_period"].choices = [
            ("", _("– ohne Gehaltsangabe –")),
            *Vacancy.SalaryPeriod.choices,
        ]
        if self.instance.pk:
            self.initial.setdefault("base_version", self.instance.version)
        if self.instance.pk or self.instance.city_id:
            if self.instance.city_id:
                # The place's unique name: "Münster" alone means the largest
                # Münster, and saving the form unchanged would move the
                # vacancy there.
                self.initial.setdefault("city_name", self.instance.city.where_value)
            self.initial.setdefault("employment_types", self.instance.employment_types)
        if not self.initial.get("valid_through"):
            self.initial["valid_through"] = berlin_today() + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS)

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Bitte geben Sie einen Titel an."))
        return title

    def clean_apply_url(self):
        url = (self.cleaned_data.get("apply_url") or "").strip()
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Nur Links mit http:// oder https:// sind erlaubt."))
        return url

    def clean_city_name(self):
        name = self.cleaned_data["city_name"]
        city_id = CityResolver().resolve_id(name)
        if not city_id:
            raise forms.ValidationError(
                _("„%(name)s“ kennen wir nicht als Ort in Deutschland. Bitte prüfen Sie die Schreibweise."),
                params={"name": name},
            )
        self.resolved_city = City.objects.get(pk=city_id)
        return name

    def clean_valid_through(self):
        value = self.cleaned_data["valid_through"]
        today = berlin_today()
        if value < today:
            raise forms.ValidationError(_("Das Datum liegt in der Vergangenheit."))
        if value > today + datetime.timedelta(days=MAX_VALIDITY_DAYS):
            raise forms.ValidationError(
                _("Eine Stelle kann höchstens %(days)d Tage online sein."), params={"days": MAX_VALIDITY_DAYS}
            )
        return value

    def clean(self):
        cleaned = super().clean()
        for name in ("salary_min", "salary_max"):
            value = cleaned.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("Bitte keine negativen Beträge."))
        return cleaned

    def _post_clean(self):
        # The model's clean() needs the city and working time before it runs.
        if hasattr(self, "resolved_city"):
            self.instance.city = self.resolved_city
        if "employment_types" in self.cleaned_data:
            self.instance.employment_types = self.cleaned_data["employment_types"]
        super()._post_clean()

    def save(self, commit=True):
        vacancy = super().save(commit=False)
        if vacancy.occupation_id is None:
            vacancy.occupation_id = OccupationMatcher().match_id(vacancy.title)
        if commit:
            vacancy.save()
        return vacancy


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Datei (JSON oder JSON Lines)"),
        help_text=_("Höchstens 2 MB, UTF-8. Jeder Datensatz braucht eine eindeutige „external_id“."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.jsonl,.ndjson,application/json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Die Datei ist zu groß (höchstens 2 MB)."))
        return upload


class VacancyFilterForm(forms.Form):
    q = forms.CharField(label=_("Suche in Ihren Stellen"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("alle"))] + list(Vacancy.Status.choices)
    )
