//! Kernel ridge against scikit-learn 1.9.1's `KernelRidge(kernel="rbf", gamma=1e-2, alpha=0.1)`
//! on fixtures/dataset-ka2d (train 0..120 with centred targets, predict 120..150), the reference
//! written by tests/peers/kernel_ridge.py (provenance in its meta.json).

use ndarray::{Array1, Array2, s};
use ndarray_npy::read_npy;
use std::path::PathBuf;
use vitrum_regress::kernel_ridge::GAMMA;
use vitrum_regress::{
    Estimator, FittedAxes, Hyper, KernelRidgeEstimator, candidates::ALPHA, metrics,
};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dataset-ka2d")
}

/// Same kernel formula, same centring, both solve the SPD system K + αI by Cholesky; K + 0.1 I
/// has eigenvalues in [0.1, ~120], so κ ≲ 1.2e3 and the two solutions agree to κ·ε ≈ 3e-13
/// relative; 1e-10 (norm-wise: max |ours − theirs| / max |theirs|) leaves room for BLAS
/// summation order in the 120 × 200 distance products and stays far below any modelling effect.
#[test]
fn matches_scikit_learns_kernel_ridge() {
    let x: Array2<f64> = read_npy(dir().join("features.npy")).unwrap();
    let y: Array2<f64> = read_npy(dir().join("targets.npy")).unwrap();
    let theirs: Array2<f64> = read_npy(dir().join("sklearn/kernel_ridge/pred.npy")).unwrap();
    let omega: Array1<f64> = read_npy(dir().join("grid_omega.npy")).unwrap();
    let axes = FittedAxes {
        target: Some(omega),
        ..Default::default()
    };
    let m = KernelRidgeEstimator
        .fit(
            x.slice(s![..120, ..]),
            y.slice(s![..120, ..]),
            &axes,
            &Hyper::none().with(GAMMA, 1e-2).with(ALPHA, 0.1),
        )
        .unwrap();
    let ours = m.predict(x.slice(s![120.., ..])).unwrap();
    let scale = theirs.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let diff = (&ours - &theirs).iter().fold(0.0f64, |a, v| a.max(v.abs()));
    assert!(diff / scale < 1e-10, "relative difference {}", diff / scale);
    // the held-out R² of meta.json, 0.9387323966020881
    let r2 = metrics::r2_variance_weighted(y.slice(s![120.., ..]), ours.view());
    assert!((r2 - 0.9387323966020881).abs() < 1e-9, "{r2}");
}
