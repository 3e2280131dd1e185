"""Configurations as the extension takes them: plain arrays from numpy input or a duck-typed
``ase.Atoms`` (anything with ``positions``/``get_positions()``, ``cell``, ``numbers`` and
``pbc``; ASE itself is never imported)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Arrays:
    """One configuration in the extension's terms."""

    positions: np.ndarray  # [N × 3] float64, C order
    cell: np.ndarray  # [3 × 3] float64, row k = cell vector k
    origin: tuple  # the cell's lower corner (ASE's celldisp)
    types: np.ndarray  # [N] int64 species index into labels
    labels: list  # species labels, numeric ascending (as vitrum orders LAMMPS types)
    dim: int

    def args(self):
        return (self.positions, self.cell, self.origin, self.types, self.labels, self.dim)


def _species(values) -> tuple[np.ndarray, list]:
    """Species index per particle and the labels, ordered as vitrum orders a file's types:
    numeric labels ascending, then the others in order of first appearance."""
    arr = np.asarray(values).ravel()
    if arr.dtype.kind in "iu":
        # atomic numbers or LAMMPS types (the common case): vectorised, O(N log N) in numpy
        unique, inverse = np.unique(arr, return_inverse=True)
        return inverse.astype(np.int64).ravel(), [str(v) for v in unique.tolist()]
    values = [str(v) for v in arr.tolist()]
    seen = list(dict.fromkeys(values))

    def numeric(s):
        try:
            return int(s.strip())
        except ValueError:
            return None

    labels = sorted((s for s in seen if numeric(s) is not None), key=numeric)
    labels += [s for s in seen if numeric(s) is None]
    index = {label: k for k, label in enumerate(labels)}
    return np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values)), labels


def _positions3(positions) -> np.ndarray:
    p = np.ascontiguousarray(positions, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] not in (2, 3):
        raise ValueError(f"positions have shape {p.shape}; give an N × 3 (or N × 2) array")
    if p.shape[1] == 2:
        p = np.ascontiguousarray(np.column_stack([p, np.zeros(len(p))]))
    return p


def _cell3(cell, dim_hint: int) -> np.ndarray:
    c = np.asarray(cell, dtype=np.float64)
    if c.shape == (3,) or c.shape == (2,):
        c = np.diag(np.concatenate([c, np.ones(3 - len(c))]))
    elif c.shape == (2, 2):
        full = np.eye(3)
        full[:2, :2] = c
        c = full
    if c.shape != (3, 3):
        raise ValueError(
            f"the cell has shape {c.shape}; give edge lengths (3,) or a 3 × 3 matrix whose rows are the cell vectors"
        )
    return np.ascontiguousarray(c)


def _auto_dim(positions: np.ndarray, dim) -> int:
    if dim is not None:
        if dim not in (2, 3):
            raise ValueError(f"dim = {dim}; vitrum works in 2 or 3 dimensions")
        return int(dim)
    # as the command line: 2 when every z coordinate is equal
    z = positions[:, 2]
    return 2 if len(z) > 0 and np.all(z == z[0]) else 3


def to_arrays(atoms, cell=None, types=None, dim=None) -> Arrays:
    """``atoms`` is an ``ase.Atoms``-like object, or an [N × 3] (N × 2) array of positions with
    ``cell`` (edge lengths or 3 × 3 rows = vectors) and ``types`` (one label per particle,
    default all one species)."""
    if hasattr(atoms, "labels") and hasattr(atoms, "types") and hasattr(atoms, "origin"):
        # a vitrum.Frame: its species as read
        if cell is not None or types is not None:
            raise ValueError("give cell= and types= only with a positions array, not with a Frame")
        return Arrays(_positions3(atoms.positions), _cell3(atoms.cell, 3),
                      tuple(float(x) for x in atoms.origin),
                      np.ascontiguousarray(atoms.types, dtype=np.int64), list(atoms.labels),
                      int(atoms.dim) if dim is None else _auto_dim(_positions3(atoms.positions), dim))
    if hasattr(atoms, "cell") and (hasattr(atoms, "get_positions") or hasattr(atoms, "positions")):
        if cell is not None or types is not None:
            raise ValueError("give cell= and types= only with a positions array, not with an Atoms object")
        positions = atoms.get_positions() if hasattr(atoms, "get_positions") else atoms.positions
        p = _positions3(positions)
        c = _cell3(np.asarray(getattr(atoms.cell, "array", atoms.cell)), 3)
        origin = tuple(float(x) for x in np.asarray(atoms.get_celldisp()).ravel()) if hasattr(atoms, "get_celldisp") else (0.0, 0.0, 0.0)
        numbers = atoms.get_atomic_numbers() if hasattr(atoms, "get_atomic_numbers") else atoms.numbers
        pbc = np.broadcast_to(np.asarray(getattr(atoms, "pbc", True), dtype=bool), (3,))
        d = _auto_dim(p, dim)
        if not pbc[:d].all():
            raise ValueError(
                f"pbc = {pbc.tolist()}: vitrum needs a periodic cell in the {d} directions it uses "
                "(set atoms.pbc = True, or pbc = (True, True, False) for a 2D glass)"
            )
        t, labels = _species(numbers)
        return Arrays(p, c, origin, t, labels, d)
    p = _positions3(atoms)
    if cell is None:
        raise ValueError("a positions array needs cell= (edge lengths or a 3 × 3 matrix)")
    c = _cell3(cell, 3)
    t, labels = _species(np.ones(len(p), dtype=np.int64) if types is None else types)
    if len(t) != len(p):
        raise ValueError(f"{len(t)} types for {len(p)} positions; give one species per particle")
    return Arrays(p, c, (0.0, 0.0, 0.0), t, labels, _auto_dim(p, dim))
