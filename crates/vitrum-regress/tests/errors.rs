//! Bad input gives a clear, typed error, never a panic or a silent wrong answer.

use ndarray::{Array1, Array2, array};
use vitrum_regress::data::parse_range;
use vitrum_regress::{FitOptions, FittedAxes, LinearModel, RegressError, backend, fit};

fn xy() -> (Array2<f64>, Array2<f64>) {
    let x = Array2::from_shape_fn((8, 3), |(i, j)| {
        ((i + 1) * (j + 2)) as f64 % 7.0 + 0.1 * i as f64
    });
    let y = Array2::from_shape_fn((8, 2), |(i, k)| x[[i, 0]] + k as f64 * x[[i, 2]]);
    (x, y)
}

fn ridge() -> &'static dyn vitrum_regress::Backend {
    backend::by_name("native-ridge").unwrap()
}

fn params() -> vitrum_regress::FitParams {
    FitOptions::new().alpha(0.1).validate().unwrap()
}

fn grids() -> FittedAxes {
    FittedAxes {
        feature: Some(array![0.5, 1.5, 2.5]),
        target: Some(array![1.0, 2.0]),
        ..Default::default()
    }
}

#[test]
fn nan_or_infinite_features() {
    let (mut x, y) = xy();
    x[[3, 1]] = f64::NAN;
    let err = fit(ridge(), x.view(), y.view(), &grids(), &params()).unwrap_err();
    assert!(
        matches!(
            err,
            RegressError::NonFinite {
                what: "features",
                row: 3,
                col: 1,
                ..
            }
        ),
        "{err}"
    );
    x[[3, 1]] = f64::NEG_INFINITY;
    let err = fit(ridge(), x.view(), y.view(), &grids(), &params()).unwrap_err();
    assert!(err.to_string().contains("-inf"), "{err}");
    // At prediction too.
    let (x, y) = xy();
    let m = fit(ridge(), x.view(), y.view(), &grids(), &params()).unwrap();
    let mut bad = x.clone();
    bad[[0, 0]] = f64::INFINITY;
    assert!(matches!(
        m.predict(bad.view()),
        Err(RegressError::NonFinite { .. })
    ));
}

#[test]
fn mismatched_sample_counts() {
    let (x, y) = xy();
    let y = y.slice(ndarray::s![..5, ..]).to_owned();
    let err = fit(ridge(), x.view(), y.view(), &grids(), &params()).unwrap_err();
    assert!(matches!(
        err,
        RegressError::SampleMismatch {
            features: 8,
            targets: 5
        }
    ));
    assert!(err.to_string().contains("one row per sample"), "{err}");
}

/// Decision: a constant target column (a spectral bin empty in every training spectrum) is
/// fitted exactly (zero weights, intercept the constant) with a warning in the diagnostics;
/// `reject_constant_targets(true)` makes it an error for callers who want that.
#[test]
fn constant_target_column_is_handled_or_rejected() {
    let (x, mut y) = xy();
    y.column_mut(1).fill(0.0);
    let m = fit(ridge(), x.view(), y.view(), &grids(), &params()).unwrap();
    assert_eq!(m.diagnostics.constant_target_columns, vec![1]);
    assert!(
        m.diagnostics
            .warnings
            .iter()
            .any(|w| w.contains("constant"))
    );
    let pred = m.predict(x.view()).unwrap();
    assert!(
        pred.column(1).iter().all(|&v| v == 0.0),
        "exactly zero, so R² scores it 1"
    );
    let strict = FitOptions::new()
        .alpha(0.1)
        .reject_constant_targets(true)
        .validate()
        .unwrap();
    let err = fit(ridge(), x.view(), y.view(), &grids(), &strict).unwrap_err();
    assert!(
        matches!(err, RegressError::ConstantTarget { ref columns } if columns == &vec![1]),
        "{err}"
    );
}

#[test]
fn negative_alpha() {
    let err = FitOptions::new().alpha(-1e-3).validate().unwrap_err();
    assert!(matches!(
        err,
        RegressError::InvalidParameter { name: "alpha", .. }
    ));
    assert!(err.to_string().contains("≥ 0"), "{err}");
}

