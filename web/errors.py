"""An unexpected error in a route answers a French page with an incident reference; the detail goes to the log."""

from __future__ import annotations

import html
import logging
import secrets

from starlette.requests import Request
from starlette.responses import HTMLResponse

from pilotage import clock
from pilotage.errors import DATABASE_UNAVAILABLE_MESSAGE, is_database_unavailable

log = logging.getLogger("pilotage.incidents")


async def french_error_page(request: Request, exc: Exception) -> HTMLResponse:
    reference = f"{clock.now():%Y%m%d}-{secrets.token_hex(3).upper()}"
    if is_database_unavailable(exc):
        log.error("incident %s: database unavailable at %s: %s", reference, request.url.path, exc)
        message, status = DATABASE_UNAVAILABLE_MESSAGE, 503
    else:
        log.error("incident %s at %s", reference, request.url.path, exc_info=exc)
        message, status = "Une erreur inattendue a empêché de répondre. Rien n'a été modifié par cette erreur.", 500
    body = (f"<!doctype html><html lang='fr'><meta charset='utf-8'><title>Erreur — Pilotage du Contrat de Ville"
            f"</title><body style='font-family:sans-serif;max-width:40rem;margin:10vh auto;font-size:18px'>"
            f"<h1>Pilotage du Contrat de Ville</h1><p role='alert'>{html.escape(message)}</p>"
            f"<p>Référence de l'incident : {reference}. <a href='/connexion'>Revenir à la connexion</a></p>"
            f"</body></html>")
    return HTMLResponse(body, status_code=status)
