//! `vitrum theory` end to end: the help examples run, the outputs have the documented shapes and
//! units, and bad input is one error line naming the file.

mod common;

use common::*;

fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<Vec<f64>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    (header, rows)
}

/// The first help example (an RDF CSV): dispersion from k_D/200 to k_D, QCA VDOS on 100 bins.
#[test]
fn theory_from_an_rdf_csv_writes_dispersion_and_vdos() {
    let dir = tempfile::tempdir().unwrap();
    let (disp, qca) = (dir.path().join("disp.csv"), dir.path().join("qca.csv"));
    succeed(vitrum().args([
        "theory",
        "--potential",
        "kob-andersen",
        "--rdf",
        fixture("ka2d/rdf.csv").to_str().unwrap(),
        "--dim",
        "2",
        "--density",
        "1.2",
        "--fractions",
        "0.65,0.35",
        "--dispersion",
        disp.to_str().unwrap(),
        "--vdos",
        qca.to_str().unwrap(),
        "--omega-max",
        "72",
        "--bins",
        "100",
        "--sigma",
        "10",
    ]));
    let (h, rows) = read_csv(&disp);
    assert_eq!(h, ["k", "omega_L", "omega_T", "omega2_L", "omega2_T"]);
    assert_eq!(rows.len(), 200);
    let kd = (4.0 * std::f64::consts::PI * 1.2f64).sqrt();
    assert!((rows[199][0] - kd).abs() < 1e-12);
    for r in &rows {
        // ω = √max(ω², 0); sound is slower transversally
        assert!((r[1] - r[3].max(0.0).sqrt()).abs() < 1e-9 * (1.0 + r[1]));
        assert!((r[2] - r[4].max(0.0).sqrt()).abs() < 1e-9 * (1.0 + r[2]));
    }
    assert!(rows[0][1] > rows[0][2], "c_L > c_T");
    let (h, rows) = read_csv(&qca);
    assert_eq!(h, ["omega", "vdos", "k_rho"]);
    assert_eq!(rows.len(), 100);
    // a density in ω: Σ D Δω ≤ 1, and ≈ 1 (the reflected Gaussian keeps ω ≥ 0; what lies above
    // 72 + is lost: a few % at σ = 10)
    let total: f64 = rows.iter().map(|r| r[1]).sum::<f64>() * 0.72;
    assert!(total <= 1.0 + 1e-12 && total > 0.9, "∫D = {total}");
}

/// The second help example (a dataset): the kernel is [ω bins of the dataset, 3 channels × 200].
#[test]
fn theory_from_a_dataset_writes_the_kernel_on_its_grids() {
    let dir = tempfile::tempdir().unwrap();
    let k = dir.path().join("K.npy");
    let disp = dir.path().join("disp.csv");
    succeed(vitrum().args([
        "theory",
        "--potential",
        "kob-andersen",
        "--rdf",
        fixture("dataset-ka2d").to_str().unwrap(),
        "--samples",
        "0..120",
        "--sigma",
        "10",
        "--kernel",
        k.to_str().unwrap(),
        "--dispersion",
        disp.to_str().unwrap(),
    ]));
    let kernel = vitrum_io::read_npy_2d(&k).unwrap();
    assert_eq!(kernel.dim(), (100, 600));
    assert!(kernel.iter().all(|x| x.is_finite()));
    // the same K as the library's theory model fitted on samples 0..119 (mean g, mean density,
    // the dataset's composition and ω grid): only the CLI's plumbing is under test here
    let ds = vitrum_io::Dataset::read(&fixture("dataset-ka2d")).unwrap();
    let block = ds
        .feature(&vitrum_io::manifest::FeatureKind::PartialRdf)
        .unwrap();
    let target = ds
        .target(&vitrum_io::manifest::TargetKind::VdosHistogram)
        .unwrap();
    let model = vitrum_theory::registry::preset("kob-andersen").unwrap();
    let table = vitrum_theory::perturbation::PairTable::from_model(
        &model,
        &[333.0 / 512.0, 179.0 / 512.0],
        &block.entry.grid.edges,
        ds.dim().unwrap(),
    )
    .unwrap();
    let rho = ds.manifest.densities().unwrap();
    let train = vitrum_theory::perturbation::TrainingSet {
        g: block.data.slice(ndarray::s![0..120, ..]),
        rho: &rho[0..120],
        targets: target.data.slice(ndarray::s![0..120, ..]),
    };
    let grid =
        vitrum_theory::perturbation::SpectrumGrid::new(target.entry.grid.edges.clone(), 10.0)
            .unwrap();
    let reference = vitrum_theory::perturbation::TheoryModel::fit(&table, train, &grid).unwrap();
    let want = &reference.response.kernel_on_support();
    let scale = want.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let diff = (&kernel - want).iter().fold(0.0f64, |m, x| m.max(x.abs()));
    // summation order of the means may differ: round-off only
    assert!(diff <= 1e-10 * scale, "{diff:e} of {scale:e}");
}

#[test]
fn bad_input_is_one_line_naming_the_file() {
    let csv = fixture("ka2d/rdf.csv");
    let csv = csv.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    let out = out.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--rdf", csv, "--dim", "2", "--dispersion", out],
            "--density",
        ),
        (
            vec![
                "--rdf",
                csv,
                "--dim",
                "2",
                "--density",
                "1.2",
                "--dispersion",
                out,
            ],
            "--fractions",
        ),
        (
            vec![
                "--rdf",
                "no/such.csv",
                "--density",
                "1.2",
                "--dispersion",
                out,
            ],
            "no/such.csv",
        ),
        (vec!["--rdf", csv, "--density", "1.2"], "nothing to write"),
        (
            vec![
                "--rdf",
                csv,
                "--dim",
                "2",
                "--density=-1",
                "--fractions",
                "0.65,0.35",
                "--dispersion",
                out,
            ],
            "density",
        ),
    ];
    for (args, needle) in cases {
        let output = vitrum()
            .args(["theory", "--potential", "kob-andersen"])
            .args(&args)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        let err = String::from_utf8(output.stderr).unwrap();
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}
