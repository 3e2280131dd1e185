//! `vitrum validate` reads its references from the fixtures directory at run time: on the
//! shipped fixtures every row passes, and one perturbed reference number makes its row fail,
//! with a non-zero exit naming the row.

mod common;

use common::*;
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn validate_passes_on_the_fixtures_and_fails_on_a_perturbed_reference() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = dir.path().join("fixtures");
    for name in ["ka3d", "ka2d", "yukawa3d", "asi-sw", "dataset-ka2d"] {
        copy_dir(&fixture(name), &fixtures.join(name));
    }
    let out = dir.path().join("validation");
    succeed(
        vitrum()
            .args(["validate", "--only", "structure", "-q", "--fixtures"])
            .arg(&fixtures)
            .arg("--out")
            .arg(&out),
    );
    let results = json(&out.join("results.json"));
    assert_eq!(results["failed"], 0);
    assert!(results["passed"].as_u64().unwrap() >= 15);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("| vitrum-descriptors | ka3d: total g(r)"),
        "{md}"
    );

    // one g value of ka3d's reference moved by 1e-6 (1000 × the row's tolerance)
    let csv = fixtures.join("ka3d/rdf.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let row = 50;
    let mut cols: Vec<String> = lines[row].split(',').map(String::from).collect();
    let g: f64 = cols[1].parse().unwrap();
    cols[1] = format!("{:.15e}", g + 1e-6);
    lines[row] = cols.join(",");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    let output = vitrum()
        .args(["validate", "--only", "structure", "-q", "--fixtures"])
        .arg(&fixtures)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let e = String::from_utf8_lossy(&output.stderr);
    assert!(e.contains("1 of") && e.contains("ka3d: total g(r)"), "{e}");
    let results = json(&out.join("results.json"));
    assert_eq!(results["failed"], 1);
}
