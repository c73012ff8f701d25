"""Markdown -> safe HTML. Every place that shows user-written Markdown
(vacancy pages, previews, feeds, e-mails, JSON-LD) goes through here."""

import markdown as md
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "a",
    "code",
    "pre",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# Only web and mail links survive; javascript:, data: and friends are dropped.
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    """Markdown rendered and sanitised with nh3; safe to output unescaped."""
    html = md.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)
