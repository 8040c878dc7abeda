"""Browser tests: a freshly started `streamlit run app.py` per test, driven by Debian's Chromium.

Waits are on Streamlit's own idle signal and on the elements a step expects, never on sleeps.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser_support import ADMIN_PASSWORD, PROJECT_ROOT, page_factory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
SERVER_START_TIMEOUT = 120  # seconds
# The servers under test live on this day, whatever day the suite runs: the browser tests read the seed's
# illustrative history (revues up to October 2026) as it stood then. The calendar itself is tested at other
# dates by tests/pages/test_calendar.py.
SERVER_TODAY = dt.date(2026, 11, 23)


@dataclass
class Server:
    """A `streamlit run app.py` subprocess and what it printed."""

    url: str
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)

    def log(self) -> str:
        return "".join(self.output)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pump(server: Server, ready: threading.Event) -> None:
    """Drain the server's output (a full pipe would block it) and signal when it listens."""
    for line in server.process.stdout:
        server.output.append(line)
        if "URL:" in line:
            ready.set()
    ready.set()  # the process ended: stop waiting


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


def _stop(server: Server) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


@pytest.fixture
def start_server() -> Iterator[Callable[..., Server]]:
    """Factory: start_server(database_url, today) -> a fresh server on a free port, its calendar pinned to `today`;
    every one is stopped after the test."""
    servers: list[Server] = []

    def start(database_url: str, today: dt.date = SERVER_TODAY, script: str = "serve.py",
              extra_env: dict[str, str] | None = None) -> Server:
        port = _free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "PILOTAGE_ADMIN_PASSWORD": ADMIN_PASSWORD,
               "PILOTAGE_TODAY": today.isoformat(), "PYTHONUNBUFFERED": "1",
               # No single sign-on unless a test declares providers (a developer's own secrets file is not read).
               "PILOTAGE_SECRETS_FILE": str(PROJECT_ROOT / "tests" / "fixtures" / "absent-secrets.toml"),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
               **(extra_env or {})}
        env.pop("PILOTAGE_ENV", None)
        command = [str(Path(sys.executable).parent / "streamlit"), "run", script, "--server.port", str(port),
                   "--server.headless", "true", "--server.address", "127.0.0.1",
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
        server = Server(f"http://127.0.0.1:{port}", process)
        servers.append(server)
        ready = threading.Event()
        threading.Thread(target=_pump, args=(server, ready), daemon=True).start()
        if not ready.wait(SERVER_START_TIMEOUT) or not _healthy(server.url):
            pytest.fail(f"streamlit did not answer {server.url}/_stcore/health:\n{server.log()}")
        return server

    yield start
    for server in servers:
        _stop(server)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium package to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Factory: new_page(width, height) -> a page in its own browser context (own cookies, own session)."""
    yield from page_factory(browser)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
