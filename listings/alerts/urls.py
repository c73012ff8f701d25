# Job alerts under /jobalarm/ and the Merkliste under /merkliste/.
# Included into the "listings" namespace by listings/urls.py.
from django.urls import path

from listings.alerts import views

urlpatterns = [
    path("jobalarm/", views.SubscribeView.as_view(), name="alert_subscribe"),
    path("jobalarm/gesendet/", views.subscribe_done, name="alert_subscribe_done"),
    path("jobalarm/bestaetigen/<str:token>/", views.ConfirmView.as_view(), name="alert_confirm"),
    path("jobalarm/abmelden/<str:token>/", views.UnsubscribeView.as_view(), name="alert_unsubscribe"),
    path("jobalarm/verwalten/", views.ManageRequestView.as_view(), name="alert_manage_request"),
    path("jobalarm/verwalten/<str:token>/", views.ManageView.as_view(), name="alert_manage"),
    path("merkliste/", views.merkliste, name="merkliste"),
    path("merkliste/<int:pk>/", views.MerklisteToggleView.as_view(), name="merkliste_toggle"),
]
