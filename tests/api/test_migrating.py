"""docs/migrating.md and the reference mapping of docs/api.md, run: every `ours` of their tables
answers as the row says, on the demo data.

The pages are this test's input, so the mapping and the API cannot drift apart. docs/api.md's
section "Reference requests and their permitdb equivalents" names its `ours` column "permitdb
request" and puts the reference first; only that section of the page is read. Each table row
whose `ours` cell holds a request (`GET /v1/…`, `POST /v1/… {json}`, optional `-H "Name: value"`
headers, `→ 404` for a non-2xx status) sends it to an app over the demo data: the bundled
recordings ingested through the replay portal and the real connectors, as `make demo` does.
What else a row asserts depends on its table (the first header cell, "their …"):

* every request: the status; errors in the one envelope; a page's `data` not empty, unless the
  row says *empty `data`*, which then must hold;
* `field`: each other code span is a path (`a.b`, `list[]` for an item) in the answer of the
  cell's request or, with no request, in a permit (``REFERENCE_PERMIT``, with its owner);
* `parameter`: each of our parameter names it shows is used by its request;
* `error`: the answer's `error.code` is one the cell names (with no request: names real codes);
* `header`: each header it names is in the answer, or was sent (`X-Request-Id` echoed).

SQLite gets the whole catalog. PostgreSQL, when configured, gets it without the three bulk ADU
datasets (62,000 of the 64,000 records, minutes to load there): the page's examples avoid them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl, quote, urlsplit

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from permitdb.api.app import create_app
from permitdb.api.auth import READ_SCOPES
from permitdb.api.errors import ERROR_CLASSES
from permitdb.api.keys import generate_api_key, hash_api_key, key_prefix
from permitdb.catalog.load import load_catalog
from permitdb.ingest.run import ingest_catalog
from permitdb.settings import Settings
from permitdb.sources.http import HttpClient
from permitdb.store.api_keys import insert_api_key, revoke_api_key
from permitdb.store.engine import create_engine_for
from permitdb.store.migrate import upgrade
from permitdb.store.tables import contractors, parcels
from permitdb.testing.portal import ReplayPortal

DOCS: Final = Path(__file__).resolve().parents[2] / "docs"
SECRET: Final = "migrating-test-secret"
BULK_DATASET: Final = "adu-garage-permit-records"
# the permit the page's permit-field tables are checked on: NYC, with owner, contractor, point
REFERENCE_PERMIT: Final = "/v1/permits/koyhg2tc67whj6h3mczfnaq3nh"
POSTGRES_ADMIN_URL: Final = os.environ.get("PERMITDB_TEST_POSTGRES_URL")

HEADING = re.compile(r"^#{2,3} (?P<title>.+)$")  # a row belongs to the section above it
CODE = re.compile(r"`([^`]+)`")
# `GET /v1/x?a=1 -H "Name: value" {"json": "body"}` → 404, the status being optional
REQUEST = re.compile(
    r"`(?P<method>GET|POST) (?P<target>/[^\s`]*)(?P<headers>(?: -H \"[^\"]*\")*)"
    r"(?: (?P<body>\{[^`]*\}))?`(?:\s*→\s*(?P<status>\d{3}))?"
)
# X-Request-Id, WWW-Authenticate, Authorization: the code spans a header row checks
HEADER_NAME = re.compile(r"^[A-Z][A-Za-z]*(?:-[A-Za-z]+)+$|^Authorization$")
# dates.issued, data[].slug: the code spans a field row resolves
PATH = re.compile(r"^[a-z_][a-z0-9_]*(?:\[\])?(?:\.[a-z_][a-z0-9_]*(?:\[\])?)*$")


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: dict[str, Any] | None
    status: int | None  # None: any 2xx


@dataclass(frozen=True, slots=True)
class Row:
    page: str  # docs/migrating.md, docs/api.md
    line: int
    section: str
    kind: str  # the table's first header without "their ": request, parameter, field, …
    theirs: str
    ours: str | None  # None in tables without an `ours` column
    text: str

    @property
    def requests(self) -> list[Request]:
        return [
            Request(
                method=m["method"],
                target=m["target"],
                headers=tuple(
                    (name.strip(), value.strip())
                    for name, value in (
                        h.split(":", 1) for h in re.findall(r'-H "([^"]*)"', m["headers"])
                    )
                ),
                body=json.loads(m["body"]) if m["body"] else None,
                status=int(m["status"]) if m["status"] else None,
            )
            for m in REQUEST.finditer(self.ours or "")
        ]

    @property
    def names(self) -> list[str]:
        """The cell's code spans that are not requests: paths, parameters, codes, headers."""
        spans = CODE.findall(self.ours or "")
        return [s for s in spans if not s.startswith(("GET /", "POST /"))]


