"""The layers stay apart: no streamlit below the UI, no SQL in the UI."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pilotage.settings import PROJECT_ROOT

UI_FOLDERS = ("pages", "components")
SQL_NAMES = {"select", "text", "Session", "insert", "update", "delete"}
SQL_STRING = re.compile(r"^\s*(SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|CREATE|DROP|ALTER|PRAGMA)\b")


def python_files(folder: str) -> list[Path]:
    return sorted((PROJECT_ROOT / folder).rglob("*.py"))


def imported_modules(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def receiver_name(node: ast.expr) -> str:
    """`session` for session.query(...), `self.session` -> `session`, else ''."""
    if isinstance(node, ast.Name):
        return node.id.lower()
    if isinstance(node, ast.Attribute):
        return node.attr.lower()
    return ""


def ui_bindings(tree: ast.Module) -> tuple[set[str], dict[str, str]]:
    """Names the module defines itself, and names it imports with their module."""
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)}
    imported = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                imported[alias.asname or alias.name] = "." * node.level + (node.module or "")
    return defined, imported


def is_ui_helper(name: str, defined: set[str], imported: dict[str, str]) -> bool:
    """A UI helper that happens to be called `text` or `select` (e.g. components.governance.text)."""
    origin = imported.get(name)
    if origin is None:
        return name in defined
    return origin.startswith(("components", "pages", "."))


def sql_in_ui(path: Path, root: Path = PROJECT_ROOT) -> list[str]:
    """The SQL a UI module holds: sqlalchemy imports, query builders, sessions, raw SQL strings."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    defined, imported = ui_bindings(tree)
    found = [f"import {name}" for name in imported_modules(tree) if name.split(".")[0] == "sqlalchemy"]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in SQL_NAMES and not is_ui_helper(func.id, defined, imported):
                found.append(f"line {node.lineno}: {func.id}(")
            elif isinstance(func, ast.Attribute) and func.attr in {"query", "execute", "scalars", "scalar"}:
                receiver = receiver_name(func.value)
                if any(word in receiver for word in ("session", "conn", "engine")):
                    found.append(f"line {node.lineno}: {receiver}.{func.attr}(")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_STRING.match(node.value):
            found.append(f"line {node.lineno}: SQL string {node.value[:40]!r}")
    return [f"{path.relative_to(root)}: {item}" for item in found]


def test_the_scanned_folders_exist():
    assert python_files("pilotage")
    for folder in UI_FOLDERS:
        assert python_files(folder), f"{folder}/ holds no module"


@pytest.mark.parametrize("path", python_files("pilotage"), ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_pilotage_never_imports_streamlit(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert [name for name in imported_modules(tree) if name.split(".")[0] == "streamlit"] == []


def test_importing_every_pilotage_module_does_not_load_streamlit():
    script = (
        "import importlib, pkgutil, sys, pilotage\n"
        "for module in pkgutil.walk_packages(pilotage.__path__, 'pilotage.'):\n"
        "    importlib.import_module(module.name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "path",
    [path for folder in UI_FOLDERS for path in python_files(folder)],
    ids=lambda p: str(p.relative_to(PROJECT_ROOT)),
)
def test_ui_modules_hold_no_sql(path):
    assert sql_in_ui(path) == []


def test_the_sql_scanner_catches_what_it_must(tmp_path):
    module = tmp_path / "bad_page.py"
    module.write_text(
        "import streamlit as st\n"
        "from sqlalchemy import select, text\n"
        "from pilotage.db import Session\n"
        "from components.governance import text as label\n"
        "def render(session, frame):\n"
        "    st.text('bonjour'); label(1); frame.query('a > 1')\n"
        "    session.query(User).all()\n"
        "    session.execute(text('SELECT 1'))\n"
        "    with Session(engine) as s:\n"
        "        s.scalars(select(User))\n"
        "    connection.scalar(update(User))\n",
        encoding="utf-8",
    )
    found = "\n".join(sql_in_ui(module, root=tmp_path))
    for expected in ("import sqlalchemy", "session.query(", "line 8: text(", "SQL string 'SELECT 1'", "Session(",
                     "select(", "session.execute(", "connection.scalar(", "update("):
        assert expected in found, expected
    assert "line 6" not in found  # st.text, a UI helper named text, DataFrame.query: not SQL


def test_a_ui_helper_named_like_a_query_builder_is_not_sql(tmp_path):
    module = tmp_path / "helpers.py"
    module.write_text("def text(value):\n    return str(value)\n\ndef render():\n    return text(1)\n",
                      encoding="utf-8")
    assert sql_in_ui(module, root=tmp_path) == []


SYSTEM_CLOCK_READS = re.compile(r"\b(date\.today|datetime\.(now|today|utcnow)|time\.time|localtime)\s*\(")
CLOCK_MODULES = (PROJECT_ROOT / "pilotage" / "clock.py", PROJECT_ROOT / "tests" / "unit" / "test_clock.py")


@pytest.mark.parametrize(
    "path",
    [PROJECT_ROOT / "app.py", PROJECT_ROOT / "serve.py",
     *(path for folder in ("pilotage", *UI_FOLDERS, "tests", "bench") for path in python_files(folder)
       if path not in CLOCK_MODULES)],
    ids=lambda p: str(p.relative_to(PROJECT_ROOT)),
)
def test_only_the_domain_clock_reads_the_date(path):
    # One clock, pinnable (PILOTAGE_TODAY): a page, a service or an export that read the system date itself
    # would disagree with the rest of the product on a pinned day; a test that did would depend on its day.
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [f"line {n}: {line.strip()}" for n, line in enumerate(lines, 1) if SYSTEM_CLOCK_READS.search(line)]
    assert found == [], "read the date through pilotage.clock"


@pytest.mark.parametrize("path", python_files("web"), ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_the_http_layer_never_imports_streamlit(path):
    # web/ runs in the server's event loop, outside any script run: Streamlit's API has no session there.
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert [name for name in imported_modules(tree) if name.split(".")[0] == "streamlit"] == []


# Streamlit widgets whose own strings are English ("Choose options", "Press Enter to submit form", "Browse files",
# "200MB per file"): the UI calls them only through the French wrappers of components/inputs.py and uploads.py.
ENGLISH_WIDGETS = re.compile(r"\.(file_uploader|multiselect|date_input|form)\(")
FRENCH_WRAPPERS = {PROJECT_ROOT / "components" / "inputs.py", PROJECT_ROOT / "components" / "uploads.py"}


@pytest.mark.parametrize("path", [p for folder in UI_FOLDERS for p in python_files(folder)
                                  if p not in FRENCH_WRAPPERS], ids=str)
def test_ui_modules_use_the_french_widgets(path):
    calls = [f"line {number}: {line.strip()}" for number, line in enumerate(path.read_text().splitlines(), 1)
             if ENGLISH_WIDGETS.search(line) and not re.search(r"\b(inputs|uploads)\.", line)]
    assert not calls, "use components.inputs / components.uploads instead:\n" + "\n".join(calls)
