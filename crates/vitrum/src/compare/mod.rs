//! Data efficiency: every predictor fitted on random subsets of the training samples of growing
//! size, each with its own cross-validation, and scored on one fixed held-out set
//! (`vitrum compare`). The numbers go to `results.json` ([`CompareResults`]), the curves and the
//! table to `report.html` ([`report`]).
//!
//! Every predictor sees the same subsets (a subset depends on the seed, the size and the repeat,
//! never on the predictor), so differences between predictors are paired. Subsets are fitted one
//! after the other and each fit's cross-validation folds in parallel (rayon), as `vitrum fit
//! --cv` does, so `fit_seconds` is one fit's wall time. (Fitting subsets in parallel too made
//! the times meaningless: a rayon worker waiting for a network's own thread pool steals other
//! subsets' fits, so every fit's clock ran over all of them; for the linear models the whole
//! comparison takes seconds either way.) Each fit is deterministic whatever the thread count
//! (cross-validation reduces fold scores in fold order, the networks train in their own
//! one-thread pool), so a seed gives the same numbers bit for bit. Only the times vary.

pub mod ceiling;
pub mod report;
pub mod stability;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::time::Instant;
use vitrum_regress::candidates::ALPHA;
use vitrum_regress::data::take_rows;
use vitrum_regress::ndarray::ArrayView2;
use vitrum_regress::{
    Estimator, FitOptions, FitParams, FittedAxes, Hyper, Metrics, SearchGrid, backend,
    fit_cv_estimator, kfold,
};

/// What to compare and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Registry names of the estimators (`crate::registry::estimator_names`).
    pub predictors: Vec<String>,
    /// Training-set sizes, each ≤ the training range's length.
    pub sizes: Vec<usize>,
    /// Random subsets per size (one at the full size: the whole training range).
    pub repeats: usize,
    /// Seed of the subsets.
    pub seed: u64,
    /// Rows the subsets are drawn from.
    pub train: Range<usize>,
    /// Held-out rows every fit is scored on.
    pub test: Range<usize>,
    /// Folds of each fit's cross-validation (fewer on small subsets, see [`cv_folds`]).
    pub cv: usize,
    /// Candidate α of the linear backends, LOG10_MIN:LOG10_MAX:N (other estimators search their
    /// own built-in grids).
    pub alphas: String,
    /// The reach target is the best predictor's mean variance-weighted R² at the largest size
    /// minus this margin ([`reach_target`]).
    pub reach_margin: f64,
}

/// Folds of the cross-validation on `n` samples: `cv`, but at most `n / 2` so every validation
/// fold holds ≥ 2 samples (R² of one sample compares it with itself); 0 (no CV: the estimator's
/// default setting) when that leaves fewer than 2 folds.
pub fn cv_folds(cv: usize, n: usize) -> usize {
    let k = cv.min(n / 2);
    if k < 2 { 0 } else { k }
}

/// The training rows of subset `repeat` of size `size`: `size` rows of `train` drawn without
/// replacement by a generator seeded with (`seed`, `size`, `repeat`), in ascending order. The
/// full range for `size == train.len()`.
pub fn subset(seed: u64, train: &Range<usize>, size: usize, repeat: usize) -> Vec<usize> {
    let mut rows: Vec<usize> = train.clone().collect();
    let mut rng =
        vitrum_sim::rng::Rng::new(vitrum_sim::rng::mix(&[seed, size as u64, repeat as u64]));
    rng.shuffle(&mut rows);
    rows.truncate(size);
    rows.sort_unstable();
    rows
}

/// Mean, sample standard deviation (n − 1; 0 for one value), min and max.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    /// `None` for no values.
    pub fn of(values: &[f64]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = if values.len() > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        let min = values.iter().cloned().fold(f64::INFINITY, f64::min);
        let max = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        Some(Self { mean, sd, min, max })
    }
}

/// One fit: a predictor on one subset, scored on the held-out rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitRecord {
    pub size: usize,
    pub repeat: usize,
    /// Dataset rows it was trained on.
    pub rows: Vec<usize>,
    /// Folds of its cross-validation (0: not cross-validated).
    pub cv_folds: usize,
    /// The setting used (chosen by CV where searched).
    pub hyper: Hyper,
    /// Mean CV R² (uniform) of that setting.
    pub cv_r2: Option<f64>,
    /// Held-out metrics (R² both kinds, W₁ in ω units, ...); absent when the fit failed.
    pub metrics: Option<Metrics>,
    /// Why the fit failed.
    pub error: Option<String>,
    /// Wall time of CV and refit, seconds.
    pub fit_seconds: f64,
}

