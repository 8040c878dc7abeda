"""The session cookie: signed, HttpOnly, SameSite=Lax, Secure over HTTPS; and the sign-in form's CSRF cookie."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import Response

from pilotage import access
from pilotage.settings import Settings

SESSION_COOKIE = "pilotage_session"
CSRF_COOKIE = "pilotage_csrf"


def is_secure(request: Request, settings: Settings) -> bool:
    """Mark cookies Secure when users reach the app over HTTPS (directly, or as the public address says)."""
    return request.url.scheme == "https" or (settings.public_url or "").startswith("https://")


def set_session(response: Response, request: Request, settings: Settings, token: str, key: str) -> None:
    # The server decides when a session ends (idle and absolute expiry, revocation); the cookie lasts as long
    # as the longest session, so that a reload, a new tab or a restarted browser keeps the user signed in.
    response.set_cookie(SESSION_COOKIE, access.sign(token, key), httponly=True, samesite="lax",
                        secure=is_secure(request, settings), path="/",
                        max_age=int(access.ABSOLUTE_LIFETIME.total_seconds()))


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def session_token(request: Request, key: str) -> str | None:
    """The token of the request's session cookie, if its signature holds."""
    return access.unsign(request.cookies.get(SESSION_COOKIE), key)


def csrf_token(request: Request) -> str:
    """The sign-in form's CSRF token: the one the browser already holds, or a new one."""
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)


def set_csrf(response: Response, request: Request, settings: Settings, token: str) -> None:
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=is_secure(request, settings),
                        path="/connexion")
