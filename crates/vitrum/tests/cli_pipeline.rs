//! `vitrum run` and `vitrum demo` end to end: the study on the reference dataset reproduces
//! scikit-learn, a scaled-down demo writes a complete, valid and self-consistent report, and bad
//! studies fail with messages that say what to change.

mod common;

use common::*;
use std::path::Path;

fn study_file(dir: &Path, text: &str) -> std::path::PathBuf {
    let p = dir.join("study.toml");
    std::fs::write(&p, text).unwrap();
    p
}

fn assert_valid_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
    // IHDR: a real image, not an empty canvas
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert!(
        width >= 400 && height >= 400,
        "{}: {width}×{height}",
        path.display()
    );
}

fn assert_valid_svg(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.starts_with("<svg"), "{}", path.display());
    assert!(text.trim_end().ends_with("</svg>"), "{}", path.display());
    assert!(text.contains("<text"), "{}: no labels", path.display());
}

/// The rows of the first Markdown table whose header starts with `| backend | α`.
fn markdown_metrics(md: &str) -> Vec<Vec<String>> {
    let mut lines = md.lines().skip_while(|l| !l.starts_with("| backend | α"));
    lines.next();
    lines.next();
    lines
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn run_on_the_reference_dataset_reproduces_scikit_learn_ridgecv() {
    let dir = tempfile::tempdir().unwrap();
    let study = study_file(
        dir.path(),
        &format!(
            "name = \"reference\"\n[data]\ndataset = \"{}\"\n[split]\ntrain = \"0..120\"\n\
             test = \"120..150\"\n[fit]\nbackends = [\"native-ridge\", \"native-ols\"]\n",
            fixture("dataset-ka2d").display()
        ),
    );
    let out = dir.path().join("report");
    let output = succeed(
        vitrum()
            .arg("run")
            .arg(&study)
            .arg("--out")
            .arg(&out)
            .arg("--json"),
    );
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = json(&out.join("results.json"));
    assert_eq!(printed, results, "--json prints results.json");
    let ridge = &results["results"][0];
    assert_eq!(ridge["backend"], "native-ridge");
    let sklearn = json(&fixture("dataset-ka2d/sklearn/ridgecv/model.json"));
    assert_eq!(ridge["alpha"].as_f64(), sklearn["alpha_chosen"].as_f64());
    // same α and coefficients to ~1e-12 (crates/vitrum-regress/tests/sklearn_ka2d.rs) give the
    // same held-out metrics to round-off; 1e-9 relative leaves room for summation order only
    for (mine, theirs) in [
        ("r2_uniform", "r2_uniform_average"),
        ("r2_variance_weighted", "r2_variance_weighted"),
        ("mae", "mae"),
    ] {
        let a = ridge["metrics"][mine].as_f64().unwrap();
        let b = sklearn["test"][theirs].as_f64().unwrap();
        assert!(
            (a - b).abs() <= 1e-9 * b.abs(),
            "{mine}: {a} vs scikit-learn {b}"
        );
    }
    let cv = ridge["cv_r2"].as_f64().unwrap();
    let cv_sk = sklearn["cv_best_score"].as_f64().unwrap();
    assert!((cv - cv_sk).abs() < 1e-9, "CV score {cv} vs {cv_sk}");
    assert_eq!(results["best"], "native-ridge");
}

#[test]
fn a_scaled_down_demo_writes_a_complete_consistent_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let output = vitrum()
        // a few backends of two libraries keep the test quick (smartcore fits one target at a
        // time: minutes in a debug build); the full set is the
        // default and runs in `vitrum demo` itself
        .args(["demo", "--samples", "20", "--n", "128", "--backends"])
        .arg("native-ols,native-ridge,native-elasticnet,linfa-ols")
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("backend"),
        "summary table on stdout: {stdout}"
    );
    assert!(
        stderr.contains("report: ") && stderr.contains("report.html"),
        "{stderr}"
    );

    for stem in ["spectra", "parity", "weights", "learning_curves"] {
        assert_valid_png(&out.join(format!("figures/{stem}.png")));
        assert_valid_svg(&out.join(format!("figures/{stem}.svg")));
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert_eq!(html.matches("<figure>").count(), 4);
    assert_eq!(html.matches("src=\"data:image/png;base64,").count(), 4);
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network"
    );

    // every number of the metrics table in report.md is the one in results.json, as printed
    let results = json(&out.join("results.json"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let rows = markdown_metrics(&md);
    let entries = results["results"].as_array().unwrap();
    assert_eq!(rows.len(), entries.len());
    assert_eq!(entries.len(), 4, "every backend asked for is reported");
    for (row, r) in rows.iter().zip(entries) {
        assert_eq!(row[0], r["backend"].as_str().unwrap());
        if r["error"].is_string() {
            continue;
        }
        let m = &r["metrics"];
        for (col, key, fmt) in [(4, "r2_variance_weighted", 4), (5, "r2_uniform", 4)] {
            assert_eq!(
                row[col],
                format!("{:.*}", fmt, m[key].as_f64().unwrap()),
                "{} {key}",
                row[0]
            );
        }
        assert_eq!(row[6], format!("{:.3e}", m["mae"].as_f64().unwrap()));
        assert_eq!(row[7], format!("{:.3e}", m["rmse"].as_f64().unwrap()));
    }

    // ...and reproducible from the files next to it: evaluating the saved model on the saved
    // dataset gives the reported metrics exactly
    let best = results["best"].as_str().unwrap();
    let entry = entries.iter().find(|r| r["backend"] == best).unwrap();
    let test = format!(
        "{}..{}",
        results["split"]["test"]["start"], results["split"]["test"]["end"]
    );
    let output = succeed(
        vitrum()
            .current_dir(&out)
            .args([
                "evaluate",
                entry["model_file"].as_str().unwrap(),
                "dataset",
                "--test",
                &test,
            ])
            .arg("--json"),
    );
    let again: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(again, entry["metrics"]);
    let pred =
        vitrum_io::read_npy_2d(&out.join(entry["predictions_file"].as_str().unwrap())).unwrap();
    assert_eq!(
        pred.nrows(),
        results["n_samples"].as_u64().unwrap() as usize / 5
    );

    // the resolved study runs again and, generation being deterministic, gives the same numbers
    let rerun = dir.path().join("rerun");
    let text = std::fs::read_to_string(out.join("study.toml")).unwrap();
    assert!(
        text.contains("samples = 20") && text.contains("n = 128"),
        "{text}"
    );
    let output = succeed(
        vitrum()
            .args(["run", out.join("study.toml").to_str().unwrap(), "--out"])
            .arg(&rerun)
            .args(["-q"]),
    );
    assert!(
        output.stdout.is_empty() && output.stderr.is_empty(),
        "--quiet prints nothing"
    );
    let r2 = json(&rerun.join("results.json"));
    assert_eq!(
        r2["results"][1]["metrics"], results["results"][1]["metrics"],
        "deterministic"
    );
}

#[test]
fn bad_studies_fail_with_a_message_naming_the_file_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |text: &str| {
        let study = study_file(dir.path(), text);
        let o = vitrum()
            .arg("run")
            .arg(&study)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(!o.status.success());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let e = run("name = \"x\"\n[data]\ndataset = \"nowhere\"\n");
    assert!(e.contains("nowhere") && e.contains("features.npy"), "{e}");
    let e = run("name = \"x\"\n[data\n");
    assert!(e.contains("study.toml"), "{e}");
    let e = run(
        "name = \"x\"\n[data]\nsystem = \"ka2d\"\nsamples = 4\n[fit]\nbackends = [\"magic\"]\n",
    );
    assert!(e.contains("magic") && e.contains("native-ridge"), "{e}");
    let e = run(&format!(
        "name = \"x\"\n[data]\ndataset = \"{}\"\n[split]\ntrain = \"0..100\"\ntest = \"90..150\"\n",
        fixture("dataset-ka2d").display()
    ));
    assert!(e.contains("overlap"), "{e}");
    let e = run(&format!(
        "name = \"x\"\n[data]\ndataset = \"{}\"\n[split]\ntrain = \"0..3\"\ntest = \"140..150\"\n",
        fixture("dataset-ka2d").display()
    ));
    assert!(e.contains("CV folds"), "{e}");
    let o = vitrum()
        .args(["run", "missing.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.toml"));
    // nothing half-made: no report where a run failed before fitting
    assert!(!out.join("report.html").exists());
}

/// The acceptance bar on the full-size demo data: cross-validated ridge reaches a
/// held-out variance-weighted R² of at least 0.93 (scikit-learn RidgeCV reaches 0.937 on the
/// LAMMPS-made reference at 100 ω bins, 0.970 at the demo's 50). Only ridge is fitted here, to
/// keep the test to the generation of the 150 glasses; the demo's other backends are exercised
/// above.
#[test]
fn the_full_demo_data_meets_the_ridge_r2_bar() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    succeed(
        vitrum()
            .args(["demo", "--backends", "native-ridge", "-q", "--out"])
            .arg(&out),
    );
    let results = json(&out.join("results.json"));
    let ridge = &results["results"][0];
    assert_eq!(results["n_samples"], 150);
    let r2 = ridge["metrics"]["r2_variance_weighted"].as_f64().unwrap();
    assert!(r2 >= 0.93, "held-out variance-weighted R² {r2}");
    assert!(ridge["metrics"]["r2_uniform"].as_f64().unwrap() > 0.0);
}
