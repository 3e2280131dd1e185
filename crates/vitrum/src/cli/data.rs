//! Where `fit` and `evaluate` take their samples from: a dataset directory, or two .npy files.

use anyhow::{Result, bail};
use clap::Args;
use std::path::PathBuf;
use vitrum_regress::FittedAxes;
use vitrum_regress::ndarray::Array2;

#[derive(Debug, Args)]
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
}

impl DataArgs {
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
                let a = vitrum_io::Dataset::read(dir)?.arrays;
                let grids = FittedAxes {
                    feature: Some(a.grid_r),
                    target: Some(a.grid_omega),
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
