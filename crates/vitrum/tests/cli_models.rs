//! `vitrum fit`, `evaluate`, `predict` and `modes` end to end on the shipped reference data.

mod common;

use common::*;
use std::path::Path;

#[test]
fn ridge_cv_from_the_command_line_reproduces_scikit_learn_ridgecv() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("ridgecv.json");
    let dataset = fixture("dataset-ka2d");
    vitrum()
        .args([
            "fit",
            dataset.to_str().unwrap(),
            "--backend",
            "native-ridge",
            "--cv",
            "5",
        ])
        .args(["--train", "0..120", "--out", model.to_str().unwrap(), "-q"])
        .assert()
        .success();
    let output = succeed(vitrum().args([
        "evaluate",
        model.to_str().unwrap(),
        dataset.to_str().unwrap(),
        "--test",
        "120..150",
        "--json",
    ]));
    let ours: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let sklearn = json(&fixture("dataset-ka2d/sklearn/ridgecv/model.json"));
    // the same α (10) and the same coefficients to ~1e-12 give the same R² to round-off
    for (mine, theirs) in [
        ("r2_uniform", "r2_uniform_average"),
        ("r2_variance_weighted", "r2_variance_weighted"),
        ("mae", "mae"),
    ] {
        let (a, b) = (
            ours[mine].as_f64().unwrap(),
            sklearn["test"][theirs].as_f64().unwrap(),
        );
        assert!(
            (a - b).abs() <= 1e-9 * b.abs(),
            "{mine}: {a} vs scikit-learn {b}"
        );
    }

    let predicted = dir.path().join("pred.npy");
    vitrum()
        .args(["predict", model.to_str().unwrap(), "--features"])
        .arg(dataset.join("features.npy"))
        .args(["--out", predicted.to_str().unwrap()])
        .assert()
        .success();
    let y = vitrum_io::read_npy_2d(&predicted).unwrap();
    assert_eq!(y.shape(), &[150, 100]);
}

#[test]
fn a_model_applied_to_features_on_another_grid_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    let dataset = fixture("dataset-ka2d");
    vitrum()
        .args([
            "fit",
            dataset.to_str().unwrap(),
            "--alpha",
            "0.01",
            "--out",
            model.to_str().unwrap(),
            "-q",
        ])
        .assert()
        .success();
    // a dataset whose r grid differs
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    for f in ["features.npy", "targets.npy", "grid_omega.npy"] {
        std::fs::copy(dataset.join(f), other.join(f)).unwrap();
    }
    let r = vitrum_io::read_npy_1d(&dataset.join("grid_r.npy")).unwrap() * 1.5;
    vitrum_io::write_npy(&other.join("grid_r.npy"), &r).unwrap();
    let output = vitrum()
        .args(["evaluate", model.to_str().unwrap(), other.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(err.contains("grid"), "{err}");
}

#[test]
fn modes_writes_ascending_eigenvalues_matching_the_analytic_reference() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev.txt");
    vitrum()
        .args([
            "modes",
            fixture("ka2d/config.dump").to_str().unwrap(),
            "--potential",
            "kob-andersen",
        ])
        .args(["--eigenvalues", ev.to_str().unwrap(), "-q"])
        .assert()
        .success();
    let parse = |p: &Path| -> Vec<f64> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(|l| l.trim().parse().unwrap())
            .collect()
    };
    let ours = parse(&ev);
    let reference = parse(&fixture("ka2d/eigenvalues_analytic.txt"));
    assert_eq!(ours.len(), 1024);
    assert!(ours.windows(2).all(|w| w[0] <= w[1]));
    let top = reference.last().unwrap().abs();
    for (a, b) in ours.iter().zip(&reference) {
        // the criterion: 1e-6 relative to the largest eigenvalue
        assert!((a - b).abs() < 1e-6 * top, "{a} vs {b}");
    }
}
