"""Employer accounts: sign-up, e-mail verification and invitations.

Links in mails carry signed, time-limited tokens (django.core.signing), so no
token table is needed; each token names the e-mail address it was made for,
so it stops working once the address changes or the invitation is used."""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jobsite.text import german_slugify
from listings.models import Company, EmployerMembership, User, Vacancy
from listings.models.vacancies import berlin_today
from listings.tasks import enqueue_email_on_commit

VERIFY_SALT = "listings.employer.verify-email"
INVITE_SALT = "listings.employer.invite"
VERIFY_MAX_AGE = 3 * 24 * 3600
INVITE_MAX_AGE = 7 * 24 * 3600


class TokenError(ValueError):
    pass


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


def send_templated_mail(*, to, subject, template, context):
    """Renders templates/email/<template>.txt and .html and enqueues the mail
    to be sent after the current transaction commits."""
    context = {"SITE_URL": settings.SITE_URL, **context}
    enqueue_email_on_commit(
        to=list(to),
        subject=str(subject),
        body=render_to_string(f"email/{template}.txt", context),
        html=render_to_string(f"email/{template}.html", context),
    )


def unique_company_slug(name):
    base = german_slugify(name, max_length=100) or "unternehmen"
    slug, n = base, 2
    while Company.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


# -- sign-up and verification ------------------------------------------------
@transaction.atomic
def register_employer(*, email, password, company_name):
    user = User.objects.create_user(email=email, password=password)
    company = Company.objects.create(name=company_name, slug=unique_company_slug(company_name))
    EmployerMembership.objects.create(user=user, company=company, role=EmployerMembership.Role.OWNER)
    send_verification_mail(user=user)
    return user


def make_verification_token(user):
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def send_verification_mail(*, user):
    link = absolute_url(reverse("listings:verify_email", kwargs={"token": make_verification_token(user)}))
    send_templated_mail(
        to=[user.email],
        subject=_("Bitte bestätigen Sie Ihre E-Mail-Adresse"),
        template="employer_verify",
        context={"user": user, "link": link, "days": VERIFY_MAX_AGE // 86400},
    )


def user_for_verification_token(token):
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise TokenError(_("Der Bestätigungslink ist abgelaufen.")) from exc
    except signing.BadSignature as exc:
        raise TokenError(_("Der Bestätigungslink ist ungültig.")) from exc
    user = User.objects.filter(pk=data.get("u"), email=data.get("e"), is_active=True).first()
    if user is None:
        raise TokenError(_("Der Bestätigungslink ist ungültig."))
    return user


@transaction.atomic
def verify_email(*, user):
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


# -- invitations ---------------------------------------------------------------
def invite_colleague(*, company, email, invited_by):
    token = signing.dumps({"c": company.pk, "e": email.lower(), "by": invited_by.pk}, salt=INVITE_SALT)
    link = absolute_url(reverse("listings:accept_invite", kwargs={"token": token}))
    send_templated_mail(
        to=[email],
        subject=_("Einladung zu %(company)s auf jobsite") % {"company": company.name},
        template="employer_invite",
        context={"company": company, "inviter": invited_by, "link": link, "days": INVITE_MAX_AGE // 86400},
    )


def read_invite_token(token):
    """(company, email, inviter) for a valid invitation token."""
    try:
        data = signing.loads(token, salt=INVITE_SALT, max_age=INVITE_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise TokenError(_("Die Einladung ist abgelaufen.")) from exc
    except signing.BadSignature as exc:
        raise TokenError(_("Die Einladung ist ungültig.")) from exc
    company = Company.objects.filter(pk=data.get("c")).first()
    email = data.get("e") or ""
    if company is None or not email:
        raise TokenError(_("Die Einladung ist ungültig."))
    if User.objects.filter(email__iexact=email).exists():
        raise TokenError(
            _("Diese Einladung wurde bereits angenommen oder die Adresse ist schon registriert.")
        )
    inviter = User.objects.filter(pk=data.get("by")).first()
    return company, email, inviter


@transaction.atomic
def accept_invite(*, company, email, password, inviter=None):
    # Following the link proves that the colleague reads this address.
    user = User.objects.create_user(email=email, password=password, email_verified_at=timezone.now())
    EmployerMembership.objects.create(
        user=user, company=company, role=EmployerMembership.Role.MEMBER, invited_by=inviter
    )
    return user


# -- vacancies -----------------------------------------------------------------
def employer_status(vacancy):
    """The status an employer sees: a published vacancy past its end date is
    "abgelaufen" even before anyone stores that."""
    if vacancy.status == Vacancy.Status.PUBLISHED and vacancy.valid_through < berlin_today():
        return Vacancy.Status.EXPIRED
    return Vacancy.Status(vacancy.status)


def can_edit(vacancy):
    return employer_status(vacancy) != Vacancy.Status.CLOSED


def can_submit(vacancy):
    return vacancy.status in (Vacancy.Status.DRAFT, Vacancy.Status.REJECTED)


def can_close(vacancy):
    return employer_status(vacancy) != Vacancy.Status.CLOSED


def can_renew(vacancy):
    return employer_status(vacancy) in (Vacancy.Status.PUBLISHED, Vacancy.Status.EXPIRED)


def company_recipients(company):
    return list(
        company.memberships.filter(user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def notify_moderation_result(vacancy):
    """Mail the employer after approval or rejection (called by the model).
    Written in the site's language: the moderator's browser says nothing
    about the employer's, and employers keep no language of their own."""
    recipients = company_recipients(vacancy.company)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        _notify_moderation_result(vacancy, recipients)


def _notify_moderation_result(vacancy, recipients):
    approved = vacancy.status == Vacancy.Status.PUBLISHED
    if approved:
        subject = _("Ihre Stelle „%(title)s“ ist online") % {"title": vacancy.title}
        template = "employer_vacancy_approved"
    else:
        subject = _("Ihre Stelle „%(title)s“ wurde nicht freigegeben") % {"title": vacancy.title}
        template = "employer_vacancy_rejected"
    send_templated_mail(
        to=recipients,
        subject=subject,
        template=template,
        context={
            "vacancy": vacancy,
            "vacancy_url": absolute_url(vacancy.get_absolute_url()),
            "dashboard_url": absolute_url(reverse("listings:dashboard")),
        },
    )
