//! Any estimator shares cross-validation, metrics and learning curves: the `mean` baseline goes
//! through the same functions as the linear backends, the generic fit-and-score path agrees with
//! the linear shortcuts, and the regularisation path is returned, not discarded.

use ndarray::{Array2, ArrayView2, Axis};
use vitrum_regress::{
    CvSpec, Estimator, FitOptions, FittedAxes, Hyper, LinearEstimator, MeanEstimator, Predictor,
    SearchGrid, backend, cross_validate_estimator, evaluate_predictor, fit_cv_estimator,
    fit_cv_path, kfold, learning_curve_estimator, logspace, metrics,
};

/// A smooth, noisy linear problem with n ≥ 2p (so ridge factorises through XᵀX).
fn toy(n: usize) -> (Array2<f64>, Array2<f64>) {
    let x = Array2::from_shape_fn((n, 6), |(i, j)| {
        ((i * 31 + j * 17) % 13) as f64 / 6.0 + (0.3 * (i + j) as f64).sin()
    });
    let y = Array2::from_shape_fn((n, 3), |(i, k)| {
        x[[i, 0]] - x[[i, 3]] * (k + 1) as f64 + 0.3 * ((i * 7919) % 11) as f64 / 11.0
    });
    (x, y)
}

fn ridge() -> LinearEstimator<'static> {
    LinearEstimator::new(
        backend::by_name("native-ridge").unwrap(),
        FitOptions::new().validate().unwrap(),
    )
}

fn grid() -> SearchGrid {
    SearchGrid::new().axis("alpha", logspace(-4.0, 3.0, 8))
}

/// An estimator that keeps only the trait's default `validation_scores` (fit each setting,
/// predict, score): what a new estimator without a shortcut gets.
struct Generic<E>(E);

impl<E: Estimator> Estimator for Generic<E> {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn candidates(&self, grid: &SearchGrid) -> Vec<Hyper> {
        self.0.candidates(grid)
    }
    fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        axes: &FittedAxes,
        hyper: &Hyper,
    ) -> vitrum_regress::Result<Box<dyn Predictor>> {
        self.0.fit(x, y, axes, hyper)
    }
}

/// Ridge's CV scores in its XᵀX basis equal fitting every α and scoring its predictions: the
/// basis expansion is exact to ~1e-15 in R² (see `RidgeBasis::validation_r2`); 1e-12 leaves
/// room for the normal equations' conditioning on this toy.
#[test]
fn the_generic_cv_path_agrees_with_the_linear_shortcut() {
    let (x, y) = toy(40);
    let folds = kfold(40, 4).unwrap();
    let est = ridge();
    let cands = est.candidates(&grid());
    assert_eq!(cands.len(), 8);
    let fast = cross_validate_estimator(&est, x.view(), y.view(), &cands, &folds).unwrap();
    let slow = cross_validate_estimator(&Generic(est), x.view(), y.view(), &cands, &folds).unwrap();
    for (f, s) in fast
        .fold_r2
        .iter()
        .flatten()
        .zip(slow.fold_r2.iter().flatten())
    {
        assert!((f - s).abs() < 1e-12, "{f} vs {s}");
    }
    assert_eq!(fast.best, slow.best);
    // The mean is the mean of the fold scores, exactly as summed in fold order.
    for c in 0..cands.len() {
        let m = fast.fold_r2.iter().map(|f| f[c]).sum::<f64>() / 4.0;
        assert_eq!(fast.mean_r2[c], m);
    }
}

