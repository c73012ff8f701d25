# Job alerts under /jobalarm/ and the Merkliste under /merkliste/.
# Included into the "listings" namespace by listings/urls.py.
urlpatterns = []
