"""Markdown -> safe HTML. Every place that shows user-written Markdown
(vacancy pages, previews, feeds, e-mails, JSON-LD) goes through here.

Two layers: raw HTML in the source is never interpreted (Markdown's HTML
pass-through is switched off, so "<script>" arrives as visible text), and
nh3 then allows only a short list of tags, attributes and URL schemes on
whatever Markdown produced. Either layer alone would stop a script; both
together also keep hostile markup from changing the page's layout."""

import functools
import html
import re

import markdown as md
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from jobsite.text import strip_control_chars

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
# Only web and mail links survive; javascript:, data:, vbscript: and
# friends lose their href.
URL_SCHEMES = {"http", "https", "mailto"}
# The page's own <h1> is the vacancy title, so a "# Heading" in the text
# becomes <h2>, and levels below h4 are folded into h4.
_HEADING = re.compile(r"<(/?)h([1-6])>")
_HEADING_MAP = {"1": "2", "2": "2", "3": "3", "4": "4", "5": "4", "6": "4"}
# Unicode characters that are not allowed in XML 1.0 (feeds) besides the
# C0/C1 controls strip_control_chars removes.
_NON_CHARACTERS = re.compile("[\ufffe\uffff\ud800-\udfff]")


def _converter():
    # A fresh Markdown instance per call: instances keep state between
    # conversions and are not safe to share between threads.
    converter = md.Markdown(extensions=["sane_lists"], output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


def clean_text(text):
    """User text without characters that break XML, JSON or mail headers."""
    return _NON_CHARACTERS.sub("", strip_control_chars(text or ""))


@functools.lru_cache(maxsize=512)
def render_markdown(text):
    """Markdown rendered and sanitised with nh3; safe to output unescaped.

    Memoised per process: a vacancy page needs the same description three
    times (body, meta description, JSON-LD), and popular pages are asked
    for again and again. The key is the text itself, so an edit can never
    hit an old rendering; 512 descriptions are about 1.5 MB."""
    html = _converter().convert(clean_text(text))
    html = _HEADING.sub(lambda m: f"<{m[1]}h{_HEADING_MAP[m[2]]}>", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)


def markdown_to_text(text):
    """Plain text of the rendered Markdown, whitespace collapsed (for meta
    descriptions and previews)."""
    return " ".join(html.unescape(strip_tags(render_markdown(text))).split())
