"""FTL's login pages: where they live, how to recognise one, and what to tell a user who meets one."""

from __future__ import annotations

import re

#: the login form page, where FTL redirects a request that needs an account
LOGIN_PAGE_PATH = "/account/login"
#: where the login form posts its credentials
LOGIN_POST_PATH = "/login"
LOGIN_PATHS = frozenset({LOGIN_PAGE_PATH, LOGIN_POST_PATH})

LOGIN_REQUIRED_MESSAGE = "FTL requires login for this page: set FTL_USERNAME and FTL_PASSWORD, or FTL_COOKIE"

# FTL's login page carries ``<form id="loginForm">`` posting to ``/login``; either mark is enough,
# because a followed redirect to it comes back as HTTP 200 and must not be read as data.
_LOGIN_FORM_ID = re.compile(r"""\bid\s*=\s*["']?loginForm\b""", re.IGNORECASE)
_LOGIN_FORM_ACTION = re.compile(
    r"""<form\b[^>]*\baction\s*=\s*["']?(?:https?://[^/"'\s>]+)?(?:/account)?/login(?:[?#"'\s>]|$)""",
    re.IGNORECASE,
)


def is_login_page(html: str) -> bool:
    """True if ``html`` is FTL's login page (what an unauthenticated request ends on)."""
    # Both marks contain "login". The case-insensitive regexes cost ~25 us per KB (no literal
    # prefix to skip ahead on), and every page passes through here several times.
    if "login" not in html.lower():
        return False
    return bool(_LOGIN_FORM_ID.search(html) or _LOGIN_FORM_ACTION.search(html))
