"""Single sign-on with OpenID Connect (ProConnect for State agents, Keycloak, Microsoft Entra ID...).

Authorization code flow with PKCE, state and nonce. The flow's secrets wait in a short-lived signed cookie;
the ID token's signature is checked against the provider's published keys, then its issuer, audience,
expiry and nonce. The identity maps to an account bound before, else to the account with its e-mail address.
Providers are declared in the secrets file ([sso.<name>], see .streamlit/secrets.toml.example).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
import urllib.request
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pilotage import access, clock
from pilotage.queries.accounts import landing_path
from pilotage.services import auth
from pilotage.settings import SsoProvider
from web import cookies
from web.context import client_address, context
from web.signin import form_response, safe_next

FLOW_COOKIE = "pilotage_sso"
NOT_CONFIGURED = "Ce service de connexion n'est pas configuré."
FLOW_LIFETIME = 600  # seconds to come back from the provider
METADATA_LIFETIME = 3600  # seconds a provider's configuration and keys are kept
HTTP_TIMEOUT = 10
_cache: dict[str, tuple[float, Any]] = {}
_cache_lock = threading.Lock()


class SsoError(Exception):
    """The sign-on did not go through; the message is French and shown on the sign-in page."""


def _fetch_json(url: str, form: dict[str, str] | None = None) -> dict:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            return json.loads(response.read())
    except (OSError, ValueError) as exc:
        raise SsoError("Le service de connexion ne répond pas ou répond mal : réessayez dans un instant, "
                       "ou connectez-vous avec votre identifiant.") from exc


def _cached(url: str) -> dict:
    with _cache_lock:
        found = _cache.get(url)
    if found and time.monotonic() - found[0] < METADATA_LIFETIME:
        return found[1]
    value = _fetch_json(url)
    with _cache_lock:
        _cache[url] = (time.monotonic(), value)
    return value


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _provider(request: Request) -> SsoProvider | None:
    name = request.path_params["name"]
    return next((p for p in context().settings.sso_providers if p.name == name), None)


def _return_url(request: Request, provider: SsoProvider) -> str:
    base = context().settings.public_url or str(request.base_url).rstrip("/")
    return f"{base}/connexion/sso/{provider.name}/retour"


def _authorization_url(request: Request, provider: SsoProvider, flow: dict) -> str:
    metadata = _cached(provider.server_metadata_url)
    challenge = _b64(hashlib.sha256(flow["verifier"].encode()).digest())
    query = {"response_type": "code", "client_id": provider.client_id, "redirect_uri": _return_url(request, provider),
             "scope": provider.scopes, "state": flow["state"], "nonce": flow["nonce"],
             "code_challenge": challenge, "code_challenge_method": "S256"}
    return metadata["authorization_endpoint"] + "?" + urllib.parse.urlencode(query)


async def start(request: Request) -> Response:
    web, provider = context(), _provider(request)
    next_path = safe_next(request.query_params.get("suivant"))
    if provider is None:
        return form_response(request, next_path=next_path, error=NOT_CONFIGURED, status=404)
    flow = {"provider": provider.name, "state": secrets.token_urlsafe(24), "nonce": secrets.token_urlsafe(24),
            "verifier": secrets.token_urlsafe(48), "next": next_path, "at": int(clock.real_now().timestamp())}
    try:
        target = await run_in_threadpool(_authorization_url, request, provider, flow)
    except SsoError as exc:
        return form_response(request, next_path=next_path, error=str(exc), status=502)
    response = RedirectResponse(target, status_code=303)
    value = _b64(json.dumps(flow).encode())
    response.set_cookie(FLOW_COOKIE, access.sign(value, web.signing_key()), httponly=True, samesite="lax",
                        secure=cookies.is_secure(request, web.settings), path="/connexion/sso",
                        max_age=FLOW_LIFETIME)
    return response


def _flow(request: Request, provider: SsoProvider, key: str) -> dict:
    value = access.unsign(request.cookies.get(FLOW_COOKIE), key)
    try:
        flow = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))) if value else None
    except ValueError:
        flow = None
    fresh = flow and clock.real_now().timestamp() - flow.get("at", 0) < FLOW_LIFETIME
    if not fresh or flow.get("provider") != provider.name or flow.get("state") != request.query_params.get("state"):
        raise SsoError("La connexion a expiré ou n'a pas été demandée depuis ce navigateur : recommencez.")
    return flow


def _identity(request: Request, provider: SsoProvider, flow: dict) -> dict:
    """The ID token's claims, once its signature, issuer, audience, expiry and nonce hold."""
    if request.query_params.get("error"):
        raise SsoError(f"{provider.label} a refusé la connexion ({request.query_params.get('error')[:80]}).")
    metadata = _cached(provider.server_metadata_url)
    tokens = _fetch_json(metadata["token_endpoint"], {
        "grant_type": "authorization_code", "code": request.query_params.get("code", ""),
        "redirect_uri": _return_url(request, provider), "code_verifier": flow["verifier"],
        "client_id": provider.client_id, "client_secret": provider.client_secret})
    try:
        token = jwt.decode(tokens.get("id_token", ""), KeySet.import_key_set(_cached(metadata["jwks_uri"])),
                           algorithms=["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"])
        jwt.JWTClaimsRegistry(now=lambda: int(clock.real_now().timestamp()), leeway=60,
                              iss={"essential": True, "value": metadata["issuer"]},
                              aud={"essential": True, "value": provider.client_id},
                              nonce={"essential": True, "value": flow["nonce"]},
                              sub={"essential": True}, exp={"essential": True}).validate(token.claims)
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise SsoError(f"La réponse de {provider.label} n'a pas pu être vérifiée : recommencez.") from exc
    return token.claims


async def finish(request: Request) -> Response:
    web, provider = context(), _provider(request)
    if provider is None:
        return form_response(request, next_path="/", error=NOT_CONFIGURED, status=404)
    next_path = "/"
    try:
        flow = _flow(request, provider, web.signing_key())
        next_path = flow["next"]
        claims = await run_in_threadpool(_identity, request, provider, flow)
        email = claims.get("email") if claims.get("email_verified", True) is not False else None
        opened = await web.run(auth.sign_in_with_identity, provider=provider.name, label=provider.label,
                               subject=str(claims["sub"]), email=email, client_address=client_address(request),
                               user_agent=request.headers.get("user-agent"))
        target = next_path if next_path != "/" else await web.run(landing_path, user_id=opened.actor.id)
    except (SsoError, auth.SignInRefused) as refused:
        response = form_response(request, next_path=next_path, error=str(refused), status=401)
        response.delete_cookie(FLOW_COOKIE, path="/connexion/sso")
        return response
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(FLOW_COOKIE, path="/connexion/sso")
    cookies.set_session(response, request, web.settings, opened.token, web.signing_key())
    return response


ROUTES = [
    Route("/connexion/sso/{name}", start, methods=["GET"]),
    Route("/connexion/sso/{name}/retour", finish, methods=["GET"]),
]
