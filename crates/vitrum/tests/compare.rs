//! `vitrum compare` end to end on dataset-ka2d: its numbers are those of a direct fit and
//! evaluation of the same subset, and a seed fixes every one of them bit for bit.

mod common;

use common::*;
use vitrum::compare::{CompareResults, FitRecord};
use vitrum_regress::data::take_rows;
use vitrum_regress::{
    CvSpec, FittedAxes, KernelRidgeEstimator, Metrics, SearchGrid, backend, evaluate,
    fit_cv_estimator, kfold, logspace,
};

fn compare(out: &std::path::Path) -> CompareResults {
    let dataset = fixture("dataset-ka2d");
    vitrum()
        .args(["compare", dataset.to_str().unwrap()])
        .args([
            "--predictors",
            "native-ridge,kernel-ridge",
            "--sizes",
            "5,20",
        ])
        .args(["--repeats", "2", "--train", "0..120", "--test", "120..150"])
        .args(["--seed", "11", "--out", out.to_str().unwrap(), "-q"])
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("results.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The results with every wall time zeroed (the only numbers a seed does not fix).
fn without_times(mut r: CompareResults) -> CompareResults {
    r.wall_seconds = 0.0;
    for p in &mut r.predictors {
        p.wall_seconds = 0.0;
        p.fits.iter_mut().for_each(|f| f.fit_seconds = 0.0);
        p.summary.iter_mut().for_each(|s| s.fit_seconds = None);
    }
    r
}

/// The held-out metrics of fitting `predictor` directly on the record's rows: native ridge
/// through `fit_cv` (the path `vitrum fit --cv` takes) with the folds written out (5 for 20
/// samples, 2 for 5 so that each validation fold has ≥ 2), kernel ridge through its estimator
/// with its built-in grid.
fn direct(predictor: &str, f: &FitRecord) -> Metrics {
    let ds = vitrum_io::Dataset::read(&fixture("dataset-ka2d")).unwrap();
    let a = &ds.arrays;
    let axes = FittedAxes {
        feature: Some(a.grid_r.clone()),
        target: Some(a.grid_omega.clone()),
        features: None,
    };
    let xs = take_rows(a.features.view(), &f.rows);
    let ys = take_rows(a.targets.view(), &f.rows);
    let test: Vec<usize> = (120..150).collect();
    let (xt, yt) = (
        take_rows(a.features.view(), &test),
        take_rows(a.targets.view(), &test),
    );
    let folds = kfold(f.size, if f.size == 5 { 2 } else { 5 }).unwrap();
    let pred = match predictor {
        "native-ridge" => {
            let params = vitrum::compare::fit_params().unwrap();
            let spec = CvSpec {
                alphas: logspace(-6.0, 2.0, 17),
                l1_ratios: vec![params.l1_ratio],
                folds,
            };
            let b = backend::by_name("native-ridge").unwrap();
            let model =
                vitrum_regress::fit_cv(b, xs.view(), ys.view(), &axes, &params, &spec).unwrap();
            assert_eq!(Some(model.params.alpha), f.hyper.get("alpha"));
            vitrum_regress::Predictor::predict(&model, xt.view()).unwrap()
        }
        "kernel-ridge" => {
            let (model, _) = fit_cv_estimator(
                &KernelRidgeEstimator,
                xs.view(),
                ys.view(),
                &axes,
                &SearchGrid::new(),
                &folds,
            )
            .unwrap();
            assert_eq!(model.hyper(), f.hyper);
            model.predict(xt.view()).unwrap()
        }
        other => panic!("{other}"),
    };
    evaluate(yt.view(), pred.view(), Some(a.grid_omega.view())).unwrap()
}

#[test]
fn compare_equals_direct_fits_and_a_seed_fixes_every_number() {
    let dir = tempfile::tempdir().unwrap();
    let first = compare(&dir.path().join("a"));
    let again = compare(&dir.path().join("b"));
    assert!(dir.path().join("a/report.html").is_file());
    assert!(dir.path().join("a/figures/data-efficiency.svg").is_file());
    // bit-identical (f64 equality, not a tolerance) apart from wall times
    assert_eq!(without_times(first.clone()), without_times(again));

    assert_eq!(first.predictors.len(), 2);
    for p in &first.predictors {
        assert_eq!(p.fits.len(), 4, "{}: 2 sizes × 2 repeats", p.predictor);
        for f in &p.fits {
            assert_eq!(f.rows.len(), f.size);
            assert!(f.rows.iter().all(|&r| r < 120), "{:?}", f.rows);
            assert_eq!(f.cv_folds, if f.size == 5 { 2 } else { 5 });
            let ours = f.metrics.as_ref().unwrap();
            let theirs = direct(&p.predictor, f);
            // the same computation in another order of calls: equal to round-off
            for (a, b) in [
                (ours.r2_variance_weighted, theirs.r2_variance_weighted),
                (ours.r2_uniform, theirs.r2_uniform),
                (ours.wasserstein1_mean, theirs.wasserstein1_mean),
            ] {
                assert!(
                    (a - b).abs() <= 1e-12,
                    "{} size {}: {a} vs {b}",
                    p.predictor,
                    f.size
                );
            }
        }
        // the summary is the mean of the records
        let s = &p.summary[1];
        let mean = p
            .fits
            .iter()
            .filter(|f| f.size == 20)
            .map(|f| f.metrics.as_ref().unwrap().r2_variance_weighted)
            .sum::<f64>()
            / 2.0;
        assert!((s.r2_variance_weighted.unwrap().mean - mean).abs() < 1e-15);
    }
    // the two repeats of a size are different subsets
    let fits = &first.predictors[0].fits;
    assert_ne!(fits[0].rows, fits[1].rows);
    // the noise ceiling of the held-out VDOS (tests/noise_ceiling.rs: 0.9690) lies above every
    // fit's held-out R², as a ceiling must
    let ceiling = first
        .noise_ceiling
        .as_ref()
        .expect("dataset-ka2d has eigenvalues");
    assert!((ceiling.r2_variance_weighted - 0.9690).abs() < 1e-4);
    for f in first.predictors.iter().flat_map(|p| &p.fits) {
        let r2 = f.metrics.as_ref().unwrap().r2_variance_weighted;
        assert!(r2 < ceiling.r2_variance_weighted, "{r2}");
    }
    // so no predictor is listed as exceeding it, and the report states it as a ceiling
    assert!(ceiling.exceeded_by.is_empty(), "{:?}", ceiling.exceeded_by);
}

/// A study's `[compare]` section is `vitrum compare` on the study's split, folds and α: the same
/// numbers, bit for bit, in OUT/compare/results.json and in the study's results.json.
#[test]
fn a_study_compare_section_equals_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study.toml");
    std::fs::write(
        &study,
        format!(
            "name = \"compare section\"\n\
             [data]\ndataset = {:?}\n\
             [split]\ntrain = \"0..120\"\ntest = \"120..150\"\n\
             [fit]\nbackends = [\"native-ridge\"]\n\
             [report]\nlearning_curves = [\"native-ridge\"]\nlearning_sizes = [20, 120]\n\
             [compare]\npredictors = [\"native-ridge\", \"kernel-ridge\"]\n\
             sizes = [5, 20]\nrepeats = 2\nseed = 11\n",
            fixture("dataset-ka2d").display().to_string()
        ),
    )
    .unwrap();
    let out = dir.path().join("run");
    vitrum()
        .args([
            "run",
            study.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        .assert()
        .success();
    let section: CompareResults =
        serde_json::from_str(&std::fs::read_to_string(out.join("compare/results.json")).unwrap())
            .unwrap();
    let command = compare(&dir.path().join("cli"));
    let strip = |mut r: CompareResults| {
        r.dataset = String::new();
        without_times(r)
    };
    assert_eq!(strip(section.clone()), strip(command));
    assert!(out.join("compare/report.html").is_file());
    let results = json(&out.join("results.json"));
    assert_eq!(
        results["compare"]["noise_ceiling"]["r2_variance_weighted"],
        serde_json::json!(section.noise_ceiling.unwrap().r2_variance_weighted)
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("Method comparison") && report.contains("noise ceiling"));
}

/// `--stability 3` at a given α: every frequency is the share of three direct native-lasso fits
/// on the bootstrap rows that keep the weight, and each band's shell shares sum to 1.
#[test]
fn stability_frequencies_count_direct_lasso_fits() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    let dataset = fixture("dataset-ka2d");
    vitrum()
        .args(["compare", dataset.to_str().unwrap()])
        .args(["--predictors", "mean", "--sizes", "20", "--repeats", "1"])
        .args(["--train", "0..40", "--test", "120..150", "--seed", "4"])
        .args(["--stability", "3", "--stability-alpha", "1e-3"])
        .args(["--out", out.to_str().unwrap(), "-q"])
        .assert()
        .success();
    assert!(out.join("figures/stability.png").is_file());
    let r: CompareResults =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let st = r.stability.unwrap();
    assert_eq!((st.alpha, st.alpha_from_cv, st.resamples), (1e-3, false, 3));

    let ds = vitrum_io::Dataset::read(&dataset).unwrap();
    let a = &ds.arrays;
    let params = vitrum::compare::fit_params()
        .unwrap()
        .with_alpha(1e-3)
        .unwrap();
    let lasso = backend::by_name("native-lasso").unwrap();
    let mut count = vitrum_regress::ndarray::Array2::<f64>::zeros((100, 200));
    for b in 0..3 {
        let rows = vitrum::compare::stability::bootstrap(4, &(0..40), b);
        assert!(rows.iter().all(|&i| i < 40));
        let (xb, yb) = (
            take_rows(a.features.view(), &rows),
            take_rows(a.targets.view(), &rows),
        );
        let m = vitrum_regress::fit(lasso, xb.view(), yb.view(), &FittedAxes::default(), &params)
            .unwrap();
        let (w, _) = vitrum_regress::Predictor::linear_form(&m).unwrap();
        count += &w.mapv(|v| f64::from(u8::from(v != 0.0)));
    }
    assert_eq!(st.frequency.len(), 100);
    for (k, row) in st.frequency.iter().enumerate() {
        for (j, &f) in row.iter().enumerate() {
            // a count of 0..=3 divided by 3: exact
            assert_eq!(f, count[[k, j]] / 3.0, "ω bin {k}, r bin {j}");
        }
    }
    assert!(count.iter().any(|&c| c > 0.0) && count.iter().any(|&c| c == 0.0));
    for band in &st.bands {
        let total: f64 = band.shell_share.iter().sum();
        assert!(total == 0.0 || (total - 1.0).abs() < 1e-12, "{band:?}");
    }
}
