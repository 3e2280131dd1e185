"""vitrum from Python: structure profiles, vibrational modes, datasets, studies and the
structure→spectrum linear models of the vitrum workspace, on numpy arrays and ``ase.Atoms``.

Every function calls the same Rust code as the ``vitrum`` command of the same name, with the GIL
released while it computes; errors arrive as ``ValueError`` (bad input) or ``OSError`` (files).

>>> import numpy as np, vitrum
>>> r, g = vitrum.rdf(np.random.default_rng(0).random((500, 3)) * 8, r_max=3.0, bins=60, cell=[8, 8, 8])
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np

from . import _vitrum
from ._atoms import to_arrays
from ._vitrum import Model, estimator_names, load_model

__version__ = _vitrum.__version__

__all__ = [
    "Frame",
    "read_frame",
    "rdf",
    "partial_rdf",
    "structure_factor",
    "modes",
    "LinearSPR",
    "NeuralSPR",
    "Model",
    "load_model",
    "estimator_names",
    "Dataset",
    "load_dataset",
    "run_study",
]


@dataclass
class Frame:
    """One configuration as vitrum reads it from a file (chemfiles; LAMMPS types become labels
    "1", "2", ... in numeric order). Every function here takes a Frame where it takes Atoms."""

    positions: np.ndarray  # [N × 3]
    cell: np.ndarray  # [3 × 3], row k = cell vector k (ASE's convention)
    origin: list  # the cell's lower corner
    types: np.ndarray  # [N] species index into labels
    labels: list
    masses: list  # per species, None where the file does not say
    dim: int
    step: Optional[int] = None

    def to_ase(self):
        """An ``ase.Atoms`` with the same bits (needs ASE): numeric labels become atomic
        numbers, other labels chemical symbols; pbc in the frame's ``dim`` directions."""
        from ase import Atoms

        species = [int(l) if l.strip().isdigit() else l for l in self.labels]
        per_atom = [species[t] for t in self.types]
        kind = "numbers" if all(isinstance(s, int) for s in per_atom) else "symbols"
        return Atoms(**{kind: per_atom}, positions=self.positions.copy(), cell=self.cell.copy(),
                     pbc=[True, True, self.dim == 3], celldisp=list(self.origin))


def read_frame(path, frame: int = 0, *, format=None, dim=None) -> Frame:
    """Frame ``frame`` of a configuration file (LAMMPS dump/data, XYZ, any chemfiles format), as
    every ``vitrum`` command reads it."""
    return Frame(**_vitrum.read_frame(str(path), int(frame), format, dim))


def rdf(atoms, r_max: float, bins: int, *, cell=None, types=None, dim=None, normalization="exact"):
    """``(r, g)``: bin midpoints on [0, r_max) and the total g(r), as ``vitrum rdf``.

    ``atoms``: an ``ase.Atoms`` (duck-typed) or an [N × 3] array with ``cell`` and ``types``.
    ``normalization``: "exact" (ρ_b = N_b/V) or "lammps" (LAMMPS ``compute rdf``).
    """
    a = to_arrays(atoms, cell, types, dim)
    return _vitrum.rdf(*a.args(), float(r_max), int(bins), normalization)


def partial_rdf(atoms, r_max: float, bins: int, *, cell=None, types=None, dim=None, normalization="exact"):
    """``(r, {(label_a, label_b): g_ab, "total": g})`` for every species pair a ≤ b."""
    a = to_arrays(atoms, cell, types, dim)
    return _vitrum.partial_rdf(*a.args(), float(r_max), int(bins), normalization)


def structure_factor(atoms, q_max: float, bins: int, *, method="direct", r_max=None, bins_r=None,
                     window="none", cell=None, types=None, dim=None):
    """``(q, S)``: S(q) on ``bins`` bins up to ``q_max`` by the direct sum over wave vectors, or
    from g(r) (``method="rdf"`` with ``r_max``, ``bins_r``, ``window`` "none"/"lorch"), as
    ``vitrum sq``."""
    a = to_arrays(atoms, cell, types, dim)
    return _vitrum.structure_factor(*a.args(), float(q_max), int(bins), method,
                                    None if r_max is None else float(r_max),
                                    None if bins_r is None else int(bins_r), window)


def modes(atoms, potential: str, *, omega_max=None, bins=100, sigma=None, cell=None, types=None, dim=None):
    """Vibrational modes of one configuration (dense diagonalisation), as ``vitrum modes``:
    a dict with ``eigenvalues`` (all d·N, ascending), ``frequency`` and ``vdos`` (histogram, or
    Gaussian of width ``sigma``), ``units``, ``n_zero``, ``n_negative``.

    ``potential``: a preset name (``kob-andersen``, ...) or a potential TOML file; species labels
    are the Atoms' numbers (LAMMPS type 1 → number 1) or the given ``types``.
    """
    a = to_arrays(atoms, cell, types, dim)
    return _vitrum.modes(*a.args(), str(potential), None if omega_max is None else float(omega_max),
                         int(bins), None if sigma is None else float(sigma))


@dataclass
class Dataset:
    """A dataset directory as vitrum reads it: the default arrays (total g(r) features and VDOS
    targets on their grids), every block by file, and the typed manifest (``meta.json`` after
    vitrum's checks and upgrades) as a dict."""

    features: np.ndarray
    targets: np.ndarray
    grid_r: np.ndarray
    grid_omega: np.ndarray
    eigenvalues: Optional[np.ndarray]
    manifest: dict
    feature_blocks: dict = field(default_factory=dict)
    target_blocks: dict = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        return self.manifest["n_samples"]


def load_dataset(path) -> Dataset:
    """Reads a dataset directory (``vitrum generate``'s output, fixtures/dataset-ka2d)."""
    d = _vitrum.load_dataset(str(path))
    d["manifest"] = json.loads(d["manifest"])
    return Dataset(**d)


def run_study(path, out=None, *, quiet=True) -> dict:
    """Runs a study file as ``vitrum run`` does (report, models, predictions in ``out``, default
    ``<stem>-report`` beside the current directory) and returns results.json as a dict."""
    path = Path(path)
    out = Path(out) if out is not None else Path(f"{path.stem}-report")
    return json.loads(_vitrum.run_study(str(path), str(out), quiet))


def _model_from_json(text: str) -> Model:
    """Unpickles a ``Model`` (its pickle is the model-file text)."""
    return _vitrum.model_from_json(text)


def __getattr__(name):
    # the scikit-learn estimators need scikit-learn; import it only when asked for
    if name in ("LinearSPR", "NeuralSPR"):
        from . import _sklearn

        return getattr(_sklearn, name)
    raise AttributeError(f"module 'vitrum' has no attribute {name!r}")
