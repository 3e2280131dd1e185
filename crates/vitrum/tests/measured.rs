//! Diffraction data in: a model fitted on neutron-weighted g(r) predicts a spectrum from a
//! measured PDF. The round trip — simulated partials → neutron-weighted G(r) written as `.gr` →
//! `vitrum predict --measured` — reproduces the prediction from the same features in memory;
//! a model fitted on the number-weighted g(r) of a two-species glass refuses the measurement.

mod common;

use common::*;

#[test]
fn a_neutron_pdf_round_trip_reproduces_the_in_memory_prediction() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study.toml");
    std::fs::write(
        &study,
        "name = \"ka3d-small\"\n[data]\nsystem = \"ka3d\"\nsamples = 4\nn = 256\n\
         [data.protocol]\nmelt_steps = 200\nquench_steps = 300\n\
         [data.grids]\nr_max = 2.6\nr_bins = 52\nomega_bins = 20\n\
         [split]\ntest_fraction = 0.25\n[fit]\nbackends = [\"native-ridge\"]\ncv = 2\n",
    )
    .unwrap();
    let report = dir.path().join("report");
    succeed(
        vitrum()
            .arg("run")
            .arg(&study)
            .arg("--out")
            .arg(&report)
            .arg("-q"),
    );
    let data = report.join("dataset");
    let species: Vec<String> = json(&data.join("meta.json"))["species"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert_eq!(species.len(), 2);
    // KA's types are not elements: scattering lengths as Fe and Mn would have (9.45, −3.73 fm),
    // unequal and of opposite sign, so the weighting differs strongly from the number one
    let feature = format!(
        "neutron-rdf:lengths.{}=9.45,lengths.{}=-3.73",
        species[0], species[1]
    );
    succeed(vitrum().args(["featurize", "-q"]).arg(&data).args([
        "--feature",
        &feature,
        "--feature",
        "total-rdf",
    ]));
    let model = dir.path().join("neutron.json");
    succeed(
        vitrum()
            .arg("fit")
            .arg(&data)
            .args(["--feature", "neutron-rdf", "--alpha", "0.01", "-q", "--out"])
            .arg(&model),
    );

    // sample 0's neutron-weighted g as a measured G(r) file, at its own density
    let ds = vitrum::io::Dataset::read(&data).unwrap();
    let block = ds
        .feature(&vitrum::io::FeatureKind::from_name("neutron-rdf"))
        .unwrap();
    let r = block.entry.grid.points.clone();
    let g: Vec<f64> = block.data.row(0).to_vec();
    let rho = ds.manifest.densities().unwrap()[0];
    let pdf = vitrum::descriptors::scattering::pdf_from_g(&r, &g, rho);
    let gr = dir.path().join("sample0.gr");
    vitrum::io::write_gr(&gr, &r, &pdf, &["sample 0, neutron-weighted".into()]).unwrap();
    let row = dir.path().join("row0.npy");
    vitrum::io::write_npy(
        &row,
        &vitrum_regress::ndarray::Array2::from_shape_vec((1, g.len()), g).unwrap(),
    )
    .unwrap();

    let from_pdf = dir.path().join("p_measured.npy");
    succeed(
        vitrum()
            .arg("predict")
            .arg(&model)
            .arg("--measured")
            .arg(&gr)
            .args(["--density", &rho.to_string(), "-q", "--out"])
            .arg(&from_pdf),
    );
    let from_row = dir.path().join("p_features.npy");
    succeed(
        vitrum()
            .arg("predict")
            .arg(&model)
            .arg("--features")
            .arg(&row)
            .args(["-q", "--out"])
            .arg(&from_row),
    );
    let a = vitrum::io::read_npy_2d(&from_pdf).unwrap();
    let b = vitrum::io::read_npy_2d(&from_row).unwrap();
    assert_eq!(a.dim(), b.dim());
    // g → G → g is exact to rounding (≈ 1e-16 relative per bin; G written in shortest
    // round-trip form); through the model's weights that stays far below 1e-10
    let worst = a
        .iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max);
    eprintln!("round trip: largest difference {worst:e}");
    assert!(worst <= 1e-10, "{worst}");

    // the number-weighted model of the same glass refuses a neutron PDF, and says what to do
    let total = dir.path().join("total.json");
    succeed(
        vitrum()
            .arg("fit")
            .arg(&data)
            .args(["--alpha", "0.01", "-q", "--out"])
            .arg(&total),
    );
    let out = vitrum()
        .arg("predict")
        .arg(&total)
        .arg("--measured")
        .arg(&gr)
        .args(["--out"])
        .arg(dir.path().join("no.npy"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("needs a model fitted on 'neutron-rdf'"), "{e}");
    assert!(!dir.path().join("no.npy").exists());
}