#[test]
fn empty_training_range() {
    assert!(matches!(
        parse_range("120..120", 150),
        Err(RegressError::EmptyRange { .. })
    ));
    let err = parse_range("30..10", 150).unwrap_err();
    assert!(err.to_string().contains("selects no sample"), "{err}");
    // Fitting zero or one sample is refused too.
    let (x, y) = xy();
    let err = fit(
        ridge(),
        x.slice(ndarray::s![..1, ..]),
        y.slice(ndarray::s![..1, ..]),
        &FittedAxes::default(),
        &params(),
    )
    .unwrap_err();
    assert!(matches!(err, RegressError::TooFewSamples { .. }));
    let err = fit(
        ridge(),
        x.slice(ndarray::s![..0, ..]),
        y.slice(ndarray::s![..0, ..]),
        &FittedAxes::default(),
        &params(),
    )
    .unwrap_err();
    assert!(matches!(err, RegressError::EmptyArray { .. }));
}

#[test]
fn model_on_features_from_another_grid() {
    let (x, y) = xy();
    let m = fit(ridge(), x.view(), y.view(), &grids(), &params()).unwrap();
    // Same length, other r values.
    let err = m
        .predict_on_grid(x.view(), array![0.6, 1.6, 2.6].view())
        .unwrap_err();
    assert!(matches!(err, RegressError::GridMismatch { .. }), "{err}");
    assert!(err.to_string().contains("[0.5, 2.5]"), "{err}");
    // Other length.
    let x4 = Array2::<f64>::ones((2, 4));
    let err = m
        .predict_on_grid(x4.view(), Array1::linspace(0.5, 3.5, 4).view())
        .unwrap_err();
    assert!(err.to_string().contains("3 points"), "{err}");
    assert!(matches!(
        m.predict(x4.view()),
        Err(RegressError::GridMismatch { .. })
    ));
    assert!(m.check_target_grid(array![1.0, 2.5].view()).is_err());
    m.predict_on_grid(x.view(), array![0.5, 1.5, 2.5].view())
        .unwrap();
    // A grid with the wrong length at fit time.
    let bad = FittedAxes {
        feature: Some(array![0.5, 1.5]),
        target: None,
        ..Default::default()
    };
    assert!(matches!(
        fit(ridge(), x.view(), y.view(), &bad, &params()),
        Err(RegressError::GridMismatch { .. })
    ));
}

