"""Figures at national scale: map spec size naive vs compact, build times, cached vs uncached page reads."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pydeck as pdk

from bench.dataset import NEIGHBOURHOODS, POINTS, make_raw
from bench.dataset import load as load_dataset
from pilotage import migrate
from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.geometry import clean_geometry, display_geometry
from pilotage.queries import contracts as contract_queries
from pilotage.queries import maps as map_queries
from pilotage.settings import Settings

PAYLOAD_LIMIT = 2 * 1024 * 1024  # the map page must send less than this
REPEAT = 20


def timed(fn: Callable[[], object], repeat: int = 1) -> tuple[object, float]:
    """The result of fn and its median duration in milliseconds over `repeat` runs."""
    durations, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        durations.append((time.perf_counter() - start) * 1000)
    return result, statistics.median(durations)


def naive_spec(raw) -> str:
    """What a plain pydeck chart sends: raw contours, full precision, pydeck's indented JSON."""
    rows = [{"polygon": h.geometry["coordinates"][0], "name": h.name} for h in raw]
    layer = pdk.Layer("PolygonLayer", id="quartiers", data=rows, get_polygon="polygon", pickable=True)
    return pdk.Deck(layers=[layer], map_provider=None).to_json()


def compact_spec(hoods: pd.DataFrame, facilities: pd.DataFrame) -> str:
    from components import maps  # imports streamlit: only once the figures need it

    return maps.contract_deck(hoods, facilities).to_json()


def page_reads(session, contract_id: int) -> None:
    """The reads of a switch to the Vue d'ensemble and to the Carte, as the pages make them."""
    contract_queries.list_contracts(session)
    contract_queries.list_milestones(session, contract_id=contract_id)
    contract_queries.get_key_figures(session, contract_id=contract_id)
    contract_queries.list_neighbourhoods(session, contract_id=contract_id)
    map_queries.list_map_neighbourhoods(session, contract_id=contract_id)
    map_queries.list_map_facilities(session, contract_id=contract_id)


def cached_reads(contract_id: int) -> None:
    from components import data

    data.read(contract_queries.list_contracts)
    data.read(contract_queries.list_milestones, contract_id=contract_id)
    data.read(contract_queries.get_key_figures, contract_id=contract_id)
    data.read(contract_queries.list_neighbourhoods, contract_id=contract_id)
    data.read(map_queries.list_map_neighbourhoods, contract_id=contract_id)
    data.read(map_queries.list_map_facilities, contract_id=contract_id)


def quiet_streamlit() -> None:
    """st.cache_data outside `streamlit run` warns that it has no runtime: the figures need no such noise."""
    from streamlit import logger

    logger.set_log_level("error")


def measure(folder: Path) -> list[tuple[str, str, str]]:
    quiet_streamlit()
    url = f"sqlite:///{folder / 'national.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    raw = make_raw()
    _load(sessions, raw)
    _, import_ms = timed(lambda: [display_geometry(clean_geometry(h.geometry).geometry) for h in raw])
    with session_scope(sessions) as session:
        hoods = map_queries.list_map_neighbourhoods(session)
        facilities = map_queries.list_map_facilities(session)
        biggest = int(hoods["contract_id"].value_counts().idxmax())
        mine = hoods[hoods["contract_id"] == biggest]
        my_facilities = map_queries.list_map_facilities(session, contract_id=biggest)
        _, uncached_ms = timed(lambda: page_reads(session, biggest), REPEAT)
    naive, naive_ms = timed(lambda: naive_spec(raw))
    compact, compact_ms = timed(lambda: compact_spec(hoods, facilities))
    page, page_ms = timed(lambda: compact_spec(mine, my_facilities), REPEAT)
    from components import data

    data.configure(Settings(database_url=url, admin_password="bench-admin-password-2030"))
    cached_reads(biggest)  # fill the cache
    _, cached_ms = timed(lambda: cached_reads(biggest), REPEAT)
    _, version_ms = timed(lambda: [data.data_version() for _ in range(6)], REPEAT)
    engine.dispose()
    kept = sum(len(ring) for g in hoods["geometry"] for poly in _polys(g) for ring in poly)
    return _table(len(raw), naive, naive_ms, compact, compact_ms, page, page_ms, len(mine), kept, import_ms,
                  uncached_ms, cached_ms, version_ms)


def _load(sessions, raw) -> None:
    with session_scope(sessions) as session:
        load_dataset(session, raw)


def _polys(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def _size(text: str) -> str:
    size = len(text.encode())
    return f"{size / 1024 / 1024:.2f} MB" if size >= 1024 * 1024 else f"{size / 1024:.1f} kB"


def _table(count, naive, naive_ms, compact, compact_ms, page, page_ms, page_hoods, kept, import_ms,
           uncached_ms, cached_ms, version_ms) -> list[tuple[str, str, str]]:
    ratio = len(naive.encode()) / len(compact.encode())
    verdict = "OK" if len(page.encode()) < PAYLOAD_LIMIT else "TROP LOURD"
    return [
        ("Contours", f"{count} polygones de {POINTS} points", f"{kept} points stockés après l'import (simplifiés)"),
        ("Spec naïve (pydeck brut, tout le pays)", _size(naive), f"construite en {naive_ms:.0f} ms"),
        ("Spec compacte (tout le pays)", _size(compact), f"construite en {compact_ms:.0f} ms ; {ratio:.1f}x moins"),
        (f"Spec de la page Carte (plus gros contrat, {page_hoods} quartiers)", _size(page),
         f"construite en {page_ms:.1f} ms ; limite 2 MB : {verdict}"),
        ("Import : validation et simplification", f"{count} contours", f"{import_ms:.0f} ms"),
        ("Lectures d'un changement de page, sans cache", "6 requêtes", f"{uncached_ms:.1f} ms (médiane)"),
        ("Les mêmes, par le cache (components.data.read)", "6 lectures", f"{cached_ms:.2f} ms (médiane) ; "
                                                                         f"{uncached_ms / max(cached_ms, 1e-3):.0f}x"),
        ("  dont la lecture de la version des données", "6 requêtes", f"{version_ms:.2f} ms (médiane)"),
    ]


def print_table(rows: list[tuple[str, str, str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    line = "+".join("-" * (w + 2) for w in widths)
    print(f"+{line}+")
    for row in rows:
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |")
    print(f"+{line}+")


def main() -> int:
    print(f"Jeu synthétique national : {NEIGHBOURHOODS} quartiers, base SQLite temporaire…", flush=True)
    with tempfile.TemporaryDirectory(prefix="pilotage-bench-") as folder:
        rows = measure(Path(folder))
    print_table(rows)
    print(json.dumps({"ok": "TROP LOURD" not in rows[3][2]}))
    return 0 if "TROP LOURD" not in rows[3][2] else 1
