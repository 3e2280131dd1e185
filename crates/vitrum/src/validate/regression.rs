//! vitrum-regress against scikit-learn 1.9.1 on fixtures/dataset-ka2d (train 0..120, test
//! 120..150, as `sklearn/models.json` records): coefficients, test predictions, test R² (both
//! averages) and, for the sparse solvers, the training objective. Tolerances are those of
//! crates/vitrum-regress/tests/sklearn_ka2d.rs, where each is justified.

use super::{Fixtures, Row, max_rel};
use anyhow::{Context, Result};
use vitrum_regress::ndarray::{Array2, s};
use vitrum_regress::{
    CvSpec, FitOptions, FittedAxes, LinearModel, backend, fit, fit_cv, kfold, logspace, metrics,
};

const AREA: &str = "vitrum-regress";
const DS: &str = "dataset-ka2d";

struct Split {
    xt: Array2<f64>,
    yt: Array2<f64>,
    xv: Array2<f64>,
    yv: Array2<f64>,
}

/// The rows for `backend` fitted as scikit-learn's `model`.
fn compare(
    fx: &Fixtures,
    rows: &mut Vec<Row>,
    label: &str,
    m: &LinearModel,
    data: &Split,
    model: &str,
    direct: bool,
) -> Result<()> {
    let dir = |f: &str| fx.path(&format!("{DS}/sklearn/{model}/{f}"));
    let source = format!("scikit-learn ({DS}/sklearn/{model})");
    let pred = m.predict(data.xv.view())?;
    let reference = vitrum_io::read_npy_2d(&dir("pred_test.npy"))?;
    let flat = |a: &Array2<f64>| a.iter().copied().collect::<Vec<_>>();
    // direct solvers (one answer): 1e-6 relative; sparse solvers, whose minimiser need not be
    // unique on collinear features: predictions to 1e-4 and the objective
    let pred_tol = if direct { 1e-6 } else { 1e-4 };
    rows.push(Row::new(
        AREA,
        format!("{label}: test predictions"),
        source.clone(),
        "max |Δŷ| / max |ŷ|",
        max_rel(&flat(&pred), &flat(&reference)),
        pred_tol,
    ));
    if direct {
        let (coef, _) = m.coefficients();
        let ref_coef = vitrum_io::read_npy_2d(&dir("coef.npy"))?;
        rows.push(Row::new(
            AREA,
            format!("{label}: coefficients W"),
            source.clone(),
            "max |ΔW| / max |W|",
            max_rel(&flat(&coef), &flat(&ref_coef)),
            1e-6,
        ));
    } else {
        let ours = &m.diagnostics.objective_train;
        let theirs = vitrum_io::read_npy_1d(&dir("objective_train.npy"))?;
        let excess = ours
            .iter()
            .zip(theirs.iter())
            .map(|(o, t)| (o - t) / t.abs().max(f64::MIN_POSITIVE))
            .fold(f64::NEG_INFINITY, f64::max);
        rows.push(Row::new(
            AREA,
            format!("{label}: training objective, worst target"),
            source.clone(),
            "(ours − theirs) / theirs",
            excess,
            1e-8,
        ));
    }
    let meta = format!("{DS}/sklearn/{model}/model.json");
    for (avg, pointer, ours) in [
        (
            "uniform",
            "/test/r2_uniform_average",
            metrics::r2_uniform(data.yv.view(), pred.view()),
        ),
        (
            "variance-weighted",
            "/test/r2_variance_weighted",
            metrics::r2_variance_weighted(data.yv.view(), pred.view()),
        ),
    ] {
        // 1e-6: far below the spread between models (0.56–0.81), above the R² change that
        // prediction differences within tolerance make
        rows.push(Row::new(
            AREA,
            format!("{label}: test R² ({avg})"),
            format!("scikit-learn r2_score ({meta})"),
            "|ΔR²|",
            (ours - fx.number(&meta, pointer)?).abs(),
            1e-6,
        ));
    }
    Ok(())
}

