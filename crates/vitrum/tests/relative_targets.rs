//! `[targets] relative_to`: a study's targets as ΔD(ω) = D(ω) − ⟨D_ref(ω)⟩ against a reference
//! dataset (here a Kob–Andersen 2D "crystal": the sq2 lattice minimised without melting). The
//! subtracted row is the reference's mean histogram on the study's grid, and a linear model with
//! an intercept fits ΔD exactly as well as D — both exact identities.

mod common;

use common::*;
use std::path::Path;

/// The ka2d preset without melt or quench (0 MD steps): the minimised lattice, 128 particles.
fn crystal_reference(dir: &Path) -> std::path::PathBuf {
    let protocol = dir.join("crystal.toml");
    std::fs::write(
        &protocol,
        "name = \"ka2d-crystal\"\npotential = \"kob-andersen\"\ndim = 2\nn = 128\ndensity = 1.2\n\
         composition = [0.65, 0.35]\ninit = \"sq2\"\nt_melt = 2.0\nt_final = 0.05\n\
         melt_steps = 0\nquench_steps = 0\ndt = 0.005\nt_damp = 0.5\nf_tol = 1e-10\n",
    )
    .unwrap();
    let out = dir.join("crystal");
    succeed(
        vitrum()
            .args(["generate", "--system"])
            .arg(&protocol)
            .args(["--samples", "2", "--out"])
            .arg(&out),
    );
    out
}

fn study(dir: &Path, name: &str, relative_to: Option<&Path>) -> serde_json::Value {
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(
        &path,
        format!(
            "name = \"{name}\"\n[data]\ndataset = \"{}\"\n[targets]\nkind = \"vdos-histogram\"\n{}\
             [split]\ntrain = \"0..120\"\ntest = \"120..150\"\n[fit]\nbackends = [\"native-ridge\"]\n\
             [report]\nlearning_curves = []\nproperties = [\"m2\"]\n",
            fixture("dataset-ka2d").display(),
            relative_to
                .map(|r| format!("relative_to = \"{}\"\n", r.display()))
                .unwrap_or_default()
        ),
    )
    .unwrap();
    let out = dir.join(name);
    succeed(
        vitrum()
            .arg("run")
            .arg(&path)
            .arg("--out")
            .arg(&out)
            .arg("--quiet"),
    );
    json(&out.join("results.json"))
}

/// numpy.histogram(ω, n, range=(0, ω_max), density=True) of one sample's eigenvalues, the d
/// lowest dropped: written out here, independently of vitrum-theory's histogram.
fn histogram(eigenvalues: &[f64], d: usize, n: usize, omega_max: f64) -> Vec<f64> {
    let mut sorted = eigenvalues.to_vec();
    sorted.sort_by(f64::total_cmp);
    let width = omega_max / n as f64;
    let mut counts = vec![0.0; n];
    let mut total = 0.0;
    for l in &sorted[d..] {
        let w = l.max(0.0).sqrt();
        if w <= omega_max {
            counts[((w / width) as usize).min(n - 1)] += 1.0;
            total += 1.0;
        }
    }
    counts.iter().map(|c| c / (total * width)).collect()
}

/// The one property of a study's results.json.
fn a_props(results: &serde_json::Value) -> serde_json::Value {
    results["properties"][0].clone()
}

