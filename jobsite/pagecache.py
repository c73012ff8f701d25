"""Whole-page cache for visitors without a session.

Most traffic on a job portal is anonymous, and for them a vacancy, a career
page, a hub or a search page is the same page every time until something
live changes. Views opt in with `cacheable(response)`; `PageCacheMiddleware`
then keeps the rendered page and answers the next visitor without the view,
the database or the templates.

Correctness rests on three rules:

- The key holds the live-data generation and the day (listings/freshness.py),
  the language, scheme, host and full path. Any change to what is live makes
  every kept page stale at once, as for cached search results.
- Only visitors who could not see anything personal are served or stored:
  GET without a session cookie (so not logged in, no Merkliste) and without
  pending messages. Responses that set their own cookies are never kept.
- What differs per response is put back on every answer: the CSP nonce and
  the CSRF token of the page's forms (language switch, Merkliste buttons)
  are stored as placeholders and filled in fresh, and the middleware sits
  inside the session, CSRF and CSP middleware, so their cookies and headers
  are made for each visitor as usual.

A view that must do something on every view, cached or not (count a
vacancy view), passes `on_hit`: the dotted path of a function and its
arguments, called when the page is answered from the cache. A path, not the
function: it is stored in the cache and looked up when used."""

import hashlib
import re

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.module_loading import import_string
from django.utils.translation import get_language

from listings import freshness

CACHE_SECONDS = freshness.CACHE_SECONDS
NONCE_MARK = b"\x00csp-nonce\x00"
CSRF_MARK = b"\x00csrf-token\x00"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
# Headers the middleware outside this one adds again to every answer.
_NOT_KEPT = {"content-length", "content-security-policy", "content-security-policy-report-only", "set-cookie"}


def cacheable(response, *, on_hit=None):
    """Marks a rendered response as the same for every visitor without a
    session. `on_hit`: ("dotted.path.to.function", *args) to call on each
    cached answer."""
    response.page_cache = True
    if on_hit is not None:
        path, *args = on_hit
        response.page_cache_on_hit = (path, tuple(args))
    return response


def _eligible(request):
    if request.method != "GET":
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def _key(request):
    wanted = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha1(wanted.encode(), usedforsecurity=False).hexdigest()
    return f"page:{freshness.key_prefix()}:{get_language()}:{digest}"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        key = _key(request)
        kept = cache.get(key)
        if kept is not None:
            return self._answer(request, kept)
        response = self.get_response(request)
        if getattr(response, "page_cache", False) and self._storable(response):
            cache.set(key, self._keep(request, response), CACHE_SECONDS)
        return response

    @staticmethod
    def _storable(response):
        return response.status_code == 200 and not response.streaming and not response.cookies

    @staticmethod
    def _keep(request, response):
        content = _CSRF_INPUT.sub(rb"\1" + CSRF_MARK + rb"\2", response.content)
        nonce = getattr(request, "_csp_nonce", None)
        if nonce:  # a LazyNonce is true once the page has used it
            content = content.replace(str(nonce).encode(), NONCE_MARK)
        headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_KEPT]
        return {
            "content": content,
            "headers": headers,
            "on_hit": getattr(response, "page_cache_on_hit", None),
        }

    @staticmethod
    def _answer(request, kept):
        content = kept["content"]
        if NONCE_MARK in content:
            content = content.replace(NONCE_MARK, str(request._csp_nonce).encode())
        if CSRF_MARK in content:
            content = content.replace(CSRF_MARK, get_token(request).encode())
        response = HttpResponse(content)
        for name, value in kept["headers"]:
            response[name] = value
        if kept["on_hit"]:
            path, args = kept["on_hit"]
            import_string(path)(*args)
        return response