/// A measured S(q) (two columns q S) for a model fitted on a one-species glass's S(q): the round
/// trip — the dataset's S(q) of sample 0 written as a two-column file → `vitrum predict
/// --measured` — reproduces the prediction from the same row in memory; a model fitted on the
/// number-weighted S(q) of a mixture refuses a measured S(q), naming why.
#[test]
fn a_measured_structure_factor_round_trip_reproduces_the_in_memory_prediction() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study.toml");
    std::fs::write(
        &study,
        "name = \"si-small\"\n[data]\nsystem = \"sw-si\"\nsamples = 4\nn = 64\n\
         [data.protocol]\nmelt_steps = 200\nquench_steps = 300\n\
         [data.grids]\nomega_bins = 20\n\
         [split]\ntest_fraction = 0.25\n[fit]\nbackends = [\"native-ridge\"]\ncv = 2\n",
    )
    .unwrap();
    let report = dir.path().join("report");
    succeed(
        vitrum()
            .arg("run")
            .arg(&study)
            .arg("--out")
            .arg(&report)
            .arg("-q"),
    );
    let data = report.join("dataset");
    succeed(vitrum().args(["featurize", "-q"]).arg(&data).args([
        "--feature",
        "sq:q_max=12,bins=60",
        "--feature",
        "total-rdf",
    ]));
    let model = dir.path().join("sq.json");
    succeed(
        vitrum()
            .arg("fit")
            .arg(&data)
            .args(["--feature", "sq", "--alpha", "0.01", "-q", "--out"])
            .arg(&model),
    );
    let ds = vitrum::io::Dataset::read(&data).unwrap();
    let block = ds
        .feature(&vitrum::io::FeatureKind::from_name("sq"))
        .unwrap();
    let q = block.entry.grid.points.clone();
    let s: Vec<f64> = block.data.row(0).to_vec();
    let measured = dir.path().join("sample0.sq");
    let mut text = String::from("# q (1/Å)  S(q), sample 0\n");
    for (x, y) in q.iter().zip(&s) {
        text.push_str(&format!("{x:?} {y:?}\n"));
    }
    std::fs::write(&measured, text).unwrap();
    let row = dir.path().join("row0.npy");
    vitrum::io::write_npy(
        &row,
        &vitrum_regress::ndarray::Array2::from_shape_vec((1, s.len()), s).unwrap(),
    )
    .unwrap();
    let predict = |flag: &str, file: &std::path::Path, out: &str| {
        succeed(
            vitrum()
                .arg("predict")
                .arg(&model)
                .arg(flag)
                .arg(file)
                .args(["-q", "--out"])
                .arg(dir.path().join(out)),
        );
        vitrum::io::read_npy_2d(&dir.path().join(out)).unwrap()
    };
    let a = predict("--measured", &measured, "p_measured.npy");
    let b = predict("--features", &row, "p_features.npy");
    // the file holds the grid points and values in shortest round-trip form, so the
    // interpolation lands on them exactly: equal bit for bit
    assert_eq!(a, b);

    // a two-species model (KA 3D's number-weighted S(q)) refuses a measured S(q)
    let ka = dir.path().join("ka.toml");
    std::fs::write(
        &ka,
        "name = \"ka-small\"\n[data]\nsystem = \"ka3d\"\nsamples = 4\nn = 256\n\
         [data.protocol]\nmelt_steps = 200\nquench_steps = 300\n\
         [data.grids]\nomega_bins = 20\n\
         [split]\ntest_fraction = 0.25\n[fit]\nbackends = [\"native-ridge\"]\ncv = 2\n",
    )
    .unwrap();
    let ka_report = dir.path().join("ka-report");
    succeed(
        vitrum()
            .arg("run")
            .arg(&ka)
            .arg("--out")
            .arg(&ka_report)
            .arg("-q"),
    );
    let ka_data = ka_report.join("dataset");
    succeed(vitrum().args(["featurize", "-q"]).arg(&ka_data).args([
        "--feature",
        "sq:q_max=12,bins=60",
        "--feature",
        "total-rdf",
    ]));
    let ka_model = dir.path().join("ka-sq.json");
    succeed(
        vitrum()
            .arg("fit")
            .arg(&ka_data)
            .args(["--feature", "sq", "--alpha", "0.01", "-q", "--out"])
            .arg(&ka_model),
    );
    let out = vitrum()
        .arg("predict")
        .arg(&ka_model)
        .arg("--measured")
        .arg(&measured)
        .args(["--out"])
        .arg(dir.path().join("no.npy"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("number-weighted") && e.contains("neutron-rdf"),
        "{e}"
    );
    assert!(!dir.path().join("no.npy").exists());
}
