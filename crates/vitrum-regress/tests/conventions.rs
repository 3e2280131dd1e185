//! α means scikit-learn's α on every backend: on a small well-conditioned problem (unique
//! solutions, every solver converges tightly) all backends of a model family agree with the
//! native solver, whose objective is checked against its definition in the unit tests.

use ndarray::{Array2, Axis};
use vitrum_regress::backend::{self, smartcore::to_smartcore_enet};
use vitrum_regress::{FitOptions, FittedAxes, fit};

/// 60 samples × 6 features, correlated but well conditioned; 3 targets.
fn problem() -> (Array2<f64>, Array2<f64>) {
    let x = Array2::from_shape_fn((60, 6), |(i, j)| {
        let t = i as f64 * 0.37 + j as f64 * 1.3;
        // The modular term makes the columns linearly independent (full rank).
        t.sin() + 0.3 * (2.1 * t).cos() + ((i * 37 + j * 101) % 17) as f64 / 17.0
    });
    let y = Array2::from_shape_fn((60, 3), |(i, k)| {
        x[[i, 0]] - 0.5 * x[[i, 3]]
            + (k as f64) * x[[i, 5]]
            + 0.02 * ((i * 7 + k) as f64).sin()
            + 1.0
    });
    (x, y)
}

fn max_rel(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    (a - b).iter().fold(0.0f64, |m, v| m.max(v.abs())) / scale
}

fn coef(name: &str, opts: FitOptions, x: &Array2<f64>, y: &Array2<f64>) -> Array2<f64> {
    let m = fit(
        backend::by_name(name).unwrap(),
        x.view(),
        y.view(),
        &FittedAxes::default(),
        &opts.validate().unwrap(),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    m.coefficients().0
}

#[test]
fn ridge_alpha_is_scikit_learn_alpha_on_every_backend() {
    let (x, y) = problem();
    let opts = FitOptions::new().alpha(0.7);
    let native = coef("native-ridge", opts.clone(), &x, &y);
    // Normal equations of ‖y − Xw − b‖² + α‖w‖² on centred data.
    let xc = &x - &x.mean_axis(Axis(0)).unwrap();
    let yc = &y - &y.mean_axis(Axis(0)).unwrap();
    let lhs = xc.t().dot(&xc) + Array2::<f64>::eye(6) * 0.7;
    let resid = lhs.dot(&native.t()) - xc.t().dot(&yc);
    assert!(resid.iter().all(|r| r.abs() < 1e-10));
    let sm = coef("smartcore-ridge", opts.clone(), &x, &y);
    assert!(
        max_rel(&sm, &native) < 1e-10,
        "smartcore-ridge {:e}",
        max_rel(&sm, &native)
    );
    // n ≤ p: smartcore refuses, the backend augments; still the same ridge.
    let (xs, ys) = (
        x.slice(ndarray::s![..5, ..]).to_owned(),
        y.slice(ndarray::s![..5, ..]).to_owned(),
    );
    let a = coef("native-ridge", opts.clone(), &xs, &ys);
    let b = coef("smartcore-ridge", opts, &xs, &ys);
    assert!(
        max_rel(&b, &a) < 1e-9,
        "smartcore-ridge n ≤ p {:e}",
        max_rel(&b, &a)
    );
}

#[test]
fn ols_backends_agree() {
    let (x, y) = problem();
    let a = coef("native-ols", FitOptions::new(), &x, &y);
    let b = coef("linfa-ols", FitOptions::new(), &x, &y);
    assert!(max_rel(&b, &a) < 1e-10, "linfa-ols {:e}", max_rel(&b, &a));
}

/// Lasso and elastic net at a tight tolerance. Coordinate descent (native, linfa) agrees to
/// 1e-8; smartcore's interior point stops at a relative duality gap, so 1e-4.
#[test]
fn lasso_and_enet_alpha_is_scikit_learn_alpha_on_every_backend() {
    let (x, y) = problem();
    for (family, rho) in [("lasso", 1.0), ("elasticnet", 0.3)] {
        let opts = FitOptions::new()
            .alpha(0.01)
            .l1_ratio(rho)
            .tol(1e-12)
            .max_iter(100_000);
        let native = coef(&format!("native-{family}"), opts.clone(), &x, &y);
        assert!(
            native.iter().any(|&w| w == 0.0),
            "α too small to test the l1 term"
        );
        let linfa = coef(&format!("linfa-{family}"), opts.clone(), &x, &y);
        assert!(
            max_rel(&linfa, &native) < 1e-8,
            "linfa-{family} {:e}",
            max_rel(&linfa, &native)
        );
        let sm = coef(&format!("smartcore-{family}"), opts.tol(1e-10), &x, &y);
        assert!(
            max_rel(&sm, &native) < 1e-4,
            "smartcore-{family} {:e}",
            max_rel(&sm, &native)
        );
    }
}

#[test]
fn smartcore_enet_conversion() {
    // ×2n: ‖r‖² + 2nαρ‖w‖₁ + nα(1−ρ)‖w‖² = ‖r‖² + nα'ρ'‖w‖₁ + nα'(1−ρ')‖w‖².
    for (a, r) in [(1e-3, 0.5), (0.2, 1.0), (0.1, 0.0), (3.0, 0.25)] {
        let (a2, r2) = to_smartcore_enet(a, r);
        assert!((a2 * r2 - 2.0 * a * r).abs() < 1e-15);
        assert!((a2 * (1.0 - r2) - a * (1.0 - r)).abs() < 1e-15);
    }
}
