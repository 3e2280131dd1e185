//! `vitrum write-eam`: the Zhou–Johnson–Wadley file on disk is the one vitrum-sim's
//! LAMMPS backend writes, and an element without parameters is a one-line error naming it.

mod common;

use common::*;
use vitrum_sim::eam_zjw::{Setfl, ZjwAlloy};

#[test]
fn write_eam_writes_the_zjw_setfl_and_refuses_unknown_elements() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("CuZrAl.eam.alloy");
    succeed(vitrum().args([
        "write-eam",
        "--elements",
        "Cu,Zr,Al",
        "--out",
        out.to_str().unwrap(),
    ]));
    let written = Setfl::parse(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let expected = ZjwAlloy::new(&["Cu", "Zr", "Al"]).unwrap().setfl();
    assert_eq!(written, expected);

    let output = vitrum()
        .args(["write-eam", "--elements", "Cu,Ni", "--out"])
        .arg(dir.path().join("x.eam.alloy"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("'Ni'") && err.contains("Cu, Zr, Al"), "{err}");
    assert!(!dir.path().join("x.eam.alloy").exists());
}
