//! Options shared by every command that reads configurations, and the reading itself.

use crate::progress;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use vitrum_io::{Configuration, ConfigurationReader, Dim, FrameSelection, ReadOptions};

#[derive(Debug, Args)]
pub struct InputArgs {
    /// Configuration file: LAMMPS dump (.dump, .lammpstrj), LAMMPS data (.data), XYZ/extended XYZ,
    /// or any format chemfiles reads.
    pub file: PathBuf,
    /// Format name when the extension does not tell: lammps-dump, lammps-data, xyz, extxyz, or a
    /// chemfiles format name.
    #[arg(long)]
    pub format: Option<String>,
    /// Frames to use: N, START:STOP, START:STOP:STEP (stop exclusive, negatives count from the
    /// end) or ':' for all.
    #[arg(long, default_value = ":")]
    pub frames: String,
    /// Spatial dimension; by default 2 when every z coordinate is equal, else 3.
    #[arg(long, value_parser = clap::value_parser!(u8).range(2..=3))]
    pub dim: Option<u8>,
}

impl InputArgs {
    pub fn read_options(&self) -> Result<ReadOptions> {
        Ok(ReadOptions {
            format: self.format.clone(),
            dim: self.dim.and_then(|d| Dim::from_usize(d as usize)),
            frames: FrameSelection::parse(&self.frames)?,
        })
    }

    /// Streams the selected frames into `visit`, with a progress bar for multi-frame files.
    pub fn for_each_frame(
        &self,
        quiet: bool,
        mut visit: impl FnMut(&Configuration) -> Result<()>,
    ) -> Result<usize> {
        let mut reader = ConfigurationReader::open(&self.file, &self.read_options()?)?;
        let selected = reader.selected().to_vec();
        let bar = progress::bar(selected.len() as u64, "frames", quiet);
        for (k, &index) in selected.iter().enumerate() {
            let (config, dim_source) = reader.read_frame(index)?;
            if k == 0 && !quiet {
                let counts = config.species_counts();
                let species: Vec<String> = config
                    .species
                    .iter()
                    .zip(&counts)
                    .map(|(s, c)| format!("{}×{}", c, s.label))
                    .collect();
                bar.suspend(|| {
                    eprintln!(
                        "{}: {} frame(s) selected of {} ({}); {} ({}); N = {} ({}); {} = {:.6}",
                        self.file.display(),
                        selected.len(),
                        reader.n_frames(),
                        reader.format(),
                        config.dim,
                        dim_source,
                        config.len(),
                        species.join(", "),
                        if config.dim == Dim::Two {
                            "area"
                        } else {
                            "volume"
                        },
                        config.volume(),
                    )
                });
            }
            visit(&config).with_context(|| format!("{}: frame {index}", self.file.display()))?;
            bar.inc(1);
        }
        bar.finish_and_clear();
        Ok(selected.len())
    }
}