/// Mean and spread of one size's fits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizeSummary {
    pub size: usize,
    /// Fits that succeeded.
    pub n_fits: usize,
    pub r2_variance_weighted: Option<Spread>,
    pub r2_uniform: Option<Spread>,
    pub wasserstein1: Option<Spread>,
    pub fit_seconds: Option<Spread>,
}

/// Everything about one predictor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictorResults {
    pub predictor: String,
    pub fits: Vec<FitRecord>,
    pub summary: Vec<SizeSummary>,
    /// Smallest size whose mean variance-weighted R² reaches the target; `None` if none does.
    pub samples_to_reach: Option<usize>,
    /// Wall time of all its fits, seconds.
    pub wall_seconds: f64,
}

/// `results.json` of `vitrum compare`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareResults {
    /// `vitrum-compare/1`.
    pub format: String,
    pub dataset: String,
    pub settings: Settings,
    pub n_features: usize,
    pub n_targets: usize,
    /// The R² each predictor's `samples_to_reach` refers to.
    pub reach_target: Option<f64>,
    /// How the target is chosen, in words.
    pub reach_rule: String,
    pub predictors: Vec<PredictorResults>,
    /// Stability selection of the lasso (`--stability B`), when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stability: Option<stability::StabilityResults>,
    /// The highest R² the held-out targets allow, given their finite-size sampling noise
    /// ([`ceiling::NoiseCeiling`]); `None` with the reason in `noise_ceiling_note`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_ceiling: Option<ceiling::NoiseCeiling>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_ceiling_note: Option<String>,
    pub wall_seconds: f64,
}

/// Estimators that are ridge underneath and search the linear backends' α, as `vitrum fit` does.
const RIDGE_ALPHA_ESTIMATORS: &[&str] = &["theory-prior-ridge"];

/// The setting candidates `estimator` is cross-validated over: the linear backends (and ridge
/// towards a prior) the α list, the others their own built-in grids.
fn search_grid(name: &str, settings: &Settings) -> Result<SearchGrid> {
    Ok(
        if backend::by_name(name).is_ok() || RIDGE_ALPHA_ESTIMATORS.contains(&name) {
            SearchGrid::new().axis(
                ALPHA,
                crate::pipeline::study::parse_alphas(&settings.alphas)?,
            )
        } else {
            SearchGrid::new()
        },
    )
}

/// The linear settings of every estimator: `vitrum fit`'s defaults.
pub fn fit_params() -> Result<FitParams> {
    Ok(FitOptions::new()
        .alpha(1.0)
        .l1_ratio(0.5)
        .tol(1e-4)
        .max_iter(1000)
        .validate()?)
}

/// Fits one subset: cross-validated over `grid` with [`cv_folds`] folds when the estimator has
/// more than one candidate, else at its only (default) setting; scores on the test rows.
#[allow(clippy::too_many_arguments)]
fn fit_one(
    estimator: &dyn Estimator,
    grid: &SearchGrid,
    (x, y): (ArrayView2<f64>, ArrayView2<f64>),
    test: (ArrayView2<f64>, ArrayView2<f64>),
    axes: &FittedAxes,
    settings: &Settings,
    (size, repeat): (usize, usize),
) -> FitRecord {
    let rows = subset(settings.seed, &settings.train, size, repeat);
    let (xs, ys) = (take_rows(x, &rows), take_rows(y, &rows));
    let candidates = estimator.candidates(grid);
    let folds = if candidates.len() > 1 {
        cv_folds(settings.cv, size)
    } else {
        0
    };
    let start = Instant::now();
    let fitted = (|| -> Result<_> {
        if folds == 0 {
            let hyper = candidates.into_iter().next().unwrap_or_default();
            Ok((estimator.fit(xs.view(), ys.view(), axes, &hyper)?, None))
        } else {
            let (model, scores) = fit_cv_estimator(
                estimator,
                xs.view(),
                ys.view(),
                axes,
                grid,
                &kfold(size, folds)?,
            )?;
            Ok((model, Some(scores.best_score())))
        }
    })();
    let fit_seconds = start.elapsed().as_secs_f64();
    let scored = fitted.and_then(|(model, cv_r2)| {
        let pred = model.predict(test.0)?;
        let metrics =
            vitrum_regress::evaluate(test.1, pred.view(), axes.target.as_ref().map(|g| g.view()))?;
        Ok((model.hyper(), cv_r2, metrics))
    });
    let (hyper, cv_r2, metrics, error) = match scored {
        Ok((h, c, m)) => (h, c, Some(m), None),
        Err(e) => (Hyper::none(), None, None, Some(format!("{e:#}"))),
    };
    FitRecord {
        size,
        repeat,
        rows,
        cv_folds: folds,
        hyper,
        cv_r2,
        metrics,
        error,
        fit_seconds,
    }
}

