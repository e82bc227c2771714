"""A loopback FTL for tests and benchmarks: serves fake events, injects faults, records traffic.

``FakeFtlServer`` is a ``ThreadingHTTPServer`` on 127.0.0.1 (ephemeral port) in a daemon
thread. It answers the three pool-round endpoints and the two tableau ones, optionally gates them
behind FTL's login flow, and records every request, the concurrency peak and the logins it saw.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import select
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from .event import FakeEvent
from .render import (
    IdsStyle,
    login_return_path,
    render_event_page,
    render_final_results_json,
    render_home_page,
    render_login_page,
    render_pool_fragment,
    render_pools_page,
    render_results_json,
    render_schedule_page,
)
from .render_tableau import render_tableau_tables
from .tableau import FakeTableau
from .tournament import FakeTournament

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
SESSION_COOKIE = "connect.sid"
SESSION_DAYS = 10

_ID = "[0-9A-Fa-f]{32}"
_ID_PATTERN = re.compile(_ID)
_POOLS_PAGE = re.compile(rf"/pools/scores/(?P<event>{_ID})/(?P<round>{_ID})/?")
_FRAGMENT = re.compile(rf"/pools/scores/(?P<event>{_ID})/(?P<round>{_ID})/(?P<pool>{_ID})")
_RESULTS = re.compile(rf"/pools/results/data/(?P<event>{_ID})/(?P<round>{_ID})")
_TABLEAU_TREES = re.compile(rf"/tableaus/scores/(?P<event>{_ID})/(?P<tableau>{_ID})/trees")
_TABLEAU_TABLES = re.compile(
    rf"/tableaus/scores/(?P<event>{_ID})/(?P<tableau>{_ID})/trees/(?P<tree>{_ID})/tables/(?P<first>\d+)/(?P<count>\d+)"
)

PathMatcher = str | re.Pattern[str] | Callable[[str], bool]


# ---------------------------------------------------------------- fault kinds


@dataclass(frozen=True)
class Status:
    """Answer with this status (503, 500, 404, 429 + ``{"Retry-After": "2"}``...)."""

    code: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delay:
    """Wait this long, then serve normally (to outlast a client timeout)."""

    seconds: float


@dataclass(frozen=True)
class Reset:
    """Drop the connection abruptly (TCP RST) without any response."""


@dataclass(frozen=True)
class Body:
    """Answer with this body instead of the real one (garbage page, malformed JSON)."""

    content: bytes
    status: int = 200
    content_type: str = HTML


@dataclass(frozen=True)
class Redirect:
    """302 to ``location`` (e.g. ``/account/login?r=...``)."""

    location: str
    status: int = 302


Fault = Status | Delay | Reset | Body | Redirect


@dataclass
class _FaultRule:
    matches: Callable[[str], bool]
    responses: deque[Fault]
    forever: bool


def path_matcher(matcher: PathMatcher) -> Callable[[str], bool]:
    """A predicate on the request path (with query): prefix string, regex (search) or callable."""
    if isinstance(matcher, str):
        return lambda path: path.startswith(matcher)
    if isinstance(matcher, re.Pattern):
        return lambda path: matcher.search(path) is not None
    return matcher


# ---------------------------------------------------------------- records


@dataclass
class RecordedRequest:
    """One request as the server saw it; ``end`` is set once the response is written."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    start: float
    end: float | None = None
    #: when the server began writing the answer (None: not answered, e.g. a reset)
    answered: float | None = None
    #: the status answered (None for a reset connection or a client that gave up)
    status: int | None = None

    @property
    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie(self.headers.get("Cookie", ""))
        return {name: morsel.value for name, morsel in jar.items()}


@dataclass
class _Session:
    csrf_token: str
    authenticated: bool = False


@dataclass
class _Reply:
    status: int
    body: bytes = b""
    content_type: str = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)


# ---------------------------------------------------------------- the server


