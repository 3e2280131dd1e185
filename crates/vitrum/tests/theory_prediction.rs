//! Theory-only prediction on fixtures/dataset-ka2d (issue 11, acceptance):
//! D ≈ D₀ + K (g − g₀) + K_ρ (ρ − ρ₀) with the first-order (QCA) kernel at the training mean, σ chosen by 5-fold CV
//! on samples 0..119, scored on the held-out 120..149 with vitrum-regress's variance-weighted R²
//! (scikit-learn's `r2_score(multioutput="variance_weighted")`).

mod common;

use common::theory_data::{Data, ka2d};

use ndarray::s;
use vitrum_regress::metrics::r2_variance_weighted;
use vitrum_theory::perturbation::{
    SpectrumGrid, TheoryModel, TrainingSet, choose_sigma, default_sigmas,
};

fn held_out_r2(d: &Data, sigma: f64) -> f64 {
    let train = TrainingSet {
        g: d.g.slice(s![0..120, ..]),
        rho: &d.rho[0..120],
        targets: d.y.slice(s![0..120, ..]),
    };
    let grid = SpectrumGrid::new(d.omega_edges.clone(), sigma).unwrap();
    let model = TheoryModel::fit(&d.table, train, &grid).unwrap();
    let pred = model
        .predict(d.g.slice(s![120..150, ..]), &d.rho[120..150])
        .unwrap();
    r2_variance_weighted(d.y.slice(s![120..150, ..]), pred.view())
}

/// σ by 5-fold CV on 0..119 from 0.03…0.28 × ω_max picks σ = 10.08 (CV R² 0.725); held-out R²
/// 0.684 (a numpy check of the same map gave ≈ 0.69 at σ = 10). Acceptance: ≥ 0.65.
/// Too sharp a kernel fails badly (measured −3.8 at σ = 3): asserted < 0 so that a kernel which
/// silently ignored σ would be caught.
#[test]
fn theory_only_prediction_reaches_the_acceptance_r2_on_held_out_samples() {
    let d = ka2d();
    let train = TrainingSet {
        g: d.g.slice(s![0..120, ..]),
        rho: &d.rho[0..120],
        targets: d.y.slice(s![0..120, ..]),
    };
    let omega_max = *d.omega_edges.last().unwrap();
    let choice = choose_sigma(
        &d.table,
        train,
        &d.omega_edges,
        &default_sigmas(omega_max),
        5,
    )
    .unwrap();
    let r2 = held_out_r2(&d, choice.sigma);
    eprintln!(
        "σ by CV: {:.3} (scores {:?}); held-out variance-weighted R² {r2:.4}",
        choice.sigma, choice.scores
    );
    assert!(r2 >= 0.65, "held-out R² {r2} at σ = {}", choice.sigma);
    let sharp = held_out_r2(&d, 3.0);
    eprintln!("σ = 3: held-out R² {sharp:.4}");
    assert!(sharp < 0.0, "{sharp}");
}
