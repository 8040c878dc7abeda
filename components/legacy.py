"""Streamlit's legacy pages/ mode runs a page file directly until the router has run once.

Each page module ends by calling hand_over_to_router() when it is run as a script, so that such a
request goes through app.py (sign-in and role check) instead of rendering the page to anyone.
"""

import runpy
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def hand_over_to_router() -> None:
    runpy.run_path(str(APP), run_name="__main__")
