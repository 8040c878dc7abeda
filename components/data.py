"""The engine of this process, cached reads keyed by the data version, and the one path for writes."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from pilotage import audit
from pilotage.bootstrap import Runtime, prepare
from pilotage.db import session_scope
from pilotage.errors import PilotageError
from pilotage.settings import Settings

_settings: Settings | None = None


def configure(settings: Settings) -> Runtime:
    """Called by the router on every run; the runtime itself is built once per process."""
    global _settings
    _settings = settings
    return _runtime(settings)


@st.cache_resource(show_spinner="Préparation de la base de données…")
def _runtime(settings: Settings) -> Runtime:
    return prepare(settings)


def settings() -> Settings:
    """The settings the router configured (map style, environment...)."""
    if _settings is None:
        raise RuntimeError("components.data.configure() must run first (app.py does it)")
    return _settings


def runtime() -> Runtime:
    if _settings is None:
        raise RuntimeError("components.data.configure() must run first (app.py does it)")
    return _runtime(_settings)


VERSION_KEY = "pilotage_data_version"


def refresh_data_version() -> int:
    """Read once per run (by the router) and after each write: it keys every cached read.

    The version lives in the database, so replicas sharing it agree after any write.
    """
    with session_scope(runtime().sessions) as session:
        st.session_state[VERSION_KEY] = audit.get_data_version(session)
    return st.session_state[VERSION_KEY]


def data_version() -> int:
    """The data version of this run."""
    if VERSION_KEY not in st.session_state:
        return refresh_data_version()
    return st.session_state[VERSION_KEY]


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_read(module: str, name: str, database_url: str, version: int, items: tuple) -> Any:
    query = getattr(importlib.import_module(module), name)
    with session_scope(runtime().sessions) as session:
        return query(session, **dict(items))


def read(query: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a read of pilotage.queries through the cache, keyed by the current data version."""
    if not query.__module__.startswith("pilotage.queries."):
        raise ValueError(f"{query.__module__}.{query.__name__} is not a read of pilotage.queries")
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()))
    return _cached_read(query.__module__, query.__name__, _settings.database_url, data_version(), frozen)


def transact(function: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a domain function in its own session, without the cache (the session check of every run)."""
    with session_scope(runtime().sessions) as session:
        return function(session, **kwargs)


def write(service: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """Call a service in its own session; a refused write is shown in French and changes nothing."""
    with session_scope(runtime().sessions) as session:
        try:
            result = service(session, *args, **kwargs)
        except PilotageError as exc:
            st.error(str(exc), icon=":material/error:")
            return False, None
    refresh_data_version()
    return True, result
