//! Model files: the format-1 file written before the Predictor refactor (tests/data, never
//! regenerated) still loads and predicts what it predicted then; files name their kind and
//! version, and an unknown kind or version is refused with an error naming both.

use ndarray::{Array1, Array2};
use ndarray_npy::read_npy;
use std::path::PathBuf;
use vitrum_regress::{
    Estimator, FittedAxes, Hyper, LinearModel, MeanEstimator, ModelKind, RegressError, model_file,
};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn features() -> Array2<f64> {
    read_npy(data("features.npy")).unwrap()
}

/// serde_json reads a float back to within an ulp (it lacks `float_roundtrip` here), so a model
/// read from a file predicts to within a few ulps of the model that wrote it: 1e-13 relative
/// (25 features × a few ulps each) is that rounding and nothing more.
fn assert_close(a: &Array2<f64>, b: &Array2<f64>) {
    assert_eq!(a.dim(), b.dim());
    let scale = b.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    for (u, v) in a.iter().zip(b) {
        assert!((u - v).abs() <= 1e-13 * scale, "{u} vs {v}");
    }
}

#[test]
fn a_format_1_model_file_loads_and_predicts_as_when_written() {
    let written: Array2<f64> = read_npy(data("predictions-v1-native-ridge.npy")).unwrap();
    let x = features();
    // As the concrete type ...
    let m = LinearModel::load(&data("model-v1-native-ridge.json")).unwrap();
    assert_eq!(
        (m.backend.as_str(), m.family),
        ("native-ridge", ModelKind::Ridge)
    );
    assert_eq!(m.params.alpha, 10.0);
    assert_eq!(m.diagnostics.cv.as_ref().unwrap().best_alpha, 10.0);
    assert_eq!(m.grids.feature.as_ref().unwrap().len(), 25);
    assert_close(&m.predict(x.view()).unwrap(), &written);
    // ... and through the registry, as any predictor.
    let p = model_file::load(&data("model-v1-native-ridge.json")).unwrap();
    assert_eq!((p.kind(), p.estimator()), ("linear", "native-ridge"));
    assert_eq!(p.hyper(), Hyper::none().with("alpha", 10.0));
    assert_close(&p.predict(x.view()).unwrap(), &written);
    let grid: Array1<f64> = read_npy(data("grid_r.npy")).unwrap();
    assert_close(&p.predict_on_grid(x.view(), grid.view()).unwrap(), &written);
}

#[test]
fn files_are_written_with_kind_and_version_and_read_back() {
    let m = LinearModel::load(&data("model-v1-native-ridge.json")).unwrap();
    let text = m.to_json().unwrap();
    let head: Vec<&str> = text.lines().take(3).map(str::trim).collect();
    assert_eq!(
        head,
        ["{", "\"format_version\": 2,", "\"kind\": \"linear\","],
        "{text:.200}"
    );
    assert!(text.contains("\"family\": \"ridge\""));
    let back = model_file::from_json(&text).unwrap();
    let back = back.as_any().downcast_ref::<LinearModel>().unwrap();
    assert_eq!((back.family, back.params), (m.family, m.params));
    assert_close(
        &back.predict(features().view()).unwrap(),
        &m.predict(features().view()).unwrap(),
    );
}

#[test]
fn an_unknown_kind_is_refused_naming_it_and_the_known_kinds() {
    let m = LinearModel::load(&data("model-v1-native-ridge.json")).unwrap();
    let text =
        m.to_json()
            .unwrap()
            .replacen("\"kind\": \"linear\"", "\"kind\": \"graph-network\"", 1);
    let err = model_file::from_json(&text).unwrap_err();
    assert!(
        matches!(&err, RegressError::UnknownModelKind { found, .. } if found == "graph-network"),
        "{err}"
    );
    let msg = err.to_string();
    for name in ["graph-network", "linear", "mean"] {
        assert!(msg.contains(name), "{msg}");
    }
    let no_kind = m
        .to_json()
        .unwrap()
        .replacen("\"kind\": \"linear\",", "", 1);
    assert!(matches!(
        model_file::from_json(&no_kind),
        Err(RegressError::BadModel(_))
    ));
}

#[test]
fn an_unknown_version_is_refused_naming_it_and_the_supported_ones() {
    let v1 = std::fs::read_to_string(data("model-v1-native-ridge.json")).unwrap();
    let text = v1.replacen("\"format_version\": 1", "\"format_version\": 7", 1);
    let err = model_file::from_json(&text).unwrap_err();
    assert!(
        matches!(&err, RegressError::FormatVersion { found: 7, supported } if supported == &[1, 2]),
        "{err}"
    );
    let msg = err.to_string();
    assert!(msg.contains('7') && msg.contains("[1, 2]"), "{msg}");
    assert!(matches!(
        LinearModel::from_json(&text),
        Err(RegressError::FormatVersion { found: 7, .. })
    ));
}

#[test]
fn a_second_kind_goes_through_the_same_files() {
    let x = features();
    let y: Array2<f64> = read_npy(data("targets.npy")).unwrap();
    let axes = FittedAxes {
        feature: Some(read_npy(data("grid_r.npy")).unwrap()),
        target: Some(read_npy(data("grid_omega.npy")).unwrap()),
        ..Default::default()
    };
    let mean = MeanEstimator
        .fit(x.view(), y.view(), &axes, &Hyper::none())
        .unwrap();
    let text = mean.to_model_json().unwrap();
    assert!(text.contains("\"kind\": \"mean\""), "{text:.200}");
    let back = model_file::from_json(&text).unwrap();
    assert_eq!(back.kind(), "mean");
    // Grids come back to within an ulp (see `assert_close`): the model's own grid check accepts them.
    back.check_feature_grid(axes.feature.as_ref().unwrap().view())
        .unwrap();
    back.check_target_grid(axes.target.as_ref().unwrap().view())
        .unwrap();
    assert_close(
        &back.predict(x.view()).unwrap(),
        &mean.predict(x.view()).unwrap(),
    );
    // A linear-model reader refuses it by name rather than with a missing-field message.
    let err = LinearModel::from_json(&text).unwrap_err();
    assert!(err.to_string().contains("'mean'"), "{err}");
}
