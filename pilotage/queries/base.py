"""Helpers shared by the read modules."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session


def frame(session: Session, statement, columns: list[str]) -> pd.DataFrame:
    """Run a select and return its rows as a DataFrame with these column names.

    Text columns keep None for missing values (pandas' string dtype would turn them into NaN floats,
    which then break every caller that formats or escapes text).
    """
    df = pd.DataFrame(session.execute(statement).all(), columns=columns)
    for column in df.columns:
        if pd.api.types.is_string_dtype(df[column]) and not pd.api.types.is_object_dtype(df[column]):
            df[column] = df[column].astype(object).where(df[column].notna(), None)
    return df
