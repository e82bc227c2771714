"""Report FTL's login wall as "login required", never as a page that failed to parse."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse

from ftl_scraper.errors import LoginRequiredError
from ftl_scraper.site.login import LOGIN_PATHS, LOGIN_REQUIRED_MESSAGE, is_login_page

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def is_login_wall(request: Request, response: Response) -> bool:
    """FTL's answer to a request without a (valid) session: a redirect to its login page,
    or the login page itself (what a followed redirect ends on, with HTTP 200)."""
    if response.status in _REDIRECT_STATUSES:
        location = response.headers.get(b"Location")
        target = urljoin(request.url, location.decode("latin-1")) if location else ""
        return _path(target) in LOGIN_PATHS
    if _path(response.url) in LOGIN_PATHS:
        return True
    return isinstance(response, TextResponse) and is_login_page(response.text)


class LoginWallMiddleware:
    """Raises ``LoginRequiredError`` for a redirect to ``/account/login`` or a 200 login page.

    Placed above RedirectMiddleware (600) so it sees the 302 itself; an exception raised in
    ``process_response`` goes straight to the request's errback, so the page is neither
    retried nor parsed. FtlLoginMiddleware (925) sees the wall first and logs in when it can.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        if _path(request.url) in LOGIN_PATHS and not request.meta.get("redirect_urls"):
            return response  # a deliberate visit to the login page (logging in)
        if is_login_wall(request, response):
            # the URL asked for, not the login page's: that is the page the user needs access to
            asked_for = request.meta.get("redirect_urls", [request.url])[0]
            raise LoginRequiredError(LOGIN_REQUIRED_MESSAGE, url=asked_for)
        return response


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/") or "/"
