//! `vitrum compare`: data efficiency of several predictors (held-out R², W₁ and fit time against
//! training-set size, over random subsets).

use super::data::DataArgs;
use crate::compare::{self, Settings};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::PathBuf;
use vitrum_regress::data::parse_range;

#[derive(Debug, Args)]
#[command(after_help = "\
For every size in --sizes and every repeat, a random subset of that many samples is drawn from
the --train range (seeded by --seed, the size and the repeat; the same subsets for every
predictor; one fit at the full size, where every subset is the whole range). Each predictor is
cross-validated on the subset (--cv folds, at most size/2 so every validation fold has ≥ 2
samples; none below 4 samples): linear backends over --alphas, the other estimators over their
built-in grids. Every fit is scored on the --test range: R² (variance-
weighted and uniform), mean W₁ between predicted and true spectra, fit time.

The sample count each predictor needs: the smallest size whose mean variance-weighted R² reaches
the best predictor's mean at the largest size minus --margin.

Writes DIR/results.json (every fit's numbers), DIR/report.html (the curves with ± sd bands and
the table) and DIR/figures/data-efficiency.png|svg.

The noise ceiling: when the targets are the dataset's VDOS histograms and it keeps their
eigenvalues, the part of the held-out targets' variance that is finite-size sampling noise
(each sample's mode counts against its own smoothed spectrum; docs/theory.md) and so the
highest R² any model can reach, reported next to the predictors and drawn as a dashed line.

--stability B adds stability selection: native-lasso (α by CV, or --stability-alpha) refitted on
B bootstrap resamples of the training range; the frequency each ω bin keeps each r-bin, as a map
(DIR/figures/stability.png|svg) and a table of which coordination shell (between the minima of
the mean g(r)) carries the selections of each of --bands ω bands.

Predictors: any `vitrum fit --backend` name (native-ridge, native-lasso, mean, kernel-ridge,
mlp, cnn, ...). The theory backends (theory, theory-prior-ridge) learn from the dataset's
partial g_ab with each sample's density, whatever --feature says, and need the dataset's
potential (or --potential); the targets must be the VDOS histograms.

Example:
  vitrum compare fixtures/dataset-ka2d --predictors native-ridge,kernel-ridge --sizes 5,20,120 \\
      --repeats 3 --train 0..120 --test 120..150 --out compare-ka2d
  vitrum compare fixtures/dataset-ka2d --predictors native-ridge --sizes 120 --repeats 1 \\
      --train 0..120 --test 120..150 --stability 20 --out stability-ka2d
  vitrum compare fixtures/dataset-ka2d --predictors native-ridge,theory,theory-prior-ridge \\
      --potential kob-andersen --sizes 5,10,20,120 --repeats 5 --train 0..120 --test 120..150 \\
      --out theory-ka2d")]
pub struct CompareArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Predictors to compare (comma-separated registry names).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "native-ridge,kernel-ridge,mlp"
    )]
    pub predictors: Vec<String>,
    /// Training-set sizes (comma-separated; default 5, 10, 20, ... doubling, and the whole
    /// training range).
    #[arg(long, value_delimiter = ',')]
    pub sizes: Vec<usize>,
    /// Random subsets per size.
    #[arg(long, default_value_t = 10)]
    pub repeats: usize,
    /// Samples the subsets are drawn from, START..END (half-open); default the first 80 %.
    #[arg(long)]
    pub train: Option<String>,
    /// Held-out samples, START..END; default the samples after --train.
    #[arg(long)]
    pub test: Option<String>,
    /// Seed of the random subsets.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Folds of each fit's cross-validation.
    #[arg(long, default_value_t = 5)]
    pub cv: usize,
    /// Candidate α of the linear backends: LOG10_MIN:LOG10_MAX:N, log-spaced.
    #[arg(long, default_value = "-6:2:17")]
    pub alphas: String,
    /// The target R² is the best predictor's full-size mean minus this margin.
    #[arg(long, default_value_t = 0.02)]
    pub margin: f64,
    /// Also run stability selection of native-lasso on B bootstrap resamples of the training
    /// range (0: off).
    #[arg(long, value_name = "B", default_value_t = 0)]
    pub stability: usize,
    /// The lasso α of --stability (default: chosen by --cv-fold CV over --alphas on the whole
    /// training range).
    #[arg(long, requires = "stability")]
    pub stability_alpha: Option<f64>,
    /// ω bands of the --stability table (equal widths in bins).
    #[arg(long, default_value_t = 4)]
    pub bands: usize,
    /// The potential of the theory predictors (a preset or .toml), when the dataset embeds no
    /// vitrum potential file.
    #[arg(long, value_name = "PRESET|FILE")]
    pub potential: Option<String>,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
}

