"""Alembic environment: runs on the connection ``store.migrate`` hands over.

Generating a revision (``command.revision(alembic_config(), autogenerate=True)``) without a
connection opens one from the configured settings.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from permitdb.settings import get_settings
from permitdb.store import dialects
from permitdb.store.engine import create_engine_for
from permitdb.store.tables import metadata


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Autogenerate ignores the full-text objects; the migrations make them by hand."""
    return not dialects.is_fulltext_object(name)


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=include_object,
        compare_type=True,
        **dialects.migration_options(connection.dialect),
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = create_engine_for(get_settings().resolved_database_url())
    with engine.begin() as opened:
        run_migrations(opened)
    engine.dispose()
