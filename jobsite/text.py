"""German text helpers shared by slugs, search and importers."""

import re
import unicodedata

from django.utils.text import slugify

_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)
# C0/C1 control characters except tab and newline: they break XML feeds and
# mail headers and never carry meaning in user text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def fold_umlauts(value):
    """'Bäckerei Müller' -> 'Baeckerei Mueller' (the German transliteration)."""
    return value.translate(_UMLAUTS)


def german_slugify(value, max_length=80):
    """Slug with German transliteration: 'Bäckerei Müller' -> 'baeckerei-mueller'."""
    slug = slugify(fold_umlauts(value or ""))
    return slug[:max_length].strip("-")


def normalize_key(value):
    """Comparison key for names: case-folded, umlauts transliterated, accents
    and punctuation dropped, whitespace collapsed ('Köln' == 'koeln' == 'KOELN')."""
    value = fold_umlauts((value or "").strip())
    value = unicodedata.normalize("NFKD", value)
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = re.sub(r"[^\w]+", " ", value.casefold())
    return " ".join(value.split())


def strip_control_chars(value):
    """Removes control characters (keeps tab, newline, carriage return)."""
    if not value:
        return value
    return _CONTROL.sub("", value)


def shortened(value, limit):
    """Text from outside as a message quotes it: on one line, without control
    characters (a command prints to a terminal), cut to `limit` with "…"."""
    text = " ".join(strip_control_chars(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
