"""A page whose button callback fails: the server's error handler must answer in French, without detail."""

import streamlit as st


def fail() -> None:
    raise RuntimeError("détail interne : ne doit jamais s'afficher")


st.title("Page d'essai")
st.button("Déclencher", on_click=fail)
