//! Where `fit` and `evaluate` take their samples from: a dataset directory, or two .npy files.

use crate::measured::FeatureDescription;
use anyhow::{Result, bail};
use clap::Args;
use std::path::PathBuf;
use vitrum_io::{FeatureKind, TargetKind};
use vitrum_regress::FittedAxes;
use vitrum_regress::ndarray::Array2;

#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Dataset directory (features.npy, targets.npy, grid_r.npy, grid_omega.npy); its grids are
    /// stored in (fit) or checked against (evaluate) the model.
    #[arg(conflicts_with_all = ["features", "targets"])]
    pub dataset: Option<PathBuf>,
    /// Features [samples × features] (.npy), instead of a dataset directory.
    #[arg(long, requires = "targets")]
    pub features: Option<PathBuf>,
    /// Targets [samples × targets] (.npy), instead of a dataset directory.
    #[arg(long, requires = "features")]
    pub targets: Option<PathBuf>,
    /// The dataset's feature block to use: KIND or KIND:KEY=VALUE,... (default: features.npy,
    /// the total g(r)); computed from the samples when the dataset lacks it.
    #[arg(long = "feature", value_name = "KIND[:PARAMS]", requires = "dataset")]
    pub feature: Option<String>,
}

impl DataArgs {
    /// [`Self::load`] for applying `model`: from a dataset directory without `--feature`, the
    /// feature block the model was fitted on (its feature description's kind; for the theory
    /// backends the partials with each sample's density appended), so `vitrum evaluate MODEL
    /// DATASET` needs no flags.
    pub fn load_for_model(
        &self,
        model: &dyn vitrum_regress::Predictor,
    ) -> Result<(Array2<f64>, Array2<f64>, FittedAxes)> {
        let description = FeatureDescription::from_model(model.axes().features.as_ref())?;
        let (Some(dir), Some(d)) = (&self.dataset, description) else {
            return self.load();
        };
        if d.density_column {
            if let Some(f) = self.feature.as_deref().filter(|f| *f != "partial-rdf") {
                bail!(
                    "the model ({}) reads the partial g_ab block with the densities; --feature \
                     {f} is another block",
                    model.estimator()
                );
            }
            let ds = vitrum_io::Dataset::read(dir)?;
            let (x, y, axes, _) = crate::theory_models::rows(&ds)?;
            return Ok((x, y, axes));
        }
        if self.feature.is_none() && d.kind != FeatureKind::TotalRdf.name() {
            let picked = DataArgs {
                feature: Some(d.kind.clone()),
                ..self.clone()
            };
            return picked.load();
        }
        self.load()
    }

    /// Features, targets and (for a dataset directory) their grids.
    pub fn load(&self) -> Result<(Array2<f64>, Array2<f64>, FittedAxes)> {
        match (&self.dataset, &self.features, &self.targets) {
            (Some(dir), _, _) => {
                if dir.is_file() {
                    bail!(
                        "{} is a file; give the dataset directory that holds it ({}), or the \
                         arrays themselves with --features X.npy --targets Y.npy",
                        dir.display(),
                        dir.parent()
                            .filter(|p| !p.as_os_str().is_empty())
                            .map(|p| p.display().to_string())
                            .unwrap_or_else(|| ".".into())
                    );
                }
                if !dir.exists() {
                    bail!("{}: no such dataset directory", dir.display());
                }
                let ds = vitrum_io::Dataset::read(dir)?;
                if let Some(spec) = &self.feature {
                    let request = super::featurize::parse_feature(spec)?;
                    let selected =
                        crate::dataset::select(&ds, &request, TargetKind::VdosHistogram)?;
                    let grids = FittedAxes {
                        feature: Some(selected.feature_points().into()),
                        target: Some(selected.target_grid.points.clone().into()),
                        features: Some(FeatureDescription::of(&ds, &selected).to_value()),
                    };
                    return Ok((selected.features, selected.targets, grids));
                }
                let total = FeatureKind::TotalRdf;
                let description = ds.feature(&total).map(|b| {
                    FeatureDescription::new(&ds, total.name(), &b.entry.params, &b.entry.channels)
                });
                let a = ds.arrays;
                let grids = FittedAxes {
                    feature: Some(a.grid_r),
                    target: Some(a.grid_omega),
                    features: description.map(|d| d.to_value()),
                };
                Ok((a.features, a.targets, grids))
            }
            (None, Some(f), Some(t)) => Ok((
                vitrum_io::read_npy_2d(f)?,
                vitrum_io::read_npy_2d(t)?,
                FittedAxes::default(),
            )),
            _ => bail!("give a dataset directory, or both --features and --targets"),
        }
    }
}
