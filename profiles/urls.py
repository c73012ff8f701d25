from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("beruf/<slug:occupation>/", views.OccupationHubView.as_view(), name="occupation_hub"),
    path(
        "beruf/<slug:occupation>/<slug:city>/",
        views.CareerProfileDetailView.as_view(),
        name="profile_detail",
    ),
    path("jobs-in/<slug:city>/", views.CityHubView.as_view(), name="city_hub"),
]
