"""The contract's framework tree (socle commun, cadre stratégique), read-only: expandable levels with their codes,
titles and the priorities linked to each node."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import data, layout
from pilotage.commitments import noun
from pilotage.formats import plural
from pilotage.queries import framework as framework_queries

TREE_CSS = """<style>
  .pl-tree details { margin:0.15rem 0 0.15rem 0; }
  .pl-tree details details { margin-left:1.4rem; }
  .pl-tree summary { cursor:pointer; font-size:1.02rem; line-height:1.45; }
  .pl-tree .pl-leaf { margin-left:1.4rem; font-size:1.02rem; line-height:1.45; padding:0.1rem 0; }
  .pl-tree .pl-code { font-weight:700; color:#1d4ed8; margin-right:0.35rem; }
  .pl-tree .pl-level { color:#4b5563; font-size:0.85rem; margin-left:0.35rem; }
  .pl-tree ul { margin:0.1rem 0 0.3rem 1.4rem; padding-left:1rem; }
  .pl-tree li { font-size:0.95rem; color:#1f2937; }
</style>"""


def _links_html(links: pd.DataFrame) -> str:
    if links.empty:
        return ""
    items = []
    for r in links.itertuples():
        number = r.number if isinstance(r.number, str) and r.number else str(int(r.position) + 1)
        where = r.neighbourhood if isinstance(r.neighbourhood, str) and r.neighbourhood not in r.programme \
            else ""
        items.append(f"<li>{html.escape(r.programme)}{' — ' + html.escape(where) if where else ''}, "
                     f"{html.escape(noun(r.programme_kind))} {html.escape(number)} : « {html.escape(r.text)} »</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _count(links: pd.DataFrame) -> str:
    if links.empty:
        return ""
    return f" · {plural(len(links), 'priorité liée', 'priorités liées')}"


def tree_html(nodes: pd.DataFrame, links: pd.DataFrame, open_depth: int = 0) -> str:
    """Nested <details> for the nodes (list_framework_nodes) with their links (list_framework_links); levels up to
    `open_depth` start open."""
    children: dict[object, list] = {}
    for row in nodes.sort_values(["depth", "position", "id"]).itertuples():
        children.setdefault(row.parent_id, []).append(row)
    linked = {node_id: rows for node_id, rows in links.groupby("node_id")} if not links.empty else {}

    def node_html(row) -> str:
        mine = linked.get(row.id, links.iloc[0:0])
        head = (f"<span class='pl-code'>{html.escape(str(row.code))}</span>{html.escape(row.title)}"
                f"<span class='pl-level'>{html.escape(row.level)}{html.escape(_count(mine))}</span>")
        kids = children.get(row.id, [])
        if not kids and mine.empty:
            return f"<div class='pl-leaf'>{head}</div>"
        opened = " open" if row.depth < open_depth else ""
        return (f"<details{opened}><summary>{head}</summary>{_links_html(mine)}"
                + "".join(node_html(k) for k in kids) + "</details>")

    roots = children.get(None, [])
    return TREE_CSS + "<div class='pl-tree'>" + "".join(node_html(r) for r in roots) + "</div>"


def _level_count(count: int, level: str) -> str:
    """'4 axes stratégiques': every word of a level's name takes the plural."""
    words = level.split() if count > 1 else [level]
    return f"{count} " + " ".join(w if w.endswith(("s", "x")) else w + "s" for w in words) if count > 1 \
        else f"{count} {level}"


def render(contract_id: int, *, expanded: bool = False) -> None:
    """The section 'Cadre stratégique' for a contract that has a framework tree (nothing otherwise)."""
    nodes = data.read(framework_queries.list_framework_nodes, contract_id=contract_id)
    if nodes.empty:
        return
    links = data.read(framework_queries.list_framework_links, contract_id=contract_id)
    levels = list(dict.fromkeys(nodes.sort_values("depth")["level"]))
    roots = int((nodes["depth"] == 0).sum())
    st.subheader("Cadre stratégique")
    linked = links["priority_id"].nunique() if not links.empty else 0
    tied = ("Aucune priorité n'y est rattachée dans les documents." if not linked else
            f"{plural(linked, 'priorité')} y {'est rattachée' if linked == 1 else 'sont rattachées'} : sous chaque "
            "élément, celles que le document lui rattache.")
    below = f", déclinés en {', '.join(levels[1:])}" if len(levels) > 1 else ""
    unfold = " Cliquez sur un élément pour le déplier." if len(levels) > 1 or linked else ""
    st.caption(f"{_level_count(roots, levels[0] if levels else 'axe')}{below} : {plural(len(nodes), 'élément')} en "
               f"tout, numérotés comme dans le document. {tied}{unfold}")
    with st.expander("Afficher le cadre stratégique", expanded=expanded, icon=":material/account_tree:"):
        st.html(tree_html(nodes, links, open_depth=1 if expanded else 0))
        layout.source_line(nodes["source"].dropna().iloc[0] if nodes["source"].notna().any() else None)
