from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from listings.alerts.services import QUERY_MAX_LENGTH, normalize_query
from listings.models import JobAlert


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Ihre E-Mail-Adresse"), max_length=254)
    frequency = forms.ChoiceField(
        label=_("Wie oft möchten Sie neue Jobs erhalten?"),
        choices=JobAlert.Frequency.choices,
        initial=JobAlert.Frequency.DAILY,
        widget=forms.RadioSelect,
    )
    # The search's GET parameters as the results page had them.
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_query(self):
        query = normalize_query(QueryDict(self.cleaned_data.get("query") or ""))
        if len(query) > QUERY_MAX_LENGTH:
            raise forms.ValidationError(_("Diese Suche ist zu lang für einen Jobalarm."))
        return query


class ManageRequestForm(forms.Form):
    email = forms.EmailField(label=_("Ihre E-Mail-Adresse"), max_length=254)


class AlertSettingsForm(forms.ModelForm):
    class Meta:
        model = JobAlert
        fields = ["frequency", "paused"]
        labels = {"frequency": _("Häufigkeit"), "paused": _("pausieren")}
