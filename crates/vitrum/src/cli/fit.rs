//! `vitrum fit`: a linear structure→spectrum model from a dataset directory or two .npy files.

use super::data::DataArgs;
use super::resources::{Estimate, ForceArg, check};
use crate::pipeline::study::{parse_alpha_spec, parse_alphas};
use anyhow::{Result, bail};
use clap::Args;
use std::path::PathBuf;
use vitrum_regress::candidates::{ALPHA, L1_RATIO};
use vitrum_regress::data::{parse_range, rows};
use vitrum_regress::ndarray::ArrayView2;
use vitrum_regress::{
    CvSpec, FitOptions, PcaTruncation, PreprocessOptions, SearchGrid, backend, fit_cv_estimator,
    kfold,
};

#[derive(Debug, Args)]
#[command(after_help = "\
A dataset directory holds features.npy [samples × r bins], targets.npy [samples × ω bins],
grid_r.npy and grid_omega.npy (see fixtures/dataset-ka2d). The grids are stored in the model and
checked whenever it is applied.

α is scikit-learn's α for the model of the same name, for every backend:
  ridge   ‖y − Xw − b‖² + α‖w‖²
  lasso / elasticnet   (1/2n)‖y − Xw − b‖² + α(ρ‖w‖₁ + (1−ρ)/2‖w‖²),  ρ = --l1-ratio
Backends: native-ols native-ridge native-lasso native-elasticnet linfa-ols linfa-lasso
  linfa-elasticnet linfa-multitask-elasticnet smartcore-ridge smartcore-lasso smartcore-elasticnet
Other estimators: mean, kernel-ridge (RBF; --cv searches γ and --alphas), cnn and mlp (neural
  networks on CPU; --cv searches their learning rates; see docs/neural.md)
First-order theory (docs/theory.md; from a dataset directory, pair potentials only):
  theory              D₀ + K (g − g₀) + K_ρ (ρ − ρ₀), no fitted weight; --cv searches σ
                      (0.03 … 0.28 × ω_max), else σ = 0.14 × ω_max
  theory-prior-ridge  ridge on the partials shrunk towards K (σ = 0.14 × ω_max); --cv searches α
  Both read the dataset's partial g_ab block and each sample's density, and the potential it
  embeds (or --potential); their model files hold the kernel and predict without it.

--cv K chooses α (and ρ, if several --l1-ratio are given) by K-fold cross-validation (contiguous
folds, no shuffle, mean R² as scikit-learn's RidgeCV(cv=K)), then refits on all training rows.

Examples:
  vitrum fit fixtures/dataset-ka2d --backend native-ridge --alpha 1e-2 --train 0..120 --out ridge.json
  vitrum fit fixtures/dataset-ka2d --backend native-ridge --cv 5 --train 0..120 --out ridgecv.json
  vitrum fit fixtures/dataset-ka2d --backend theory --potential kob-andersen --cv 5 \\
      --train 0..120 --out theory.json
  vitrum fit --features X.npy --targets Y.npy --backend native-elasticnet --alpha 1e-5 \\
      --l1-ratio 0.5 --tol 1e-10 --max-iter 200000 --out enet.json")]
pub struct FitArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Registry name of the solver.
    #[arg(long, default_value = "native-ridge")]
    pub backend: String,
    /// Regularisation strength (scikit-learn's α).
    #[arg(long, conflicts_with = "cv")]
    pub alpha: Option<f64>,
    /// Choose α by K-fold cross-validation over --alphas.
    #[arg(long, value_name = "K")]
    pub cv: Option<usize>,
    /// Candidate α for --cv: LOG10_MIN:LOG10_MAX:N, log-spaced.
    #[arg(long, default_value = "-6:2:17")]
    pub alphas: String,
    /// Elastic-net mixing ρ ∈ [0, 1]; several (comma-separated) are searched with --cv.
    #[arg(long, value_delimiter = ',', default_value = "0.5")]
    pub l1_ratio: Vec<f64>,
    /// Training samples, START..END (half-open); all by default.
    #[arg(long)]
    pub train: Option<String>,
    /// Standardise features (after centring).
    #[arg(long)]
    pub standardize: bool,
    /// Keep this many principal components of the features.
    #[arg(long, value_name = "K")]
    pub pca: Option<usize>,
    /// Tolerance of iterative solvers (scikit-learn's tol).
    #[arg(long, default_value_t = 1e-4)]
    pub tol: f64,
    /// Iteration limit of iterative solvers.
    #[arg(long, default_value_t = 1000)]
    pub max_iter: usize,
    /// Potential of the theory backends (preset or .toml), when the dataset does not embed a
    /// vitrum potential file.
    #[arg(long, value_name = "P")]
    pub potential: Option<String>,
    /// Model file to write (JSON).
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub resources: ForceArg,
}

