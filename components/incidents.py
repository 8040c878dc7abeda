"""What a user sees when something breaks: a French message and an incident reference, never a traceback.

The detail (traceback, page, user) goes to the log under the same reference, so that the team can find it.
Two nets catch errors: the router wraps each run in `boundary()`, and the HTTP server (serve.py) hands every
uncaught exception of a script run, a fragment or a widget callback to `on_script_error`.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from pilotage import clock
from pilotage.errors import DATABASE_UNAVAILABLE_MESSAGE, is_database_unavailable

log = logging.getLogger("pilotage.incidents")

INCIDENT_MESSAGE = ("Une erreur inattendue a empêché d'afficher cette page. Rien n'a été modifié par cette erreur. "
                    "Rechargez la page ; si l'erreur revient, transmettez la référence « {reference} » à l'équipe "
                    "du contrat.")


def new_reference() -> str:
    """A short reference a user can read out on the phone, unique enough to find one incident in the log."""
    return f"{clock.now():%Y%m%d}-{secrets.token_hex(3).upper()}"


def report(exc: BaseException) -> str:
    """Log `exc` with its traceback under a new reference; return the reference."""
    reference = new_reference()
    where = st.context.url if _has_context() else "(hors page)"
    if is_database_unavailable(exc):
        log.error("incident %s: database unavailable at %s: %s", reference, where, exc)
    else:
        log.error("incident %s at %s", reference, where, exc_info=exc)
    return reference


def show(exc: BaseException) -> str:
    """Tell the user in French what happened; return the incident reference."""
    reference = report(exc)
    if is_database_unavailable(exc):
        st.error(DATABASE_UNAVAILABLE_MESSAGE + f" (référence {reference})", icon=":material/cloud_off:")
        st.button("Réessayer", icon=":material/refresh:", key=f"pilotage_retry_{reference}")
    else:
        st.error(INCIDENT_MESSAGE.format(reference=reference), icon=":material/error:")
    return reference


def on_script_error(exc: Exception) -> bool:
    """The server's handler of uncaught exceptions: the French message instead of Streamlit's own display."""
    try:
        show(exc)
    except Exception:  # drawing the message failed too: the log keeps both, the page shows nothing more
        log.exception("could not show the incident message")
    return True


@contextmanager
def boundary() -> Iterator[None]:
    """Run a block; an exception becomes the French message (st.rerun and st.stop pass through)."""
    try:
        yield
    except Exception as exc:
        show(exc)


def _has_context() -> bool:
    try:
        return bool(st.context.url)
    except Exception:
        return False


def configure_logging() -> None:
    """Send the product's log lines (incidents among them) to the server's standard error, once per process."""
    logger = logging.getLogger("pilotage")
    if logger.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
