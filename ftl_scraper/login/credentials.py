"""Where an FTL session comes from: an account, or a browser cookie, from the environment.

Read once per crawl. Secrets stay out of reprs, and a password or cookie given on the command
line (``-s``, which stays in shell history and the process list) is refused.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.paths import default_state_dir
from ftl_scraper.site.urls import normalize_base_url

SESSION_COOKIE = "connect.sid"
#: where credentials may come from (environment variables, or project settings)
CREDENTIAL_SETTINGS = ("FTL_USERNAME", "FTL_PASSWORD", "FTL_COOKIE", "FTL_COOKIES_FILE")
#: FTL's site root serves pages on the apex too, but the session cookie is host-only on www
_APEX_HOST = "fencingtimelive.com"
# settings given at this priority or higher come from `scrapy crawl -s` (shell history, `ps`)
_CMDLINE_PRIORITY = SETTINGS_PRIORITIES["cmdline"]


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class LoginConfig:
    """Where the session comes from; read once per crawl from settings and the environment."""

    base_url: str
    credentials: Credentials | None = None
    #: a ``connect.sid`` value the user copied from a browser, and where it came from
    given_cookie: str | None = field(default=None, repr=False)
    given_cookie_source: str = "FTL_COOKIE"
    state_dir: Path | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @classmethod
    def from_settings(cls, settings: BaseSettings, environ: Mapping[str, str] | None = None) -> Self:
        """Settings first (except from the command line), then ``FTL_USERNAME``/``FTL_PASSWORD``/
        ``FTL_COOKIE``/``FTL_COOKIES_FILE`` from the environment. Raises ``FtlError``."""
        env = os.environ if environ is None else environ
        base_url = normalize_base_url(settings.get("FTL_BASE_URL"))
        if urlsplit(base_url).hostname == _APEX_HOST:
            raise InvalidArgumentError(
                f"FTL_BASE_URL must be https://www.{_APEX_HOST}, not {base_url}: FTL's session cookie "
                f"is only sent to the www host, so the apex answers every page with the login page"
            )
        for secret in ("FTL_PASSWORD", "FTL_COOKIE"):
            if (settings.getpriority(secret) or 0) >= _CMDLINE_PRIORITY:
                raise InvalidArgumentError(
                    f"{secret} must not be given on the command line (it would stay in the shell "
                    f"history and in the process list): set the {secret} environment variable instead"
                )
        username = _setting_or_env(settings, env, "FTL_USERNAME")
        password = _setting_or_env(settings, env, "FTL_PASSWORD")
        if bool(username) != bool(password):
            missing = "FTL_PASSWORD" if username else "FTL_USERNAME"
            raise InvalidArgumentError(f"FTL_USERNAME and FTL_PASSWORD go together: set {missing} too")
        credentials = Credentials(username, password) if username and password else None
        given_cookie, source = _setting_or_env(settings, env, "FTL_COOKIE"), "FTL_COOKIE"
        cookies_file = _setting_or_env(settings, env, "FTL_COOKIES_FILE")
        if not given_cookie and cookies_file:
            host = urlsplit(base_url).hostname or ""
            given_cookie, source = session_cookie_from_file(Path(cookies_file), host), "FTL_COOKIES_FILE"
        state_dir = settings.get("FTL_STATE_DIR") or default_state_dir()
        return cls(
            base_url=base_url,
            credentials=credentials,
            given_cookie=bare_cookie_value(given_cookie) if given_cookie else None,
            given_cookie_source=source,
            state_dir=Path(state_dir),
        )


def _setting_or_env(settings: BaseSettings, env: Mapping[str, str], name: str) -> str:
    return str(settings.get(name) or env.get(name) or "").strip()


def bare_cookie_value(text: str) -> str:
    """Accept ``connect.sid=VALUE`` (as copied from a Cookie header) as well as ``VALUE``."""
    text = text.strip().strip(";").strip()
    for part in text.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip() == SESSION_COOKIE:
            return value.strip()
    return text


def session_cookie_from_file(path: Path, host: str) -> str:
    """The ``connect.sid`` for ``host`` from a browser export.

    Reads a Netscape ``cookies.txt``, a JSON list of cookies (browser extensions), a Playwright
    ``storage_state`` JSON, or a file holding just the value.
    """
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise InvalidArgumentError(f"cannot read FTL_COOKIES_FILE {path}: {error.strerror}") from None
    if text.startswith(("[", "{")):
        value = _cookie_from_json(text, host)
    elif "\t" in text:
        value = _cookie_from_netscape(text, host)
    else:
        value = bare_cookie_value(text) or None
    if not value:
        raise InvalidArgumentError(f"FTL_COOKIES_FILE {path} holds no {SESSION_COOKIE} cookie for {host}")
    return value


def _cookie_from_json(text: str, host: str) -> str | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    cookies = data.get("cookies", []) if isinstance(data, dict) else data
    for cookie in cookies if isinstance(cookies, list) else []:
        if (
            isinstance(cookie, dict)
            and cookie.get("name") == SESSION_COOKIE
            and _domain_matches(str(cookie.get("domain", host)), host)
        ):
            return str(cookie.get("value", "")) or None
    return None


def _cookie_from_netscape(text: str, host: str) -> str | None:
    for line in text.splitlines():
        line = line.removeprefix("#HttpOnly_")
        fields = line.split("\t")
        if line.startswith("#") or len(fields) != 7:
            continue
        domain, _, _, _, _, name, value = fields
        if name == SESSION_COOKIE and _domain_matches(domain, host):
            return value.strip() or None
    return None


def _domain_matches(domain: str, host: str) -> bool:
    domain, host = domain.strip().lstrip(".").lower(), host.lower()
    return host == domain or host.endswith("." + domain)
