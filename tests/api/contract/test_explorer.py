"""/docs (Swagger UI) and /redoc render offline in headless Chromium, from bundled assets.

The browser may reach 127.0.0.1 only: any other request is aborted and recorded, so a CDN
script or stylesheet would leave the page blank and fail the test. Screenshots land in the
test's tmp dir (docs/images/api-explorer.png in the README is one of them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"  # Debian's; `make test` installs it (system-packages)
# Everything that could reach out: updates, sync, field trials, QUIC probes.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# ReDoc's footer logo; the bundle hides it when it cannot load, as offline.
REDOC_BRANDING = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def offline_page(browser: Browser, site: str) -> tuple[Page, list[str]]:
    """A page that may load only from ``site``; returns it and the list of refused URLs."""
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    refused: list[str] = []

    def local_only(route: Route) -> None:
        url = route.request.url
        if url.startswith(f"{site}/"):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    page.route("**/*", local_only)
    return page, refused


def test_swagger_ui_renders_every_operation_offline(
    browser: Browser, docs_site: str, tmp_path: Path
) -> None:
    page, refused = offline_page(browser, docs_site)
    page.goto(f"{docs_site}/docs")
    page.locator(".opblock-summary-path").first.wait_for()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert {"/v1/permits", "/v1/permits/{permit_id}", "/v1/jurisdictions"} <= set(paths)

    # Opened, the search shows its parameters' examples and the page's real fields.
    search = page.locator("#operations-permits-list_permits")
    search.locator(".opblock-summary").click()
    body = search.locator(".opblock-body")
    body.get_by_text("next_cursor").first.wait_for()
    assert body.get_by_text("e.g. TX").count() >= 1
    page.screenshot(path=tmp_path / "api-explorer.png", full_page=False)
    assert (tmp_path / "api-explorer.png").stat().st_size > 10_000
    assert refused == []
    page.close()


def test_redoc_renders_the_permit_operations_offline(
    browser: Browser, docs_site: str, tmp_path: Path
) -> None:
    page, refused = offline_page(browser, docs_site)
    page.goto(f"{docs_site}/redoc")
    for summary in ("Search permits", "Get one permit, with its raw source record"):
        # ReDoc's heading name starts with its anchor ("tag/permits/operation/list_permits")
        page.get_by_role("heading", name=re.compile(f" {re.escape(summary)}$")).wait_for()
    page.screenshot(path=tmp_path / "redoc.png")
    assert set(refused) <= {REDOC_BRANDING}
    page.close()
