# The employer area under /arbeitgeber/ (sign-up, log-in, dashboard, posting).
# Included into the "listings" namespace by listings/urls.py.
from django.urls import path

from listings.employer import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("registrieren/", views.SignupView.as_view(), name="signup"),
    path("anmelden/", views.EmployerLoginView.as_view(), name="login"),
    path("abmelden/", views.EmployerLogoutView.as_view(), name="logout"),
    path("bestaetigen/<str:token>/", views.VerifyEmailView.as_view(), name="verify_email"),
    path("bestaetigung-senden/", views.ResendVerificationView.as_view(), name="resend_verification"),
    path("passwort-vergessen/", views.PasswordResetView.as_view(), name="password_reset"),
    path("passwort-vergessen/gesendet/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "passwort-neu/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("passwort-neu/fertig/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("passwort-aendern/", views.PasswordChangeView.as_view(), name="password_change"),
    path("passwort-aendern/fertig/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("unternehmen/", views.CompanyEditView.as_view(), name="company_edit"),
    path("kollegen/", views.InviteView.as_view(), name="invite"),
    path("einladung/<str:token>/", views.AcceptInviteView.as_view(), name="accept_invite"),
    path("stellen/neu/", views.VacancyCreateView.as_view(), name="vacancy_create"),
    path("stellen/import/", views.VacancyImportView.as_view(), name="vacancy_import"),
    path("stellen/<int:pk>/", views.VacancyPreviewView.as_view(), name="vacancy_preview"),
    path("stellen/<int:pk>/bearbeiten/", views.VacancyEditView.as_view(), name="vacancy_edit"),
    path("stellen/<int:pk>/einreichen/", views.VacancySubmitView.as_view(), name="vacancy_submit"),
    path("stellen/<int:pk>/schliessen/", views.VacancyCloseView.as_view(), name="vacancy_close"),
    path("stellen/<int:pk>/verlaengern/", views.VacancyRenewView.as_view(), name="vacancy_renew"),
]
