"""GET and POST /connexion, /deconnexion: signing in with a password and out, by plain HTTP (cookies can then be
HttpOnly, which no script of the page could set)."""

from __future__ import annotations

import hmac
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from pilotage.errors import DATABASE_UNAVAILABLE_MESSAGE, is_database_unavailable
from pilotage.queries.accounts import landing_path
from pilotage.services import auth
from web import cookies
from web.context import client_address, context
from web.html import sign_in_page

NOTICES = {
    "deconnecte": "Vous êtes déconnecté.",
    "expiree": "Votre session a pris fin (inactivité, changement de mot de passe ou de droits) : reconnectez-vous.",
}
EXPIRED_FORM = "Le formulaire a expiré : saisissez de nouveau vos identifiants."


def safe_next(value: str | None) -> str:
    """A path of this site to go back to after signing in; anything else (another site) becomes the overview."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or "\n" in value:
        return "/"
    return value


def sign_in_url(next_path: str, notice: str | None = None) -> str:
    query = {"suivant": safe_next(next_path)} | ({"message": notice} if notice else {})
    return "/connexion?" + urlencode(query)


def form_response(request: Request, *, next_path: str, username: str = "", error: str | None = None,
                  status: int = 200) -> Response:
    """The sign-in page, with a fresh CSRF cookie."""
    web = context()
    csrf = cookies.csrf_token(request)
    page = sign_in_page(next_path=next_path, csrf=csrf, username=username, error=error,
                        notice=NOTICES.get(request.query_params.get("message", "")),
                        providers=web.settings.sso_providers)
    response = HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})
    cookies.set_csrf(response, request, web.settings, csrf)
    return response


async def show_form(request: Request) -> Response:
    return form_response(request, next_path=safe_next(request.query_params.get("suivant")))


async def submit(request: Request) -> Response:
    form = await request.form()
    next_path, username = safe_next(form.get("suivant")), str(form.get("identifiant") or "")
    sent, expected = str(form.get("csrf") or ""), request.cookies.get(cookies.CSRF_COOKIE) or ""
    if not expected or not hmac.compare_digest(sent, expected):
        return form_response(request, next_path=next_path, username=username, error=EXPIRED_FORM, status=400)
    web = context()
    try:
        opened = await web.run(auth.sign_in_with_password, username=username,
                               password=str(form.get("mot_de_passe") or ""), client_address=client_address(request),
                               user_agent=request.headers.get("user-agent"))
        target = next_path if next_path != "/" else await web.run(landing_path, user_id=opened.actor.id)
    except auth.SignInRefused as refused:
        return form_response(request, next_path=next_path, username=username, error=str(refused), status=401)
    except Exception as exc:
        if not is_database_unavailable(exc):
            raise
        return form_response(request, next_path=next_path, username=username, error=DATABASE_UNAVAILABLE_MESSAGE,
                             status=503)
    response = RedirectResponse(target, status_code=303)
    cookies.set_session(response, request, web.settings, opened.token, web.signing_key())
    return response


async def sign_out(request: Request) -> Response:
    web = context()
    await web.run(auth.sign_out, token=cookies.session_token(request, web.signing_key()))
    response = RedirectResponse(sign_in_url("/", "deconnecte"), status_code=303)
    cookies.clear_session(response)
    return response


ROUTES = [
    Route("/connexion", show_form, methods=["GET"]),
    Route("/connexion", submit, methods=["POST"]),
    Route("/deconnexion", sign_out, methods=["GET", "POST"]),
]
