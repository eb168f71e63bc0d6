"""The wheel, installed into a fresh virtual environment outside the checkout, works from
any directory: the shipped rules, scenarios and catalog come from the package, and the
database lands in the per-user data folder (HOME is a temporary folder here)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx

from tests.conftest import ROOT
from tests.http.server import free_port


def run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    done: subprocess.CompletedProcess[str] = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,  # type: ignore[call-overload]
    )
    return done


def test_the_installed_wheel_works_from_another_directory(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        dist,
        ROOT,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = dist.glob("triage-*.whl")
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", venv).returncode == 0
    purelib = Path(
        run(
            venv / "bin" / "python",
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ).stdout.strip()
    )
    # The dependencies are the test environment's (no download); triage itself only from the wheel.
    (purelib / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    installed = run(venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", wheel)
    assert installed.returncode == 0, installed.stderr[-2000:]

    home = tmp_path / "home"
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(ROOT / "examples" / "case.json", work / "case.json")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIAGE_", "XDG_"))}
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}:{env['PATH']}")
    triage = venv / "bin" / "triage"

    def triage_run(*args: str) -> subprocess.CompletedProcess[str]:
        return run(triage, *args, cwd=work, env=env)

    where = run(
        venv / "bin" / "python", "-c", "import triage; print(triage.__file__)", cwd=work, env=env
    )
    assert where.stdout.strip().startswith(str(purelib)), where.stdout
    version = triage_run("--version")
    assert version.returncode == 0 and version.stdout.strip() == "triage, version 0.1.0"
    check = triage_run("check")
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == f"{purelib}/triage/shipped/rules: 0 errors, 0 warnings"
    tested = triage_run("test")
    assert tested.returncode == 0 and tested.stdout.strip().endswith("passed, 0 failed")
    decided = triage_run("decide", "case.json", "--locale", "en")
    assert decided.returncode == 0, decided.stderr
    assert json.loads(decided.stdout)["service"]["code"] == "dental_booking"
    database = home / ".local" / "share" / "triage" / "triage.db"
    assert database.is_file()  # where the README says, not in the venv or the checkout

    port = free_port()
    server = subprocess.Popen(
        [str(triage), "serve", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ready = None
        for _ in range(120):
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        assert ready is not None and ready.status_code == 200
        assert ready.json()["status"] == "ready"
        assert httpx.head(f"http://127.0.0.1:{port}/healthz").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)

    folder = tmp_path / "workfolder"
    assert triage_run("init", str(folder)).returncode == 0
    for command in ("check", "test"):
        result = run(triage, command, cwd=folder, env=env)
        assert result.returncode == 0, result.stdout[-1000:] + result.stderr[-1000:]
    shutil.copy(work / "case.json", folder / "case.json")
    assert run(triage, "decide", "case.json", cwd=folder, env=env).returncode == 0
    assert (folder / "var" / "triage.db").is_file()  # the working folder's own database
