"""Rate limits of the employer area, on django-ratelimit's counters.

The views ask before they work and answer with the site's 429 page, so the
limits hold without the library's middleware. Failed log-ins are counted per
account (reset by a successful log-in, so only failures *in a row* count) and
per IP address (never reset, so one address cannot try many accounts)."""

import hashlib

from django.core.cache import cache
from django_ratelimit.core import get_usage

from jobsite.views import ratelimited

LOGIN_FAILURES_PER_ACCOUNT = 5
LOGIN_FAILURES_PER_IP = 20
LOGIN_WINDOW = "15m"


def _client_ip(request):
    return request.META.get("REMOTE_ADDR", "")


def _account_generation_key(email):
    return "employer-login-gen:" + hashlib.sha256(email.encode()).hexdigest()


def _account_value(email):
    # A successful log-in moves the account to a new generation, which starts
    # a fresh failure count.
    return f"{email}#{cache.get(_account_generation_key(email), 0)}"


def _usage(request, group, value, limit, window, *, increment):
    return get_usage(
        request,
        group=group,
        key=lambda _group, _request: value,
        rate=f"{limit}/{window}",
        method="POST",
        increment=increment,
    )


def login_blocked(request, email):
    """True once an account or an address has used up its failed attempts."""
    checks = [
        ("employer-login-account", _account_value(email), LOGIN_FAILURES_PER_ACCOUNT),
        ("employer-login-ip", _client_ip(request), LOGIN_FAILURES_PER_IP),
    ]
    for group, value, limit in checks:
        usage = _usage(request, group, value, limit, LOGIN_WINDOW, increment=False)
        if usage is not None and (usage["count"] >= limit or usage["should_limit"]):
            return True
    return False


def record_login_failure(request, email):
    _usage(
        request,
        "employer-login-account",
        _account_value(email),
        LOGIN_FAILURES_PER_ACCOUNT,
        LOGIN_WINDOW,
        increment=True,
    )
    _usage(
        request, "employer-login-ip", _client_ip(request), LOGIN_FAILURES_PER_IP, LOGIN_WINDOW, increment=True
    )


def record_login_success(email):
    key = _account_generation_key(email)
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def over_limit(request, group, *, rate, key="ip"):
    """Counts this request and says whether `group` is over `rate` for the
    client (key "ip") or the logged-in user (key "user")."""
    value = str(request.user.pk) if key == "user" else _client_ip(request)
    limit, window = rate.split("/", 1)
    usage = _usage(request, group, value, int(limit), window, increment=True)
    return bool(usage and usage["should_limit"])


__all__ = ["login_blocked", "over_limit", "ratelimited", "record_login_failure", "record_login_success"]