#[test]
fn targets_relative_to_a_crystal_subtract_its_mean_spectrum_and_keep_the_fit() {
    let dir = tempfile::tempdir().unwrap();
    let reference = crystal_reference(dir.path());
    let absolute = study(dir.path(), "absolute", None);
    let relative = study(dir.path(), "relative", Some(&reference));

    // the subtracted row: the crystal's mean histogram on the study's grid (dataset-ka2d's 100
    // bins of its grid_omega); the histograms agree to round-off (1e-12 of a density ≈ 0.1–1)
    let centres = vitrum_io::read_npy_1d(&fixture("dataset-ka2d/grid_omega.npy")).unwrap();
    let width = centres[1] - centres[0];
    let omega_max = centres[centres.len() - 1] + width / 2.0;
    let r = &relative["reference"];
    assert_eq!(r["n_samples"], 2);
    let mean: Vec<f64> = r["mean"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let mut expected = vec![0.0; centres.len()];
    for i in 0..2 {
        let eig =
            vitrum_io::read_npy_1d(&reference.join(format!("samples/{i:04}.eig.npy"))).unwrap();
        for (e, h) in expected
            .iter_mut()
            .zip(histogram(&eig.to_vec(), 2, centres.len(), omega_max))
        {
            *e += h / 2.0;
        }
    }
    for (k, (m, e)) in mean.iter().zip(&expected).enumerate() {
        assert!((m - e).abs() < 1e-12, "bin {k}: {m} vs {e}");
    }
    // a crystal's spectrum is no glass's: the reference is not a zero row
    assert!(mean.iter().map(|v| v.abs()).sum::<f64>() * width > 0.5);

    // the same α and the same held-out R², MAE and RMSE: ridge centres its targets, so the
    // constant row moves into the intercept (1e-12: summation order only)
    let (a, b) = (&absolute["results"][0], &relative["results"][0]);
    assert_eq!(a["alpha"], b["alpha"]);
    for metric in ["r2_variance_weighted", "r2_uniform", "mae", "rmse"] {
        let (x, y) = (
            a["metrics"][metric].as_f64().unwrap(),
            b["metrics"][metric].as_f64().unwrap(),
        );
        assert!(
            (x - y).abs() <= 1e-12 * x.abs().max(1e-3),
            "{metric}: {x} vs {y}"
        );
    }
    println!(
        "ridge held-out R² {:.6} on D and on D − D_crystal",
        a["metrics"]["r2_variance_weighted"].as_f64().unwrap()
    );
    // …while the targets did change: the per-sample Pearson correlation is no shift invariant
    let pearson = |r: &serde_json::Value| r["metrics"]["pearson_mean"].as_f64().unwrap();
    assert!(
        pearson(a) - pearson(b) > 0.01,
        "{} vs {}",
        pearson(a),
        pearson(b)
    );
    // ΔD is signed: no Wasserstein distance between densities
    assert!(b["metrics"]["wasserstein1_mean"].is_null());
    assert!(a["metrics"]["wasserstein1_mean"].as_f64().unwrap() > 0.0);
    // a property of ΔD is the difference from the reference's: ⟨ω²⟩ over the test glasses minus
    // the crystal's, Σ ω_k² Δω mean_k (exact up to summation order), labelled Δ
    let (pa, pb) = (&a_props(&absolute), &a_props(&relative));
    let m2_reference: f64 = centres
        .iter()
        .zip(&mean)
        .map(|(w, m)| w * w * width * m)
        .sum();
    let (ta, tb) = (
        pa["test_mean"].as_f64().unwrap(),
        pb["test_mean"].as_f64().unwrap(),
    );
    eprintln!("⟨ω²⟩: glasses {ta:.4}, crystal {m2_reference:.4}, difference {tb:.4}");
    assert!(
        (ta - m2_reference - tb).abs() < 1e-9 * ta,
        "{ta} − {m2_reference} vs {tb}"
    );
    assert!(pb["label"].as_str().unwrap().starts_with("Δ "), "{pb}");
    let r2 = |p: &serde_json::Value| p["via_spectrum"]["r2"].as_f64().unwrap();
    assert!((r2(pa) - r2(pb)).abs() < 1e-12, "{pa} vs {pb}");
    let report = std::fs::read_to_string(dir.path().join("relative/report.md")).unwrap();
    assert!(report.contains("relative to a reference"), "{report}");
}

#[test]
fn a_reference_of_another_dimension_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    let reference = fixture("dataset-ka3d");
    std::fs::write(
        &path,
        format!(
            "name = \"bad\"\n[data]\ndataset = \"{}\"\n[targets]\nkind = \"vdos-histogram\"\n\
             relative_to = \"{}\"\n[fit]\nbackends = [\"native-ridge\"]\n",
            fixture("dataset-ka2d").display(),
            reference.display()
        ),
    )
    .unwrap();
    let output = vitrum()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("dataset-ka3d"), "{err}");
    assert!(err.contains("3D, the study's is 2D"), "{err}");
    // nothing but the error: no partial report
    assert!(!dir.path().join("out/report.md").exists());
}
