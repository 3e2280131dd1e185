//! A fitted weight map W against the first-order kernel K on fixtures/dataset-ka2d (issue 11,
//! item 5; `vitrum_theory::perturbation::compare_kernels`): ridge on the partial g_ab (samples
//! 0..119, α by 5-fold CV) and K (σ = 10.08, the σ cross-validation picks for `theory`) at the
//! same training mean, on the same (ω, r) grid; and the M2 sum rule each implies,
//! Σ_ω ω² W(ω, r) Δω, against the exact K₂(r) at the training mean density. The measured
//! numbers are printed and recorded in docs/theory.md ("W against K"): the fitted W is not the
//! first-order K (correlation 0.14), and its implied M2 kernel follows K₂ only loosely (0.34),
//! while K's follows K₂ closely (0.9955).

mod common;

use common::theory_data::ka2d;
use ndarray::{Axis, s};
use vitrum_regress::{CvSpec, FitOptions, FittedAxes, Predictor, backend, fit_cv, kfold, logspace};
use vitrum_theory::perturbation::{SpectrumGrid, compare_kernels, linear_response, m2_kernel};

#[test]
fn ridge_weights_against_the_qca_kernel_and_the_sum_rule() {
    let d = ka2d();
    let (x, y) = (d.g.slice(s![0..120, ..]), d.y.slice(s![0..120, ..]));
    let g0 = x.mean_axis(Axis(0)).unwrap().to_vec();
    let rho0 = d.rho[0..120].iter().sum::<f64>() / 120.0;
    let grid = SpectrumGrid::new(d.omega_edges.clone(), 10.08).unwrap();
    let response = linear_response(&d.table, &g0, rho0, &grid).unwrap();
    let k = response.kernel_on_support();

    let spec = CvSpec {
        alphas: logspace(-6.0, 4.0, 21),
        l1_ratios: vec![0.5],
        folds: kfold(120, 5).unwrap(),
    };
    let params = FitOptions::new().validate().unwrap();
    let b = backend::by_name("native-ridge").unwrap();
    let ridge = fit_cv(b, x, y, &FittedAxes::default(), &params, &spec).unwrap();
    let (w, _) = ridge.linear_form().unwrap();

    let k2 = m2_kernel(&d.table, rho0).unwrap();
    let c = compare_kernels(
        w.view(),
        k.view(),
        &response.support(),
        &d.table.r,
        &d.omega_edges,
        &k2,
        0.5,
    )
    .unwrap();
    let held_out = |pred: ndarray::Array2<f64>| {
        vitrum_regress::metrics::r2_variance_weighted(d.y.slice(s![120..150, ..]), pred.view())
    };
    let ridge_r2 = held_out(ridge.predict(d.g.slice(s![120..150, ..])).unwrap());
    eprintln!(
        "ridge α = {:e}, held-out R² {ridge_r2:.4}\ncorr(W, K) = {:.4}, per channel {:.4?}\n\
         agreement (column corr ≥ 0.5) per channel: {:?}\nsum rule: corr(Σω²WΔω, K₂) = {:.4}, \
         scale {:.4}; corr(Σω²KΔω, K₂) = {:.4}",
        ridge.params.alpha,
        c.correlation,
        c.channel_correlation,
        c.agreement,
        c.sum_rule_correlation_w,
        c.sum_rule_scale_w,
        c.sum_rule_correlation_k,
    );
    // Measured: corr(W, K) 0.142 (channels 0.147, 0.189, 0.039); the longest runs of column
    // correlation ≥ 0.5 are 2–5 bins wide; W's sum rule correlates 0.339 with K₂ at a scale of
    // 0.117; K's own 0.9955. Asserted with margins of ~30 % below the measured values, so a
    // kernel or comparison that lost its structure (correlations → 0) fails.
    assert!(c.correlation > 0.1, "{}", c.correlation);
    assert!(
        c.sum_rule_correlation_w > 0.25,
        "{}",
        c.sum_rule_correlation_w
    );
    // K's implied M2 kernel has K₂'s shape (the QCA's mean ω² is a Debye-sphere average of the
    // same pair sums), though not its scale
    assert!(
        c.sum_rule_correlation_k > 0.99,
        "{}",
        c.sum_rule_correlation_k
    );
    assert!((ridge_r2 - 0.936).abs() < 0.005, "{ridge_r2}");
}
