from django.urls import include, path

from listings import feeds
from listings.views import search, vacancies

app_name = "listings"

urlpatterns = [
    path("jobs/", search.VacancyListView.as_view(), name="vacancy_list"),
    path("jobs/orte/", search.place_suggest, name="place_suggest"),
    path("jobs/<int:pk>-<str:slug>/", vacancies.VacancyDetailView.as_view(), name="vacancy_detail"),
    path("jobs/<int:pk>/", vacancies.VacancyDetailView.as_view(), name="vacancy_detail_noslug"),
    path("jobs/<int:pk>/bewerben/", vacancies.ApplyView.as_view(), name="vacancy_apply"),
    path("jobs/feed/rss/", feeds.RssVacancyFeed(), name="feed_rss"),
    path("jobs/feed/atom/", feeds.AtomVacancyFeed(), name="feed_atom"),
    path("unternehmen/<slug:slug>/", vacancies.CompanyDetailView.as_view(), name="company_detail"),
    # Each area owns its URL module (employer area, job alerts and Merkliste).
    path("arbeitgeber/", include("listings.employer.urls")),
    path("", include("listings.alerts.urls")),
]