def cells(line: str) -> list[str]:
    """A table row's cells; a `|` inside a code span does not split."""
    found, current, in_code = [], "", False
    for char in line.strip().strip("|"):
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            found.append(current.strip())
            current = ""
        else:
            current += char
    return [*found, current.strip()]


OURS: Final = ("ours", "permitdb request")
MAPPING: Final = "Reference requests and their permitdb equivalents"


def read_rows(path: Path, *, under: str | None = None) -> list[Row]:
    """The rows of the page's tables; with ``under``, only those below that ``##`` heading."""
    rows: list[Row] = []
    section, header, inside = "", None, under is None
    lines = path.read_text().splitlines()
    for number, line in enumerate(lines, start=1):
        if line.startswith("## ") and under is not None:
            inside = line == f"## {under}"
        if not inside:
            continue
        if heading := HEADING.match(line):
            section, header = heading["title"], None
        elif not line.startswith("|"):
            header = None
        elif header is None:
            header = [cell.lower() for cell in cells(line)]
        elif not set(line) <= set("|-: "):
            values = dict(zip(header, cells(line), strict=True))
            theirs = next(name for name in header if name.startswith("their "))
            rows.append(
                Row(
                    page=f"docs/{path.name}",
                    line=number,
                    section=section,
                    kind=theirs.removeprefix("their "),
                    theirs=values[theirs],
                    ours=next((values[name] for name in OURS if name in values), None),
                    text=line,
                )
            )
    return rows


MAPPING_ROWS: Final = read_rows(DOCS / "api.md", under=MAPPING)
ROWS: Final = read_rows(DOCS / "migrating.md") + MAPPING_ROWS
CHECKED: Final = [row for row in ROWS if row.requests or row.names]


@dataclass(frozen=True, slots=True)
class Demo:
    client: TestClient
    keys: dict[str, str]  # by the placeholder the page writes: $KEY, $PEOPLE_KEY, $REVOKED_KEY
    parameters: frozenset[str]  # every query parameter and body field our API takes
    permit: dict[str, Any]  # REFERENCE_PERMIT as a people:read key sees it
    ids: dict[str, str]  # by the placeholder the page writes: $CONTRACTOR_ID, …


def _ingest(engine: Engine, *, bulk: bool) -> None:
    upgrade(engine)
    entries = [e for e in load_catalog() if bulk or e.dataset != BULK_DATASET]
    with ReplayPortal(entries) as portal, HttpClient(origin_map=portal.origin_map) as client:
        failed = [s for s in ingest_catalog(engine, entries, client) if s.status != "succeeded"]
    assert not failed, failed


def _keys(engine: Engine) -> dict[str, str]:
    """The keys the page's requests name, by placeholder; `$REVOKED_KEY` is revoked."""
    scopes = {
        "$KEY": list(READ_SCOPES),
        "$PEOPLE_KEY": [*READ_SCOPES, "people:read"],
        "$REVOKED_KEY": ["permits:read"],
    }
    keys = {placeholder: generate_api_key() for placeholder in scopes}
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for placeholder, key in keys.items():
            key_id = insert_api_key(
                conn,
                name=placeholder,
                prefix=key_prefix(key),
                key_hash=hash_api_key(key, SECRET),
                scopes=scopes[placeholder],
                monthly_quota=None,
                is_demo=False,
                now=now,
            )
            if placeholder == "$REVOKED_KEY":
                revoke_api_key(conn, key_id, now=now)
    return keys


