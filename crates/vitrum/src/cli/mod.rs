//! The `vitrum` command line: one module per subcommand, each with its clap arguments and its
//! `run` function.

mod angles;
mod compare;
mod data;
mod dataset;
pub mod demo;
mod evaluate;
mod featurize;
mod fit;
mod generate;
mod input;
mod modes;
mod output;
mod predict;
mod rdf;
pub mod resources;
mod run;
mod sq;
mod theory;
mod validate;
mod write_eam;

use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
Examples:
  vitrum demo                                   # generate, fit, report: vitrum-demo/report.html
  vitrum run examples/ka2d-reference.toml       # a study from a file
  vitrum rdf fixtures/ka3d/config.dump --r-max 3.5 --bins 140 --partial --out rdf.csv
  vitrum sq fixtures/ka2d/config.dump --q-max 20 --bins 200 --method direct --out sq.csv
  vitrum angles fixtures/asi-sw/config.dump --cutoff 2.85 --bins 180 --out angles.csv

Units are those of the input file (LAMMPS `lj`: σ; `metal`: Å).";

/// Structure–property relationships in glasses with linear models.
#[derive(Debug, Parser)]
#[command(name = "vitrum", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print no progress bars or summaries (errors are still printed).
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Radial distribution function g(r), total and partial, averaged over frames.
    Rdf(rdf::RdfArgs),
    /// Static structure factor S(q), from g(r) or directly from positions.
    Sq(sq::SqArgs),
    /// Bond-angle distribution P(θ) with per-species-pair neighbour cutoffs.
    Angles(angles::AnglesArgs),
    /// Eigenvalues, VDOS and participation ratios of the dynamical matrix (dense or KPM).
    Modes(modes::ModesArgs),
    /// Fit a linear structure→spectrum model ŷ = W g + b (ridge, lasso, elastic net, OLS).
    Fit(fit::FitArgs),
    /// Predict spectra with a fitted model.
    Predict(predict::PredictArgs),
    /// Metrics table of a fitted model on held-out data.
    Evaluate(evaluate::EvaluateArgs),
    /// Data efficiency: held-out R², W₁ and fit time of several predictors against training size.
    Compare(compare::CompareArgs),
    /// Generate a dataset of glass samples (melt, quench, minimise; structure and spectrum).
    Generate(generate::GenerateArgs),
    /// Recompute a dataset's features and targets on other grids.
    Featurize(featurize::FeaturizeArgs),
    /// Whole-dataset operations: `vitrum dataset merge` joins shards made on many machines.
    Dataset(dataset::DatasetArgs),
    /// First-order theory: QCA dispersion, VDOS and kernel K(ω, r) from a reference g_ab(r).
    Theory(theory::TheoryArgs),
    /// Run a whole study from a TOML file: data, every backend, held-out metrics, report.
    Run(run::RunArgs),
    /// The built-in study: generate KA 2D glasses, fit every backend, write a report.
    Demo(demo::DemoArgs),
    /// Compare this build with the reference data (LAMMPS, numpy, scikit-learn): a table.
    Validate(validate::ValidateArgs),
    /// Write the Zhou–Johnson–Wadley 2004 EAM of given elements as a LAMMPS eam.alloy file.
    WriteEam(write_eam::WriteEamArgs),
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    if matches!(
        cli.command,
        Command::Generate(_)
            | Command::Run(_)
            | Command::Demo(_)
            | Command::Fit(_)
            | Command::Compare(_)
            | Command::Validate(_)
    ) {
        crate::blas::single_threaded_unless_set();
    }
    match cli.command {
        Command::Rdf(args) => rdf::run(&args, cli.quiet),
        Command::Sq(args) => sq::run(&args, cli.quiet),
        Command::Angles(args) => angles::run(&args, cli.quiet),
        Command::Modes(args) => modes::run(&args, cli.quiet),
        Command::Fit(args) => fit::run(&args, cli.quiet),
        Command::Predict(args) => predict::run(&args, cli.quiet),
        Command::Evaluate(args) => evaluate::run(&args, cli.quiet),
        Command::Compare(args) => compare::run(&args, cli.quiet),
        Command::Generate(args) => generate::run(&args, cli.quiet),
        Command::Featurize(args) => featurize::run(&args, cli.quiet),
        Command::Dataset(args) => dataset::run(&args, cli.quiet),
        Command::Theory(args) => theory::run(&args, cli.quiet),
        Command::Run(args) => run::run(&args, cli.quiet),
        Command::Demo(args) => demo::run(&args, cli.quiet),
        Command::Validate(args) => validate::run(&args, cli.quiet),
        Command::WriteEam(args) => write_eam::run(&args, cli.quiet),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every help text, so a changed flag or example shows up in review as a snapshot diff.
    #[test]
    fn help_texts_keep_their_content() {
        let mut root = Cli::command();
        root.build();
        insta::assert_snapshot!("help", root.render_long_help().to_string());
        for sub in root.get_subcommands_mut() {
            let name = sub.get_name().to_string();
            insta::assert_snapshot!(format!("help-{name}"), sub.render_long_help().to_string());
            // nested commands (`dataset merge`), not clap's own `help` listings
            let nested_commands = sub
                .get_subcommands_mut()
                .filter(|n| name != "help" && n.get_name() != "help");
            for nested in nested_commands {
                let nested_name = format!("help-{name}-{}", nested.get_name());
                insta::assert_snapshot!(nested_name, nested.render_long_help().to_string());
            }
        }
    }

    #[test]
    fn the_demo_study_is_valid_and_sized_as_documented() {
        let args = demo::DemoArgs {
            out: "x".into(),
            samples: None,
            n: None,
            backends: Vec::new(),
            json: false,
            resources: Default::default(),
        };
        let study = demo::study(&args).unwrap();
        assert_eq!(study.data.samples, Some(150));
        assert_eq!(study.protocol().unwrap().n, 512);
    }

    /// The demo and every example study that generates data pass the resource check on a
    /// modest machine (8 GB of RAM), so the limits stop only runaway sizes.
    #[test]
    fn shipped_studies_are_within_the_soft_limits() {
        let machine = resources::Limits {
            ram: 8.0 * 1024f64.powi(3),
            swap: 0.0,
        };
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut studies = vec![crate::pipeline::Study::from_toml(demo::DEMO_STUDY).unwrap()];
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                studies.push(crate::pipeline::Study::load(&path).unwrap());
            }
        }
        let mut checked = 0;
        for study in studies {
            if let (Some(samples), Some(_)) = (study.data.samples, &study.data.system) {
                let protocol = study.protocol().unwrap();
                let e = generate::generation_estimate(samples, &protocol, 200, 100);
                resources::check_against(&e, false, &machine)
                    .unwrap_or_else(|err| panic!("{}: {err}", study.name));
                checked += 1;
            }
        }
        assert!(checked >= 2, "{checked} generating studies");
    }

    /// `vitrum demo --n 256` (N that no sq2 lattice fills): the study is valid and its first
    /// glass has its starting configuration of 256 particles.
    #[test]
    fn the_demo_takes_any_n() {
        for n in [256, 129, 1000] {
            let args = demo::DemoArgs {
                out: "x".into(),
                samples: None,
                n: Some(n),
                backends: Vec::new(),
                json: false,
                resources: Default::default(),
            };
            let protocol = demo::study(&args).unwrap().protocol().unwrap();
            assert_eq!(protocol.n, n);
            let labels = vec!["A".to_string(), "B".to_string()];
            let mut rng = vitrum_sim::rng::Rng::new(1);
            let c =
                vitrum_sim::init::initial_configuration(&protocol, &labels, &[1.0, 1.0], &mut rng)
                    .unwrap();
            assert_eq!(c.len(), n);
        }
    }
}
