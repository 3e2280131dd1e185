//! Theory-only prediction on fixtures/dataset-ka2d (issue 11, acceptance):
//! D ≈ D₀ + K (g − g₀) + K_ρ (ρ − ρ₀) with the first-order (QCA) kernel at the training mean, σ chosen by 5-fold CV
//! on samples 0..119, scored on the held-out 120..149 with vitrum-regress's variance-weighted R²
//! (scikit-learn's `r2_score(multioutput="variance_weighted")`).

mod common;

use common::theory_data::{Data, ka2d, ka3d};
use std::ops::Range;

use ndarray::s;
use vitrum_regress::metrics::r2_variance_weighted;
use vitrum_theory::perturbation::{
    SpectrumGrid, TheoryModel, TrainingSet, choose_sigma, default_sigmas,
};

fn training_set(d: &Data, train: Range<usize>) -> TrainingSet<'_> {
    TrainingSet {
        g: d.g.slice(s![train.clone(), ..]),
        rho: &d.rho[train.clone()],
        targets: d.y.slice(s![train, ..]),
    }
}

fn held_out_r2(d: &Data, sigma: f64, train: Range<usize>, test: Range<usize>) -> f64 {
    let grid = SpectrumGrid::new(d.omega_edges.clone(), sigma).unwrap();
    let model = TheoryModel::fit(&d.table, training_set(d, train), &grid).unwrap();
    let pred = model
        .predict(d.g.slice(s![test.clone(), ..]), &d.rho[test.clone()])
        .unwrap();
    r2_variance_weighted(d.y.slice(s![test, ..]), pred.view())
}

/// σ by 5-fold CV on `train` (0.03…0.28 × ω_max), then the held-out R² at that σ.
fn cv_then_held_out(d: &Data, train: Range<usize>, test: Range<usize>) -> (f64, f64) {
    let omega_max = *d.omega_edges.last().unwrap();
    let choice = choose_sigma(
        &d.table,
        training_set(d, train.clone()),
        &d.omega_edges,
        &default_sigmas(omega_max),
        5,
    )
    .unwrap();
    let r2 = held_out_r2(d, choice.sigma, train, test);
    eprintln!(
        "σ by CV: {:.3} (scores {:?}); held-out variance-weighted R² {r2:.4}",
        choice.sigma, choice.scores
    );
    (choice.sigma, r2)
}

/// σ by 5-fold CV on 0..119 from 0.03…0.28 × ω_max picks σ = 10.08 (CV R² 0.725); held-out R²
/// 0.684 (a numpy check of the same map gave ≈ 0.69 at σ = 10). Acceptance: ≥ 0.65.
/// Too sharp a kernel fails badly (measured −3.8 at σ = 3): asserted < 0 so that a kernel which
/// silently ignored σ would be caught.
#[test]
fn theory_only_prediction_reaches_the_acceptance_r2_on_held_out_samples() {
    let d = ka2d();
    let (sigma, r2) = cv_then_held_out(&d, 0..120, 120..150);
    assert!(r2 >= 0.65, "held-out R² {r2} at σ = {sigma}");
    let sharp = held_out_r2(&d, 3.0, 0..120, 120..150);
    eprintln!("σ = 3: held-out R² {sharp:.4}");
    assert!(sharp < 0.0, "{sharp}");
}

/// The same on the 3D dataset (fixtures/dataset-ka3d, 80 glasses of 500 particles: σ by 5-fold
/// CV on 0..63, held out 64..79): σ = 6.72 (CV R² 0.691), held-out R² 0.7069 — first order
/// does as well in 3D as in 2D (ridge on the same split: 0.844). Asserted ≥ 0.69, just below.
#[test]
fn theory_only_prediction_in_3d() {
    let d = ka3d();
    let (sigma, r2) = cv_then_held_out(&d, 0..64, 64..80);
    assert!(r2 >= 0.69, "held-out R² {r2} at σ = {sigma}");
}
