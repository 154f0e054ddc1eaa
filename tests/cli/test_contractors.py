"""permitdb contractors show / merge / split over the real Austin recording, on both engines;
the pins survive a full re-ingest."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from tests.ingest.test_run import catalog_entry, ingest
from typer.testing import CliRunner

from permitdb.cli.app import app
from permitdb.settings import get_settings
from permitdb.store import tables
from permitdb.store.engine import create_engine_for

AUSTIN = "austin-tx/issued-construction-permits"


@pytest.fixture
def live(database_url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("PERMITDB_DATABASE_URL", database_url)
    get_settings.cache_clear()
    engine = create_engine_for(database_url)
    assert ingest(engine, catalog_entry(AUSTIN)).status == "succeeded"
    yield engine
    engine.dispose()


def contractor_of(engine: Engine, name: str) -> str:
    """The contractor id of the permits naming ``name`` (they all share it)."""
    with engine.connect() as conn:
        ids = set(
            conn.execute(
                sa.select(tables.permits.c.contractor_id).where(
                    tables.permits.c.contractor_name == name
                )
            ).scalars()
        )
    (found,) = ids
    assert found is not None
    return str(found)


def contractor_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(tables.contractors)).scalar_one()


def test_show_merge_split_and_the_pins_survive_re_ingest(runner: CliRunner, live: Engine) -> None:
    lighthouse = contractor_of(live, "Lighthouse Electrical")
    dynamic = contractor_of(live, "Dynamic Electric INC")
    shown = runner.invoke(app, ["contractors", "show", lighthouse])
    assert shown.exit_code == 0, shown.output
    assert "LIGHTHOUSE ELECTRICAL" in shown.output
    assert "new" in shown.output
    mention = re.search(r"│ ([0-9a-f]{12}) ", shown.output)
    assert mention is not None
    count = contractor_count(live)

    merged = runner.invoke(
        app, ["contractors", "merge", lighthouse, dynamic, "--note", "same firm"]
    )
    assert merged.exit_code == 0, merged.output
    assert "1 mention and 1 permits" in merged.output
    assert "was removed" in merged.output
    assert contractor_of(live, "Lighthouse Electrical") == dynamic
    assert contractor_count(live) == count - 1

    assert ingest(live, catalog_entry(AUSTIN), full=True).status == "succeeded"
    assert contractor_of(live, "Lighthouse Electrical") == dynamic
    assert contractor_count(live) == count - 1
    after = runner.invoke(app, ["contractors", "show", dynamic])
    assert "pinned" in after.output
    assert "same firm" in after.output
    assert re.search(r"permits\s+2\b", after.output)

    split = runner.invoke(app, ["contractors", "split", mention.group(1), dynamic])
    assert split.exit_code == 0, split.output
    own = contractor_of(live, "Lighthouse Electrical")
    assert own not in (dynamic, lighthouse)
    assert ingest(live, catalog_entry(AUSTIN), full=True).status == "succeeded"
    assert contractor_of(live, "Lighthouse Electrical") == own
    assert contractor_of(live, "Dynamic Electric INC") == dynamic
    shown_again = runner.invoke(app, ["contractors", "show", dynamic])
    assert re.search(r"permits\s+1\b", shown_again.output)
    assert "split" in shown_again.output


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["show", "ctr_nothing"], "no contractor ctr_nothing"),
        (["show", "xyz"], "neither a contractor id"),
        (["show", "abcdef0123"], "no mention key starts abcdef0123"),
        (["merge", "{lighthouse}", "{lighthouse}"], "is the contractor to merge into"),
        (["merge", "{lighthouse}", "nope"], "is not a contractor id"),
        (["split", "{mention}", "{dynamic}"], "belongs to"),
        (["split", "{mention}", "{lighthouse}"], "only mention"),
    ],
)
def test_bad_references_say_what_to_do(
    runner: CliRunner, live: Engine, arguments: list[str], says: str
) -> None:
    lighthouse = contractor_of(live, "Lighthouse Electrical")
    shown = runner.invoke(app, ["contractors", "show", lighthouse]).output
    found = re.search(r"│ ([0-9a-f]{12}) ", shown)
    assert found is not None
    values = {
        "lighthouse": lighthouse,
        "dynamic": contractor_of(live, "Dynamic Electric INC"),
        "mention": found.group(1),
    }
    result = runner.invoke(app, ["contractors", *(a.format(**values) for a in arguments)])
    assert result.exit_code == 1
    assert says in " ".join(result.output.split())
