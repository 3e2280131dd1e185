//! The bad-input corpus, `tests/bad-input/<command>.toml`: every case is an argument list with the
//! text its error (or warning) must contain, run against the `vitrum` binary by one test per
//! command. A case passes when the exit code is the expected one (1: a normal error; never 101, a
//! panic, or a signal such as SIGABRT), stderr holds every expected fragment, and the paths it
//! lists under `absent` were not left behind.
//!
//! Placeholders in arguments and paths: `{fixtures}` (the workspace's fixtures/), `{files}`
//! (tests/bad-input/files/) and `{tmp}` (a scratch directory per case).

mod common;

use common::*;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    args: Vec<String>,
    /// Fragments stderr must contain (case-sensitive).
    expect: Vec<String>,
    /// Expected exit code: 1 (an error, the default) or 0 (a warning: the result stands).
    #[serde(default = "one")]
    exit: i32,
    /// Paths that must not exist after the run (leftovers of a failed run).
    #[serde(default)]
    absent: Vec<String>,
    /// Seconds the case may take (a refused size must be refused before the work starts).
    #[serde(default = "default_seconds")]
    seconds: u64,
}

fn one() -> i32 {
    1
}

fn default_seconds() -> u64 {
    60
}

fn corpus_dir() -> PathBuf {
    fixture("../tests/bad-input")
}

fn expand(text: &str, tmp: &Path) -> String {
    text.replace("{fixtures}", fixture("").to_str().unwrap())
        .replace("{files}", corpus_dir().join("files").to_str().unwrap())
        .replace("{tmp}", tmp.to_str().unwrap())
}

/// Runs every case of `tests/bad-input/<command>.toml`; returns how many ran.
fn run_corpus(command: &str) -> usize {
    let path = corpus_dir().join(format!("{command}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let corpus: Corpus =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut failures = Vec::new();
    for case in &corpus.case {
        let tmp = tempfile::tempdir().unwrap();
        let args: Vec<String> = case.args.iter().map(|a| expand(a, tmp.path())).collect();
        assert_eq!(
            args[0], command,
            "{}: cases of {command}.toml run {command}",
            case.name
        );
        let start = std::time::Instant::now();
        let out = vitrum()
            .current_dir(tmp.path())
            .args(&args)
            .timeout(std::time::Duration::from_secs(case.seconds))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut problems = Vec::new();
        match out.status.code() {
            Some(c) if c == case.exit => {}
            Some(c) => problems.push(format!("exit code {c}, expected {}", case.exit)),
            None => problems.push(format!(
                "killed by a signal or the {} s timeout after {:.1} s",
                case.seconds,
                start.elapsed().as_secs_f64()
            )),
        }
        for want in &case.expect {
            if !stderr.contains(want.as_str()) {
                problems.push(format!("stderr lacks '{want}'"));
            }
        }
        for p in &case.absent {
            let p = expand(p, tmp.path());
            if Path::new(&p).exists() {
                problems.push(format!("left behind {p}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{command}/{}: {}\n    stderr: {}",
                case.name,
                problems.join("; "),
                stderr.trim()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    corpus.case.len()
}

#[test]
fn rdf() {
    assert!(run_corpus("rdf") >= 5);
}

#[test]
fn sq() {
    assert!(run_corpus("sq") >= 4);
}

#[test]
fn angles() {
    assert!(run_corpus("angles") >= 4);
}

#[test]
fn modes() {
    assert!(run_corpus("modes") >= 2);
}

#[test]
fn fit() {
    assert!(run_corpus("fit") >= 6);
}

#[test]
fn evaluate() {
    assert!(run_corpus("evaluate") >= 2);
}

#[test]
fn predict() {
    assert!(run_corpus("predict") >= 3);
}

#[test]
fn generate() {
    assert!(run_corpus("generate") >= 6);
}

#[test]
fn dataset() {
    assert!(run_corpus("dataset") >= 8);
}

#[test]
fn featurize() {
    assert!(run_corpus("featurize") >= 2);
}

#[test]
fn run() {
    assert!(run_corpus("run") >= 3);
}

#[test]
fn demo() {
    assert!(run_corpus("demo") >= 1);
}

/// Every command file of the corpus has its test above, and the corpus holds the count.
#[test]
fn the_corpus_is_run_whole() {
    let tested = [
        "rdf",
        "sq",
        "angles",
        "modes",
        "fit",
        "evaluate",
        "predict",
        "generate",
        "featurize",
        "dataset",
        "run",
        "demo",
    ];
    let mut total = 0;
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
            assert!(tested.contains(&stem.as_str()), "{stem}.toml has no test");
            let corpus: Corpus = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            total += corpus.case.len();
        }
    }
    assert!(total >= 40, "{total} cases");
}

/// Cases that need a dataset made first: a truncated, a foreign and a NaN-holding
/// `samples/0000.eig.npy` are each named by `featurize` (two N = 128 glasses, under a second).
#[test]
fn a_corrupt_per_sample_eigenvalue_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ds");
    succeed(vitrum().args([
        "generate",
        "--system",
        "ka2d",
        "--n",
        "128",
        "--samples",
        "2",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]));
    let eig = out.join("samples/0000.eig.npy");
    let good = std::fs::read(&eig).unwrap();
    let nan = {
        // the same header, the sixth eigenvalue replaced by a NaN
        let mut b = good.clone();
        let at = b.len() - 256 * 8 + 5 * 8;
        b[at..at + 8].copy_from_slice(&f64::NAN.to_le_bytes());
        b
    };
    let foreign = std::fs::read(corpus_dir().join("files/tiny-features.npy")).unwrap();
    for (what, bytes, want) in [
        ("garbage", b"garbage".to_vec(), "magic string"),
        ("truncated", good[..200].to_vec(), "EOF"),
        ("foreign", foreign, "ndim"),
        ("nan", nan, "eigenvalue 5 is NaN"),
    ] {
        std::fs::write(&eig, &bytes).unwrap();
        let o = vitrum()
            .args(["featurize", out.to_str().unwrap(), "-q"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{what}: {stderr}");
        assert!(
            stderr.contains("samples/0000.eig.npy") && stderr.contains(want),
            "{what}: {stderr}"
        );
    }
}
