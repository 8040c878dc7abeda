"""The HTTP server of the app: `streamlit run serve.py` (what `make run` does) serves app.py through it.

It adds to Streamlit's own server what a shared deployment needs: an uncaught error anywhere (a script run,
a fragment, a widget callback) reaches the user as a French message with an incident reference, never as a
traceback.
"""

import streamlit as st

from components.incidents import on_script_error

app = st.App("app.py", on_script_error=on_script_error)
