//! `vitrum generate`: a dataset of glass samples (vitrum-sim), natively or through LAMMPS.

use super::resources::{Estimate, ForceArg, ball_volume, check};
use crate::dataset::{GridRequest, Plan, assemble, check_plan};
use crate::progress;
use crate::shards::ShardManifest;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use vitrum_sim::dataset::{GenerateReport, GenerateSettings, Vary, generate_shard};
use vitrum_sim::lammps::MpiLaunch;
use vitrum_sim::{LammpsSampler, NativeSampler, Protocol, Sampler, Shard};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Backend {
    /// Velocity Verlet + Nosé–Hoover chain, FIRE (pair and Stillinger–Weber models).
    Native,
    /// LAMMPS (`lmp` on PATH or --lmp), any potential LAMMPS has.
    Lammps,
}

/// Feature and target grids (defaults: r_max = min(5, half the cell), Δr = 0.025;
/// ω_max = ⌈max ω⌉ over the dataset, 100 bins).
#[derive(Debug, Args)]
pub struct GridArgs {
    /// Largest r of g(r) (features).
    #[arg(long)]
    pub r_max: Option<f64>,
    /// Bins of g(r).
    #[arg(long)]
    pub r_bins: Option<usize>,
    /// Largest ω of the VDOS histogram (targets).
    #[arg(long)]
    pub omega_max: Option<f64>,
    /// Bins of the VDOS histogram.
    #[arg(long)]
    pub omega_bins: Option<usize>,
}

