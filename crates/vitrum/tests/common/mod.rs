//! Helpers shared by the command-line tests.
#![allow(dead_code)]

pub mod theory_data;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A file or directory under the workspace's `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

/// The `vitrum` binary built for these tests.
pub fn vitrum() -> Command {
    Command::cargo_bin("vitrum").unwrap()
}

/// A JSON file, parsed.
pub fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Runs `cmd`, asserting success (stderr shown when it fails); returns its output.
pub fn succeed(cmd: &mut Command) -> std::process::Output {
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `vitrum featurize DATA --target vdos-histogram --target debye-excess`, read back: targets[0]
/// is the histogram, targets[1] the excess. Every excess row integrates to 0 over the grid (the
/// histogram and the Debye model both hold every mode, ω_D inside the grid): asserted to 1e-12,
/// round-off of two sums of ≈ 1 over ≤ 100 bins.
pub fn featurize_debye_excess(data: &Path) -> vitrum::io::Dataset {
    succeed(vitrum().args(["featurize", "-q"]).arg(data).args([
        "--target",
        "vdos-histogram",
        "--target",
        "debye-excess",
    ]));
    let d = vitrum::io::Dataset::read(data).unwrap();
    let excess = &d.targets[1];
    assert_eq!(excess.entry.kind.label(), "debye-excess");
    let widths = excess.entry.grid.widths();
    for (s, row) in excess.data.rows().into_iter().enumerate() {
        let integral: f64 = row.iter().zip(&widths).map(|(v, w)| v * w).sum();
        assert!(integral.abs() < 1e-12, "sample {s}: ∫ = {integral}");
    }
    d
}
