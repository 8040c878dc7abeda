"""Every module of pages/ is safe under Streamlit's legacy pages/ mode (see STYLE.md).

Until a session has called st.navigation, a request to /<name> runs pages/<name>.py as a script. So a page
module must do nothing at import but define render(), and, run as a script, hand over to the router.
The browser tests prove the hand-over on a fresh server; these checks keep every module in that shape.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from apptest_support import PROJECT_ROOT

from components.navigation import PAGES

MODULES = sorted((PROJECT_ROOT / "pages").glob("*.py"))
SIGN_IN_MODULE = "pages.connexion"  # registered by navigation.sign_in_pages(), under every URL


def is_main_guard(node: ast.stmt) -> bool:
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and ast.unparse(node.test) in ('__name__ == "__main__"', "__name__ == '__main__'"))


def streamlit_calls(node: ast.AST) -> list[str]:
    return [ast.unparse(call) for call in ast.walk(node)
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name) and call.func.value.id == "st"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_a_page_module_run_as_a_script_hands_over_to_the_router(path: Path):
    body = ast.parse(path.read_text(encoding="utf-8")).body

    assert body and is_main_guard(body[-1]), f"{path.name} must end with the legacy pages/ hand-over"
    assert "hand_over_to_router()" in ast.unparse(body[-1])


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_a_page_module_does_nothing_at_import_but_define_render(path: Path):
    body = ast.parse(path.read_text(encoding="utf-8")).body
    docstring = body[:1] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else []

    statements = [node for node in body if node not in docstring and not is_main_guard(node)
                  and not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Import | ast.ImportFrom)]
    assert not [ast.unparse(n) for n in statements if isinstance(n, ast.Expr)], "a bare call runs at import"
    assert not [c for n in statements for c in streamlit_calls(n)], "streamlit is called at import"
    assert any(isinstance(n, ast.FunctionDef) and n.name == "render" for n in body)


def test_every_page_module_is_registered_in_the_navigation():
    registered = {spec.render.__module__ for spec in PAGES} | {SIGN_IN_MODULE}

    assert {f"pages.{path.stem}" for path in MODULES} == registered, \
        "a module of pages/ that the router does not know is reachable only through the legacy mode"