pub fn rows(fx: &Fixtures, rows: &mut Vec<Row>) -> Result<()> {
    let x = vitrum_io::read_npy_2d(&fx.path(&format!("{DS}/features.npy")))?;
    let y = vitrum_io::read_npy_2d(&fx.path(&format!("{DS}/targets.npy")))?;
    let data = Split {
        xt: x.slice(s![..120, ..]).to_owned(),
        yt: y.slice(s![..120, ..]).to_owned(),
        xv: x.slice(s![120.., ..]).to_owned(),
        yv: y.slice(s![120.., ..]).to_owned(),
    };
    let axes = FittedAxes::default();
    let by_name = |n: &str| backend::by_name(n).with_context(|| format!("backend {n}"));
    let ridge = FitOptions::new().alpha(1e-2).validate()?;
    for name in ["native-ridge", "smartcore-ridge"] {
        let m = fit(
            by_name(name)?,
            data.xt.view(),
            data.yt.view(),
            &axes,
            &ridge,
        )?;
        compare(fx, rows, name, &m, &data, "ridge", true)?;
    }
    let ols = FitOptions::new().validate()?;
    let m = fit(
        by_name("native-ols")?,
        data.xt.view(),
        data.yt.view(),
        &axes,
        &ols,
    )?;
    compare(fx, rows, "native-ols", &m, &data, "ols", true)?;

    // RidgeCV: the same α from the same folds, and its mean CV score to rounding
    let spec = CvSpec {
        alphas: logspace(-6.0, 2.0, 17),
        l1_ratios: vec![0.0],
        folds: kfold(120, 5)?,
    };
    let m = fit_cv(
        by_name("native-ridge")?,
        data.xt.view(),
        data.yt.view(),
        &axes,
        &FitOptions::new().validate()?,
        &spec,
    )?;
    let cv = m
        .diagnostics
        .cv
        .as_ref()
        .context("native-ridge CV: no CV record")?;
    let meta = format!("{DS}/sklearn/ridgecv/model.json");
    rows.push(Row::new(
        AREA,
        "native-ridge 5-fold CV: chosen α",
        format!("scikit-learn RidgeCV ({meta} alpha_chosen)"),
        "|Δ log10 α|",
        (cv.best_alpha.log10() - fx.number(&meta, "/alpha_chosen")?.log10()).abs(),
        1e-12,
    ));
    rows.push(Row::new(
        AREA,
        "native-ridge 5-fold CV: mean CV R² at the chosen α",
        format!("scikit-learn RidgeCV ({meta} cv_best_score)"),
        "|ΔR²|",
        (cv.best_score - fx.number(&meta, "/cv_best_score")?).abs(),
        1e-9,
    ));
    compare(fx, rows, "native-ridge (CV)", &m, &data, "ridgecv", true)?;

    // the lasso path, warm-started down five α, against lasso_path per target (unique
    // solutions: ≤ 99 active features of 200 for 120 samples; measured 2e-11 to 3e-10)
    let alphas = vitrum_io::read_npy_1d(&fx.path(&format!("{DS}/sklearn/lasso_path/alphas.npy")))?;
    let path_ref = vitrum_io::read_npy_dyn(&fx.path(&format!("{DS}/sklearn/lasso_path/coef.npy")))?;
    let p = FitOptions::new()
        .l1_ratio(1.0)
        .tol(1e-12)
        .max_iter(1_000_000)
        .validate()?;
    let path = vitrum_regress::fit_path(
        by_name("native-lasso")?,
        data.xt.view(),
        data.yt.view(),
        &p,
        &alphas.to_vec(),
    )?;
    for (k, w) in path.coefficients.iter().enumerate() {
        let theirs: Vec<f64> = path_ref
            .index_axis(vitrum_regress::ndarray::Axis(0), k)
            .iter()
            .copied()
            .collect();
        rows.push(Row::new(
            AREA,
            format!("native-lasso path at α = {:e}: coefficients", alphas[k]),
            format!("scikit-learn lasso_path ({DS}/sklearn/lasso_path)"),
            "max |ΔW| / max |W|",
            max_rel(&w.iter().copied().collect::<Vec<_>>(), &theirs),
            1e-5,
        ));
    }

    for (name, model, l1) in [
        ("native-lasso", "lasso", 1.0),
        ("native-elasticnet", "elasticnet", 0.5),
    ] {
        let p = FitOptions::new()
            .alpha(1e-5)
            .l1_ratio(l1)
            .tol(1e-10)
            .max_iter(200_000)
            .validate()?;
        let m = fit(by_name(name)?, data.xt.view(), data.yt.view(), &axes, &p)?;
        compare(fx, rows, name, &m, &data, model, false)?;
    }
    Ok(())
}