impl GridArgs {
    pub fn grids(&self) -> GridRequest {
        GridRequest {
            r_max: self.r_max,
            r_bins: self.r_bins,
            omega_max: self.omega_max,
            omega_bins: self.omega_bins,
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "\
Output: DIR/samples/NNNN.dump (+ NNNN.json record, NNNN.eig.npy), features.npy [S, n_r] (total
g(r)), features/partial-rdf.npy [S, P·n_r], targets.npy [S, n_ω] (VDOS histogram, density=True),
grid_r.npy, grid_omega.npy, eigenvalues.npy [S, dN], meta.json (the typed manifest: units,
species, potential, protocol, records, blocks). Other blocks: vitrum featurize. Rerunning the
same command continues an interrupted run; finished samples are never rewritten.

Many machines: --shard I/N makes only the samples i ≡ I (mod N), into DIR/samples with
DIR/shard.json and no features or targets; `vitrum dataset merge` joins the N shard directories
into the dataset one run without --shard makes, byte for byte (examples/slurm/generate.sbatch
runs the shards as a Slurm job array).

Examples:
  vitrum generate --system ka2d --samples 150 --seed 1000 \\
      --vary density=1.1..1.35,quench=300..30000:log --out ka2d-data
  vitrum generate --system ka3d --samples 4 --backend lammps --out ka3d-lammps
  vitrum generate --system ka2d --samples 8 --n 64 --shard 0/2 --out shard-0
  vitrum generate --system ka2d --samples 8 --n 64 --shard 1/2 --out shard-1
  vitrum dataset merge shard-0 shard-1 --out ka2d-merged
  vitrum generate --system ka3d --samples 2 --n 4000 --backend lammps --mpi 2 --out ka3d-big")]
pub struct GenerateArgs {
    /// Protocol preset (ka3d, ka2d, yukawa, sw-si, sw-2d; LAMMPS backend only: vashishta-sic,
    /// tersoff-sic, eam-cuzral, cu-zr-al, amorphous-carbon-2d) or a protocol file (*.toml).
    #[arg(long)]
    pub system: String,
    /// Number of samples.
    #[arg(long)]
    pub samples: usize,
    /// Number of particles (overrides the protocol's).
    #[arg(long)]
    pub n: Option<usize>,
    /// Base seed: sample i uses seed + i.
    #[arg(long, default_value_t = 1000)]
    pub seed: u64,
    #[arg(long, value_enum, default_value = "native")]
    pub backend: Backend,
    /// Parameters drawn per sample: PARAM=LO..HI[:log],... with PARAM one of density, quench,
    /// melt, t_melt, t_final.
    #[arg(long)]
    pub vary: Option<String>,
    /// The LAMMPS executable.
    #[arg(long, default_value = "lmp")]
    pub lmp: PathBuf,
    /// Runs each LAMMPS sample on K MPI ranks (`mpirun -np K lmp`), for large samples; samples
    /// then run ⌈cores / K⌉ at a time. A glass made on K ranks differs from the serial one
    /// (rounding, amplified by the melt), so use one K for a whole dataset.
    #[arg(long, value_name = "K")]
    pub mpi: Option<usize>,
    /// The MPI launcher for --mpi (`mpirun`, `mpiexec`, or `srun` inside a Slurm job).
    #[arg(long, default_value = "mpirun", value_name = "PATH")]
    pub mpirun: PathBuf,
    /// Makes only shard I of N: the samples i ≡ I (mod N), for `vitrum dataset merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub grids: GridArgs,
    #[command(flatten)]
    pub resources: ForceArg,
}

/// Memory and work of the whole run before the first sample: per sample, MD and minimisation
/// (N atoms × steps × the pairs within 2.8 length units at the protocol's density × 30
/// operations, the minimisation counted as the quench again) and the dense eigenproblem
/// (10 (dN)³); in memory, two samples' dynamical matrices at once and the assembled eigenvalue,
/// feature and target arrays of every sample.
fn estimate(args: &GenerateArgs, protocol: &Protocol, shard: Shard) -> Estimate {
    let mut e = generation_estimate(
        shard.indices(args.samples).count(),
        protocol,
        args.grids.r_bins.unwrap_or(200),
        args.grids.omega_bins.unwrap_or(100),
    );
    e.what = format!(
        "vitrum generate --samples {} ({} atoms each{})",
        args.samples,
        protocol.n,
        if shard == Shard::WHOLE {
            String::new()
        } else {
            format!(", shard {shard}")
        }
    );
    e
}

/// [`estimate`] for `samples` glasses of `protocol` with features and targets of `r_bins` and
/// `omega_bins` points (also what `vitrum run` and `demo` check before generating).
pub fn generation_estimate(
    samples: usize,
    protocol: &Protocol,
    r_bins: usize,
    omega_bins: usize,
) -> Estimate {
    let n = protocol.n as f64;
    let dof = protocol.dim as f64 * n;
    let neighbours = (0.5 * protocol.density * ball_volume(protocol.dim, 2.8)).max(10.0);
    let steps = protocol.melt_steps as f64 + 2.0 * protocol.quench_steps as f64;
    let per_sample = n * steps * neighbours * 30.0 + 10.0 * dof.powi(3);
    let bins = r_bins as f64 * 4.0 + omega_bins as f64;
    let samples_f = samples as f64;
    Estimate {
        what: format!("generating {samples} glasses of {} atoms", protocol.n),
        bytes: 2.0 * 3.0 * 8.0 * dof * dof + samples_f * 8.0 * (2.0 * dof + 4.0 * bins),
        work: samples_f * per_sample,
        fix: "fewer --samples, a smaller --n, or fewer bins".into(),
    }
}

/// Removes what a failed run created when it finished no sample: the output directory if it
/// did not exist before, else its samples/ if that did not (a run that finished samples keeps
/// them: rerunning continues).
fn remove_leftovers(out: &std::path::Path, out_existed: bool, samples_existed: bool) {
    let samples = out.join(vitrum_io::dataset::SAMPLES);
    let finished = std::fs::read_dir(&samples)
        .map(|d| {
            d.flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "json"))
        })
        .unwrap_or(false);
    if finished {
        return;
    }
    if !out_existed {
        let _ = std::fs::remove_dir_all(out);
    } else if !samples_existed {
        let _ = std::fs::remove_dir_all(&samples);
    }
}