/// Memory and work of the fit before the α list is made: with --cv, one fit per α, ρ and fold
/// (each ≈ n·p·(p + t) operations, a direct solve) and a score per fold; without, one fit.
fn estimate(args: &FitArgs, (n, p, t): (usize, usize, usize)) -> Result<Estimate> {
    let (n, p, t) = (n as f64, p as f64, t as f64);
    let fits = match args.cv {
        Some(k) => {
            let (_, _, n_alpha) = parse_alpha_spec(&args.alphas)?;
            n_alpha as f64 * args.l1_ratio.len().max(1) as f64 * k as f64
        }
        None => 1.0,
    };
    let candidates = fits / args.cv.unwrap_or(1).max(1) as f64;
    Ok(Estimate {
        what: format!(
            "vitrum fit{} ({fits:.2e} fits of {n} samples × {p} features → {t} targets)",
            match args.cv {
                Some(k) => format!(" --cv {k} --alphas={}", args.alphas),
                None => String::new(),
            }
        ),
        bytes: 8.0 * (2.0 * n * (p + t) + 3.0 * p * (p + t)) + 8.0 * (fits + 3.0 * candidates),
        work: fits * n * p * (p + t),
        fix: "fewer candidates: a smaller N in --alphas=LO:HI:N (17 resolve α to a factor 3)"
            .into(),
    })
}

pub fn run(args: &FitArgs, quiet: bool) -> Result<()> {
    if let Some(k) = args.cv.filter(|&k| k < 2) {
        bail!("--cv {k}: cross-validation needs at least 2 folds (e.g. --cv 5)");
    }
    if crate::registry::needs_dataset(&args.backend) {
        return fit_theory(args, quiet);
    }
    let (x, y, grids) = args.data.load()?;
    check(
        &estimate(args, (x.nrows(), x.ncols(), y.ncols()))?,
        args.resources.force,
    )?;
    let range = match &args.train {
        Some(r) => parse_range(r, x.nrows())?,
        None => 0..x.nrows(),
    };
    let (x, y) = (rows(x.view(), &range), rows(y.view(), &range));
    let preprocess = PreprocessOptions {
        standardize: args.standardize,
        pca: args.pca.map(PcaTruncation::Components),
    };
    let params = FitOptions::new()
        .alpha(args.alpha.unwrap_or(1.0))
        .l1_ratio(args.l1_ratio.first().copied().unwrap_or(0.5))
        .tol(args.tol)
        .max_iter(args.max_iter)
        .preprocess(preprocess)
        .validate()?;
    let Ok(backend) = backend::by_name(&args.backend) else {
        // not a linear backend: any other estimator (e.g. the `mean` baseline)
        return fit_other(args, &params, (x.view(), y.view()), &grids, quiet);
    };
    let model = match args.cv {
        Some(k) => {
            let spec = CvSpec {
                alphas: parse_alphas(&args.alphas)?,
                l1_ratios: args.l1_ratio.clone(),
                folds: kfold(x.nrows(), k)?,
            };
            vitrum_regress::fit_cv(backend, x.view(), y.view(), &grids, &params, &spec)?
        }
        None => vitrum_regress::fit(backend, x.view(), y.view(), &grids, &params)?,
    };
    crate::pipeline::fitting::save_model(&model, &args.out)?;
    if !quiet {
        let d = &model.diagnostics;
        eprintln!(
            "{}: {} samples {}..{}, {} features → {} targets, α = {}, train R² {:.4}",
            model.backend,
            d.n_samples,
            range.start,
            range.end,
            d.n_features,
            d.n_targets,
            model.params.alpha,
            d.train_r2_uniform
        );
        if let Some(cv) = &d.cv {
            eprintln!(
                "{}-fold CV chose α = {} (ρ = {}), mean R² {:.4}",
                cv.n_splits, cv.best_alpha, cv.best_l1_ratio, cv.best_score
            );
        }
        for w in &d.warnings {
            eprintln!("warning: {w}");
        }
        eprintln!("wrote {}", args.out.display());
    }
    Ok(())
}

