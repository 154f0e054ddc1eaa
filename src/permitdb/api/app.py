"""The FastAPI application: routers, error envelope, request context, OpenAPI metadata.

``FastAPIOffline`` serves Swagger UI (/docs) and ReDoc (/redoc) from assets bundled in the
package instead of a CDN, so the explorer works on a machine with no internet.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine

from permitdb import __version__
from permitdb.api.handlers import install_error_handlers
from permitdb.api.middleware import RequestContext
from permitdb.api.openapi import install_openapi, operation_id
from permitdb.api.params.strict import reject_unknown_parameters
from permitdb.api.responses import OrjsonResponse
from permitdb.api.routes import health, jurisdictions, permits
from permitdb.api.state import ApiState
from permitdb.catalog.load import load_catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.settings import Settings, get_settings
from permitdb.store.engine import engine_from_settings

DESCRIPTION = """\
US building permits from public portals, normalized into one canonical schema.

* **Auth**: `Authorization: Bearer <key>` or `X-API-Key: <key>` (health and jurisdictions are
  public). Keys are created by the operator with `permitdb keys create`.
* **Paging**: keyset cursors. Pass `next_cursor` back as `cursor` with the same filters.
* **Errors**: always `{"error": {"code", "message", "request_id", "details"?}}`; codes are stable.
* **Headers**: every response carries `X-Request-Id` (yours echoed, or generated) and
  `X-Response-Time-ms`.
"""

TAGS = [
    {"name": "permits", "description": "Search permits and fetch one by id (API key required)."},
    {"name": "jurisdictions", "description": "Coverage: what is loaded and how fresh (public)."},
    {"name": "meta", "description": "Service health (public)."},
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
        generate_unique_id_function=operation_id,
        dependencies=[Depends(reject_unknown_parameters)],
    )
    app.state.permitdb = ApiState(
        engine=engine or engine_from_settings(settings),
        settings=settings,
        catalog=tuple(load_catalog(settings.catalog_dirs) if catalog is None else catalog),
    )
    install_error_handlers(app)
    app.add_middleware(RequestContext)
    for module in (health, jurisdictions, permits):
        app.include_router(module.router)
    install_openapi(app)
    return app
