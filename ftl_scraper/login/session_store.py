"""FTL login sessions kept between runs: one owner-only (0600) JSON file per account and host."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

#: A session this close to its expiry is not worth sending: FTL would refuse it mid-crawl.
EXPIRY_MARGIN_SECONDS = 300.0
_FORMAT_VERSION = 1


@dataclass(frozen=True)
class StoredSession:
    """The value of FTL's ``connect.sid`` cookie and when FTL said it expires (epoch seconds)."""

    # repr=False: a session that ends up in a log line or a traceback must not show the cookie
    cookie_value: str = field(repr=False)
    expires_at: float | None = None

    def is_expired(self, now: float | None = None) -> bool:
        if self.expires_at is None:
            return False  # no expiry known: use it until FTL refuses it
        return (time.time() if now is None else now) >= self.expires_at - EXPIRY_MARGIN_SECONDS


class SessionStore:
    """Saves, loads and forgets sessions under ``directory`` (``FTL_STATE_DIR``).

    The file name is a hash of account and host, so neither the e-mail address nor any secret
    shows in a directory listing; the file itself is created 0600 because it holds a live session.
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def path_for(self, account: str, host: str) -> Path:
        # e-mail addresses and host names are case-insensitive: one file per real account
        key = f"{account.strip().lower()}\0{host.strip().lower()}".encode()
        return self.directory / f"session-{hashlib.sha256(key).hexdigest()[:32]}.json"

    def load(self, account: str, host: str) -> StoredSession | None:
        """The saved session, or None when there is none, it expired, or the file is unreadable."""
        path = self.path_for(account, host)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            session = StoredSession(str(data["connect_sid"]), _optional_float(data.get("expires_at")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            # a damaged file costs one login, not the crawl; the content is never logged
            logger.warning("Ignoring unreadable FTL session file %s (%s)", path, type(error).__name__)
            return None
        if session.is_expired():
            self.delete(account, host)
            return None
        return session

    def save(self, account: str, host: str, session: StoredSession) -> Path:
        """Write atomically (temporary file, then rename), so a crash never leaves half a file."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.path_for(account, host)
        payload = {
            "version": _FORMAT_VERSION,
            "host": host,
            "connect_sid": session.cookie_value,
            "expires_at": session.expires_at,
            "saved_at": time.time(),
        }
        # mkstemp creates the file with mode 0600 before anything is written to it
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".session-", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                json.dump(payload, file)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        return path

    def delete(self, account: str, host: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path_for(account, host).unlink()


def _optional_float(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValueError("expires_at is not a number")
