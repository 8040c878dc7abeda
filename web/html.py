"""The sign-in page, plain HTML: it must work before the app loads, and with nothing but a browser."""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import urlencode

from pilotage.settings import SsoProvider

STYLE = """
  :root { color-scheme: light; }
  body { margin:0; font-family: "Source Sans Pro", "DejaVu Sans", system-ui, sans-serif; background:#f3f4f6;
         color:#111827; font-size:18px; }
  main { max-width: 28rem; margin: 8vh auto; background:#fff; padding: 2rem 2.2rem; border-radius: 0.8rem;
         box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 1.7rem; margin: 0 0 .4rem 0; }
  p { line-height: 1.45; }
  label { display:block; font-weight:600; margin: 1rem 0 .3rem; }
  input[type=text], input[type=password] { width:100%; box-sizing:border-box; font-size:1.05rem;
         padding:.6rem .7rem; border:1px solid #6b7280; border-radius:.45rem; }
  input:focus, button:focus, a:focus { outline: 3px solid #93c5fd; outline-offset: 2px; }
  button, .sso { display:block; width:100%; box-sizing:border-box; margin-top:1.3rem; font:inherit; font-size:1.05rem;
         padding:.7rem; border-radius:.45rem; border:1px solid #1d4ed8; background:#1d4ed8; color:#fff;
         font-weight:600; cursor:pointer; text-align:center; text-decoration:none; }
  .sso { background:#fff; color:#1d4ed8; margin-top:.7rem; }
  .alert { border-left: 5px solid #b91c1c; background:#fdecec; padding:.7rem .9rem; margin:1rem 0; }
  .notice { border-left: 5px solid #1d4ed8; background:#e0ecff; padding:.7rem .9rem; margin:1rem 0; }
  .or { text-align:center; color:#4b5563; margin-top:1.4rem; }
  small { color:#4b5563; display:block; margin-top:1.4rem; }
"""


def sign_in_page(*, next_path: str, csrf: str, username: str = "", error: str | None = None,
                 notice: str | None = None, providers: Sequence[SsoProvider] = ()) -> str:
    """The sign-in form, with the message of the last try and a button per single sign-on provider."""
    e = html.escape
    alert = f'<p class="alert" role="alert">{e(error)}</p>' if error else ""
    info = f'<p class="notice" role="status">{e(notice)}</p>' if notice else ""
    sso = "".join(
        f'<a class="sso" href="/connexion/sso/{e(p.name)}?{e(urlencode({"suivant": next_path}))}">'
        f"Se connecter avec {e(p.label)}</a>" for p in providers)
    if sso:
        sso = f'<p class="or">ou</p>{sso}'
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connexion — Pilotage du Contrat de Ville</title><style>{STYLE}</style></head>
<body><main>
<h1>Pilotage du Contrat de Ville</h1>
<p>Connectez-vous pour accéder au tableau de bord.</p>
{info}{alert}
<form method="post" action="/connexion">
  <input type="hidden" name="csrf" value="{e(csrf)}">
  <input type="hidden" name="suivant" value="{e(next_path)}">
  <label for="identifiant">Identifiant</label>
  <input type="text" id="identifiant" name="identifiant" value="{e(username)}" autocomplete="username"
         autocapitalize="none" spellcheck="false" required autofocus>
  <label for="mot_de_passe">Mot de passe</label>
  <input type="password" id="mot_de_passe" name="mot_de_passe" autocomplete="current-password" required>
  <button type="submit">Se connecter</button>
</form>
{sso}
<small>Mot de passe oublié : demandez à un administrateur du tableau de bord de le réinitialiser.</small>
</main></body></html>"""
