# The employer area under /arbeitgeber/ (sign-up, log-in, dashboard, posting).
# Included into the "listings" namespace by listings/urls.py.
urlpatterns = []
