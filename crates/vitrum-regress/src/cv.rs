//! Model selection: k-fold and grouped k-fold cross-validation over any [`Estimator`]'s
//! hyper-parameters, and learning curves of any estimator.
//!
//! Folds run in parallel (rayon) and scores are reduced in fold order, so results do not depend
//! on the number of threads. Within a fold the estimator scores all its candidates in one
//! [`Estimator::validation_scores`] call: by default it fits each one; a [`LinearEstimator`]
//! scores the whole α path of each ρ in one [`crate::Backend::validation_r2_path`] call (native
//! ridge factorises once and scores every α in that basis; native lasso / elastic net
//! warm-start along descending α). Candidates a model ignores (α for OLS, ρ for all but elastic
//! nets) are not searched: [`cross_validate`] fits them once and copies their scores.
//! Preprocessing is refitted on each fold's training part, as scikit-learn's pipeline would.

use crate::axes::FittedAxes;
use crate::backend::Backend;
use crate::candidates::{ALPHA, Hyper, L1_RATIO, SearchGrid};
use crate::data::take_rows;
use crate::error::{RegressError, Result};
use crate::hyperparams::FitParams;
use crate::linear::LinearEstimator;
use crate::metrics;
use crate::model::{FitPath, LinearModel, fit_path};
use crate::predictor::{Estimator, Predictor};
use ndarray::ArrayView2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Train and validation row indices of one fold.
pub type Fold = (Vec<usize>, Vec<usize>);

/// scikit-learn `KFold(n_splits)` without shuffling: contiguous blocks, the first `n % k` one
/// longer.
pub fn kfold(n_samples: usize, n_splits: usize) -> Result<Vec<Fold>> {
    if n_splits < 2 || n_samples < n_splits {
        return Err(RegressError::BadFolds {
            n_splits,
            got: n_samples,
        });
    }
    let mut start = 0;
    Ok((0..n_splits)
        .map(|k| {
            let len = n_samples / n_splits + usize::from(k < n_samples % n_splits);
            let test: Vec<usize> = (start..start + len).collect();
            let train = (0..n_samples)
                .filter(|i| !(start..start + len).contains(i))
                .collect();
            start += len;
            (train, test)
        })
        .collect())
}

/// Grouped k-fold (scikit-learn `GroupKFold`): no group is split across folds; groups, largest
/// first (ties by label), go to the fold with the fewest samples so far.
pub fn group_kfold(groups: &[i64], n_splits: usize) -> Result<Vec<Fold>> {
    let mut labels: Vec<i64> = groups.to_vec();
    labels.sort_unstable();
    labels.dedup();
    if n_splits < 2 || labels.len() < n_splits {
        return Err(RegressError::BadFolds {
            n_splits,
            got: labels.len(),
        });
    }
    let mut sizes: Vec<(usize, i64)> = labels
        .iter()
        .map(|&l| (groups.iter().filter(|&&g| g == l).count(), l))
        .collect();
    sizes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut fold_of = std::collections::HashMap::new();
    let mut load = vec![0usize; n_splits];
    for (size, label) in sizes {
        let k = (0..n_splits).min_by_key(|&k| (load[k], k)).unwrap_or(0);
        load[k] += size;
        fold_of.insert(label, k);
    }
    Ok((0..n_splits)
        .map(|k| {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..groups.len()).partition(|&i| fold_of[&groups[i]] == k);
            (train, test)
        })
        .collect())
}

/// `n` values log-spaced from 10^lo to 10^hi (numpy `logspace`).
pub fn logspace(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    match n {
        0 => vec![],
        1 => vec![10f64.powf(lo)],
        _ => (0..n)
            .map(|i| 10f64.powf(lo + (hi - lo) * i as f64 / (n - 1) as f64))
            .collect(),
    }
}

/// What to search over and how to split.
#[derive(Debug, Clone)]
pub struct CvSpec {
    /// Candidate α.
    pub alphas: Vec<f64>,
    /// Candidate ρ (ignored by models without one; give one value then).
    pub l1_ratios: Vec<f64>,
    /// The folds.
    pub folds: Vec<Fold>,
}

