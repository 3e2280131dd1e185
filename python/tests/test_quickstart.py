"""examples/python/quickstart.py runs as pasted, from the repository root."""

import subprocess
import sys

from conftest import ROOT


def test_quickstart_runs():
    done = subprocess.run([sys.executable, "examples/python/quickstart.py"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "model file round trip: identical predictions" in done.stdout