fn summarise(fits: &[FitRecord], sizes: &[usize]) -> Vec<SizeSummary> {
    sizes
        .iter()
        .map(|&size| {
            let ok: Vec<&FitRecord> = fits
                .iter()
                .filter(|f| f.size == size && f.metrics.is_some())
                .collect();
            let of = |get: fn(&Metrics) -> f64| {
                Spread::of(
                    &ok.iter()
                        .filter_map(|f| f.metrics.as_ref().map(get))
                        .collect::<Vec<_>>(),
                )
            };
            SizeSummary {
                size,
                n_fits: ok.len(),
                r2_variance_weighted: of(|m| m.r2_variance_weighted),
                r2_uniform: of(|m| m.r2_uniform),
                wasserstein1: of(|m| m.wasserstein1_mean),
                fit_seconds: Spread::of(&ok.iter().map(|f| f.fit_seconds).collect::<Vec<_>>()),
            }
        })
        .collect()
}

/// The rule for the reach target, as written into the results.
pub const REACH_RULE: &str = "target = the highest mean variance-weighted held-out R² of any \
    predictor at the largest size, minus the margin; a predictor's sample count is the smallest \
    size whose mean variance-weighted R² is at least the target (no interpolation)";

/// The target of [`REACH_RULE`] (`None` when no predictor has a fit at the largest size).
pub fn reach_target(predictors: &[PredictorResults], margin: f64) -> Option<f64> {
    predictors
        .iter()
        .filter_map(|p| p.summary.last()?.r2_variance_weighted.map(|s| s.mean))
        .filter(|v| v.is_finite())
        .reduce(f64::max)
        .map(|best| best - margin)
}

/// Checks the settings against `n_samples` rows.
pub fn check(settings: &Settings, n_samples: usize) -> Result<()> {
    let (train, test) = (&settings.train, &settings.test);
    if train.end > n_samples || test.end > n_samples {
        bail!(
            "--train {}..{} / --test {}..{}: the dataset has {n_samples} samples",
            train.start,
            train.end,
            test.start,
            test.end
        );
    }
    if train.start < test.end && test.start < train.end {
        bail!(
            "--train {}..{} and --test {}..{} overlap: held-out samples must not be trained on",
            train.start,
            train.end,
            test.start,
            test.end
        );
    }
    if test.len() < 2 {
        bail!("--test needs at least 2 samples (R² of one sample compares it with itself)");
    }
    if let Some(bad) = settings.sizes.iter().find(|&&s| s < 2 || s > train.len()) {
        bail!(
            "--sizes: {bad} lies outside 2..={} (a fit needs 2 samples; the training range {}..{} \
             has {})",
            train.len(),
            train.start,
            train.end,
            train.len()
        );
    }
    if settings.sizes.is_empty() || settings.predictors.is_empty() || settings.repeats == 0 {
        bail!("give at least one size, one predictor and --repeats ≥ 1");
    }
    Ok(())
}

/// Training-set sizes when none are given: 5, 10, 20, ... doubling below `n`, then `n`.
pub fn default_sizes(n: usize) -> Vec<usize> {
    let mut sizes: Vec<usize> = std::iter::successors(Some(5), |s| Some(s * 2))
        .take_while(|&s| s < n)
        .collect();
    sizes.push(n);
    sizes
}

/// The optional parts of a comparison.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras {
    /// Bootstrap resamples of stability selection (0: none), at this α (None: by CV).
    pub stability: usize,
    pub stability_alpha: Option<f64>,
    /// ω bands of the stability table.
    pub bands: usize,
}

