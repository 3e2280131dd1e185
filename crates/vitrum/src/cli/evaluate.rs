//! `vitrum evaluate`: the metrics table of a fitted model on held-out data.

use super::data::DataArgs;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use vitrum_regress::data::{parse_range, rows};
use vitrum_regress::evaluate;

#[derive(Debug, Args)]
#[command(after_help = "\
Metrics: R² uniform average and variance-weighted (scikit-learn r2_score; a target column that is
constant in the evaluated samples scores 1 if predicted exactly, else 0, which pulls the uniform
average down, so both are shown), MAE, RMSE (mean of per-target RMSE), mean per-spectrum Pearson
correlation, mean Wasserstein-1 distance between predicted and true spectra (ω units; negative
predicted values clipped to zero, spectra normalised to unit area).

From a dataset directory the model reads the feature block it was fitted on (e.g. partial-rdf,
with the sample densities for the theory backends) unless --feature says otherwise.

Examples:
  vitrum evaluate ridge.json fixtures/dataset-ka2d --test 120..150
  vitrum evaluate ridge.json --features X.npy --targets Y.npy --json")]
pub struct EvaluateArgs {
    /// Model file written by `vitrum fit`.
    pub model: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// Samples to evaluate, START..END (half-open); all by default.
    #[arg(long)]
    pub test: Option<String>,
    /// Print the metrics as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &EvaluateArgs, _quiet: bool) -> Result<()> {
    let model = crate::registry::load_model(&args.model)?;
    let (x, y, grids) = args.data.load_for_model(model.as_ref())?;
    if let Some(g) = &grids.feature {
        model.check_feature_grid(g.view())?;
    }
    if let Some(g) = &grids.target {
        model.check_target_grid(g.view())?;
    }
    let range = match &args.test {
        Some(r) => parse_range(r, x.nrows())?,
        None => 0..x.nrows(),
    };
    if range.len() < 2 {
        // R² compares with the evaluated samples' own mean: one sample is its own mean
        eprintln!(
            "warning: evaluating on {} sample ({}..{}): R² is meaningless for one sample (it \
             compares the prediction with that sample's own mean); give --test a range of at least \
             2 samples",
            range.len(),
            range.start,
            range.end
        );
    }
    let (x, y) = (rows(x.view(), &range), rows(y.view(), &range));
    let pred = model.predict(x.view())?;
    let grid = grids.target.as_ref().or(model.axes().target.as_ref());
    let metrics = evaluate(y.view(), pred.view(), grid.map(|g| g.view()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&metrics)?);
    } else {
        println!(
            "model {} ({}, {}), samples {}..{}",
            args.model.display(),
            model.estimator(),
            model.hyper(),
            range.start,
            range.end
        );
        println!("{metrics}");
    }
    Ok(())
}
