"""The HTTP layer around the Streamlit app: sign-in pages, single sign-on, session cookies, security headers.

serve.py mounts it on Streamlit's own server (st.App). It never imports streamlit: the app reads the cookie
these routes set, and the domain (pilotage.services.auth) does the checking.
"""