#[test]
fn model_file_round_trip_and_version_check() {
    let (x, y) = xy();
    let m = fit(ridge(), x.view(), y.view(), &grids(), &params()).unwrap();
    let text = m.to_json().unwrap();
    let back = LinearModel::from_json(&text).unwrap();
    // serde_json reads floats back to within an ulp (not bit-exactly without its
    // `float_roundtrip` feature): compare the numbers to 1e-14, the rest exactly.
    let close = |a: &ndarray::Array2<f64>, b: &ndarray::Array2<f64>| {
        a.iter()
            .zip(b)
            .all(|(u, v)| (u - v).abs() <= 1e-14 * u.abs().max(1.0))
    };
    assert!(close(&back.w, &m.w));
    assert!(close(
        &back.predict(x.view()).unwrap(),
        &m.predict(x.view()).unwrap()
    ));
    assert_eq!(
        (back.backend.as_str(), back.family, back.params),
        (m.backend.as_str(), m.family, m.params)
    );
    assert_eq!(back.grids, m.grids);
    // Format 2 (kind + version) is written; versions 1 and 2 are read.
    let future = text.replacen("\"format_version\": 2", "\"format_version\": 99", 1);
    let err = LinearModel::from_json(&future).unwrap_err();
    assert!(
        matches!(
            &err,
            RegressError::FormatVersion {
                found: 99,
                supported
            } if supported == &[1, 2]
        ),
        "{err}"
    );
    assert!(matches!(
        LinearModel::from_json("{}"),
        Err(RegressError::BadModel(_))
    ));
    let dir = std::env::temp_dir().join(format!("vitrum-regress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.json");
    m.save(&path).unwrap();
    assert_eq!(LinearModel::load(&path).unwrap(), back);
    assert!(matches!(
        LinearModel::load(&dir.join("missing.json")),
        Err(RegressError::Io { .. })
    ));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unknown_backend_lists_the_known_ones() {
    let err = backend::by_name("native-magic").map(|_| ()).unwrap_err();
    assert!(
        err.to_string().contains("native-ridge") && err.to_string().contains("linfa-lasso"),
        "{err}"
    );
}

#[test]
fn every_backend_handles_a_tiny_problem_without_panicking() {
    let (x, y) = xy();
    let p = FitOptions::new()
        .alpha(0.01)
        .tol(1e-8)
        .max_iter(10_000)
        .validate()
        .unwrap();
    for b in backend::all() {
        let m = fit(b, x.view(), y.view(), &grids(), &p)
            .unwrap_or_else(|e| panic!("{}: {e}", b.name()));
        let pred = m.predict(x.view()).unwrap();
        assert!(pred.iter().all(|v| v.is_finite()), "{}", b.name());
    }
}

/// Features scaled by 1e300: standardised, the fit is the same as on the raw features (the
/// standardisation takes the sums of squares safely); not standardised, every solver's sums of
/// squares overflow, refused with the fix instead of silently zero weights.
#[test]
fn features_at_1e300_keep_scale_invariance_or_are_refused() {
    let (x, y) = xy();
    let standardised = FitOptions::new()
        .alpha(0.1)
        .preprocess(vitrum_regress::PreprocessOptions {
            standardize: true,
            pca: None,
        })
        .validate()
        .unwrap();
    let raw = fit(ridge(), x.view(), y.view(), &grids(), &standardised).unwrap();
    let huge = &x * 1e300;
    let scaled = fit(ridge(), huge.view(), y.view(), &grids(), &standardised).unwrap();
    let (a, b) = (
        raw.predict(x.view()).unwrap(),
        scaled.predict(huge.view()).unwrap(),
    );
    for (p, q) in a.iter().zip(&b) {
        // round-off of the rescaled standard deviations (a few ulps), through an 8 × 3 solve
        assert!((p - q).abs() < 1e-9 * (1.0 + p.abs()), "{p} vs {q}");
    }
    for factor in [1e300, 1e-300] {
        let err = fit(ridge(), (&x * factor).view(), y.view(), &grids(), &params()).unwrap_err();
        assert!(matches!(err, RegressError::FeatureScale { .. }), "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains("--standardize") && msg.contains("rescale"),
            "{msg}"
        );
    }
}

/// `--pca 5000` on 8 samples of 3 features: the rank (3) is used, recorded and warned about.
#[test]
fn more_principal_components_than_the_rank_are_recorded_as_used() {
    let (x, y) = xy();
    let p = FitOptions::new()
        .alpha(0.1)
        .preprocess(vitrum_regress::PreprocessOptions {
            standardize: false,
            pca: Some(vitrum_regress::PcaTruncation::Components(5000)),
        })
        .validate()
        .unwrap();
    let m = fit(ridge(), x.view(), y.view(), &grids(), &p).unwrap();
    let used = m.preprocessing.components.as_ref().unwrap().nrows();
    assert_eq!(used, 3);
    assert_eq!(
        m.params.preprocess.pca,
        Some(vitrum_regress::PcaTruncation::Components(3))
    );
    assert!(
        m.diagnostics.warnings.iter().any(|w| w.contains("5000")),
        "{:?}",
        m.diagnostics.warnings
    );
    // and the file written reads back
    LinearModel::from_json(&m.to_json().unwrap()).unwrap();
}

/// Model files whose fields contradict each other are refused on load, naming the field.
#[test]
fn inconsistent_model_files_are_refused_naming_the_field() {
    let (x, y) = xy();
    let standardised = FitOptions::new()
        .alpha(0.1)
        .preprocess(vitrum_regress::PreprocessOptions {
            standardize: true,
            pca: None,
        })
        .validate()
        .unwrap();
    let m = fit(ridge(), x.view(), y.view(), &grids(), &standardised).unwrap();
    let json: serde_json::Value = serde_json::from_str(&m.to_json().unwrap()).unwrap();
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit, &str); 4] = [
        ("backend", |v| v["backend"] = "nope".into(), "\"backend\""),
        (
            "scale",
            |v| v["preprocessing"]["scale"] = serde_json::Value::Null,
            "preprocessing.scale",
        ),
        (
            "version",
            |v| v["format_version"] = "one".into(),
            "must be a non-negative integer",
        ),
        (
            "pca",
            |v| v["params"]["preprocess"]["pca"] = serde_json::json!({"components": 2}),
            "preprocessing.components",
        ),
    ];
    for (name, edit, want) in cases {
        let mut v = json.clone();
        edit(&mut v);
        let err = vitrum_regress::model_file::from_json(&v.to_string()).unwrap_err();
        assert!(err.to_string().contains(want), "{name}: {err}");
    }
}
