//! The CNN and the MLP on fixtures/dataset-ka2d (150 KA 2D glasses, g(r) on 200 r bins → VDOS
//! on 100 ω bins): they train (the loss falls), beat the training mean on held-out glasses
//! (train 0..120, test 120..150), are bit-identical for a seed, reload from their model file
//! to the same predictions, read the partials as channels, and refuse bad input with an error.
//! Epoch caps are small so each test takes seconds in the dev profile; the numbers of
//! docs/neural.md come from full-length fits through `vitrum fit`.

use ndarray::{Array1, Array2, Array3, Axis, s};
use ndarray_npy::read_npy;
use std::path::PathBuf;
use vitrum_neural::{Architecture, Family, NeuralEstimator, NeuralModel, TrainSettings};
use vitrum_regress::{Estimator, FittedAxes, Hyper, Predictor, SearchGrid, metrics, model_file};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dataset-ka2d")
}

struct Data {
    x: Array2<f64>,
    y: Array2<f64>,
    axes: FittedAxes,
}

fn data() -> Data {
    let x: Array2<f64> = read_npy(dir().join("features.npy")).unwrap();
    let y: Array2<f64> = read_npy(dir().join("targets.npy")).unwrap();
    let r: Array1<f64> = read_npy(dir().join("grid_r.npy")).unwrap();
    let w: Array1<f64> = read_npy(dir().join("grid_omega.npy")).unwrap();
    Data {
        x,
        y,
        axes: FittedAxes {
            feature: Some(r),
            target: Some(w),
            ..Default::default()
        },
    }
}

fn estimator(family: Family, max_epochs: usize) -> NeuralEstimator {
    NeuralEstimator::new(family).with_settings(TrainSettings {
        max_epochs,
        ..TrainSettings::default()
    })
}

fn defaults(e: &NeuralEstimator) -> Hyper {
    e.candidates(&SearchGrid::new()).remove(0)
}

/// Trains on 0..120, returns the model and the held-out variance-weighted R² of it and of the
/// training mean.
fn held_out(family: Family, max_epochs: usize) -> (Box<dyn Predictor>, f64, f64) {
    let d = data();
    let (xt, yt) = (d.x.slice(s![..120, ..]), d.y.slice(s![..120, ..]));
    let (xv, yv) = (d.x.slice(s![120.., ..]), d.y.slice(s![120.., ..]));
    let e = estimator(family, max_epochs);
    let m = e.fit(xt, yt, &d.axes, &defaults(&e)).unwrap();
    let r2 = metrics::r2_variance_weighted(yv, m.predict(xv).unwrap().view());
    let mean = yt.mean_axis(Axis(0)).unwrap();
    let baseline = Array2::from_shape_fn(yv.dim(), |(_, t)| mean[t]);
    let r2_mean = metrics::r2_variance_weighted(yv, baseline.view());
    (m, r2, r2_mean)
}

fn log_of(m: &dyn Predictor) -> vitrum_neural::TrainingLog {
    m.as_any()
        .downcast_ref::<NeuralModel>()
        .unwrap()
        .training()
        .clone()
}

/// Loss falls: the last epoch's training loss is below the first's (standardised MSE starts
/// near 1 for small initial weights), and held-out R² beats the training mean (R² ≤ 0 on
/// held-out glasses) by a margin no lucky constant can reach: ≥ 0.5.
fn check_learns(family: Family, epochs: usize) {
    let (m, r2, r2_mean) = held_out(family, epochs);
    let log = log_of(m.as_ref());
    assert!(
        log.train_loss.last().unwrap() < &(0.5 * log.train_loss[0]),
        "{family:?} losses {:?}",
        log.train_loss
    );
    assert!(r2_mean <= 0.0, "mean baseline R² {r2_mean}");
    assert!(r2 > r2_mean + 0.5, "{family:?}: R² {r2} vs mean {r2_mean}");
}

#[test]
fn the_cnn_learns() {
    check_learns(Family::Cnn, 40);
}

#[test]
fn the_mlp_learns() {
    check_learns(Family::Mlp, 40);
}

/// Two fits with one seed (and the default thread count, 1) agree to the bit; another seed
/// gives other weights.
#[test]
fn a_seed_fixes_every_bit() {
    let d = data();
    let (x, y) = (d.x.slice(s![..60, ..]), d.y.slice(s![..60, ..]));
    for family in [Family::Cnn, Family::Mlp] {
        let e = estimator(family, 3);
        let h = defaults(&e);
        let a = e.fit(x, y, &d.axes, &h).unwrap().predict(x).unwrap();
        let b = e.fit(x, y, &d.axes, &h).unwrap().predict(x).unwrap();
        assert!(
            a.iter().zip(&b).all(|(u, v)| u.to_bits() == v.to_bits()),
            "{family:?}"
        );
        let mut other = e.clone();
        other.settings.seed = 1;
        let c = other.fit(x, y, &d.axes, &h).unwrap().predict(x).unwrap();
        assert_ne!(a, c, "{family:?}: seed 1 gave seed 0's predictions");
    }
}

