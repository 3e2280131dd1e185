"""Structure and modes from Python equal the command line's on the same file, bit for bit."""

import numpy as np
import pytest

import vitrum
from conftest import FIXTURES, run_cli

KA3D = FIXTURES / "ka3d" / "config.dump"


def read_csv(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    # the CLI writes {:.16e}: 17 significant digits, so the text round-trips every double
    return {name: data[:, k] for k, name in enumerate(header)}


@pytest.fixture(scope="module")
def ka3d_atoms():
    """An ``ase.Atoms`` with the bits every ``vitrum`` command reads from the file."""
    pytest.importorskip("ase")
    return vitrum.read_frame(KA3D).to_ase()


def test_rdf_of_ase_atoms_equals_vitrum_rdf_bit_for_bit(ka3d_atoms, vitrum_bin, tmp_path):
    out = tmp_path / "rdf.csv"
    run_cli(vitrum_bin, "rdf", KA3D, "--r-max", 3.5, "--bins", 140, "--partial", "--out", out)
    cli = read_csv(out)
    r, g = vitrum.rdf(ka3d_atoms, r_max=3.5, bins=140)
    assert np.array_equal(r, cli["r"])
    assert np.array_equal(g, cli["g"])
    assert g.max() > 2.0  # a real first peak, not an empty histogram
    r2, partials = vitrum.partial_rdf(ka3d_atoms, r_max=3.5, bins=140)
    assert np.array_equal(r2, r)
    for a, b in [("1", "1"), ("1", "2"), ("2", "2")]:
        assert np.array_equal(partials[(a, b)], cli[f"g_{a}_{b}"]), (a, b)
    assert np.array_equal(partials["total"], g)


def test_rdf_of_atoms_read_by_ase_agrees_to_rounding(ka3d_atoms):
    """ASE's own reader parses the text correctly rounded; chemfiles (behind every vitrum
    command) reads the box edge 1 ulp longer and positions to ≤ 3e-15 of the text. The pair
    counts are the same; g differs by the ulp of the volume only."""
    ase_io = pytest.importorskip("ase.io")
    by_ase = ase_io.read(KA3D, format="lammps-dump-text")
    assert np.abs(by_ase.positions - ka3d_atoms.positions).max() < 1e-14
    g_ase = vitrum.rdf(by_ase, 3.5, 140)[1]
    g = vitrum.rdf(ka3d_atoms, 3.5, 140)[1]
    # the volume's relative error ≈ 3 × 1.2e-16; 1e-14 allows the normalisation's few roundings
    np.testing.assert_allclose(g_ase, g, rtol=1e-14, atol=0)


def test_rdf_of_arrays_equals_rdf_of_atoms(ka3d_atoms):
    r, g = vitrum.rdf(ka3d_atoms, 3.0, 60)
    r2, g2 = vitrum.rdf(ka3d_atoms.get_positions(), 3.0, 60, cell=ka3d_atoms.cell.array,
                        types=ka3d_atoms.numbers)
    assert np.array_equal(g, g2) and np.array_equal(r, r2)


def test_structure_factor_equals_vitrum_sq(ka3d_atoms, vitrum_bin, tmp_path):
    out = tmp_path / "sq.csv"
    run_cli(vitrum_bin, "sq", KA3D, "--q-max", 12, "--bins", 40, "--method", "direct", "--out", out)
    cli = read_csv(out)
    q, s = vitrum.structure_factor(ka3d_atoms, q_max=12, bins=40)
    assert np.array_equal(q, cli["q"])
    assert np.array_equal(s, cli["S"], equal_nan=True)


def test_modes_equal_vitrum_modes(ka3d_atoms, vitrum_bin, tmp_path):
    ev_file, vdos_file = tmp_path / "ev.txt", tmp_path / "vdos.csv"
    run_cli(vitrum_bin, "modes", KA3D, "--potential", "kob-andersen", "--eigenvalues", ev_file,
            "--vdos", vdos_file, "--bins", 50)
    m = vitrum.modes(ka3d_atoms, potential="kob-andersen", bins=50)
    assert m["eigenvalues"].shape == (3 * len(ka3d_atoms),)
    # the eigenvalue file is {:.16e}, exact for doubles
    assert np.array_equal(m["eigenvalues"], np.loadtxt(ev_file))
    cli = read_csv(vdos_file)
    assert np.array_equal(m["frequency"], cli["omega"])
    assert np.array_equal(m["vdos"], cli["vdos"])
    assert m["n_zero"] == 3  # the three translations of a periodic 3D glass