/// Outcome of a cross-validation of a linear model, stored in the model's diagnostics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvReport {
    /// Candidate α.
    pub alphas: Vec<f64>,
    /// Candidate ρ.
    pub l1_ratios: Vec<f64>,
    /// Mean validation R² (uniform average, scikit-learn's `score`), `[ρ][α]`.
    pub mean_r2: Vec<Vec<f64>>,
    /// Validation R² of every fold, `[fold][ρ][α]` (absent from format-1 model files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fold_r2: Vec<Vec<Vec<f64>>>,
    /// Chosen α (first best in candidate order, as `GridSearchCV`).
    pub best_alpha: f64,
    /// Chosen ρ.
    pub best_l1_ratio: f64,
    /// Its mean validation R².
    pub best_score: f64,
    /// Number of folds.
    pub n_splits: usize,
}

/// Outcome of a cross-validation of any estimator: every candidate's scores, fold by fold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvScores {
    /// The settings tried, in the estimator's order.
    pub candidates: Vec<Hyper>,
    /// Validation R² (uniform average), `[fold][candidate]`.
    pub fold_r2: Vec<Vec<f64>>,
    /// Mean over folds, `[candidate]`.
    pub mean_r2: Vec<f64>,
    /// Index of the chosen candidate: the first with the best mean (as `GridSearchCV`).
    pub best: usize,
}

impl CvScores {
    /// The chosen setting.
    pub fn best_hyper(&self) -> &Hyper {
        &self.candidates[self.best]
    }
    /// Its mean validation R².
    pub fn best_score(&self) -> f64 {
        self.mean_r2[self.best]
    }
}

/// Scores every candidate of `estimator` on every fold (no refit). Candidates come from
/// [`Estimator::candidates`]; give them explicitly to score other settings.
pub fn cross_validate_estimator(
    estimator: &dyn Estimator,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    candidates: &[Hyper],
    folds: &[Fold],
) -> Result<CvScores> {
    crate::data::check_training_data(x, y)?;
    if candidates.is_empty() || folds.is_empty() {
        return Err(RegressError::BadFolds {
            n_splits: folds.len(),
            got: candidates.len(),
        });
    }
    let fold_r2: Vec<Vec<f64>> = folds
        .par_iter()
        .map(|(train, test)| {
            let (xt, yt) = (take_rows(x, train), take_rows(y, train));
            let (xv, yv) = (take_rows(x, test), take_rows(y, test));
            estimator.validation_scores((xt.view(), yt.view()), (xv.view(), yv.view()), candidates)
        })
        .collect::<Result<_>>()?;
    let nf = fold_r2.len() as f64;
    let mean_r2: Vec<f64> = (0..candidates.len())
        .map(|c| fold_r2.iter().map(|f| f[c]).sum::<f64>() / nf)
        .collect();
    let (mut best, mut best_score) = (0, f64::NEG_INFINITY);
    for (c, &s) in mean_r2.iter().enumerate() {
        if s > best_score {
            (best, best_score) = (c, s);
        }
    }
    Ok(CvScores {
        candidates: candidates.to_vec(),
        fold_r2,
        mean_r2,
        best,
    })
}

/// Cross-validates `estimator` over its candidates from `grid`, then refits on all rows with the
/// chosen setting.
pub fn fit_cv_estimator(
    estimator: &dyn Estimator,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    axes: &FittedAxes,
    grid: &SearchGrid,
    folds: &[Fold],
) -> Result<(Box<dyn Predictor>, CvScores)> {
    let scores = cross_validate_estimator(estimator, x, y, &estimator.candidates(grid), folds)?;
    let model = estimator.fit(x, y, axes, scores.best_hyper())?;
    Ok((model, scores))
}

