import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from listings.models import Vacancy
from tests.factories import CompanyFactory, VacancyFactory

pytestmark = pytest.mark.django_db


def test_live_is_published_and_not_expired():
    today = timezone.localdate()
    live = VacancyFactory()
    last_day = VacancyFactory(valid_through=today)
    VacancyFactory(valid_through=today - datetime.timedelta(days=1))
    VacancyFactory(status=Vacancy.Status.REVIEW)
    VacancyFactory(status=Vacancy.Status.CLOSED)
    VacancyFactory(status=Vacancy.Status.DRAFT)
    assert set(Vacancy.objects.live()) == {live, last_day}


def test_salary_min_must_not_exceed_max_in_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        VacancyFactory(salary_min=Decimal("5000"), salary_max=Decimal("4000"))


def test_salary_check_mirrored_in_clean():
    vacancy = VacancyFactory.build(salary_min=Decimal("5000"), salary_max=Decimal("4000"))
    with pytest.raises(ValidationError) as excinfo:
        vacancy.clean()
    assert "salary_max" in excinfo.value.message_dict


def test_needs_a_way_to_apply():
    with pytest.raises(IntegrityError), transaction.atomic():
        VacancyFactory(apply_url="", apply_email="")


def test_external_id_unique_per_company():
    company = CompanyFactory()
    VacancyFactory(company=company, external_id="ATS-1")
    VacancyFactory(company=CompanyFactory(), external_id="ATS-1")
    VacancyFactory(company=company, external_id="")
    VacancyFactory(company=company, external_id="")
    with pytest.raises(IntegrityError), transaction.atomic():
        VacancyFactory(company=company, external_id="ATS-1")


def test_javascript_apply_url_refused_by_clean():
    vacancy = VacancyFactory.build(apply_url="javascript:alert(1)")
    with pytest.raises(ValidationError) as excinfo:
        vacancy.clean()
    assert "apply_url" in excinfo.value.message_dict


def test_slug_transliterates_umlauts():
    vacancy = VacancyFactory(title="Bäckereifachverkäuferin (m/w/d)")
    assert vacancy.slug == "baeckereifachverkaeuferin-mwd-hagen"
    assert vacancy.get_absolute_url() == f"/jobs/{vacancy.pk}-baeckereifachverkaeuferin-mwd-hagen/"


@pytest.mark.parametrize(
    ("amount", "period", "monthly"),
    [(Decimal("15.00"), "hour", 2600), (Decimal("48000"), "year", 4000), (Decimal("3500"), "month", 3500)],
)
def test_monthly_equivalent(amount, period, monthly):
    vacancy = VacancyFactory(salary_min=amount, salary_max=amount, salary_period=period)
    assert vacancy.salary_monthly_min == monthly


def test_submit_goes_to_review_unless_trusted():
    vacancy = VacancyFactory(status=Vacancy.Status.DRAFT, published_at=None)
    vacancy.submit()
    assert vacancy.status == Vacancy.Status.REVIEW
    assert not Vacancy.objects.live().filter(pk=vacancy.pk).exists()

    trusted = VacancyFactory(
        status=Vacancy.Status.DRAFT, published_at=None, company=CompanyFactory(is_trusted=True)
    )
    trusted.submit()
    assert trusted.status == Vacancy.Status.PUBLISHED
    assert trusted.published_at is not None
    assert Vacancy.objects.live().filter(pk=trusted.pk).exists()


def test_reject_needs_reason_and_renew_extends():
    vacancy = VacancyFactory(status=Vacancy.Status.REVIEW)
    with pytest.raises(ValidationError):
        vacancy.reject(reason="  ")
    vacancy.reject(reason="Kein Impressum")
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.rejection_reason) == (Vacancy.Status.REJECTED, "Kein Impressum")

    expired = VacancyFactory(valid_through=timezone.localdate() - datetime.timedelta(days=3))
    expired.renew(days=30)
    assert expired.valid_through == timezone.localdate() + datetime.timedelta(days=30)
    assert expired.is_live


def test_employment_types_round_trip():
    vacancy = VacancyFactory.build(full_time=False)
    vacancy.employment_types = ["part_time", "mini_job"]
    assert vacancy.employment_types == ["part_time", "mini_job"]
    assert [str(x) for x in vacancy.get_employment_types_display()] == ["Teilzeit", "Minijob"]


def test_overdue_and_ended_complement_live():
    today = timezone.localdate()
    live = VacancyFactory()
    overdue = VacancyFactory(valid_through=today - datetime.timedelta(days=1))
    expired = VacancyFactory(status=Vacancy.Status.EXPIRED, valid_through=today - datetime.timedelta(days=5))
    VacancyFactory(status=Vacancy.Status.CLOSED)
    assert set(Vacancy.objects.live()) == {live}
    assert set(Vacancy.objects.overdue()) == {overdue}
    assert set(Vacancy.objects.ended()) == {overdue, expired}


@pytest.mark.parametrize(
    ("low", "high", "period", "german", "english"),
    [
        ("3100", "3600", "month", "3.100 € – 3.600 € pro Monat", "3,100 € – 3,600 € per month"),
        ("2800.50", None, "month", "ab 2.800,50 € pro Monat", "from 2,800.50 € per month"),
        (None, "1234567.89", "year", "bis 1.234.567,89 € pro Jahr", "up to 1,234,567.89 € per year"),
        ("14", "14", "hour", "14 € pro Stunde", "14 € per hour"),
    ],
)
def test_salary_text_in_each_language(low, high, period, german, english):
    from django.utils import translation

    vacancy = Vacancy(
        salary_min=Decimal(low) if low else None,
        salary_max=Decimal(high) if high else None,
        salary_period=period,
    )
    with translation.override("de"):
        assert vacancy.salary_text == german
    with translation.override("en"):
        assert vacancy.salary_text == english


def test_facet_counts_are_grouped_only_when_they_need_it():
    from django.utils import translation

    from listings.views.search import _count_text

    with translation.override("de"):
        assert [_count_text(n) for n in (0, 999, 1000, 12345)] == ["0", "999", "1.000", "12.345"]
    with translation.override("en"):
        assert _count_text(12345) == "12,345"
