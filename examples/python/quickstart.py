# %% [markdown]
# # vitrum from Python — quickstart
#
# Run from the repository root once the package is installed (`cargo xtask setup` builds it into
# `target/py-venv`; or `pip install ./python` in any environment with a Rust toolchain):
#
#     target/py-venv/bin/python examples/python/quickstart.py
#
# Each `# %%` cell also runs on its own in Jupyter or VS Code.

# %%
import tempfile
from pathlib import Path

import numpy as np

import vitrum

# A configuration as every `vitrum` command reads it (LAMMPS dump, data, XYZ, ... via chemfiles)
frame = vitrum.read_frame("fixtures/ka3d/config.dump")
print(f"{len(frame.positions)} atoms, species {frame.labels}, {frame.dim}D")

# g(r): the same bits as `vitrum rdf fixtures/ka3d/config.dump --r-max 3.5 --bins 140`
r, g = vitrum.rdf(frame, r_max=3.5, bins=140)
print(f"first peak of g(r): {g.max():.2f} at r = {r[g.argmax()]:.3f}")

# %% [markdown]
# Any `ase.Atoms` works the same way (positions, cell, numbers, pbc are all vitrum reads; ASE is
# not a dependency of vitrum). So do plain numpy arrays with `cell=` and `types=`.

# %%
try:
    import ase.io

    atoms = ase.io.read("fixtures/ka3d/config.dump", format="lammps-dump-text")
    r, partials = vitrum.partial_rdf(atoms, r_max=3.5, bins=140)
    print("partials:", [k for k in partials if k != "total"])
except ImportError:
    print("ASE not installed: skipping the ase.Atoms cell")

rng = np.random.default_rng(0)
positions = np.stack(np.meshgrid(*[np.arange(10.0)] * 3, indexing="ij"), -1).reshape(-1, 3)
positions += rng.uniform(-0.2, 0.2, positions.shape)
q, s = vitrum.structure_factor(positions, q_max=10, bins=20, cell=[10, 10, 10])
print(f"S(q) of a jittered lattice: Bragg peak {np.nanmax(s):.1f} at q = {q[np.nanargmax(s)]:.2f}")

# %% [markdown]
# Vibrational modes: eigenvalues of the dynamical matrix and the VDOS, as `vitrum modes`.

# %%
m = vitrum.modes(frame, potential="kob-andersen", bins=60)
print(f"{len(m['eigenvalues'])} modes, {m['n_zero']} zero; VDOS on {len(m['vdos'])} bins up to ω = {m['frequency'][-1]:.1f}")

# %% [markdown]
# A structure→spectrum model: `LinearSPR` is a scikit-learn estimator that fits through
# vitrum-regress (α by 5-fold cross-validation here) and writes `vitrum fit`'s model files.

# %%
from sklearn.model_selection import GridSearchCV

ds = vitrum.load_dataset("fixtures/dataset-ka2d")
print(f"dataset {ds.manifest['name']}: {ds.n_samples} samples, g(r) on {len(ds.grid_r)} r, VDOS on {len(ds.grid_omega)} ω")
train, test = slice(0, 120), slice(120, 150)
spr = vitrum.LinearSPR(backend="native-ridge", alpha=None, cv=5)
spr.fit(ds.features[train], ds.targets[train], feature_grid=ds.grid_r, target_grid=ds.grid_omega)
print(f"α chosen by CV: {spr.alpha_:g}; held-out R² = {spr.score(ds.features[test], ds.targets[test]):.3f}")

search = GridSearchCV(vitrum.LinearSPR(backend="native-lasso", max_iter=5000), {"alpha": [1e-5, 1e-4]}, cv=3)
search.fit(ds.features[train], ds.targets[train])
print(f"lasso by GridSearchCV: α = {search.best_params_['alpha']:g}")

# The model file is the command line's: `vitrum predict MODEL --features X.npy --out Y.npy`
with tempfile.TemporaryDirectory() as tmp:
    spr.save(Path(tmp) / "ridge.json")
    again = vitrum.LinearSPR.load(Path(tmp) / "ridge.json")
    assert np.array_equal(again.predict(ds.features[test]), spr.predict(ds.features[test]))
    print("model file round trip: identical predictions")
