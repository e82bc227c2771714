"""LoginWallMiddleware on its own: which responses are FTL's login wall, and what it reports."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, JsonResponse, Response

from ftl_scraper.errors import LoginRequiredError
from ftl_scraper.login.login_wall import LoginWallMiddleware
from ftl_scraper.site.login import LOGIN_REQUIRED_MESSAGE

from .fakeftl.render import render_login_page

POOLS_URL = "https://www.fencingtimelive.com/pools/scores/" + "A" * 32 + "/" + "B" * 32
LOGIN_PAGE = render_login_page("csrf-token").encode()


def check(request: Request, response: Response) -> Response:
    return LoginWallMiddleware().process_response(request, response)


@pytest.mark.parametrize("status", [301, 302, 303, 307])
@pytest.mark.parametrize(
    "location",
    ["/account/login?r=L3Bvb2xz", "https://www.fencingtimelive.com/account/login", "/login"],
)
def test_a_redirect_to_the_login_page_is_login_required(status: int, location: str) -> None:
    request = Request(POOLS_URL)
    response = Response(POOLS_URL, status=status, headers={"Location": location}, request=request)

    with pytest.raises(LoginRequiredError) as raised:
        check(request, response)
    assert str(raised.value) == f"{LOGIN_REQUIRED_MESSAGE} ({POOLS_URL})"


def test_a_200_login_page_is_login_required() -> None:
    request = Request(POOLS_URL)
    with pytest.raises(LoginRequiredError, match="FTL requires login for this page"):
        check(request, HtmlResponse(POOLS_URL, body=LOGIN_PAGE, request=request))


def test_a_followed_redirect_reports_the_page_asked_for() -> None:
    login_url = "https://www.fencingtimelive.com/account/login?r=L3Bvb2xz"
    request = Request(login_url, meta={"redirect_urls": [POOLS_URL]})
    with pytest.raises(LoginRequiredError) as raised:
        check(request, HtmlResponse(login_url, body=LOGIN_PAGE, request=request))
    assert raised.value.url == POOLS_URL


def test_other_redirects_and_data_pass_through() -> None:
    request = Request(POOLS_URL)
    moved = Response(POOLS_URL, status=302, headers={"Location": "/pools/scores/x"}, request=request)
    data = JsonResponse(POOLS_URL, body=b'[{"id": "x"}]', request=request)
    assert check(request, moved) is moved
    assert check(request, data) is data


def test_a_deliberate_visit_to_the_login_page_passes() -> None:
    # the login middleware fetches the form (for its CSRF token) on purpose
    login_url = "https://www.fencingtimelive.com/account/login"
    request = Request(login_url)
    page = HtmlResponse(login_url, body=LOGIN_PAGE, request=request)
    assert check(request, page) is page
