"""Decoding FTL's JSON endpoints: one top-level array, or the login page instead of data."""

from __future__ import annotations

import json
from typing import Any

from ftl_scraper.errors import LoginRequiredError, ParseError
from ftl_scraper.site.login import LOGIN_REQUIRED_MESSAGE, is_login_page


def decode_json_array(
    data: str | bytes | list[Any], endpoint: str, error_class: type[ParseError], **context: Any
) -> list[Any]:
    """The decoded array; the login page gives ``LoginRequiredError``, anything else ``error_class``."""
    decoded: object = data
    if isinstance(data, str | bytes):
        try:
            decoded = json.loads(data.lstrip("\ufeff") if isinstance(data, str) else data)
        except (ValueError, UnicodeDecodeError) as exc:
            text = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
            if is_login_page(text):
                raise LoginRequiredError(LOGIN_REQUIRED_MESSAGE, **context) from exc
            raise error_class(f"{endpoint}: not valid JSON ({exc})", **context) from exc
    if not isinstance(decoded, list):
        raise error_class(
            f"{endpoint}: expected an array at the top level, got {json_type(decoded)}", **context
        )
    return decoded


def json_type(value: object) -> str:
    """How a JSON value is named in messages: 'an object', 'a number', 'null', ..."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)