/// Scores every (ρ, α) on every fold; returns the report (no refit).
pub fn cross_validate(
    backend: &dyn Backend,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    params: &FitParams,
    spec: &CvSpec,
) -> Result<CvReport> {
    crate::data::check_training_data(x, y)?;
    if spec.alphas.is_empty() || spec.l1_ratios.is_empty() || spec.folds.is_empty() {
        return Err(RegressError::BadFolds {
            n_splits: spec.folds.len(),
            got: spec.alphas.len().min(spec.l1_ratios.len()),
        });
    }
    let est = LinearEstimator::new(
        backend,
        params
            .with_alpha(spec.alphas[0])?
            .with_l1_ratio(spec.l1_ratios[0])?,
    );
    let grid = SearchGrid::new()
        .axis(ALPHA, spec.alphas.clone())
        .axis(L1_RATIO, spec.l1_ratios.clone());
    let scores = cross_validate_estimator(&est, x, y, &est.candidates(&grid), &spec.folds)?;
    // The estimator searched only the axes its family uses (ρ-major); spread the scores over the
    // full [ρ][α] table, copying them along the axes it ignores.
    let n_alpha = if backend.kind().uses_alpha() {
        spec.alphas.len()
    } else {
        1
    };
    let n_rho = if est.searches_l1_ratio() {
        spec.l1_ratios.len()
    } else {
        1
    };
    debug_assert_eq!(scores.candidates.len(), n_alpha * n_rho);
    let table = |per: &[f64]| -> Vec<Vec<f64>> {
        (0..spec.l1_ratios.len())
            .map(|r| {
                (0..spec.alphas.len())
                    .map(|a| per[(r % n_rho) * n_alpha + (a % n_alpha)])
                    .collect()
            })
            .collect()
    };
    let fold_r2: Vec<Vec<Vec<f64>>> = scores.fold_r2.iter().map(|f| table(f)).collect();
    let nf = fold_r2.len() as f64;
    let mean_r2: Vec<Vec<f64>> = (0..spec.l1_ratios.len())
        .map(|r| {
            (0..spec.alphas.len())
                .map(|a| fold_r2.iter().map(|f| f[r][a]).sum::<f64>() / nf)
                .collect()
        })
        .collect();
    let (mut br, mut ba, mut best) = (0, 0, f64::NEG_INFINITY);
    for (r, row) in mean_r2.iter().enumerate() {
        for (a, &s) in row.iter().enumerate() {
            if s > best {
                (br, ba, best) = (r, a, s);
            }
        }
    }
    Ok(CvReport {
        alphas: spec.alphas.clone(),
        l1_ratios: spec.l1_ratios.clone(),
        mean_r2,
        fold_r2,
        best_alpha: spec.alphas[ba],
        best_l1_ratio: spec.l1_ratios[br],
        best_score: best,
        n_splits: spec.folds.len(),
    })
}

/// Cross-validates, then refits on all rows with the chosen α and ρ (scikit-learn `RidgeCV(cv=k)`,
/// `ElasticNetCV`-like). The report is stored in the model's diagnostics.
pub fn fit_cv(
    backend: &dyn Backend,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    grids: &FittedAxes,
    params: &FitParams,
    spec: &CvSpec,
) -> Result<LinearModel> {
    let report = cross_validate(backend, x, y, params, spec)?;
    let best = params
        .with_alpha(report.best_alpha)?
        .with_l1_ratio(report.best_l1_ratio)?;
    let mut model = crate::model::fit(backend, x, y, grids, &best)?;
    model.diagnostics.cv = Some(report);
    Ok(model)
}

/// [`fit_cv`], and the regularisation path on all rows along the candidate α at the chosen ρ
/// ([`fit_path`]): what the CV table's scores were computed from, refitted on the whole training
/// set. The model equals the path at the chosen α (see [`fit_path`] for how exactly).
pub fn fit_cv_path(
    backend: &dyn Backend,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    grids: &FittedAxes,
    params: &FitParams,
    spec: &CvSpec,
) -> Result<(LinearModel, FitPath)> {
    let model = fit_cv(backend, x, y, grids, params, spec)?;
    let path = fit_path(backend, x, y, &model.params, &spec.alphas)?;
    Ok((model, path))
}

/// One point of a learning curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearningPoint {
    /// Training samples used (the first `n_train` rows).
    pub n_train: usize,
    /// Training R² (uniform).
    pub train_r2: f64,
    /// Test R² (uniform).
    pub test_r2: f64,
    /// Test RMSE.
    pub test_rmse: f64,
}

