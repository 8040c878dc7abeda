"""The product's server set-up (serve.py) around a page whose callback fails."""

import streamlit as st

from components.incidents import on_script_error

app = st.App("callback_fault.py", on_script_error=on_script_error)
