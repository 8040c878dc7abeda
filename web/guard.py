"""Around every request: security headers, no public metrics, and no page without a session.

Page requests (an HTML page of the app, at any of its URLs) without a valid session are sent to the sign-in
form, which comes back to the same URL afterwards. The app checks the session again on every run, so a page
that slips through (the database out of reach here) still shows nothing without one.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pilotage.permissions import ADMIN, ADMIN_URL_PATHS, Actor, can
from pilotage.services import auth
from web import cookies
from web.context import context
from web.signin import sign_in_url

SECURITY_HEADERS = {
    # Other sites may not frame the app (clickjacking); the app's own component frames stay allowed.
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HIDDEN_PATHS = ("/_stcore/metrics",)  # server internals: not for the public
# Where a signed-in user is sent from a page their role may not open; the app says why, in French.
REFUSED_TARGET = "/?acces=reserve"
UNREACHABLE = object()  # the database is out of reach: the app will say so
OPEN_PREFIXES = ("/connexion", "/deconnexion", "/_stcore/", "/static/", "/media/", "/component/", "/app/static/")


def is_page_request(scope: Scope) -> bool:
    """A browser asking for one of the app's pages (not an asset, not an API call, not the sign-in form)."""
    path = scope["path"]
    if scope["type"] != "http" or scope["method"] != "GET" or path.startswith(OPEN_PREFIXES):
        return False
    last = path.rsplit("/", 1)[-1]
    return "." not in last and "text/html" in Headers(scope=scope).get("accept", "")


class Guard:
    """ASGI middleware: headers on every response, hidden internals, sign-in before any page."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in HIDDEN_PATHS:
            await PlainTextResponse("Introuvable", status_code=404)(scope, receive, self._with_headers(send))
            return
        if is_page_request(scope):
            actor = await self._actor(Request(scope))
            if actor is None:
                target = scope["path"] + (f"?{scope['query_string'].decode('latin-1')}" if scope["query_string"]
                                          else "")
                redirect = RedirectResponse(sign_in_url(target), status_code=303)
                await redirect(scope, receive, self._with_headers(send))
                return
            if actor is not UNREACHABLE and refused(scope["path"], actor):
                await RedirectResponse(REFUSED_TARGET, status_code=303)(scope, receive, self._with_headers(send))
                return
            await self.app(_uncompressed(scope), receive, self._with_headers(_in_french(send)))
            return
        await self.app(scope, receive, self._with_headers(send))

    @staticmethod
    async def _actor(request: Request) -> Actor | object | None:
        """The signed-in account, None without a session, UNREACHABLE when the database cannot tell."""
        try:
            web = context()
            return await web.run(auth.resolve_session, token=cookies.session_token(request, web.signing_key()))
        except Exception:
            return UNREACHABLE  # let the app say so in French (it checks the session again anyway)

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        return send_with_headers


def refused(path: str, actor: Actor) -> bool:
    """Whether this page is an administrator's page the actor may not open (the router would not know its URL)."""
    return path.rstrip("/").rsplit("/", 1)[-1] in ADMIN_URL_PATHS and not can(actor, ADMIN)


def _uncompressed(scope: Scope) -> Scope:
    """The page request without Accept-Encoding: its HTML (a couple of kilobytes) comes back as plain text."""
    headers = [(name, value) for name, value in scope["headers"] if name.lower() != b"accept-encoding"]
    return {**scope, "headers": headers}


def _in_french(send: Send) -> Send:
    """Streamlit's page says lang="en": screen readers would read the French interface with an English voice."""
    async def send_in_french(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": message.get("body", b"").replace(b'<html lang="en"', b'<html lang="fr"')}
        await send(message)

    return send_in_french