class FakeFtlServer:
    """Fake FencingTimeLive on ``base_url``; use as a context manager or start()/stop()."""

    def __init__(
        self,
        *events: FakeEvent,
        latency: float = 0.0,
        require_login: bool = False,
        accounts: dict[str, str] | None = None,
        validators: bool = False,
        tableaus: Sequence[FakeTableau] = (),
    ) -> None:
        self.latency = latency
        self.require_login = require_login
        self.accounts = dict(accounts or {})
        #: send an ETag with every page served whole (data pages, event pages) and answer a
        #: matching If-None-Match with 304
        self.validators = validators
        self._defaults = (latency, require_login)
        self._default_validators = validators
        self._lock = threading.Condition()
        self._stopping = threading.Event()
        self._pages: dict[str, tuple[bytes, str]] = {}
        # tournament and event pages (and the /events/view router), by path with upper-case IDs
        self._routes: dict[str, _Reply] = {}
        self._tableaus: dict[str, FakeTableau] = {}
        self._faults: list[_FaultRule] = []
        self._sessions: dict[str, _Session] = {}
        self._connections: set[socket.socket] = set()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        # Requests received and not yet being answered. Unlike in_flight, never counts a request
        # whose answer the client may already hold: the server notes a reply's end only after its
        # last write, when the client may have sent its next request (on another connection).
        self.awaiting_answer = 0
        self.peak_awaiting_answer = 0
        self.login_count = 0
        self.connections_opened = 0
        for event in events:
            self.add_event(event)
        for tableau in tableaus:
            self.add_tableau(tableau)
        # what reset() goes back to: the construction-time events and accounts
        self._initial_pages = dict(self._pages)
        self._initial_routes = dict(self._routes)
        self._initial_tableaus = dict(self._tableaus)
        self._initial_accounts = dict(self.accounts)

    # -- lifecycle

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _LoopbackHttpServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        self._stopping.set()  # wakes handlers sleeping in Delay/latency
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
        with self._lock:
            connections, self._connections = list(self._connections), set()
        for connection in connections:  # idle keep-alive connections would linger otherwise
            _shutdown_quietly(connection)
        self._httpd = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FakeFtlServer is not running; call start()")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    # -- content

    def add_event(self, event: FakeEvent, *, ids_style: IdsStyle = "compact") -> None:
        """Serve this event's pools page, pool fragments and results JSON."""
        page = render_pools_page(
            event.event_id,
            event.pool_round_id,
            event.pool_ids,
            ids_style=ids_style,
            tournament_name=event.tournament_name,
            event_name=event.event_name,
            event_time=event.event_time,
        )
        prefix = f"{event.event_id}/{event.pool_round_id}"
        pages = {f"scores/{prefix}": (page.encode(), HTML)}
        for pool in event.pools:
            fragment = render_pool_fragment(pool, event.event_id, event.pool_round_id)
            pages[f"scores/{prefix}/{pool.pool_id}"] = (fragment.encode(), HTML)
        pages[f"results/{prefix}"] = (render_results_json(event), JSON)
        with self._lock:
            self._pages.update(pages)

    def add_tournament(self, tournament: FakeTournament) -> None:
        """Serve a tournament: its schedule, each event's pages, final results JSON and
        ``/events/view/{e}`` router (302 to the results page), and every pool round and tableau."""
        for event in tournament.events:
            for pool_round in event.rounds:
                self.add_event(pool_round)
            for tableau in event.tableaus:
                self.add_tableau(tableau)
        routes = {
            f"/tournaments/eventSchedule/{tournament.tournament_id}": _Reply(
                200, render_schedule_page(tournament).encode()
            )
        }
        for event in tournament.events:
            for active in ("results", "competitors", "format"):
                page = render_event_page(tournament, event, active).encode()
                routes[f"/events/{active}/{event.event_id}"] = _Reply(200, page)
            routes[f"/events/results/data/{event.event_id}"] = _Reply(
                200, render_final_results_json(event), JSON
            )
            routes[f"/events/view/{event.event_id}"] = _Reply(
                302, headers=[("Location", f"/events/results/{event.event_id}")]
            )
        with self._lock:
            self._routes.update(routes)

    def add_tableau(self, tableau: FakeTableau) -> None:
        """Serve this DE round's trees JSON and every window of its trees' columns."""
        with self._lock:
            self._tableaus[f"{tableau.event_id}/{tableau.tableau_id}"] = tableau

    # -- faults

    def add_fault(self, matcher: PathMatcher, *responses: Fault, forever: bool = False) -> None:
        """Answer the next matching requests with ``responses``, one each, then normally.

        ``forever=True`` repeats the last response for every later match. Rules are tried
        in the order added; a request consumes from the first rule that matches it.
        """
        if not responses:
            raise ValueError("add_fault needs at least one response")
        rule = _FaultRule(path_matcher(matcher), deque(responses), forever)
        with self._lock:
            self._faults.append(rule)

    def clear_faults(self) -> None:
        """Serve normally again (e.g. FTL is back after an outage added with ``forever=True``)."""
        with self._lock:
            self._faults = []

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for rule in self._faults:
                if not rule.matches(path):
                    continue
                if rule.forever and len(rule.responses) == 1:
                    return rule.responses[0]
                fault = rule.responses.popleft()
                if not rule.responses:
                    self._faults.remove(rule)
                return fault
        return None

    # -- records

    def hits(self, matcher: PathMatcher, *, status: int | None = None) -> int:
        """How many requests had a path (with query) matching a prefix, regex or predicate
        (and, with ``status``, were answered with that status)."""
        matches = path_matcher(matcher)
        with self._lock:
            return sum(
                1
                for request in self.requests
                if matches(request.path) and (status is None or request.status == status)
            )

    def take_requests(self) -> list[RecordedRequest]:
        """The requests recorded so far, forgotten here (a long benchmark keeps its memory flat)."""
        with self._lock:
            taken, self.requests = self.requests, []
        return taken

    def reset(self, *, drain_timeout: float = 2.0) -> None:
        """Forget requests, faults, sessions, counters and the events and tableaus added since;
        restore latency, require_login, validators and the accounts given to the constructor.

        Waits up to ``drain_timeout`` for requests still being answered (a delayed response
        from an earlier test) so they do not count towards the next test's ``peak_in_flight``.
        """
        with self._lock:
            self._lock.wait_for(lambda: self.in_flight == 0, timeout=drain_timeout)
            self.requests = []
            self._faults = []
            self._sessions = {}
            self.peak_in_flight = self.in_flight
            self.peak_awaiting_answer = self.awaiting_answer
            self.login_count = 0
            self.connections_opened = 0
            self.latency, self.require_login = self._defaults
            self.validators = self._default_validators
            self.accounts = dict(self._initial_accounts)
            self._pages = dict(self._initial_pages)
            self._routes = dict(self._initial_routes)
            self._tableaus = dict(self._initial_tableaus)

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            self.awaiting_answer += 1
            self.peak_awaiting_answer = max(self.peak_awaiting_answer, self.awaiting_answer)

    def _answering(self, request: RecordedRequest) -> None:
        with self._lock:
            if request.answered is None:
                request.answered = time.monotonic()
                self.awaiting_answer -= 1

    def _finish(self, request: RecordedRequest) -> None:
        self._answering(request)  # a reset or a client that left was never answered
        with self._lock:
            self.in_flight -= 1
            request.end = time.monotonic()
            self._lock.notify_all()

    def _track(self, connection: socket.socket, *, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(connection)
                self.connections_opened += 1
            else:
                self._connections.discard(connection)

    # -- sessions

    @property
    def valid_session_ids(self) -> frozenset[str]:
        """``connect.sid`` values that currently open the data pages."""
        with self._lock:
            return frozenset(sid for sid, s in self._sessions.items() if s.authenticated)

    def expire_sessions(self) -> None:
        """Invalidate every session, as if FTL refused the cookie mid-crawl."""
        with self._lock:
            self._sessions = {}

    def _session_for_login_page(self, sid: str | None) -> tuple[str, _Session]:
        with self._lock:
            if sid and sid in self._sessions:
                return sid, self._sessions[sid]
            return self._new_session(authenticated=False)

    def _new_session(self, *, authenticated: bool) -> tuple[str, _Session]:
        # express-session style signed id: s:<id>.<signature>, URL-encoded in the cookie
        sid = f"s%3A{secrets.token_urlsafe(24)}.{secrets.token_urlsafe(32)}"
        session = _Session(csrf_token=secrets.token_urlsafe(27), authenticated=authenticated)
        self._sessions[sid] = session
        return sid, session

    def _log_in(self, sid: str | None, csrf: str | None, form: dict[str, str]) -> _Reply:
        with self._lock:
            session = self._sessions.get(sid or "")
            if session is None or not csrf or csrf != session.csrf_token:
                return _Reply(403, b"invalid csrf token", "text/plain; charset=utf-8")
            password = self.accounts.get(form.get("username", ""))
            if password is None or password != form.get("password"):
                return _Reply(401, b"Invalid email or password", "text/plain; charset=utf-8")
            del self._sessions[sid or ""]  # session regeneration on login
            new_sid, _ = self._new_session(authenticated=True)
            self.login_count += 1
        expires = formatdate(time.time() + SESSION_DAYS * 86400, usegmt=True)
        cookie = f"{SESSION_COOKIE}={new_sid}; Path=/; Expires={expires}; HttpOnly"
        return _Reply(200, b"/", headers=[("Set-Cookie", cookie)])

    def _is_authenticated(self, sid: str | None) -> bool:
        with self._lock:
            session = self._sessions.get(sid or "")
            return session is not None and session.authenticated

    # -- routing

    def _route(self, method: str, path: str, headers: dict[str, str], body: bytes) -> _Reply:
        route = urlsplit(path).path
        sid = _session_cookie(headers)
        if method == "POST":
            if route != "/login":
                return _Reply(404, b"Not Found")
            form = {key: values[0] for key, values in parse_qs(body.decode("utf-8")).items()}
            return self._log_in(sid, _header(headers, "x-csrf-token"), form)
        if route == "/account/login":
            new_sid, session = self._session_for_login_page(sid)
            cookie = f"{SESSION_COOKIE}={new_sid}; Path=/; HttpOnly"
            login_page = render_login_page(session.csrf_token).encode()
            return _Reply(200, login_page, headers=[("Set-Cookie", cookie)])
        if route == "/":
            return _Reply(200, render_home_page().encode())
        page = self._data_page(route)
        with self._lock:
            reply = self._routes.get(_ID_PATTERN.sub(lambda match: match[0].upper(), route.rstrip("/")))
        if page is not None:
            reply = _Reply(200, page[0], page[1])
        if reply is None:
            return _Reply(404, b"<h1>Not Found</h1>")
        if self.require_login and not self._is_authenticated(sid):
            return _Reply(302, headers=[("Location", login_return_path(path))])
        if self.validators and reply.status == 200:
            etag = f'"{hashlib.sha256(reply.body).hexdigest()[:20]}"'
            if _header(headers, "If-None-Match") == etag:
                return _Reply(304, b"", reply.content_type, headers=[("ETag", etag)])
            return _Reply(200, reply.body, reply.content_type, headers=[("ETag", etag)])
        return reply

    def _data_page(self, route: str) -> tuple[bytes, str] | None:
        tableau_page = self._tableau_page(route)
        if tableau_page is not None:
            return tableau_page
        for pattern, kind in ((_FRAGMENT, "scores"), (_POOLS_PAGE, "scores"), (_RESULTS, "results")):
            match = pattern.fullmatch(route)
            if match:
                key = "/".join(part.upper() for part in match.groups())
                with self._lock:
                    return self._pages.get(f"{kind}/{key}")
        return None

    def _tableau_page(self, route: str) -> tuple[bytes, str] | None:
        match = _TABLEAU_TREES.fullmatch(route) or _TABLEAU_TABLES.fullmatch(route)
        if match is None:
            return None
        with self._lock:
            tableau = self._tableaus.get(f"{match['event'].upper()}/{match['tableau'].upper()}")
        if tableau is None:
            return None
        if match.re is _TABLEAU_TREES:
            return tableau.trees_json(), JSON
        tree = next((tree for tree in tableau.trees if tree.tree_id == match["tree"].upper()), None)
        if tree is None:
            return None
        html = render_tableau_tables(
            tree, int(match["first"]), int(match["count"]), tableau.event_id, tableau.tableau_id
        )
        return html.encode(), HTML


class _LoopbackHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True


def _make_handler(server: FakeFtlServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_FtlRequestHandler):
        fake = server

    return Handler


class _FtlRequestHandler(BaseHTTPRequestHandler):
    """Reads a request, records it, applies a fault or the routing, writes the reply."""

    fake: FakeFtlServer
    protocol_version = "HTTP/1.1"  # keep-alive, like FTL behind its proxy
    # headers and body go out in two writes; with Nagle's algorithm on, every reply after the
    # first on a connection would wait ~40 ms for the client's delayed ACK (nginx sets TCP_NODELAY)
    disable_nagle_algorithm = True
    server_version = "nginx"
    sys_version = ""
    timeout = 30  # idle keep-alive connections end on their own

    def setup(self) -> None:
        super().setup()
        self.fake._track(self.connection, open_=True)

    def finish(self) -> None:
        self.fake._track(self.connection, open_=False)
        # the client went away (timeout, Reset fault): nothing left to flush
        with contextlib.suppress(OSError):
            super().finish()

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean; the requests list is the log

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = RecordedRequest(method, self.path, dict(self.headers.items()), body, time.monotonic())
        self.fake._record(request)
        try:
            self._respond(request)
        except OSError:
            self.close_connection = True  # client hung up mid-response
        finally:
            self.fake._finish(request)

    def _respond(self, request: RecordedRequest) -> None:
        fault = self.fake._take_fault(request.path)
        if isinstance(fault, Reset):
            self._reset_connection()
            return
        pause = (fault.seconds if isinstance(fault, Delay) else 0.0) + self.fake.latency
        if pause and not self._wait_while_client_connected(pause):
            self.close_connection = True  # the client gave up (timeout): nobody to answer
            return
        reply = _fault_reply(fault) or self.fake._route(
            request.method, request.path, request.headers, request.body
        )
        request.status = reply.status
        self.fake._answering(request)
        self._write(reply)

    def _wait_while_client_connected(self, seconds: float) -> bool:
        """Sleep ``seconds`` (cut short by stop()); False as soon as the client hangs up."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            if self.fake._stopping.is_set():
                return True
            readable, _, _ = select.select([self.connection], [], [], min(remaining, 0.05))
            if readable:
                if not self._peer_still_there():
                    return False
                # a pipelined next request is waiting: the client is there, just sleep
                self.fake._stopping.wait(max(0.0, deadline - time.monotonic()))
                return True
        return True

    def _peer_still_there(self) -> bool:
        try:
            return bool(self.connection.recv(1, socket.MSG_PEEK))  # b"" = orderly close
        except OSError:
            return False

    def _write(self, reply: _Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)
        self.wfile.flush()

    def _reset_connection(self) -> None:
        # SO_LINGER 0 makes close() send RST instead of FIN: the client sees a reset
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.rfile.close()  # drop the makefile() reference so close() really closes
        self.connection.close()


def _fault_reply(fault: Fault | None) -> _Reply | None:
    if isinstance(fault, Status):
        return _Reply(fault.code, fault.body, headers=list(fault.headers.items()))
    if isinstance(fault, Body):
        return _Reply(fault.status, fault.content, fault.content_type)
    if isinstance(fault, Redirect):
        return _Reply(fault.status, headers=[("Location", fault.location)])
    return None


def _header(headers: dict[str, str], name: str) -> str | None:
    lowered = name.lower()
    return next((value for key, value in headers.items() if key.lower() == lowered), None)


def _session_cookie(headers: dict[str, str]) -> str | None:
    raw = _header(headers, "Cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE:
            return value
    return None


def _shutdown_quietly(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)


__all__ = [
    "Body",
    "Delay",
    "FakeFtlServer",
    "Fault",
    "RecordedRequest",
    "Redirect",
    "Reset",
    "Status",
    "path_matcher",
]