def _ids(engine: Engine) -> dict[str, str]:
    """The ids the page's requests name by placeholder: the contractor with the most permits,
    and a parcel."""
    busiest = (
        sa.select(contractors.c.id)
        .order_by(contractors.c.permit_count.desc(), contractors.c.id)
        .limit(1)
    )
    # a NYC tax lot: the bundled rolls and permits share no parcel, so its permits page is empty
    tax_lot = sa.select(parcels.c.id).where(parcels.c.state == "NY").order_by(parcels.c.id).limit(1)
    with engine.connect() as conn:
        return {
            "$CONTRACTOR_ID": conn.execute(busiest).scalar_one(),
            "$PARCEL_ID": conn.execute(tax_lot).scalar_one(),
        }


def _parameters(openapi: dict[str, Any]) -> frozenset[str]:
    """Every query parameter and JSON body field of every operation."""
    schemas = openapi["components"]["schemas"]
    names: set[str] = set()
    for operations in openapi["paths"].values():
        for operation in operations.values():
            names |= {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body and "$ref" in body["schema"]:
                names |= set(schemas[body["schema"]["$ref"].rsplit("/", 1)[-1]]["properties"])
    return frozenset(names)


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        *([pytest.param("postgresql", marks=pytest.mark.postgres)] if POSTGRES_ADMIN_URL else []),
    ],
)
def demo_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """The demo data in a database of this module's own, so no other test truncates it."""
    if request.param == "postgresql":
        with request.getfixturevalue("postgres_database_named")("demo") as engine:
            _ingest(engine, bulk=False)
            yield engine
        return
    engine = create_engine_for(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}")
    _ingest(engine, bulk=True)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo(demo_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path_factory.mktemp("data"),
        secret_key=SecretStr(SECRET),
    )
    app = create_app(demo_engine, settings)
    keys = _keys(demo_engine)
    with TestClient(app) as client:
        permit = client.get(REFERENCE_PERMIT, headers={"X-API-Key": keys["$PEOPLE_KEY"]})
        assert permit.status_code == 200, permit.text
        yield Demo(client, keys, _parameters(app.openapi()), permit.json(), _ids(demo_engine))


def send(demo: Demo, request: Request, *, keyed: bool) -> httpx.Response:
    """The request as the row writes it; `$KEY`s filled in, `<next_cursor>` fetched first."""
    headers = {}
    for name, value in request.headers:
        for placeholder, key in demo.keys.items():
            value = value.replace(placeholder, key)
        headers[name] = value
    if keyed and not {"authorization", "x-api-key"} & {name.lower() for name in headers}:
        headers["Authorization"] = f"Bearer {demo.keys['$KEY']}"
    target = request.target
    body = json.dumps(request.body) if request.body else None
    for placeholder, value in demo.ids.items():
        target = target.replace(placeholder, value)
        body = body.replace(placeholder, value) if body else None
    if "<next_cursor>" in target:
        first = demo.client.get(re.sub(r"[?&]cursor=<next_cursor>", "", target), headers=headers)
        cursor = first.json()["next_cursor"]
        assert cursor, f"{target}: the first page has no next_cursor in the demo data"
        target = target.replace("<next_cursor>", quote(cursor, safe=""))
    json_body = json.loads(body) if body else None
    return demo.client.request(request.method, target, headers=headers, json=json_body)


def check_answer(row: Row, request: Request, response: httpx.Response) -> None:
    where = f"{row.page}:{row.line} {request.method} {request.target}"
    got = f"{where} answered {response.status_code}: {response.text[:300]}"
    if request.status is None:
        assert 200 <= response.status_code < 300, got
    else:
        assert response.status_code == request.status, got
    if not response.headers["content-type"].startswith("application/json"):
        return  # /docs is a page
    body = response.json()
    if response.status_code >= 300:
        assert set(body) == {"error"}, got
        assert {"code", "message", "request_id"} <= set(body["error"]), got
        assert body["error"]["request_id"] == response.headers["x-request-id"]
    elif isinstance(body.get("data"), list):
        if "empty `data`" in row.text:
            assert body["data"] == [], f"{where}: the row says empty, the demo data has matches"
        else:
            assert body["data"], f"{where}: nothing in the demo data; pick values it holds"