/// 5, 10, 20, ... below `n`, then `n`.
pub fn run(args: &CompareArgs, quiet: bool) -> Result<()> {
    if args.cv < 2 {
        bail!("--cv {}: cross-validation needs at least 2 folds", args.cv);
    }
    if !(args.margin.is_finite() && args.margin >= 0.0) {
        bail!("--margin {}: give a finite value ≥ 0", args.margin);
    }
    let (x, y, axes) = args.data.load()?;
    let n = x.nrows();
    let train = match &args.train {
        Some(r) => parse_range(r, n)?,
        None => 0..(n * 4 / 5),
    };
    let test = match &args.test {
        Some(r) => parse_range(r, n)?,
        None => train.end..n,
    };
    let names = crate::registry::estimator_names();
    if let Some(bad) = args
        .predictors
        .iter()
        .find(|p| !names.contains(&p.as_str()))
    {
        bail!("--predictors: unknown {bad:?}; known: {}", names.join(", "));
    }
    let settings = Settings {
        predictors: args.predictors.clone(),
        sizes: if args.sizes.is_empty() {
            compare::default_sizes(train.len())
        } else {
            args.sizes.clone()
        },
        repeats: args.repeats,
        seed: args.seed,
        train,
        test,
        cv: args.cv,
        alphas: args.alphas.clone(),
        reach_margin: args.margin,
    };
    let dataset = args
        .data
        .dataset
        .as_ref()
        .map_or("(--features/--targets)".into(), |d| d.display().to_string());
    // the noise ceiling is measured on the dataset's eigenvalues (read again: `load` keeps
    // only the arrays)
    let ds = match &args.data.dataset {
        Some(dir) => Some(
            vitrum_io::Dataset::read(dir).with_context(|| format!("reading {}", dir.display()))?,
        ),
        None => None,
    };
    let extras = compare::Extras {
        stability: args.stability,
        stability_alpha: args.stability_alpha,
        bands: args.bands,
    };
    let results = compare::run_with_extras(
        &dataset,
        (x.view(), y.view()),
        &axes,
        &settings,
        extras,
        (ds.as_ref(), args.potential.as_deref()),
        quiet,
    )?;
    let files = compare::report::write(&args.out, &results, &axes)?;
    if !quiet {
        for p in &results.predictors {
            let last = p.summary.last();
            eprintln!(
                "{:>16}: R² (var.-weighted) at {} samples {}, reaches the target at {}, {:.1} s",
                p.predictor,
                last.map_or(0, |s| s.size),
                last.and_then(|s| s.r2_variance_weighted)
                    .map_or("–".into(), |r| format!("{:.4} ± {:.4}", r.mean, r.sd)),
                p.samples_to_reach
                    .map_or("– (not reached)".into(), |n| n.to_string()),
                p.wall_seconds
            );
        }
        match (&results.noise_ceiling, &results.noise_ceiling_note) {
            (Some(c), _) if !c.exceeded_by.is_empty() => eprintln!(
                "{:>16}: estimate {:.4} not valid for these spectra: {} reached more",
                "noise ceiling",
                c.r2_variance_weighted,
                c.exceeded_by_text()
            ),
            (Some(c), _) => eprintln!(
                "{:>16}: R² (var.-weighted) {:.4}, uniform {:.4} (finite-size sampling noise of the held-out VDOS)",
                "noise ceiling", c.r2_variance_weighted, c.r2_uniform
            ),
            (None, Some(why)) => eprintln!("{:>16}: not estimated: {why}", "noise ceiling"),
            (None, None) => {}
        }
        eprintln!(
            "wrote {} and {}",
            files.results.display(),
            files.html.display()
        );
    }
    Ok(())
}