/// The model file holds the weights as f32 bits: a reloaded model predicts the same bits, and
/// loads through the composed registry (vitrum-regress's kinds plus this crate's).
#[test]
fn a_model_file_reloads_to_the_same_predictions() {
    let d = data();
    let (x, y) = (d.x.slice(s![..40, ..]), d.y.slice(s![..40, ..]));
    for family in [Family::Cnn, Family::Mlp] {
        let e = estimator(family, 2);
        let m = e.fit(x, y, &d.axes, &defaults(&e)).unwrap();
        let text = m.to_model_json().unwrap();
        let back = model_file::from_json_with(&text, vitrum_neural::KINDS).unwrap();
        assert_eq!(back.kind(), family.name());
        assert_eq!(back.hyper(), m.hyper());
        assert_eq!(back.axes(), m.axes());
        let (p, q) = (m.predict(x).unwrap(), back.predict(x).unwrap());
        assert!(p.iter().zip(&q).all(|(u, v)| u.to_bits() == v.to_bits()));
        // without the neural kinds the file is an unknown kind, named
        let e = model_file::from_json(&text).unwrap_err().to_string();
        assert!(e.contains(family.name()), "{e}");
    }
}

/// The partials g_ab side by side with the facade's feature description become 3 input
/// channels of 200 points.
#[test]
fn the_cnn_reads_partials_as_channels() {
    let d = data();
    let p: Array3<f64> = read_npy(dir().join("features_partials.npy")).unwrap();
    let x = p
        .slice(s![..30, .., ..])
        .to_shape((30, 600))
        .unwrap()
        .to_owned();
    let y = d.y.slice(s![..30, ..]);
    let axes = FittedAxes {
        target: d.axes.target.clone(),
        features: Some(
            serde_json::json!({"kind": "partial-rdf", "channels": ["A-A", "A-B", "B-B"]}),
        ),
        ..Default::default()
    };
    let e = estimator(Family::Cnn, 2);
    let m = e.fit(x.view(), y, &axes, &defaults(&e)).unwrap();
    let arch = *m
        .as_any()
        .downcast_ref::<NeuralModel>()
        .unwrap()
        .architecture();
    assert!(
        matches!(
            arch,
            Architecture::Cnn {
                channels_in: 3,
                length: 200,
                ..
            }
        ),
        "{arch:?}"
    );
    assert_eq!(m.predict(x.view()).unwrap().dim(), (30, 100));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let d = data();
    let (x, y) = (d.x.slice(s![..20, ..]), d.y.slice(s![..20, ..]));
    let e = estimator(Family::Mlp, 1);
    let m = e.fit(x, y, &d.axes, &defaults(&e)).unwrap();
    let narrow = Array2::<f64>::zeros((2, 199));
    let err = m.predict(narrow.view()).unwrap_err().to_string();
    assert!(err.contains("200") && err.contains("199"), "{err}");
    let mut nan = x.to_owned();
    nan[[3, 7]] = f64::NAN;
    let err = m.predict(nan.view()).unwrap_err().to_string();
    assert!(err.contains("sample 3"), "{err}");
    let err = e.fit(nan.view(), y, &d.axes, &Hyper::none()).unwrap_err();
    assert!(err.to_string().contains("sample 3"), "{err}");
    // an even kernel, a zero learning rate: errors naming the setting
    let cnn = estimator(Family::Cnn, 1);
    let even = defaults(&cnn).with("kernel_width", 4.0);
    let err = cnn.fit(x, y, &d.axes, &even).unwrap_err().to_string();
    assert!(err.contains("kernel width 4"), "{err}");
    let zero = defaults(&cnn).with("learning_rate", 0.0);
    let err = cnn.fit(x, y, &d.axes, &zero).unwrap_err().to_string();
    assert!(err.contains("learning_rate"), "{err}");
    // a truncated model file
    let text = m.to_model_json().unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["tensors"].as_array_mut().unwrap().pop();
    let err = model_file::from_json_with(&v.to_string(), vitrum_neural::KINDS)
        .unwrap_err()
        .to_string();
    assert!(err.contains("tensors stored"), "{err}");
}