/// Fits a theory estimator ([`crate::theory_models`]) on the dataset's partials and densities.
fn fit_theory(args: &FitArgs, quiet: bool) -> Result<()> {
    let data = &args.data;
    let Some(dir) = &data.dataset else {
        bail!(
            "--backend {}: the theory is built from a dataset directory (its potential, grids and \
             densities), not from --features/--targets arrays",
            args.backend
        );
    };
    if let Some(f) = data.feature.as_deref().filter(|f| *f != "partial-rdf") {
        bail!(
            "--backend {}: the theory reads the partial g_ab block (--feature partial-rdf), not \
             '{f}'",
            args.backend
        );
    }
    let ds = vitrum_io::Dataset::read(dir)?;
    let theory = crate::theory_models::load(&ds, args.potential.as_deref())?;
    let range = match &args.train {
        Some(r) => parse_range(r, theory.x.nrows())?,
        None => 0..theory.x.nrows(),
    };
    let (x, y) = (rows(theory.x.view(), &range), rows(theory.y.view(), &range));
    let params = FitOptions::new()
        .alpha(args.alpha.unwrap_or(1.0))
        .tol(args.tol)
        .max_iter(args.max_iter)
        .preprocess(PreprocessOptions {
            standardize: args.standardize,
            pca: args.pca.map(PcaTruncation::Components),
        })
        .validate()?;
    let estimator =
        crate::registry::estimator_for_dataset(&args.backend, &params, &theory.context)?;
    let model = match args.cv {
        Some(k) => {
            let grid = SearchGrid::new().axis(ALPHA, parse_alphas(&args.alphas)?);
            let folds = kfold(x.nrows(), k)?;
            let (model, scores) = fit_cv_estimator(
                estimator.as_ref(),
                x.view(),
                y.view(),
                &theory.axes,
                &grid,
                &folds,
            )?;
            if !quiet {
                eprintln!(
                    "{k}-fold CV chose {} (mean R² {:.4})",
                    scores.best_hyper(),
                    scores.mean_r2[scores.best]
                );
            }
            model
        }
        None => {
            let hyper = match args.alpha {
                Some(a) => vitrum_regress::Hyper::none().with(ALPHA, a),
                None => estimator
                    .candidates(&SearchGrid::new())
                    .into_iter()
                    .next()
                    .unwrap_or_default(),
            };
            estimator.fit(x.view(), y.view(), &theory.axes, &hyper)?
        }
    };
    crate::pipeline::fitting::save_model(model.as_ref(), &args.out)?;
    if !quiet {
        eprintln!(
            "{}: samples {}..{}, {} partial-g columns + density → {} targets ({})",
            model.estimator(),
            range.start,
            range.end,
            model.n_features() - 1,
            model.n_targets(),
            model.hyper()
        );
        for w in model.warnings() {
            eprintln!("warning: {w}");
        }
        eprintln!("wrote {}", args.out.display());
    }
    Ok(())
}

/// Fits an estimator that is not a linear backend, choosing its hyper-parameters (if it has any)
/// by `--cv` over `--alphas` / `--l1-ratio` as for the backends.
fn fit_other(
    args: &FitArgs,
    params: &vitrum_regress::FitParams,
    (x, y): (ArrayView2<f64>, ArrayView2<f64>),
    grids: &vitrum_regress::FittedAxes,
    quiet: bool,
) -> Result<()> {
    let (estimator, bar) = crate::registry::estimator_with_progress(&args.backend, params, quiet)?;
    let model = match args.cv {
        Some(k) => {
            let grid = SearchGrid::new()
                .axis(ALPHA, parse_alphas(&args.alphas)?)
                .axis(L1_RATIO, args.l1_ratio.clone());
            let folds = kfold(x.nrows(), k)?;
            fit_cv_estimator(estimator.as_ref(), x, y, grids, &grid, &folds)?.0
        }
        None => {
            let hyper = estimator
                .candidates(&SearchGrid::new())
                .into_iter()
                .next()
                .unwrap_or_default();
            estimator.fit(x, y, grids, &hyper)?
        }
    };
    bar.finish_and_clear();
    crate::pipeline::fitting::save_model(model.as_ref(), &args.out)?;
    if !quiet {
        eprintln!(
            "{}: {} samples, {} features → {} targets ({})",
            model.estimator(),
            x.nrows(),
            model.n_features(),
            model.n_targets(),
            model.hyper()
        );
        eprintln!("wrote {}", args.out.display());
    }
    Ok(())
}
