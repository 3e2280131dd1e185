//! `vitrum predict`: apply a fitted model to features.

use crate::measured::{FeatureDescription, Probe, measured_features};
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(after_help = "\
The features must be on the model's feature grid: same number of columns and, with --grid-r,
the same r values (checked to 1e-9 relative); the model's preprocessing is applied.

A measured PDF (--measured FILE.gr, G(r) = 4πρr[g(r) − 1] as PDFgetX3/PDFgui write it) is
converted to g(r) at --density (default: the model's training density) and interpolated onto the
model's r grid; the model must have been fitted on the same weighting (`vitrum fit DATASET
--feature neutron-rdf` for neutron data, xray-rdf for X-rays), else the command says why not.
For a model fitted on S(q) (`--feature sq` of a one-species glass) the measured file is a
structure factor (two columns q S(q)), interpolated onto the model's q grid.

Examples:
  vitrum predict ridge.json --features fixtures/dataset-ka2d/features.npy --out vdos.npy
  vitrum predict theory.json fixtures/dataset-ka2d --out vdos.npy
  vitrum predict ridge.json --features g.npy --grid-r grid_r.npy --out vdos.npy
  vitrum predict neutron.json --measured sample.gr --density 0.0905 --out vdos.npy")]
pub struct PredictArgs {
    /// Model file written by `vitrum fit`.
    pub model: PathBuf,
    /// A dataset directory: the model reads the feature block it was fitted on (e.g. the
    /// partials and sample densities of the theory backends), instead of --features.
    #[arg(conflicts_with_all = ["features", "measured", "grid_r"])]
    pub dataset: Option<PathBuf>,
    /// Features [samples × features] (.npy).
    #[arg(
        long,
        required_unless_present_any = ["measured", "dataset"],
        conflicts_with = "measured"
    )]
    pub features: Option<PathBuf>,
    /// A measured pair distribution function G(r) (.gr, two columns r G; header lines and a
    /// `start data` marker allowed), or S(q) (q S) for a model fitted on S(q), instead of
    /// --features.
    #[arg(long)]
    pub measured: Option<PathBuf>,
    /// The radiation of the measurement.
    #[arg(long, value_enum, default_value = "neutron", requires = "measured")]
    pub probe: Probe,
    /// Number density of the measured sample (default: the model's training density).
    #[arg(long, requires = "measured")]
    pub density: Option<f64>,
    /// The features' grid (.npy), checked against the model's.
    #[arg(long)]
    pub grid_r: Option<PathBuf>,
    /// Predicted targets [samples × targets] (.npy), written atomically.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: &PredictArgs, quiet: bool) -> Result<()> {
    let model = crate::registry::load_model(&args.model)?;
    if let Some(dir) = &args.dataset {
        let data = super::data::DataArgs {
            dataset: Some(dir.clone()),
            features: None,
            targets: None,
            feature: None,
        };
        let (x, _, axes) = data.load_for_model(model.as_ref())?;
        let y = match &axes.feature {
            Some(g) => model.predict_on_grid(x.view(), g.view())?,
            None => model.predict(x.view())?,
        };
        return write(args, &y, quiet);
    }
    let y = match (&args.measured, &args.features) {
        (Some(file), _) => {
            let axes = model.axes();
            let description =
                FeatureDescription::from_model(axes.features.as_ref())?.ok_or_else(|| {
                    anyhow::anyhow!(
                        "{}: the model does not say what its features measure (fitted on plain \
                         arrays, or by an older vitrum); refit it from a dataset directory",
                        args.model.display()
                    )
                })?;
            let points = axes.feature.as_ref().ok_or_else(|| {
                anyhow::anyhow!("{}: the model has no feature grid", args.model.display())
            })?;
            let curve = vitrum_io::read_measured(file)?;
            let x = measured_features(
                &description,
                points.as_slice().unwrap_or(&points.to_vec()),
                &curve,
                args.probe,
                args.density,
            )
            .with_context(|| format!("{}", file.display()))?;
            model.predict(x.view())?
        }
        (None, Some(features)) => {
            let x = vitrum_io::read_npy_2d(features)?;
            match &args.grid_r {
                Some(g) => model.predict_on_grid(x.view(), vitrum_io::read_npy_1d(g)?.view())?,
                None => model.predict(x.view())?,
            }
        }
        (None, None) => anyhow::bail!("give --features or --measured"),
    };
    write(args, &y, quiet)
}

fn write(args: &PredictArgs, y: &vitrum_regress::ndarray::Array2<f64>, quiet: bool) -> Result<()> {
    vitrum_io::write_npy(&args.out, y)?;
    if !quiet {
        eprintln!(
            "{} spectra of {} points → {}",
            y.nrows(),
            y.ncols(),
            args.out.display()
        );
    }
    Ok(())
}
