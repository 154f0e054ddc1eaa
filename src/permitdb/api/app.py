"""The FastAPI application: routers, error envelope, request context, OpenAPI metadata.

``FastAPIOffline`` serves Swagger UI (/docs) and ReDoc (/redoc) from assets bundled in the
package instead of a CDN, so the explorer works on a machine with no internet.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine
from starlette.middleware.gzip import GZipMiddleware

from permitdb import __version__
from permitdb.api.handlers import install_error_handlers
from permitdb.api.limits import request_limits
from permitdb.api.metrics import RequestMetrics
from permitdb.api.middleware import RequestContext
from permitdb.api.openapi import install_openapi, operation_id
from permitdb.api.params.strict import reject_unknown_parameters
from permitdb.api.responses import OrjsonResponse
from permitdb.api.routes import (
    contractors,
    health,
    jurisdiction_requests,
    jurisdictions,
    meta,
    metrics,
    parcels,
    permit_numbers,
    permits,
    places,
)
from permitdb.api.state import ApiState
from permitdb.catalog.load import load_catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.settings import Settings, get_settings
from permitdb.store.engine import engine_from_settings

DESCRIPTION = """\
US building permits from public portals, normalized into one canonical schema.

* **Auth**: `Authorization: Bearer <key>` or `X-API-Key: <key>` (health, meta/release and
  jurisdictions are public; jurisdiction requests take any key). Keys are created by the
  operator with `permitdb keys create`.
* **Paging**: keyset cursors, on permits and every browse list alike. Pass `next_cursor` back
  as `cursor` with the same filters.
* **Errors**: always `{"error": {"code", "message", "request_id", "details"?}}`; codes are stable.
* **Headers**: every response carries `X-Request-Id` (yours echoed, or generated) and
  `X-Response-Time-ms`.
* **Compression**: send `Accept-Encoding: gzip` and any response over 1 KB, exports included,
  comes gzip-compressed.
"""
# Below this a response is sent as it is: gzip's header and the CPU are not worth it.
GZIP_MINIMUM_BYTES = 1024
# Level 1 (nginx's default): on permit NDJSON it compresses about 250 MB/s to a seventh,
# where level 6 manages 110 MB/s to a ninth; a streamed export must not wait on gzip.
GZIP_LEVEL = 1

TAGS = [
    {
        "name": "permits",
        "description": "Search permits; fetch them by id or by permit number, with their status "
        "(API key required).",
    },
    {
        "name": "contractors",
        "description": "Contractors resolved from licences and permits: search, licence "
        "verification, their permits and metrics (a key with the contractors:read scope).",
    },
    {
        "name": "jurisdictions",
        "description": "Coverage: what is loaded and how fresh (public); requests for more "
        "(any API key).",
    },
    {
        "name": "browse",
        "description": "The values the permit filters take, with record counts (API key required).",
    },
    {
        "name": "meta",
        "description": "Service health and the data release date (public); Prometheus metrics "
        "(a key with the metrics:read scope).",
    },
]


def create_app(
    engine: Engine | None = None,
    settings: Settings | None = None,
    *,
    catalog: Sequence[CatalogEntry] | None = None,
) -> FastAPI:
    """The API over ``engine`` (default: the database in ``settings``).

    ``catalog`` (default: the bundled catalog plus ``settings.catalog_dirs``) lists the
    jurisdictions /v1/jurisdictions reports even before their first sync.
    """
    settings = settings or get_settings()
    app = FastAPIOffline(
        title="permitdb",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url="/docs",
        redoc_url="/redoc",
        # The validator badge would send the document to validator.swagger.io.
        swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True},
        default_response_class=OrjsonResponse,
        # /v1/permits/ answers a 404 envelope naming /v1/permits, not an empty 307
        redirect_slashes=False,
        generate_unique_id_function=operation_id,
        dependencies=[Depends(reject_unknown_parameters)],
    )
    engine = engine or engine_from_settings(settings)
    app.state.permitdb = state = ApiState(
        engine=engine,
        settings=settings,
        catalog=tuple(load_catalog(settings.catalog_dirs) if catalog is None else catalog),
        metrics=RequestMetrics(engine),
    )
    install_error_handlers(app)
    # The middleware added last runs first: RequestContext stays outermost, so its timing
    # covers compression, and a crash inside gzip still leaves as the error envelope; an
    # oversized request is refused before anything else reads it.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=GZIP_LEVEL)
    app.add_middleware(request_limits)
    app.add_middleware(RequestContext, metrics=state.metrics)
    # jurisdiction_requests before jurisdictions, permit_numbers before permits: a fixed path
    # segment would otherwise be read as a slug or a permit id
    for module in (
        health,
        meta,
        metrics,
        parcels,
        jurisdiction_requests,
        jurisdictions,
        permit_numbers,
        permits,
        places,
        contractors,
    ):
        app.include_router(module.router)
    install_openapi(app)
    return app


def app_from_settings() -> FastAPI:
    """The API over the database the environment's settings name, built in the process that
    calls it: the factory each ``permitdb serve --workers N`` worker calls (so each opens its
    own connection pool), and the one to hand a process manager of your own:
    ``uvicorn --factory permitdb.api.app:app_from_settings``."""
    return create_app()
