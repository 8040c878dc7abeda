"""The HTTP server of the app: `streamlit run serve.py` (what `make run` does) serves app.py through it.

It adds to Streamlit's own server what a shared deployment needs:
- sign-in by plain HTTP (/connexion, /deconnexion, single sign-on under /connexion/sso/), which sets the
  HttpOnly session cookie the app reads on every run;
- security headers on every response, no public metrics, no page before sign-in (web/guard.py);
- an uncaught error anywhere (a script run, a fragment, a widget callback, a route) reaches the user as a
  French message with an incident reference, never as a traceback.
"""

import streamlit as st
from starlette.middleware import Middleware

from components.incidents import configure_logging, on_script_error
from web import signin, sso
from web.errors import french_error_page
from web.guard import Guard

configure_logging()

app = st.App("app.py", routes=[*signin.ROUTES, *sso.ROUTES], middleware=[Middleware(Guard)],
             on_script_error=on_script_error, exception_handlers={Exception: french_error_page})
