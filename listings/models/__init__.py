from .accounts import EmployerMembership, User
from .alerts import JobAlert
from .companies import Company
from .taxonomy import City, Occupation
from .vacancies import Vacancy, VacancyDailyStat, VacancyQuerySet

__all__ = [
    "City",
    "Company",
    "EmployerMembership",
    "JobAlert",
    "Occupation",
    "User",
    "Vacancy",
    "VacancyDailyStat",
    "VacancyQuerySet",
]
