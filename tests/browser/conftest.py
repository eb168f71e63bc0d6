"""The staff page in Debian's Chromium, driven by Playwright (never a downloaded browser).

Outside CI the tests skip, saying why, when Chromium, Playwright or axe-core is missing;
under CI they fail instead. Screenshots go to artifacts/screenshots/ (not committed)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CATALOG_FILE, ROOT, RULES_DIR
from tests.http.server import make_key, serve

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "artifacts" / "screenshots"
# As the machine notes say: no sandbox as root, and no background calls to the internet.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {why} (scripts/setup installs it)")
    pytest.skip(f"browser tests skipped: {why}; run scripts/setup as root to install it")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _missing(f"Debian's chromium is not at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright for Python is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        _missing(f"axe-core is not at {AXE}")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A real server on 127.0.0.1 with a frontline key, on its own SQLite file."""
    tmp = tmp_path_factory.mktemp("browser")
    rules = tmp / "rules"
    shutil.copytree(RULES_DIR, rules)
    env = {
        "TRIAGE_DATABASE_URL": f"sqlite:///{tmp / 'browser.db'}",
        "TRIAGE_RULES_DIR": str(rules),
        "TRIAGE_CATALOG_FILE": str(CATALOG_FILE),
    }
    key = make_key(env, "frontline")
    auditor = make_key(env, "auditor")
    attacker = make_key(env, "frontline")  # another staff key, for a forged sign-in
    with serve(env) as base:
        yield {
            "base": base,
            "key": key,
            "auditor": auditor,
            "attacker": attacker,
            "db": env["TRIAGE_DATABASE_URL"],
        }


def shot(page: Any, name: str) -> None:
    """The whole page, and what the screen shows first (`NAME.top.png`, for the README)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.screenshot(path=str(SHOTS / f"{name}.top.png"))