/// [`run`] (the theory backends on their own rows from `dataset` and `potential`, [`own_rows`]),
/// then stability selection (when asked for) and the noise ceiling of the held-out targets when
/// they are the VDOS histograms of `dataset` (the reason otherwise): what `vitrum compare` and a
/// study's `[compare]` write.
#[allow(clippy::too_many_arguments)]
pub fn run_with_extras(
    label: &str,
    (x, y): (ArrayView2<f64>, ArrayView2<f64>),
    axes: &FittedAxes,
    settings: &Settings,
    extras: Extras,
    (dataset, potential): (Option<&vitrum_io::Dataset>, Option<&str>),
    quiet: bool,
) -> Result<CompareResults> {
    check(settings, x.nrows())?;
    let own = own_rows(&settings.predictors, dataset, potential, y)?;
    let mut results = run(label, (x, y), axes, settings, &own, quiet)?;
    if extras.stability > 0 {
        let alphas = crate::pipeline::study::parse_alphas(&settings.alphas)?;
        results.stability = Some(stability::run(
            (x, y),
            axes,
            &settings.train,
            &fit_params()?,
            (extras.stability_alpha, &alphas, settings.cv),
            extras.stability,
            extras.bands,
            settings.seed,
        )?);
    }
    match dataset {
        Some(ds) => match ceiling::of_dataset(ds, y, &settings.test) {
            Ok(mut c) => {
                c.exceeded_by = results
                    .predictors
                    .iter()
                    .filter_map(|p| {
                        let best = p
                            .summary
                            .iter()
                            .filter_map(|s| s.r2_variance_weighted.as_ref().map(|r| r.mean))
                            .fold(f64::NEG_INFINITY, f64::max);
                        (best > c.r2_variance_weighted).then(|| (p.predictor.clone(), best))
                    })
                    .collect();
                results.noise_ceiling = Some(c)
            }
            Err(why) => results.noise_ceiling_note = Some(why),
        },
        None => {
            results.noise_ceiling_note = Some(
                "targets given as a file (--targets): no eigenvalues to measure the noise on"
                    .into(),
            )
        }
    }
    Ok(results)
}

/// A predictor that learns from rows of its own instead of the comparison's features: the
/// theory backends, built from a dataset's potential and grids, read its partial g_ab with each
/// sample's density. Its targets must be the comparison's (checked by [`own_rows`]), so its
/// held-out scores compare with the others'.
pub struct OwnRows {
    pub estimator: Box<dyn Estimator>,
    pub x: vitrum_regress::ndarray::Array2<f64>,
    pub axes: FittedAxes,
}

/// The [`OwnRows`] of every predictor in `names` that is built from a dataset
/// (`crate::registry::needs_dataset`), from `dataset` and its potential (or `potential`);
/// empty when there is none. An error when such a predictor has no dataset, or when the
/// comparison's targets `y` are not the VDOS histograms the theory predicts.
pub fn own_rows(
    names: &[String],
    dataset: Option<&vitrum_io::Dataset>,
    potential: Option<&str>,
    y: ArrayView2<f64>,
) -> Result<Vec<(String, OwnRows)>> {
    let wanted: Vec<&String> = names
        .iter()
        .filter(|n| crate::registry::needs_dataset(n))
        .collect();
    let Some(first) = wanted.first() else {
        return Ok(Vec::new());
    };
    let Some(ds) = dataset else {
        bail!(
            "{first} is built from a dataset's potential, grids and densities: compare from a              dataset directory, not --features/--targets"
        );
    };
    let data = crate::theory_models::load(ds, potential)?;
    if data.y != y {
        bail!(
            "{first} predicts the VDOS histogram, and the comparison's targets are another block;              compare the theory on the dataset's vdos-histogram targets"
        );
    }
    let params = fit_params()?;
    wanted
        .into_iter()
        .map(|name| {
            let estimator = crate::registry::estimator_for_dataset(name, &params, &data.context)?;
            Ok((
                name.clone(),
                OwnRows {
                    estimator,
                    x: data.x.clone(),
                    axes: data.axes.clone(),
                },
            ))
        })
        .collect()
}

