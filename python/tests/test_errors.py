"""Bad input raises ValueError (bad values) or OSError (files), with vitrum's message — never a
crash of the interpreter."""

import json

import numpy as np
import pytest

import vitrum
from conftest import FIXTURES

CUBE = np.array([[0.0, 0, 0], [1.0, 1, 1], [2.0, 2, 2]])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: vitrum.rdf(CUBE, r_max=-1.0, bins=10, cell=[5, 5, 5]), "r_max"),
        (lambda: vitrum.rdf(CUBE, r_max=1.0, bins=0, cell=[5, 5, 5]), "bin"),
        (lambda: vitrum.rdf(np.zeros((4, 5)), r_max=1.0, bins=10, cell=[5, 5, 5]), "N × 3"),
        (lambda: vitrum.rdf(CUBE, r_max=1.0, bins=10, cell=[5, 5, 5], types=[1, 2]), "3 positions"),
        (lambda: vitrum.rdf(CUBE * np.nan, r_max=1.0, bins=10, cell=[5, 5, 5]), "not finite"),
        (lambda: vitrum.rdf(CUBE, r_max=1.0, bins=10, cell=[0, 5, 5]), "zero volume"),
        (lambda: vitrum.rdf(CUBE, r_max=10.0, bins=10, cell=[5, 5, 5]), "r_max"),
        (lambda: vitrum.rdf(np.zeros((2, 3)), r_max=1.0, bins=10, cell=[5, 5, 5]), "at one point"),
        (lambda: vitrum.rdf(CUBE, r_max=1.0, bins=10, cell=[5, 5, 5], normalization="x"), "normalization"),
        (lambda: vitrum.modes(CUBE, "no-such-potential", cell=[5, 5, 5]), "no-such-potential"),
        (lambda: vitrum.structure_factor(CUBE, q_max=5, bins=5, cell=[5, 5, 5], method="x"), "method"),
    ],
)
def test_bad_structure_input_is_a_value_error(call, message):
    with pytest.raises(ValueError) as e:
        call()
    assert message in str(e.value)


def test_missing_files_are_os_errors(tmp_path):
    with pytest.raises(OSError):
        vitrum.load_dataset(tmp_path / "nothing-here")
    with pytest.raises(OSError):
        vitrum.load_model(tmp_path / "nothing.json")
    with pytest.raises(OSError):
        vitrum.run_study(tmp_path / "nothing.toml", tmp_path / "out")


def test_malformed_files_are_value_errors(tmp_path):
    bad_model = tmp_path / "model.json"
    bad_model.write_text('{"format_version": 1, "kind": "linear", "coef": "not a matrix"')
    with pytest.raises(ValueError):
        vitrum.load_model(bad_model)
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "meta.json").write_text(json.dumps({"format_version": "two"}))
    with pytest.raises(ValueError) as e:
        vitrum.load_dataset(ds)
    assert "meta.json" in str(e.value)


def test_a_truncated_configuration_file_is_a_value_error_naming_the_line(tmp_path):
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes((FIXTURES / "ka3d" / "config.dump").read_bytes()[:600])
    with pytest.raises(ValueError) as e:
        vitrum.read_frame(truncated)
    assert "truncated.dump" in str(e.value) and "line" in str(e.value)
    with pytest.raises(OSError):
        vitrum.read_frame(tmp_path / "missing.dump")


def test_bad_fit_parameters_are_value_errors():
    LinearSPR = vitrum.LinearSPR
    X = np.random.default_rng(0).random((20, 4))
    y = X @ [1.0, 2.0, 3.0, 4.0]
    with pytest.raises(ValueError, match="no-such-backend"):
        LinearSPR(backend="no-such-backend", alpha=1.0).fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        LinearSPR(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="fold"):
        LinearSPR(cv=1).fit(X, y)
    fitted = LinearSPR(alpha=1.0).fit(X, y)
    with pytest.raises(ValueError):
        fitted.predict(X[:, :3])
