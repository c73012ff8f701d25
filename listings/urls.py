from django.urls import path

from listings import views

app_name = "listings"

urlpatterns = [
    path("jobs/", views.VacancyListView.as_view(), name="vacancy_list"),
    path("jobs/<int:pk>-<str:slug>/", views.VacancyDetailView.as_view(), name="vacancy_detail"),
    path("jobs/<int:pk>/", views.VacancyDetailView.as_view(), name="vacancy_detail_noslug"),
    path("unternehmen/<slug:slug>/", views.CompanyDetailView.as_view(), name="company_detail"),
]
