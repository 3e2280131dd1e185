//! Every backend against scikit-learn 1.9.1 on fixtures/dataset-ka2d (150 KA 2D glasses, g(r) on
//! 200 r bins → VDOS on 100 ω bins), split train = 0..120, test = 120..150, as in
//! `sklearn/models.json`. The acceptance criteria of issue 6 are the assertions here.
//!
//! "Relative" differences are norm-wise: max |ours − theirs| / max |theirs| over the whole array.
//! Element-wise relative error is meaningless for coefficients that are (near) zero.

use ndarray::{Array1, Array2, Axis, s};
use ndarray_npy::read_npy;
use std::path::PathBuf;
use vitrum_regress::{
    CvSpec, FitOptions, FittedAxes, LinearModel, backend, fit, fit_cv, kfold, logspace, metrics,
};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dataset-ka2d")
}

fn npy2(path: &str) -> Array2<f64> {
    read_npy(dir().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn npy1(path: &str) -> Array1<f64> {
    read_npy(dir().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

struct Data {
    xt: Array2<f64>,
    yt: Array2<f64>,
    xv: Array2<f64>,
    yv: Array2<f64>,
    grids: FittedAxes,
}

fn data() -> Data {
    let x = npy2("features.npy");
    let y = npy2("targets.npy");
    Data {
        xt: x.slice(s![..120, ..]).to_owned(),
        yt: y.slice(s![..120, ..]).to_owned(),
        xv: x.slice(s![120.., ..]).to_owned(),
        yv: y.slice(s![120.., ..]).to_owned(),
        grids: FittedAxes {
            feature: Some(npy1("grid_r.npy")),
            target: Some(npy1("grid_omega.npy")),
            ..Default::default()
        },
    }
}

struct Reference {
    coef: Array2<f64>,
    intercept: Array1<f64>,
    pred: Array2<f64>,
    objective: Option<Array1<f64>>,
    r2_uniform: f64,
    r2_weighted: f64,
}

fn reference(model: &str) -> Reference {
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir().join(format!("sklearn/{model}/model.json"))).unwrap(),
    )
    .unwrap();
    Reference {
        coef: npy2(&format!("sklearn/{model}/coef.npy")),
        intercept: npy1(&format!("sklearn/{model}/intercept.npy")),
        pred: npy2(&format!("sklearn/{model}/pred_test.npy")),
        objective: read_npy(dir().join(format!("sklearn/{model}/objective_train.npy"))).ok(),
        r2_uniform: meta["test"]["r2_uniform_average"].as_f64().unwrap(),
        r2_weighted: meta["test"]["r2_variance_weighted"].as_f64().unwrap(),
    }
}

fn rel(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    (a - b).iter().fold(0.0f64, |m, v| m.max(v.abs())) / scale
}

fn rel1(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    rel(
        &a.clone().insert_axis(Axis(0)),
        &b.clone().insert_axis(Axis(0)),
    )
}

/// Test R² must be scikit-learn's: 1e-6 absolute is far below the spread between models
/// (0.56–0.81) and above the rounding of predictions that agree to 1e-6 (ridge/OLS) or 1e-4
/// relative (lasso / elastic net, whose R² moves by ~1e-6 then).
fn assert_same_r2(name: &str, d: &Data, model: &LinearModel, r: &Reference, tol: f64) {
    let pred = model.predict(d.xv.view()).unwrap();
    let (u, w) = (
        metrics::r2_uniform(d.yv.view(), pred.view()),
        metrics::r2_variance_weighted(d.yv.view(), pred.view()),
    );
    println!(
        "{name}: test R² {u:.9} / {w:.9} (sklearn {:.9} / {:.9})",
        r.r2_uniform, r.r2_weighted
    );
    assert!(
        (u - r.r2_uniform).abs() < tol,
        "{name}: R² uniform {u} vs {}",
        r.r2_uniform
    );
    assert!(
        (w - r.r2_weighted).abs() < tol,
        "{name}: R² weighted {w} vs {}",
        r.r2_weighted
    );
}

/// Ridge and OLS have unique answers computed by direct linear algebra; 1e-6 relative (the
/// issue's bound) leaves room for the different factorisations (sklearn: Cholesky of the
/// kernel/normal matrix; ours: SVD) on features with condition numbers up to ~1e5.
fn check_direct(name: &str, model: &LinearModel, d: &Data, r: &Reference) {
    let (coef, intercept) = model.coefficients();
    let pred = model.predict(d.xv.view()).unwrap();
    let (ec, ei, ep) = (
        rel(&coef, &r.coef),
        rel1(&intercept, &r.intercept),
        rel(&pred, &r.pred),
    );
    println!("{name}: coef {ec:.2e} intercept {ei:.2e} pred {ep:.2e} (relative)");
    assert!(
        ec < 1e-6 && ei < 1e-6 && ep < 1e-6,
        "{name}: {ec:e} {ei:e} {ep:e}"
    );
    assert_same_r2(name, d, model, r, 1e-6);
}

#[test]
fn ridge_backends_reproduce_scikit_learn_ridge() {
    let d = data();
    let r = reference("ridge");
    let p = FitOptions::new().alpha(1e-2).validate().unwrap();
    for name in ["native-ridge", "smartcore-ridge"] {
        let m = fit(
            backend::by_name(name).unwrap(),
            d.xt.view(),
            d.yt.view(),
            &d.grids,
            &p,
        )
        .unwrap();
        check_direct(name, &m, &d, &r);
        let obj = Array1::from(m.diagnostics.objective_train.clone());
        let ro = r.objective.as_ref().unwrap();
        assert!(
            rel1(&obj, ro) < 1e-6,
            "{name}: objective {:e}",
            rel1(&obj, ro)
        );
    }
}

#[test]
fn native_ridge_cv_chooses_scikit_learn_ridgecv_alpha() {
    let d = data();
    let r = reference("ridgecv");
    let spec = CvSpec {
        alphas: logspace(-6.0, 2.0, 17),
        l1_ratios: vec![0.0],
        folds: kfold(120, 5).unwrap(),
    };
    let p = FitOptions::new().validate().unwrap();
    let m = fit_cv(
        backend::by_name("native-ridge").unwrap(),
        d.xt.view(),
        d.yt.view(),
        &d.grids,
        &p,
        &spec,
    )
    .unwrap();
    let cv = m.diagnostics.cv.as_ref().unwrap();
    println!(
        "native-ridge CV: α = {}, mean R² {:.12} (sklearn 10, 0.7986074396889086)",
        cv.best_alpha, cv.best_score
    );
    assert_eq!(cv.best_alpha, 10.0);
    // Same folds, same scoring: the mean CV score agrees to rounding.
    assert!((cv.best_score - 0.7986074396889086).abs() < 1e-9);
    check_direct("native-ridge (CV)", &m, &d, &r);
    // smartcore has no path solver; refitting at the chosen α is what RidgeCV does after its search.
    let p10 = FitOptions::new().alpha(10.0).validate().unwrap();
    let sm = fit(
        backend::by_name("smartcore-ridge").unwrap(),
        d.xt.view(),
        d.yt.view(),
        &d.grids,
        &p10,
    )
    .unwrap();
    check_direct("smartcore-ridge (α = 10)", &sm, &d, &r);
}

#[test]
fn ols_backends_reproduce_scikit_learn_linear_regression() {
    let d = data();
    let r = reference("ols");
    let p = FitOptions::new().validate().unwrap();
    let m = fit(
        backend::by_name("native-ols").unwrap(),
        d.xt.view(),
        d.yt.view(),
        &d.grids,
        &p,
    )
    .unwrap();
    check_direct("native-ols", &m, &d, &r);
}

/// linfa-ols cannot: with n = 120 ≤ p = 200 the centred design has rank 119 and one numerically
/// zero singular value at 3.4e-16·s_max. linfa calls LAPACK gelsd with rcond = ε (2.2e-16), not
/// settable through linfa, so it keeps that direction; scikit-learn's cut-off max(n, p)·ε = 4.4e-14
/// drops it. Measured gap: coef 3.6e-2, intercept 2.3e-2, test predictions 4.3e-3 relative (see
/// docs/validation.md); asserted with a small margin so a change is noticed. On full-rank data
/// linfa-ols agrees to 1e-10 (tests/conventions.rs).
#[test]
fn linfa_ols_measured_gap_on_rank_deficient_data() {
    let d = data();
    let r = reference("ols");
    let p = FitOptions::new().validate().unwrap();
    let m = fit(
        backend::by_name("linfa-ols").unwrap(),
        d.xt.view(),
        d.yt.view(),
        &d.grids,
        &p,
    )
    .unwrap();
    let (coef, intercept) = m.coefficients();
    let pred = m.predict(d.xv.view()).unwrap();
    let (ec, ei, ep) = (
        rel(&coef, &r.coef),
        rel1(&intercept, &r.intercept),
        rel(&pred, &r.pred),
    );
    let u = metrics::r2_uniform(d.yv.view(), pred.view());
    let w = metrics::r2_variance_weighted(d.yv.view(), pred.view());
    println!(
        "linfa-ols: coef {ec:.2e} intercept {ei:.2e} pred {ep:.2e}; test R² {u:.9} / {w:.9} (sklearn {:.9} / {:.9})",
        r.r2_uniform, r.r2_weighted
    );
    assert!(ec < 5e-2 && ei < 5e-2 && ep < 1e-2, "{ec:e} {ei:e} {ep:e}");
    assert!((u - r.r2_uniform).abs() < 2e-2 && (w - r.r2_weighted).abs() < 2e-2);
}

/// Lasso / elastic net: the solution need not be unique on collinear features, so the criterion
/// is the objective (ours ≤ scikit-learn's · (1 + `obj_tol`) per target), and test predictions
/// within `pred_tol` relative. `obj_tol`/`pred_tol` are the 1e-8/1e-4 for backends that
/// reach them; for smartcore, the bounds as well (measured in docs/validation.md).
///
/// `step` > 1 fits every step-th target only: linfa's and smartcore's solvers take minutes for all
/// 100 targets in the debug profile, so the default suite checks a tenth of them (spread over the
/// whole ω range) and the `#[ignore]`d `*_all_targets` tests check all (`cargo test -- --ignored`).
fn check_sparse(name: &str, model_name: &str, l1: f64, step: usize, obj_tol: f64, pred_tol: f64) {
    let d = data();
    let r = reference(model_name);
    let cols: Vec<usize> = (0..d.yt.ncols()).step_by(step).collect();
    let yt = d.yt.select(Axis(1), &cols);
    let p = FitOptions::new()
        .alpha(1e-5)
        .l1_ratio(l1)
        .tol(1e-10)
        .max_iter(200_000)
        .validate()
        .unwrap();
    let t0 = std::time::Instant::now();
    let m = fit(
        backend::by_name(name).unwrap(),
        d.xt.view(),
        yt.view(),
        &FittedAxes::default(),
        &p,
    )
    .unwrap();
    let secs = t0.elapsed().as_secs_f64();
    if let Some(it) = &m.diagnostics.solver.n_iter {
        println!(
            "{name}: iterations max {} total {}",
            it.iter().max().unwrap(),
            it.iter().sum::<usize>()
        );
    }
    let ours = Array1::from(m.diagnostics.objective_train.clone());
    let theirs = r.objective.as_ref().unwrap().select(Axis(0), &cols);
    // Per target: (ours − theirs)/theirs; positive means we are above scikit-learn's objective.
    let excess = ours
        .iter()
        .zip(theirs.iter())
        .map(|(o, t)| (o - t) / t.abs().max(f64::MIN_POSITIVE))
        .fold(f64::NEG_INFINITY, f64::max);
    let total = (ours.sum() - theirs.sum()) / theirs.sum();
    let pred = m.predict(d.xv.view()).unwrap();
    let ep = rel(&pred, &r.pred.select(Axis(1), &cols));
    println!(
        "{name} ({} targets): {secs:.1} s; objective max excess {excess:.2e}, total {total:.2e}; pred {ep:.2e} (relative)",
        cols.len()
    );
    assert!(
        excess <= obj_tol,
        "{name}: objective above scikit-learn's by {excess:e}"
    );
    assert!(ep <= pred_tol, "{name}: predictions differ by {ep:e}");
    if step == 1 {
        let u = metrics::r2_uniform(d.yv.view(), pred.view());
        let w = metrics::r2_variance_weighted(d.yv.view(), pred.view());
        println!(
            "{name}: test R² {u:.9} / {w:.9} (sklearn {:.9} / {:.9})",
            r.r2_uniform, r.r2_weighted
        );
        // 1e-6: far below the spread between models, above the R² change from 1e-4 prediction
        // differences for the backends held to that.
        let r2_tol = if pred_tol <= 1e-4 { 1e-6 } else { 1e-2 };
        assert!(
            (u - r.r2_uniform).abs() < r2_tol,
            "{name}: R² {u} vs {}",
            r.r2_uniform
        );
        assert!(
            (w - r.r2_weighted).abs() < r2_tol,
            "{name}: R² {w} vs {}",
            r.r2_weighted
        );
    }
}

#[test]
fn native_lasso_reaches_scikit_learn_objective() {
    check_sparse("native-lasso", "lasso", 1.0, 1, 1e-8, 1e-4);
}

#[test]
fn native_elasticnet_reaches_scikit_learn_objective() {
    check_sparse("native-elasticnet", "elasticnet", 0.5, 1, 1e-8, 1e-4);
}

#[test]
fn linfa_lasso_reaches_scikit_learn_objective() {
    check_sparse("linfa-lasso", "lasso", 1.0, 10, 1e-8, 1e-4);
}

#[test]
fn linfa_elasticnet_reaches_scikit_learn_objective() {
    check_sparse("linfa-elasticnet", "elasticnet", 0.5, 10, 1e-8, 1e-4);
}

#[test]
#[ignore = "minutes in the debug profile; run with --ignored (numbers in docs/validation.md)"]
fn linfa_lasso_all_targets() {
    check_sparse("linfa-lasso", "lasso", 1.0, 1, 1e-8, 1e-4);
}

#[test]
#[ignore = "minutes in the debug profile; run with --ignored (numbers in docs/validation.md)"]
fn linfa_elasticnet_all_targets() {
    check_sparse("linfa-elasticnet", "elasticnet", 0.5, 1, 1e-8, 1e-4);
}

#[test]
fn smartcore_lasso_objective_gap() {
    check_sparse(
        "smartcore-lasso",
        "lasso",
        1.0,
        20,
        SMARTCORE_OBJ,
        SMARTCORE_PRED,
    );
}

#[test]
fn smartcore_elasticnet_objective_gap() {
    check_sparse(
        "smartcore-elasticnet",
        "elasticnet",
        0.5,
        20,
        SMARTCORE_OBJ,
        SMARTCORE_PRED,
    );
}

#[test]
#[ignore = "minutes in the debug profile; run with --ignored (numbers in docs/validation.md)"]
fn smartcore_lasso_all_targets() {
    check_sparse(
        "smartcore-lasso",
        "lasso",
        1.0,
        1,
        SMARTCORE_OBJ,
        SMARTCORE_PRED,
    );
}

#[test]
#[ignore = "minutes in the debug profile; run with --ignored (numbers in docs/validation.md)"]
fn smartcore_elasticnet_all_targets() {
    check_sparse(
        "smartcore-elasticnet",
        "elasticnet",
        0.5,
        1,
        SMARTCORE_OBJ,
        SMARTCORE_PRED,
    );
}

/// smartcore's interior point (tol = relative duality gap 1e-10) meets the bounds too:
/// measured objective excess ≤ 5.2e-11, predictions 1.9e-9 relative (docs/validation.md).
const SMARTCORE_OBJ: f64 = 1e-8;
const SMARTCORE_PRED: f64 = 1e-4;

/// The lasso path (coordinate descent warm-started down five α, intercept by centring) against
/// scikit-learn's `lasso_path` on the centred training data, one target at a time
/// (`tests/peers/lasso_path.py`, α from 1e-3 to 3e-6, where every target has at most 99 < n − 1
/// active features, so the solution is unique and coefficients, not only objectives, must agree;
/// measured 2e-11 to 3e-10). Both solve to a duality gap of
/// ~1e-12 relative; 1e-5 of the largest coefficient (the bound) leaves room for the
/// stopping rules differing (scikit-learn: gap; ours: the largest coordinate update).
#[test]
fn native_lasso_path_reproduces_scikit_learn_lasso_path() {
    let d = data();
    let alphas = npy1("sklearn/lasso_path/alphas.npy");
    let reference: ndarray::Array3<f64> =
        read_npy(dir().join("sklearn/lasso_path/coef.npy")).unwrap();
    let p = FitOptions::new()
        .l1_ratio(1.0)
        .tol(1e-12)
        .max_iter(1_000_000)
        .validate()
        .unwrap();
    let path = vitrum_regress::fit_path(
        backend::by_name("native-lasso").unwrap(),
        d.xt.view(),
        d.yt.view(),
        &p,
        alphas.as_slice().unwrap(),
    )
    .unwrap();
    assert_eq!(path.coefficients.len(), alphas.len());
    for (k, w) in path.coefficients.iter().enumerate() {
        let theirs = reference.index_axis(Axis(0), k).to_owned();
        let e = rel(w, &theirs);
        println!(
            "lasso path α = {:e}: coefficients {e:.2e} (relative)",
            alphas[k]
        );
        assert!(e < 1e-5, "α = {}: {e:e}", alphas[k]);
    }
}