pub fn run(args: &GenerateArgs, quiet: bool) -> Result<()> {
    let mut protocol = Protocol::load(&args.system)?;
    if let Some(n) = args.n {
        protocol.n = n;
    }
    protocol.validate()?;
    let shard = match &args.shard {
        Some(s) => Shard::parse(s)?,
        None => Shard::WHOLE,
    };
    if args.mpi.is_some() && !matches!(args.backend, Backend::Lammps) {
        anyhow::bail!("--mpi runs LAMMPS under MPI: add --backend lammps");
    }
    if args.mpi == Some(0) {
        anyhow::bail!("--mpi 0: the number of MPI ranks per sample must be at least 1");
    }
    check(&estimate(args, &protocol, shard), args.resources.force)?;
    let settings = GenerateSettings {
        protocol,
        samples: args.samples,
        seed: args.seed,
        vary: match &args.vary {
            Some(v) => Vary::parse_list(v)?,
            None => Vec::new(),
        },
    };
    settings.validate()?;
    let plan = Plan::default_blocks(&args.grids.grids());
    check_plan(&settings, &plan)?;
    let out_existed = args.out.exists();
    let samples_existed = args.out.join(vitrum_io::dataset::SAMPLES).exists();
    let result = match args.shard {
        Some(_) => generate_one_shard(args, &settings, shard, quiet),
        None => generate_and_assemble(args, &settings, &plan, quiet),
    };
    if result.is_err() {
        remove_leftovers(&args.out, out_existed, samples_existed);
    }
    result
}

fn sampler(args: &GenerateArgs) -> Box<dyn Sampler> {
    match args.backend {
        Backend::Native => Box::new(NativeSampler),
        Backend::Lammps => Box::new(LammpsSampler {
            lmp: args.lmp.clone(),
            mpi: args.mpi.map(|ranks| MpiLaunch {
                launcher: args.mpirun.clone(),
                ranks,
            }),
            ..Default::default()
        }),
    }
}

/// Generates the samples of `shard`: with --mpi K, ⌈cores / K⌉ samples at a time (each runs K
/// ranks), else one per core.
fn generate_samples(
    args: &GenerateArgs,
    settings: &GenerateSettings,
    shard: Shard,
    quiet: bool,
) -> Result<GenerateReport> {
    let sampler = sampler(args);
    let bar = progress::bar(shard.indices(args.samples).count() as u64, "samples", quiet);
    let run = || {
        generate_shard(&args.out, settings, sampler.as_ref(), shard, &|_| {
            bar.inc(1)
        })
    };
    let report = match args.mpi {
        Some(ranks) => {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            rayon::ThreadPoolBuilder::new()
                .num_threads(cores.div_ceil(ranks).max(1))
                .build()
                .context("starting the sample threads")?
                .install(run)
        }
        None => run(),
    }
    .with_context(|| format!("generating {}", args.out.display()))?;
    bar.finish_and_clear();
    Ok(report)
}

/// `--shard I/N`: the shard's samples and its shard.json, no features or targets (the merge
/// featurizes the whole dataset).
fn generate_one_shard(
    args: &GenerateArgs,
    settings: &GenerateSettings,
    shard: Shard,
    quiet: bool,
) -> Result<()> {
    let backend = sampler(args).name();
    ShardManifest::new(shard, settings.clone(), args.grids.grids(), backend)
        .write_or_check(&args.out)?;
    let report = generate_samples(args, settings, shard, quiet)?;
    if !quiet {
        eprintln!(
            "{}: shard {shard}: {} sample(s) generated, {} already there; join the {} shards \
             with `vitrum dataset merge DIR... --out DATASET`",
            args.out.display(),
            report.generated.len(),
            report.skipped.len(),
            shard.count
        );
    }
    Ok(())
}

fn generate_and_assemble(
    args: &GenerateArgs,
    settings: &GenerateSettings,
    plan: &Plan,
    quiet: bool,
) -> Result<()> {
    let report = generate_samples(args, settings, Shard::WHOLE, quiet)?;
    assemble(&args.out, settings.samples, plan, Some(settings))
        .with_context(|| format!("featurizing {}", args.out.display()))?;
    if !quiet {
        eprintln!(
            "{}: {} sample(s) generated, {} already there{}",
            args.out.display(),
            report.generated.len(),
            report.skipped.len(),
            if report.retried.is_empty() {
                String::new()
            } else {
                format!(
                    "; retried with new seeds (sample, attempts): {:?}",
                    report.retried
                )
            }
        );
    }
    Ok(())
}