def resolve(body: Any, path: str) -> None:
    node = body
    for part in path.split("."):
        name = part.removesuffix("[]")
        assert isinstance(node, dict), f"{path}: no object at {name!r}"
        assert name in node, f"{path}: no {name!r} among {sorted(node)}"
        node = node[name]
        if part.endswith("[]"):
            assert isinstance(node, list), f"{path}: {name!r} is not a list"
            assert node, f"{path}: {name!r} is empty in the demo data"
            node = node[0]


Answers = list[tuple[Request, httpx.Response]]


def check_fields(demo: Demo, row: Row, answers: Answers) -> None:
    for path in row.names:
        assert PATH.match(path), f"line {row.line}: {path!r} is not a field path"
        resolve(answers[-1][1].json() if answers else demo.permit, path)


def check_parameters(demo: Demo, row: Row, answers: Answers) -> None:
    used: set[str] = set()
    for request, _ in answers:
        used |= {name for name, _ in parse_qsl(urlsplit(request.target).query)}
        used |= set(request.body or {})
    shown = [name for name in row.names if name in demo.parameters]
    assert set(shown) <= used, f"line {row.line}: the example does not use {shown}"


def check_errors(demo: Demo, row: Row, answers: Answers) -> None:
    codes = set(row.names)
    for _, response in answers:
        assert response.json()["error"]["code"] in codes, f"line {row.line}: {response.text}"
    if not answers:
        assert codes <= {cls.code for cls in ERROR_CLASSES}, f"line {row.line}: {codes}"


def check_headers(demo: Demo, row: Row, answers: Answers) -> None:
    for request, response in answers:
        sent = {name.lower(): value for name, value in request.headers}
        for name in filter(HEADER_NAME.match, row.names):
            if name.lower() == "x-request-id" and name.lower() in sent:
                assert response.headers[name] == sent[name.lower()]
            elif name.lower() not in sent:
                assert name in response.headers, f"line {row.line}: no {name} header"


CHECKS: Final = {
    "request": lambda demo, row, answers: None,
    "parameter": check_parameters,
    "field": check_fields,
    "error": check_errors,
    "header": check_headers,
}


def row_id(row: Row) -> str:
    page = "" if row.page == "docs/migrating.md" else "api-"
    return f"{page}L{row.line}-" + re.sub(r"[^A-Za-z0-9_./{}=&-]+", "_", row.theirs).strip("_")[:60]


@pytest.mark.parametrize("row", CHECKED, ids=[row_id(row) for row in CHECKED])
def test_row_answers_as_documented(demo: Demo, row: Row) -> None:
    keyed = "without a key" not in row.text
    answers = [(request, send(demo, request, keyed=keyed)) for request in row.requests]
    for request, response in answers:
        check_answer(row, request, response)
    CHECKS[row.kind](demo, row, answers)


def test_every_row_maps_or_says_why_not() -> None:
    silent = [
        f"{row.page}:{row.line}"
        for row in ROWS
        if row.ours is not None
        and not CODE.search(row.ours)
        and not re.search(r"\bnot (available|yet)\b", row.ours)
    ]
    assert not silent, f"rows without ours or a 'not available' reason: {silent}"


def test_every_table_is_of_a_kind_the_test_checks() -> None:
    assert {row.kind for row in ROWS} <= set(CHECKS), {row.kind for row in ROWS}
    assert len(CHECKED) > 150


def test_not_yet_sections_list_no_request_of_ours() -> None:
    later = [row for row in ROWS if row.section.startswith("Not yet")]
    assert later
    assert all(row.ours is None for row in later)


def test_the_api_docs_and_the_readme_point_here() -> None:
    assert "(migrating.md)" in (DOCS / "api.md").read_text()
    assert "docs/migrating.md" in (DOCS.parent / "README.md").read_text()
