"""`python -m pilotage setup`: it says what it did, starts empty on request, and tells seed mistakes in French."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pilotage.__main__ import main
from pilotage.db import make_engine, make_session_factory
from pilotage.models import Contract, Neighbourhood, User
from pilotage.settings import PROJECT_ROOT

ALREADY_FILLED = "Base déjà remplie : 4 contrats, 30 quartiers ; données d'exemple non rechargées."
CONTRACT_YAML = """\
slug: essai-2024
name: Contrat de ville d'Essai
territory: Communauté d'Essai
start_year: 2024
end_year: 2030
"""
NEIGHBOURHOODS_YAML = """\
- slug: nord
  name: Nord
  kind: qpv
  commune: Essai
- slug: centre
  name: Centre
  kind: qpv
  population: 1200
"""


def _counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return tuple(session.scalar(select(func.count()).select_from(model))
                         for model in (Contract, Neighbourhood, User))
    finally:
        engine.dispose()


@pytest.fixture
def setup_env(make_database, monkeypatch):
    """Environment of a `setup` run on a blank database of the active backend; returns its URL."""
    url = make_database("blank").url
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PILOTAGE_ADMIN_PASSWORD", "Essai-admin-2024")
    for name in ("PILOTAGE_SEED", "PILOTAGE_DATA_DIR", "PILOTAGE_ENV"):
        monkeypatch.delenv(name, raising=False)
    return url


def _data_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    """A seed folder holding one contract, `essai`, made of these files."""
    (tmp_path / "essai").mkdir()
    (tmp_path / "contracts.yaml").write_text("contracts:\n  - essai\n", encoding="utf-8")
    for name, content in files.items():
        (tmp_path / "essai" / name).write_text(textwrap.dedent(content), encoding="utf-8")
    return tmp_path


def test_setup_on_a_filled_database_says_so(setup_env, capsys):
    assert main(["setup"]) == 0
    capsys.readouterr()
    assert main(["setup"]) == 0
    assert capsys.readouterr().out.splitlines() == [ALREADY_FILLED]
    assert _counts(setup_env) == (4, 30, 1)


@pytest.mark.parametrize("how", ["env", "option"])
def test_setup_without_examples_leaves_only_the_administrator(setup_env, monkeypatch, capsys, how):
    if how == "env":
        monkeypatch.setenv("PILOTAGE_SEED", "none")
    assert main(["setup", "--sans-exemple"] if how == "option" else ["setup"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "Base vide : données d'exemple non chargées (--sans-exemple ou PILOTAGE_SEED=none) ; créez un contrat "
        "depuis Administration → Données.")
    assert _counts(setup_env) == (0, 0, 1)


def test_an_unknown_seed_choice_is_refused_in_french(setup_env, monkeypatch, capsys):
    monkeypatch.setenv("PILOTAGE_SEED", "aucun")
    assert main(["setup"]) == 2
    assert capsys.readouterr().err.startswith("PILOTAGE_SEED vaut « aucun » : indiquez « exemple »")
    assert main(["setup", "--vide"]) == 2


@pytest.mark.parametrize(("files", "expected"), [
    ({"contract.yaml": CONTRACT_YAML + "summary: [non fermé\n"},
     "Données d'exemple : essai/contract.yaml, ligne 7, colonne 1 : YAML illisible"),
    ({"contract.yaml": CONTRACT_YAML, "neighbourhoods.yaml": NEIGHBOURHOODS_YAML},
     "Données d'exemple : essai/neighbourhoods.yaml, ligne 5 : la clé « commune » manque à l'enregistrement "
     "« centre »."),
    ({"contract.yaml": CONTRACT_YAML.replace("territory: Communauté d'Essai\n", "")},
     "Données d'exemple : essai/contract.yaml, ligne 1 : la clé « territory » manque à l'enregistrement "
     "« essai-2024 »."),
    ({"contract.yaml": CONTRACT_YAML, "neighbourhoods.yaml": NEIGHBOURHOODS_YAML.replace("  population: 1200\n",
                                                                                        "  commune: Essai\n"),
      "facilities.yaml": "- name: Maison de quartier\n  kind: centre_social\n  neighbourhoods: [sud]\n"},
     "Données d'exemple : essai/facilities.yaml : donnée invalide (référence inconnue ou clé absente : 'sud')."),
    ({"contract.yaml": CONTRACT_YAML + "milestones:\n  - date: 2026-13-45\n    label: Mi-parcours\n"},
     "Données d'exemple : essai/contract.yaml, ligne 7 : date impossible « 2026-13-45 » (month must be in 1..12)."),
    ({"contract.yaml": CONTRACT_YAML + "milestones:\n  - date: 30/06/2026\n    label: Mi-parcours\n"},
     "Données d'exemple : essai/contract.yaml : donnée invalide ("),
    ({"neighbourhoods.yaml": NEIGHBOURHOODS_YAML},
     "Données d'exemple : essai/contract.yaml : fichier manquant"),
])
def test_a_seed_mistake_names_the_file_and_the_line_and_loads_nothing(setup_env, monkeypatch, tmp_path, capsys,
                                                                      files, expected):
    monkeypatch.setenv("PILOTAGE_DATA_DIR", str(_data_dir(tmp_path, files)))
    assert main(["setup"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(expected), err
    assert "Rien n'a été chargé : corrigez le fichier puis relancez « python -m pilotage setup »." in err
    assert "Traceback" not in err
    assert _counts(setup_env)[:2] == (0, 0)


def test_a_contracts_listing_of_the_wrong_shape_is_told_in_french(setup_env, monkeypatch, tmp_path, capsys):
    (tmp_path / "contracts.yaml").write_text("- essai\n", encoding="utf-8")
    monkeypatch.setenv("PILOTAGE_DATA_DIR", str(tmp_path))
    assert main(["setup"]) == 1
    assert capsys.readouterr().err.startswith("Données d'exemple : contracts.yaml : une clé « contracts » suivie de "
                                              "la liste des dossiers de contrats est attendue.")


def test_the_command_itself_ends_with_the_french_message_and_no_traceback(setup_env, tmp_path):
    data_dir = _data_dir(tmp_path, {"contract.yaml": CONTRACT_YAML + "  mal: indenté\n"})
    env = {**os.environ, "PILOTAGE_DATA_DIR": str(data_dir)}
    done = subprocess.run([sys.executable, "-m", "pilotage", "setup"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("Données d'exemple : essai/contract.yaml, ligne 6, colonne "), done.stderr
    assert "Traceback" not in done.stderr + done.stdout
