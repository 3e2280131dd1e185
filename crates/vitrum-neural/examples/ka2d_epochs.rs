//! Training time per epoch and held-out R² of the CNN and the MLP on fixtures/dataset-ka2d
//! (train 0..120, test 120..150) at their default settings, for docs/neural.md:
//!
//!     cargo run -p vitrum-neural --example ka2d_epochs [--release]
//!
//! Prints, per network: epochs run, the epoch kept, seconds per epoch (wall clock over all
//! epochs, validation pass included), the whole fit's seconds and the held-out variance-weighted
//! R². The time per epoch is a measurement, not a test.

use ndarray::{Array1, Array2, s};
use ndarray_npy::read_npy;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use vitrum_neural::{Family, NeuralEstimator, NeuralModel};
use vitrum_regress::{Estimator, FittedAxes, SearchGrid, metrics};

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dataset-ka2d");
    let x: Array2<f64> = read_npy(dir.join("features.npy")).unwrap();
    let y: Array2<f64> = read_npy(dir.join("targets.npy")).unwrap();
    let r: Array1<f64> = read_npy(dir.join("grid_r.npy")).unwrap();
    let axes = FittedAxes {
        feature: Some(r),
        ..Default::default()
    };
    for family in [Family::Cnn, Family::Mlp] {
        let times = Arc::new(Mutex::new(Vec::new()));
        let t = times.clone();
        let e = NeuralEstimator::new(family)
            .with_progress(Arc::new(move |_| t.lock().unwrap().push(Instant::now())));
        let hyper = e.candidates(&SearchGrid::new()).remove(0);
        let start = Instant::now();
        let m = e
            .fit(
                x.slice(s![..120, ..]),
                y.slice(s![..120, ..]),
                &axes,
                &hyper,
            )
            .unwrap();
        let seconds = start.elapsed().as_secs_f64();
        let pred = m.predict(x.slice(s![120.., ..])).unwrap();
        let r2 = metrics::r2_variance_weighted(y.slice(s![120.., ..]), pred.view());
        let log = m.as_any().downcast_ref::<NeuralModel>().unwrap().training();
        let times = times.lock().unwrap();
        let per_epoch = (*times.last().unwrap() - start).as_secs_f64() / times.len().max(1) as f64;
        println!(
            "{}: {hyper}; {} epochs (kept {}), {:.4} s/epoch, fit {:.2} s, held-out R² (variance-weighted) {:.4}",
            family.name(),
            log.epochs,
            log.best_epoch,
            per_epoch,
            seconds,
            r2
        );
    }
}