/// Runs the comparison on features `x` and targets `y` (all rows of the dataset; the settings
/// pick the training and test rows); a predictor in `own` learns from its own rows. A progress
/// bar per predictor unless `quiet`.
pub fn run(
    dataset: &str,
    (x, y): (ArrayView2<f64>, ArrayView2<f64>),
    axes: &FittedAxes,
    settings: &Settings,
    own: &[(String, OwnRows)],
    quiet: bool,
) -> Result<CompareResults> {
    check(settings, x.nrows())?;
    let start = Instant::now();
    let params = fit_params()?;
    let test_rows: Vec<usize> = settings.test.clone().collect();
    let yt = take_rows(y, &test_rows);
    // at the full size every repeat would be the same subset (the whole range) and every
    // estimator is deterministic: one fit
    let n_train = settings.train.len();
    let jobs: Vec<(usize, usize)> = settings
        .sizes
        .iter()
        .flat_map(|&s| {
            let repeats = if s == n_train { 1 } else { settings.repeats };
            (0..repeats).map(move |r| (s, r))
        })
        .collect();
    let mut predictors = Vec::new();
    for name in &settings.predictors {
        let built;
        // views reborrowed from both sources, so one binding can hold either
        let (estimator, x, axes) = match own.iter().find(|(n, _)| n == name) {
            Some((_, o)) => (o.estimator.as_ref(), o.x.view(), &o.axes),
            None => {
                built = crate::registry::estimator(name, &params)?;
                (built.as_ref(), x.view(), axes)
            }
        };
        let xt = take_rows(x, &test_rows);
        let grid = search_grid(name, settings)?;
        let bar = crate::progress::bar(jobs.len() as u64, name, quiet);
        let t = Instant::now();
        let fits: Vec<FitRecord> = jobs
            .iter()
            .map(|&job| {
                let record = fit_one(
                    estimator,
                    &grid,
                    (x, y),
                    (xt.view(), yt.view()),
                    axes,
                    settings,
                    job,
                );
                bar.inc(1);
                record
            })
            .collect();
        bar.finish_and_clear();
        let failed: Vec<String> = fits
            .iter()
            .filter_map(|f| {
                f.error
                    .as_ref()
                    .map(|e| format!("size {} repeat {}: {e}", f.size, f.repeat))
            })
            .collect();
        if !quiet && !failed.is_empty() {
            eprintln!(
                "warning: {name}: {} of {} fits failed (first: {})",
                failed.len(),
                fits.len(),
                failed[0]
            );
        }
        predictors.push(PredictorResults {
            predictor: name.clone(),
            summary: summarise(&fits, &settings.sizes),
            fits,
            samples_to_reach: None,
            wall_seconds: t.elapsed().as_secs_f64(),
        });
    }
    let target = reach_target(&predictors, settings.reach_margin);
    if let Some(target) = target {
        for p in &mut predictors {
            p.samples_to_reach = p
                .summary
                .iter()
                .find(|s| s.r2_variance_weighted.is_some_and(|r| r.mean >= target))
                .map(|s| s.size);
        }
    }
    Ok(CompareResults {
        format: "vitrum-compare/1".into(),
        dataset: dataset.to_string(),
        settings: settings.clone(),
        n_features: x.ncols(),
        n_targets: y.ncols(),
        reach_target: target,
        reach_rule: REACH_RULE.into(),
        predictors,
        stability: None,
        noise_ceiling: None,
        noise_ceiling_note: None,
        wall_seconds: start.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_are_seeded_sorted_and_distinct_rows_of_the_range() {
        let train = 10..40;
        let a = subset(7, &train, 12, 0);
        assert_eq!(a, subset(7, &train, 12, 0));
        assert_ne!(a, subset(7, &train, 12, 1));
        assert_ne!(a, subset(8, &train, 12, 0));
        assert_eq!(a.len(), 12);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert!(a.iter().all(|r| train.contains(r)));
        assert_eq!(subset(7, &train, 30, 3), train.collect::<Vec<_>>());
    }

    #[test]
    fn small_subsets_get_fewer_folds_of_at_least_two_samples() {
        assert_eq!(cv_folds(5, 120), 5);
        assert_eq!(cv_folds(5, 5), 2);
        assert_eq!(cv_folds(5, 3), 0);
        assert_eq!(cv_folds(5, 9), 4);
    }

    #[test]
    fn default_sizes_double_from_five_and_end_at_the_training_set() {
        assert_eq!(default_sizes(120), vec![5, 10, 20, 40, 80, 120]);
        assert_eq!(default_sizes(40), vec![5, 10, 20, 40]);
    }

    #[test]
    fn spread_uses_the_sample_standard_deviation() {
        let s = Spread::of(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!((s.mean, s.min, s.max), (2.5, 1.0, 4.0));
        // Σ(v − 2.5)² = 5, / (n − 1) = 5/3
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!(Spread::of(&[2.0]).unwrap().sd, 0.0);
        assert!(Spread::of(&[]).is_none());
    }
}
