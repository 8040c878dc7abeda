"""Administration: the audit journal, filterable by person, date and object."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from components import data, inputs, tables
from pilotage.formats import format_datetime
from pilotage.queries import accounts as account_queries

PARIS = ZoneInfo("Europe/Paris")
OBJECT_LABELS = {"user": "Compte", "database": "Base de données", "swot_item": "Élément FFOM",
                 "neighbourhood": "Quartier", "priority_update": "Point d'avancement", "meeting": "Instance",
                 "decision": "Décision", "agenda_item": "Point d'ordre du jour", "attendance": "Présences",
                 "indicator": "Indicateur", "indicator_value": "Valeur d'indicateur", "facility": "Équipement"}
ACTION_LABELS = {"create": "Création", "update": "Modification", "archive": "Archivage", "seed": "Chargement",
                 "reset_password": "Mot de passe réinitialisé", "import": "Import", "sign_in": "Connexion",
                 "sign_out": "Déconnexion", "restore": "Restauration"}


def render() -> None:
    st.title("Journal d'audit")
    # Read afresh, not from the cache: sign-ins are journalled without a new data version (see audit.record).
    people, types = data.transact(account_queries.list_audit_facets)
    cols = st.columns(4)
    person = inputs.selectbox("Personne", [None, *people], format_func=lambda p: p or "Toutes", where=cols[0])
    object_type = inputs.selectbox("Objet", [None, *types],
                                   format_func=lambda t: "Tous" if t is None else OBJECT_LABELS.get(t, t),
                                    where=cols[1])
    since = inputs.date_input("Du", value=None, where=cols[2])
    until = inputs.date_input("Au", value=None, where=cols[3])
    events = data.transact(account_queries.list_audit_events, username=person, object_type=object_type,
                           since=since, until=until)
    st.caption(f"{len(events)} événement(s), les plus récents d'abord (500 au plus).")
    if events.empty:
        st.info("Aucun événement pour ces filtres.")
        return
    tables.dataframe(_table(events), hide_index=True, use_container_width=True)
    with st.expander("Détail avant / après d'un événement"):
        index = st.number_input("Ligne", min_value=1, max_value=len(events), value=1, step=1)
        row = events.iloc[int(index) - 1]
        left, right = st.columns(2)
        left.markdown("**Avant**")
        left.code(_pretty(row.before), language="json")
        right.markdown("**Après**")
        right.code(_pretty(row.after), language="json")


def _local(value) -> dt.datetime:
    """The moment in French time (stored in UTC; SQLite returns it without its time zone)."""
    moment = pd.Timestamp(value).to_pydatetime()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(PARIS)


def _table(events: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Ligne": range(1, len(events) + 1),
        "Quand": events["at"].map(lambda v: format_datetime(_local(v))),
        "Qui": events["username"],
        "Action": events["action"].map(lambda a: ACTION_LABELS.get(a, a)),
        "Objet": events["object_type"].map(lambda t: OBJECT_LABELS.get(t, t)),
        "N°": events["object_id"].astype("Int64"),
        "Résumé": events["summary"],
    })


def _pretty(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) if value else "—"


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()
