"""Rules of access, with no database: session tokens and their lifetimes, the sign-in throttle.

A session lives ABSOLUTE_LIFETIME at most from sign-in, and ends sooner after IDLE_TIMEOUT without a click.
Numbers chosen for meetings: a COPIL or a revue lasts up to half a day, a projected screen may stay still
for an hour; a day's work ends the session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

IDLE_TIMEOUT = dt.timedelta(hours=4)
ABSOLUTE_LIFETIME = dt.timedelta(hours=12)
TOUCH_EVERY = dt.timedelta(minutes=5)  # last_seen is written at most this often (one write per click would do)

# Throttle: at most ACCOUNT_FAILURES wrong passwords for one account within ACCOUNT_WINDOW, and
# ADDRESS_FAILURES from one client address within ADDRESS_WINDOW; the next try waits for the window to pass.
ACCOUNT_FAILURES = 5
ACCOUNT_WINDOW = dt.timedelta(minutes=1)
ADDRESS_FAILURES = 20
ADDRESS_WINDOW = dt.timedelta(minutes=10)
ATTEMPTS_KEPT = dt.timedelta(days=1)


def new_token() -> str:
    """A random session token (256 bits), as the cookie carries it before signing."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token: a stolen database yields no usable cookie."""
    return hashlib.sha256(token.encode()).hexdigest()


def sign(token: str, key: str) -> str:
    """The cookie value: the token and its HMAC under the application's key."""
    return f"{token}.{_mac(token, key)}"


def unsign(value: str | None, key: str) -> str | None:
    """The token of a cookie value whose signature holds, else None."""
    if not value or value.count(".") != 1:
        return None
    token, mac = value.split(".")
    return token if token and hmac.compare_digest(mac, _mac(token, key)) else None


def _mac(token: str, key: str) -> str:
    return hmac.new(key.encode(), token.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SessionTimes:
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None


def is_live(times: SessionTimes, now: dt.datetime) -> bool:
    """Not revoked, not past its absolute end, not idle too long."""
    return times.revoked_at is None and now < times.expires_at and now - times.last_seen_at < IDLE_TIMEOUT


def needs_touch(times: SessionTimes, now: dt.datetime) -> bool:
    """Whether to record activity now (at most every TOUCH_EVERY)."""
    return now - times.last_seen_at >= TOUCH_EVERY


def retry_at(failures: list[dt.datetime], limit: int, window: dt.timedelta, now: dt.datetime) -> dt.datetime | None:
    """When signing in may be tried again, if `failures` (times of wrong tries) reach `limit` within `window`."""
    recent = sorted(at for at in failures if now - at < window)
    if len(recent) < limit:
        return None
    return recent[-limit] + window
