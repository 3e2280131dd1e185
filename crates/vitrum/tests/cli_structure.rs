//! The `vitrum rdf|sq|angles` commands end to end: outputs against the reference data, and every
//! kind of bad input answered with a one-line error that names the file.

mod common;

use common::*;
use std::path::Path;

fn read_table(path: &Path) -> (Vec<String>, Vec<Vec<f64>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    (header, rows)
}

#[test]
fn rdf_on_every_fixture_matches_the_reference_csv() {
    let dir = tempfile::tempdir().unwrap();
    for (name, r_max, bins) in [
        ("ka3d", "3.5", "140"),
        ("ka2d", "5.0", "200"),
        ("yukawa3d", "3.5", "140"),
        ("asi-sw", "8.0", "160"),
    ] {
        let out = dir.path().join(format!("{name}.csv"));
        vitrum()
            .args([
                "rdf",
                fixture(&format!("{name}/config.dump")).to_str().unwrap(),
            ])
            .args([
                "--r-max",
                r_max,
                "--bins",
                bins,
                "--partial",
                "--out",
                out.to_str().unwrap(),
            ])
            .assert()
            .success();
        let (header, rows) = read_table(&out);
        let (ref_header, ref_rows) = read_table(&fixture(&format!("{name}/rdf.csv")));
        assert_eq!(
            header, ref_header,
            "{name}: column names r,g,g_A_B as in the reference"
        );
        assert_eq!(rows.len(), ref_rows.len());
        for (a, b) in rows.iter().zip(&ref_rows) {
            for (x, y) in a.iter().zip(b) {
                // round-off only; a misplaced pair would move g by ≥ 1e-3
                assert!((x - y).abs() < 1e-9, "{name}: {x} vs {y}");
            }
        }
    }
}

#[test]
fn rdf_writes_csv_to_stdout_without_out() {
    let output = vitrum()
        .args([
            "rdf",
            fixture("ka3d/config.dump").to_str().unwrap(),
            "--r-max",
            "2",
            "--bins",
            "4",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.lines().next(), Some("r,g"));
    assert_eq!(text.lines().count(), 5);
}

#[test]
fn sq_and_angles_run_on_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let sq = dir.path().join("sq.csv");
    vitrum()
        .args([
            "sq",
            fixture("ka2d/config.dump").to_str().unwrap(),
            "--q-max",
            "12",
            "--bins",
            "24",
        ])
        .args(["--method", "direct", "--out", sq.to_str().unwrap()])
        .assert()
        .success();
    let (header, rows) = read_table(&sq);
    assert_eq!(header, vec!["q", "S", "n_q"]);
    assert_eq!(rows.len(), 24);
    let angles = dir.path().join("angles.csv");
    let assert = vitrum()
        .args([
            "angles",
            fixture("asi-sw/config.dump").to_str().unwrap(),
            "--cutoff",
            "2.85",
        ])
        .args(["--out", angles.to_str().unwrap()])
        .assert()
        .success();
    // meta.json of asi-sw: mean coordination 4.38671875 at r_c = 2.85 Å
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("4.3867"), "{stderr}");
    let (header, rows) = read_table(&angles);
    assert_eq!(header, vec!["theta", "p"]);
    let integral: f64 = rows.iter().map(|r| r[1]).sum::<f64>() * 1.0;
    assert!((integral - 1.0).abs() < 1e-9);
}

/// Runs vitrum expecting failure; returns stderr.
fn fails(args: &[&str]) -> String {
    let output = vitrum().args(args).output().unwrap();
    assert!(!output.status.success(), "expected failure for {args:?}");
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn bad_input_gets_a_clear_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let ka3d = fixture("ka3d/config.dump");
    let ka3d = ka3d.to_str().unwrap();

    let err = fails(&["rdf", "missing/glass.dump", "--r-max", "2", "--bins", "10"]);
    assert!(
        err.contains("missing/glass.dump") && err.contains("no such file"),
        "{err}"
    );

    let truncated = dir.path().join("truncated.dump");
    let text = std::fs::read_to_string(ka3d).unwrap();
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    let err = fails(&[
        "rdf",
        truncated.to_str().unwrap(),
        "--r-max",
        "2",
        "--bins",
        "10",
    ]);
    assert!(err.contains("truncated.dump"), "{err}");

    let nan = dir.path().join("nan.dump");
    let mut lines: Vec<&str> = text.lines().collect();
    lines[12] = "4 1 nan 1.0 1.0";
    std::fs::write(&nan, lines.join("\n") + "\n").unwrap();
    let err = fails(&["rdf", nan.to_str().unwrap(), "--r-max", "2", "--bins", "10"]);
    assert!(err.contains("nan.dump") && err.contains("nan"), "{err}");

    let flat = dir.path().join("flat.dump");
    let mut lines: Vec<&str> = text.lines().collect();
    lines[5] = "0 0"; // x bounds: zero width
    std::fs::write(&flat, lines.join("\n") + "\n").unwrap();
    let err = fails(&[
        "rdf",
        flat.to_str().unwrap(),
        "--r-max",
        "2",
        "--bins",
        "10",
    ]);
    assert!(err.contains("flat.dump") && err.contains("volume"), "{err}");

    let unknown = dir.path().join("glass.abc");
    std::fs::write(&unknown, "1\n").unwrap();
    let err = fails(&[
        "rdf",
        unknown.to_str().unwrap(),
        "--r-max",
        "2",
        "--bins",
        "10",
    ]);
    assert!(
        err.contains("glass.abc") && err.contains("--format"),
        "{err}"
    );

    let err = fails(&["rdf", ka3d, "--r-max", "4", "--bins", "10"]);
    assert!(
        err.contains("config.dump") && err.contains("half the smallest perpendicular"),
        "{err}"
    );

    let err = fails(&["rdf", ka3d, "--r-max", "2", "--bins", "0"]);
    assert!(err.contains("bins"), "{err}");

    let err = fails(&[
        "rdf", ka3d, "--r-max", "2", "--bins", "10", "--frames", "3:5",
    ]);
    assert!(
        err.contains("config.dump") && err.contains("1 frame"),
        "{err}"
    );
}

#[test]
fn help_has_examples() {
    for cmd in ["rdf", "sq", "angles"] {
        let output = vitrum().args([cmd, "--help"]).output().unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains("Examples:"), "{cmd} --help lacks examples");
    }
}
