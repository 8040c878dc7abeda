"""What every route needs, built once per process: the settings, the database, the cookie-signing key."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from pilotage import clock
from pilotage.bootstrap import Runtime, prepare
from pilotage.db import session_scope
from pilotage.services import auth
from pilotage.settings import Settings

T = TypeVar("T")
_lock = threading.Lock()


@dataclass
class WebContext:
    settings: Settings
    runtime: Runtime
    _key: str | None = None

    def call(self, function: Callable[..., T], **kwargs: Any) -> T:
        """Run a domain function in its own database session (blocking: call it through `run`)."""
        with session_scope(self.runtime.sessions) as session:
            return function(session, **kwargs)

    async def run(self, function: Callable[..., T], **kwargs: Any) -> T:
        """`call`, on a worker thread so that the server keeps answering meanwhile."""
        return await run_in_threadpool(self.call, function, **kwargs)

    def signing_key(self) -> str:
        """The key that signs session cookies (read once; shared by the replicas through the database)."""
        if self._key is None:
            self._key = self.call(auth.signing_key, configured=self.settings.secret_key)
        return self._key


_made: list[WebContext] = []


@functools.cache
def _context_for(settings: Settings) -> WebContext:
    made = WebContext(settings, prepare(settings))
    _made.append(made)
    return made


def context() -> WebContext:
    """The process's context, from the environment (the database is prepared on first use)."""
    settings = Settings.from_env(os.environ)
    clock.pin(settings.today)
    with _lock:
        return _context_for(settings)


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy, uvicorn takes it from X-Forwarded-For)."""
    return request.client.host if request.client else "inconnue"


def close_all() -> None:
    """Dispose of every database engine the routes opened (server shutdown, and between tests)."""
    with _lock:
        for made in list(_made):
            made.runtime.engine.dispose()
        _made.clear()
        _context_for.cache_clear()
