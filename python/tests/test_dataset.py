"""Datasets and studies from Python read and run as the command line does."""

import numpy as np

import vitrum
from conftest import FIXTURES, ROOT

DATASET = FIXTURES / "dataset-ka2d"


def test_load_dataset_gives_the_arrays_and_the_typed_manifest():
    ds = vitrum.load_dataset(DATASET)
    assert np.array_equal(ds.features, np.load(DATASET / "features.npy"))
    assert np.array_equal(ds.targets, np.load(DATASET / "targets.npy"))
    assert np.array_equal(ds.grid_r, np.load(DATASET / "grid_r.npy"))
    assert np.array_equal(ds.grid_omega, np.load(DATASET / "grid_omega.npy"))
    assert ds.eigenvalues.shape[0] == 150
    assert ds.n_samples == 150 and ds.manifest["dim"] == 2
    assert ds.manifest["species"] == ["1", "2"]
    assert ds.features.flags.writeable  # handed over by Rust, owned by numpy (no copy)


def test_run_study_writes_the_report_and_returns_results(tmp_path):
    study = tmp_path / "study.toml"
    study.write_text(
        f'''name = "python run_study"

[data]
dataset = "{DATASET}"

[split]
train = "0..120"
test = "120..150"

[fit]
backends = ["native-ridge"]
alphas = "-3:1:5"
cv = 3
'''
    )
    results = vitrum.run_study(study, tmp_path / "out")
    assert (tmp_path / "out" / "report.html").exists()
    assert results["n_samples"] == 150
    ridge = [r for r in results["results"] if r["backend"] == "native-ridge"]
    assert len(ridge) == 1
