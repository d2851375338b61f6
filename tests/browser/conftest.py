"""A real browser for the dashboard's tests: Debian's chromium, driven by Playwright.

Playwright's own browser downloads are never used: the browser is ``/usr/bin/chromium``
(``CHROMIUM`` overrides it); ``.ci/run`` installs Debian's package where it is missing.
Screenshots go to ``var/test-artifacts/browser/`` (git-ignored, kept after the run; the
summary says where). ``INSIGHTBUS_DOCS_SCREENSHOT=1`` also writes the README's
``docs/dashboard.png``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

ARTIFACTS = ROOT / "var" / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

_saved: list[Path] = []


def _clean_once() -> None:
    """This run's screenshots only: what an earlier run left goes, once per run."""
    if not getattr(_clean_once, "done", False):
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
        _clean_once.done = True  # type: ignore[attr-defined]


# Module-scoped, not session-scoped: while the sync API runs, its event loop is the running
# one, and an async test after it (pytest-asyncio) could not start a loop of its own.
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    _clean_once()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh context (nothing shared between tests); the page's script errors and CSP
    violations fail the test."""
    from playwright.sync_api import Browser, ConsoleMessage, Error

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(message.text)

    def on_error(error: Error) -> None:
        problems.append(f"page error: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    yield page
    try:
        if getattr(request.node, "failed", False):
            screenshot(page, f"FAILED-{request.node.name}")
    finally:
        context.close()
    assert not problems, problems


def screenshot(page: object, name: str, *, docs: bool = False) -> Path:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    _saved.append(path)
    if docs and os.environ.get("INSIGHTBUS_DOCS_SCREENSHOT") == "1":
        shutil.copyfile(path, ROOT / "docs" / "dashboard.png")
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    if report.when == "call" and report.failed:
        item.failed = True  # type: ignore[attr-defined]
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _saved:
        terminalreporter.write_line(f"browser screenshots: {ARTIFACTS} ({len(_saved)} files)")
