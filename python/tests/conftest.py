"""Shared fixtures: the repository's paths and the `vitrum` command line the comparisons run."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def vitrum_bin() -> Path:
    """The `vitrum` binary of this checkout: $VITRUM_BIN, else target/debug/vitrum (built with
    cargo when missing — `cargo xtask test` has built it by then)."""
    if "VITRUM_BIN" in os.environ:
        return Path(os.environ["VITRUM_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    exe = target / "debug" / "vitrum"
    if not exe.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "vitrum", "--bin", "vitrum"], cwd=ROOT, check=True)
    return exe


def run_cli(exe: Path, *args) -> None:
    subprocess.run([str(exe), "--quiet", *map(str, args)], cwd=ROOT, check=True)
