"""The process's one Twisted reactor (asyncio), run in a background thread for the clients."""

from __future__ import annotations

import asyncio
import logging
import threading

from ftl_scraper.errors import ReactorUnavailableError

logger = logging.getLogger(__name__)

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


class ReactorThread:
    """Runs the reactor's event loop in a thread while at least one client uses it.

    A Twisted reactor cannot be restarted once stopped (ReactorNotRestartable), so it is never
    stopped: when its last user leaves, only its event loop pauses and the thread ends; the
    next user resumes the same reactor in a new thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._users = 0

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        return self._loop

    def acquire(self) -> asyncio.AbstractEventLoop:
        """The reactor's running event loop, starting its thread if needed; pair with ``release``."""
        with self._lock:
            if self._loop is None:
                self._loop = _install_asyncio_reactor()
            if self._thread is None:
                started = threading.Event()
                self._thread = threading.Thread(
                    target=self._run, args=(self._loop, started), name="ftl-reactor", daemon=True
                )
                self._thread.start()
                started.wait()
            self._users += 1
            return self._loop

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users > 0 or self._thread is None or self._loop is None:
                return
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._thread = None

    def is_current_thread(self) -> bool:
        return self._thread is threading.current_thread()

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop, started: threading.Event) -> None:
        from twisted.internet import reactor
        from twisted.python import threadable

        asyncio.set_event_loop(loop)
        threadable.registerAsIOThread()  # Twisted's callFromThread checks against this thread
        if not reactor.running:
            reactor.startRunning(installSignalHandlers=False)
        loop.call_soon(started.set)
        loop.run_forever()


def installed_reactor_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the installed asyncio reactor; None if no reactor is installed yet.

    Raises ``ReactorUnavailableError`` if the installed reactor is not the asyncio one.
    """
    from scrapy.utils.reactor import is_reactor_installed

    if not is_reactor_installed():
        return None
    from twisted.internet import reactor

    installed = f"{type(reactor).__module__}.{type(reactor).__qualname__}"
    if installed != ASYNCIO_REACTOR:
        raise ReactorUnavailableError(
            f"the Twisted reactor installed in this process is {installed}, not {ASYNCIO_REACTOR}"
        )
    # Twisted keeps the loop only as this attribute; it is the loop the reactor runs on
    loop: asyncio.AbstractEventLoop = reactor._asyncioEventloop
    return loop


def _install_asyncio_reactor() -> asyncio.AbstractEventLoop:
    if installed_reactor_loop() is not None:
        raise ReactorUnavailableError(
            "a Twisted reactor is already installed and run by this process, "
            "so the client cannot start its own"
        )
    from twisted.internet import asyncioreactor

    loop = asyncio.new_event_loop()
    asyncioreactor.install(loop)
    return loop


#: there is one reactor per process, so one thread that runs it
REACTOR_THREAD = ReactorThread()