/// Test error against training-set size: fits on the first `n` training rows for each `n` in
/// `sizes` (in parallel) and scores on the fixed test set.
pub fn learning_curve(
    backend: &dyn Backend,
    train: (ArrayView2<f64>, ArrayView2<f64>),
    test: (ArrayView2<f64>, ArrayView2<f64>),
    params: &FitParams,
    sizes: &[usize],
) -> Result<Vec<LearningPoint>> {
    let est = LinearEstimator::new(backend, *params);
    let hyper = est.hyper_of(params.alpha, params.l1_ratio);
    learning_curve_estimator(&est, train, test, &hyper, sizes)
}

/// [`learning_curve`] of any estimator at the setting `hyper`.
pub fn learning_curve_estimator(
    estimator: &dyn Estimator,
    train: (ArrayView2<f64>, ArrayView2<f64>),
    test: (ArrayView2<f64>, ArrayView2<f64>),
    hyper: &Hyper,
    sizes: &[usize],
) -> Result<Vec<LearningPoint>> {
    let (xt, yt) = train;
    let (xv, yv) = test;
    sizes
        .par_iter()
        .map(|&n| {
            let range = crate::data::parse_range(&format!("0..{n}"), xt.nrows())?;
            let (xs, ys) = (crate::data::rows(xt, &range), crate::data::rows(yt, &range));
            let model = estimator.fit(xs.view(), ys.view(), &FittedAxes::default(), hyper)?;
            let train_pred = model.predict(xs.view())?;
            let pred = model.predict(xv)?;
            Ok(LearningPoint {
                n_train: n,
                train_r2: metrics::r2_uniform(ys.view(), train_pred.view()),
                test_r2: metrics::r2_uniform(yv, pred.view()),
                test_rmse: metrics::rmse(yv, pred.view()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kfold_matches_scikit_learn_sizes() {
        let f = kfold(12, 5).unwrap();
        let sizes: Vec<usize> = f.iter().map(|(_, t)| t.len()).collect();
        assert_eq!(sizes, vec![3, 3, 2, 2, 2]);
        assert_eq!(f[0].1, vec![0, 1, 2]);
        assert_eq!(f[1].0.len(), 9);
        assert!(kfold(3, 5).is_err());
    }

    #[test]
    fn group_kfold_never_splits_a_group() {
        let groups = [0, 0, 0, 1, 1, 2, 3, 3, 3, 3];
        let folds = group_kfold(&groups, 2).unwrap();
        for (train, test) in &folds {
            for &i in test {
                assert!(train.iter().all(|&j| groups[j] != groups[i]));
            }
        }
        assert!(group_kfold(&groups, 5).is_err());
    }

    fn toy(n: usize) -> (ndarray::Array2<f64>, ndarray::Array2<f64>) {
        let x = ndarray::Array2::from_shape_fn((n, 5), |(i, j)| {
            ((i * 31 + j * 17) % 13) as f64 / 6.0 + (0.3 * (i + j) as f64).sin()
        });
        let y = ndarray::Array2::from_shape_fn((n, 2), |(i, k)| {
            x[[i, 0]] - x[[i, 3]] * (k + 1) as f64 + 0.3 * ((i * 7919) % 11) as f64 / 11.0
        });
        (x, y)
    }

    #[test]
    fn cv_is_deterministic_and_picks_the_best_mean_score() {
        let (x, y) = toy(40);
        let b = crate::backend::by_name("native-ridge").unwrap();
        let p = crate::FitOptions::new().validate().unwrap();
        let spec = CvSpec {
            alphas: logspace(-4.0, 3.0, 8),
            l1_ratios: vec![0.0],
            folds: kfold(40, 4).unwrap(),
        };
        let a = cross_validate(b, x.view(), y.view(), &p, &spec).unwrap();
        let again = cross_validate(b, x.view(), y.view(), &p, &spec).unwrap();
        assert_eq!(a, again);
        let best = a.mean_r2[0]
            .iter()
            .cloned()
            .fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(a.best_score, best);
        // Grouped folds go through the same path.
        let groups: Vec<i64> = (0..40).map(|i| i / 5).collect();
        let spec_g = CvSpec {
            folds: group_kfold(&groups, 4).unwrap(),
            ..spec
        };
        assert!(cross_validate(b, x.view(), y.view(), &p, &spec_g).is_ok());
    }

    #[test]
    fn learning_curve_improves_with_data() {
        let (x, y) = toy(60);
        let b = crate::backend::by_name("native-ridge").unwrap();
        let p = crate::FitOptions::new().alpha(1e-3).validate().unwrap();
        let (xt, yt) = (
            x.slice(ndarray::s![..40, ..]),
            y.slice(ndarray::s![..40, ..]),
        );
        let (xv, yv) = (
            x.slice(ndarray::s![40.., ..]),
            y.slice(ndarray::s![40.., ..]),
        );
        let lc = learning_curve(b, (xt, yt), (xv, yv), &p, &[4, 10, 40]).unwrap();
        assert_eq!(
            lc.iter().map(|l| l.n_train).collect::<Vec<_>>(),
            vec![4, 10, 40]
        );
        assert!(lc[2].test_rmse < lc[0].test_rmse, "{lc:?}");
        assert!(learning_curve(b, (xt, yt), (xv, yv), &p, &[0]).is_err());
    }

    #[test]
    fn logspace_matches_numpy() {
        let a = logspace(-6.0, 2.0, 17);
        assert_eq!(a.len(), 17);
        assert!((a[0] - 1e-6).abs() < 1e-20 && (a[16] - 100.0).abs() < 1e-12);
        assert!((a[14] - 10.0).abs() < 1e-12);
    }

    /// OLS has no α and ridge no ρ: their CV solves each distinct model once and reports the
    /// same scores for every candidate; the choice is then the first candidate, as GridSearchCV's
    /// first-best rule gives on ties.
    #[test]
    fn parameters_a_model_ignores_are_not_searched() {
        let (x, y) = toy(40);
        let p = crate::FitOptions::new().validate().unwrap();
        let spec = CvSpec {
            alphas: logspace(-2.0, 1.0, 4),
            l1_ratios: vec![0.2, 0.8],
            folds: kfold(40, 4).unwrap(),
        };
        let ols = crate::backend::by_name("native-ols").unwrap();
        let r = cross_validate(ols, x.view(), y.view(), &p, &spec).unwrap();
        assert!(r.mean_r2.iter().flatten().all(|&s| s == r.mean_r2[0][0]));
        assert_eq!((r.best_alpha, r.best_l1_ratio), (spec.alphas[0], 0.2));
        let ridge = crate::backend::by_name("native-ridge").unwrap();
        let r = cross_validate(ridge, x.view(), y.view(), &p, &spec).unwrap();
        assert_eq!(r.mean_r2[0], r.mean_r2[1]);
        assert!(r.mean_r2[0][0] != r.mean_r2[0][3]);
    }

    /// Native ridge scores in its SVD basis; the generic path (fit, predict, score) must give the
    /// same CV table. smartcore-ridge solves the same problem by Cholesky: 1e-8 covers the two
    /// factorisations on this well-conditioned toy.
    #[test]
    #[cfg(feature = "smartcore")]
    fn ridge_cv_fast_path_matches_generic_scoring() {
        let (x, y) = toy(40);
        let p = crate::FitOptions::new().validate().unwrap();
        let spec = CvSpec {
            alphas: logspace(-3.0, 2.0, 6),
            l1_ratios: vec![0.0],
            folds: kfold(40, 5).unwrap(),
        };
        let fast = cross_validate(
            crate::backend::by_name("native-ridge").unwrap(),
            x.view(),
            y.view(),
            &p,
            &spec,
        )
        .unwrap();
        let slow = cross_validate(
            crate::backend::by_name("smartcore-ridge").unwrap(),
            x.view(),
            y.view(),
            &p,
            &spec,
        )
        .unwrap();
        for (a, b) in fast.mean_r2[0].iter().zip(&slow.mean_r2[0]) {
            assert!((a - b).abs() < 1e-8, "{a} vs {b}");
        }
        assert_eq!(fast.best_alpha, slow.best_alpha);
    }
}
