//! `vitrum featurize`: recompute a dataset's feature and target blocks, by kind, on any grids.

use super::generate::GridArgs;
use crate::dataset::{FeatureRequest, Plan, featurize};
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use vitrum_io::TargetKind;

#[derive(Debug, Args)]
#[command(after_help = "\
Reads DIR/samples/NNNN.* and the eigenvalues (per-sample NNNN.eig.npy, else eigenvalues.npy) and
rewrites the feature blocks (features.npy = total-rdf, features/<kind>.npy), the target blocks
(targets.npy = vdos-histogram, targets/<kind>.npy), the grids and meta.json. Without --feature:
total-rdf and partial-rdf on the --r-max/--r-bins grid. Descriptors: total-rdf, partial-rdf, sq,
sq-direct, bond-angles, coordination, neutron-rdf, xray-rdf (docs/pipeline.md lists their
parameters). Targets:
vdos-histogram, reduced-vdos, debye-excess (each sample's histogram minus its own Debye model, from
its sound speeds: the structures with a vitrum-theory potential, or the speeds LAMMPS-made samples
record; not slabs), vdos-broadened-SIGMA. Targets relative to a reference dataset: a study's
[targets] relative_to (docs/pipeline.md).

Examples:
  vitrum featurize ka2d-data --r-max 4 --r-bins 160 --omega-max 80 --omega-bins 50
  vitrum featurize ka2d-data --feature total-rdf --feature sq:q_max=15,bins=60,window=lorch \\
      --target vdos-histogram --target vdos-broadened-0.5")]
pub struct FeaturizeArgs {
    /// Dataset directory.
    pub dir: PathBuf,
    #[command(flatten)]
    pub grids: GridArgs,
    /// A feature block: KIND or KIND:KEY=VALUE,KEY=VALUE (repeatable).
    #[arg(long = "feature", value_name = "KIND[:PARAMS]")]
    pub features: Vec<String>,
    /// A target block: vdos-histogram, reduced-vdos, debye-excess or vdos-broadened-SIGMA
    /// (repeatable).
    #[arg(long = "target", value_name = "KIND")]
    pub targets: Vec<String>,
}

/// `KIND` or `KIND:KEY=VALUE,KEY=VALUE`.
pub fn parse_feature(spec: &str) -> Result<FeatureRequest> {
    let (kind, params) = spec.split_once(':').unwrap_or((spec, ""));
    let pairs: Vec<String> = params
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(String::from)
        .collect();
    Ok(FeatureRequest {
        kind: kind.trim().to_string(),
        params: vitrum_descriptors::descriptor::params_from_pairs(&pairs)
            .with_context(|| format!("--feature '{spec}'"))?,
    })
}

pub fn run(args: &FeaturizeArgs, quiet: bool) -> Result<()> {
    let mut plan = Plan::default_blocks(&args.grids.grids());
    if !args.features.is_empty() {
        plan.features = args
            .features
            .iter()
            .map(|f| parse_feature(f))
            .collect::<Result<_>>()?;
    }
    if !args.targets.is_empty() {
        plan.targets = args
            .targets
            .iter()
            .map(|t| TargetKind::parse(t).map_err(|e| anyhow::anyhow!("--target: {e}")))
            .collect::<Result<_>>()?;
    }
    let d = featurize(&args.dir, &plan)
        .with_context(|| format!("featurizing {}", args.dir.display()))?;
    if !quiet {
        let kinds = |v: Vec<String>| v.join(", ");
        eprintln!(
            "{}: {} sample(s); features {}; targets {}",
            args.dir.display(),
            d.n_samples(),
            kinds(
                d.features
                    .iter()
                    .map(|b| b.entry.kind.name().to_string())
                    .collect()
            ),
            kinds(d.targets.iter().map(|b| b.entry.kind.label()).collect()),
        );
    }
    Ok(())
}
