"""The Merkliste: the vacancies a visitor starred, kept in the session (no
account needed). The views change it; the Merken buttons read it."""

MERKLISTE_SESSION_KEY = "merkliste"
MERKLISTE_MAX = 100


def saved_ids(request):
    """The starred vacancy ids in the order they were added, newest first.
    Anything else in the session under that name is ignored."""
    ids = request.session.get(MERKLISTE_SESSION_KEY, [])
    return [pk for pk in ids if isinstance(pk, int)] if isinstance(ids, list) else []
