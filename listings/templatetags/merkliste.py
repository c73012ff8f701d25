"""Merken buttons: {% star_button vacancy %} and, for buttons that stand
inside another form (forms must not nest), {% star_button vacancy
detached=True %} with {% star_forms vacancies %} outside that form.

Built in Python rather than through templates: a search page shows twenty
of them beside its kept cards, and as included templates they cost more
than the rest of the page's template work (12 ms against 20, measured
in-process). The HTML is put together from escaped parts: only the title
comes from outside; ids are integers. Each works without JavaScript: a POST
form to the toggle view, which comes back to `next`."""

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from listings.alerts.merkliste import saved_ids

register = template.Library()


def _for_request(request):
    """(starred ids, button texts, pk -> toggle URL), worked out once per
    request however many buttons the page shows: gettext() and reverse()
    cost 10 to 60 µs each on this kind of machine."""
    if not hasattr(request, "_merkliste_buttons"):
        head, tail = reverse("listings:merkliste_toggle", args=[0]).rsplit("/0/", 1)
        texts = {
            True: (
                "star-button starred",
                "★",
                escape(_("Gemerkt")),
                _("„%(title)s“ von der Merkliste entfernen"),
            ),
            False: ("star-button", "☆", escape(_("Merken")), _("„%(title)s“ auf die Merkliste setzen")),
        }
        request._merkliste_buttons = (
            frozenset(saved_ids(request)),
            texts,
            lambda pk: f"{head}/{int(pk)}/{tail}",
        )
    return request._merkliste_buttons


def _button(vacancy, starred, detached, texts):
    form = f' form="merkliste-{int(vacancy.pk)}"' if detached else ""
    css, icon, label, hidden = texts[starred]
    hidden = escape(hidden % {"title": vacancy.title})
    # The star is decoration: screen readers would read it out ("weißer Stern").
    return (
        f'<button type="submit" class="{css}"{form}><span aria-hidden="true">{icon}</span> {label}'
        f'<span class="visually-hidden"> – {hidden}</span></button>'
    )


def _fields(starred, next_url, token):
    # `next_url` and `token` come escaped. The page cache finds the CSRF
    # input by this exact markup (jobsite/pagecache.py).
    return (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        f'<input type="hidden" name="next" value="{next_url}">'
        f'<input type="hidden" name="action" value="{"remove" if starred else "add"}">'
    )


@register.simple_tag(takes_context=True)
def star_button(context, vacancy, detached=False):
    """The button of one vacancy; with its form unless `detached`."""
    request = context["request"]
    starred_ids, texts, action = _for_request(request)
    starred = vacancy.pk in starred_ids
    button = _button(vacancy, starred, detached, texts)
    if not detached:
        fields = _fields(starred, escape(request.get_full_path()), escape(get_token(request)))
        button = (
            f'<form method="post" action="{action(vacancy.pk)}" class="star-form">{fields}{button}</form>'
        )
    return mark_safe(button)  # noqa: S308 (built from escaped parts above)


@register.simple_tag(takes_context=True)
def star_forms(context, vacancies, next_url=""):
    """The hidden forms that detached buttons submit. `next_url`: where a
    click comes back to, when not this very URL (results swapped in by the
    script come from a URL of their own)."""
    if not vacancies:
        return ""
    request = context["request"]
    starred_ids, _texts, action = _for_request(request)
    next_url = escape(next_url or request.get_full_path())
    token = escape(get_token(request))
    # Back to the card itself ("#stelle-<id>", the id of the search card's
    # list item): a reload at the top would lose the visitor's place.
    return mark_safe(  # noqa: S308 (built from escaped parts above)
        "\n".join(
            f'<form method="post" action="{action(vacancy.pk)}" id="merkliste-{int(vacancy.pk)}" hidden>'
            f"{_fields(vacancy.pk in starred_ids, f'{next_url}#stelle-{int(vacancy.pk)}', token)}</form>"
            for vacancy in vacancies
        )
    )
