"""Alembic environment: runs on a connection handed over by pilotage.migrate, or on DATABASE_URL."""

import os

from alembic import context

from pilotage.db import make_engine
from pilotage.models import Base
from pilotage.settings import Settings

target_metadata = Base.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = make_engine(Settings.from_env(os.environ).database_url)
    with engine.begin() as conn:
        run_migrations(conn)