/// The baseline through CV, metrics and a learning curve: its validation R² on each fold is the
/// R² of the training fold's mean (computed here independently), and ridge beats it.
#[test]
fn the_mean_baseline_shares_cross_validation_metrics_and_learning_curves() {
    let (x, y) = toy(40);
    let folds = kfold(40, 4).unwrap();
    let (model, cv) = fit_cv_estimator(
        &MeanEstimator,
        x.view(),
        y.view(),
        &FittedAxes::default(),
        &grid(),
        &folds,
    )
    .unwrap();
    assert_eq!(cv.candidates, vec![Hyper::none()]);
    for (k, (train, test)) in folds.iter().enumerate() {
        let yt = y.select(Axis(0), train);
        let yv = y.select(Axis(0), test);
        let mean = yt.mean_axis(Axis(0)).unwrap();
        let pred = Array2::from_shape_fn(yv.dim(), |(_, t)| mean[t]);
        let expected = metrics::r2_uniform(yv.view(), pred.view());
        assert_eq!(cv.fold_r2[k][0], expected);
        assert!(
            expected <= 0.0,
            "the training mean cannot explain held-out variance"
        );
    }
    assert_eq!(model.kind(), "mean");
    assert!(model.linear_form().is_none());

    let (xt, yt) = (
        x.slice(ndarray::s![..30, ..]),
        y.slice(ndarray::s![..30, ..]),
    );
    let (xv, yv) = (
        x.slice(ndarray::s![30.., ..]),
        y.slice(ndarray::s![30.., ..]),
    );
    let (ridge_model, _) = fit_cv_estimator(
        &ridge(),
        xt,
        yt,
        &FittedAxes::default(),
        &grid(),
        &kfold(30, 3).unwrap(),
    )
    .unwrap();
    assert!(ridge_model.linear_form().is_some());
    let mean = MeanEstimator
        .fit(xt, yt, &FittedAxes::default(), &Hyper::none())
        .unwrap();
    let m_mean = evaluate_predictor(mean.as_ref(), xv, yv).unwrap();
    let m_ridge = evaluate_predictor(ridge_model.as_ref(), xv, yv).unwrap();
    assert!(m_ridge.rmse < m_mean.rmse, "{m_ridge:?} vs {m_mean:?}");

    let lc = learning_curve_estimator(&MeanEstimator, (xt, yt), (xv, yv), &Hyper::none(), &[5, 30])
        .unwrap();
    // At the full training set the curve's point is the fitted baseline's own test error.
    assert_eq!(lc[1].test_rmse, m_mean.rmse);
    assert_eq!(lc[1].test_r2, m_mean.r2_uniform);
}

/// The path on all training rows at the CV-chosen α is the final model. Ridge: the same
/// factorisation (all α > 0, n ≥ 2p: XᵀX for both) gives the same arithmetic, so equality is
/// exact. Lasso: the path is warm-started, the final fit cold; both end with the exact KKT
/// solve on the support, so they agree to far below the tolerance's effect on predictions
/// (1e-8 of the largest weight).
#[test]
fn the_path_at_the_chosen_alpha_is_the_final_fit() {
    let (x, y) = toy(40);
    let spec = CvSpec {
        alphas: logspace(-4.0, 1.0, 6),
        l1_ratios: vec![0.5],
        folds: kfold(40, 4).unwrap(),
    };
    let p = FitOptions::new()
        .tol(1e-10)
        .max_iter(100_000)
        .validate()
        .unwrap();
    let b = backend::by_name("native-ridge").unwrap();
    let (model, path) =
        fit_cv_path(b, x.view(), y.view(), &FittedAxes::default(), &p, &spec).unwrap();
    let cv = model.diagnostics.cv.as_ref().unwrap();
    assert_eq!(path.alphas, spec.alphas);
    assert_eq!(cv.fold_r2.len(), 4);
    let k = spec
        .alphas
        .iter()
        .position(|&a| a == cv.best_alpha)
        .unwrap();
    let (w, b0) = model.coefficients();
    assert_eq!(path.coefficients[k], w);
    assert_eq!(path.intercepts[k], b0);

    let b = backend::by_name("native-lasso").unwrap();
    let (model, path) =
        fit_cv_path(b, x.view(), y.view(), &FittedAxes::default(), &p, &spec).unwrap();
    let cv = model.diagnostics.cv.as_ref().unwrap();
    let k = spec
        .alphas
        .iter()
        .position(|&a| a == cv.best_alpha)
        .unwrap();
    let (w, _) = model.coefficients();
    let scale = w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let diff = (&path.coefficients[k] - &w)
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(diff <= 1e-8 * scale, "{diff} vs {scale}");
    // Along the path, weights shrink as α grows (lasso's ℓ1 norm is monotone in α).
    let l1: Vec<f64> = path
        .coefficients
        .iter()
        .map(|w| w.mapv(f64::abs).sum())
        .collect();
    assert!(l1.windows(2).all(|p| p[1] <= p[0] * (1.0 + 1e-9)), "{l1:?}");
}
