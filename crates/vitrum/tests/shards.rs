//! Datasets made on many machines (issue 14): `vitrum generate --shard I/N` and `vitrum dataset
//! merge` give the dataset one `vitrum generate` makes, byte for byte, and refuse shards that do
//! not belong together, naming why. The Slurm scripts under examples/slurm run as Slurm would
//! run them (the array variables set, one task after another).

mod common;

use common::{succeed, vitrum};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// KA 2D, 64 particles, a short melt and quench: seven glasses in well under a second.
const PROTOCOL: &str = "name = \"ka2d-tiny\"\npotential = \"kob-andersen\"\ndim = 2\nn = 64\n\
    density = 1.2\ncomposition = [0.65, 0.35]\ninit = \"sq2\"\nt_melt = 2.0\nt_final = 0.05\n\
    melt_steps = 200\nquench_steps = 300\ndt = 0.005\nt_damp = 0.5\nf_tol = 1e-10\n\
    max_min_steps = 200000\nskin = 0.3\nmax_attempts = 3\n";
const SAMPLES: &str = "7";
const VARY: &str = "density=1.1..1.3";

fn protocol_file(dir: &Path) -> PathBuf {
    let p = dir.join("tiny.toml");
    std::fs::write(&p, PROTOCOL).unwrap();
    p
}

/// `vitrum generate` of the test's dataset, with `extra` arguments.
fn generate_args(protocol: &Path, out: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "-q",
        "generate",
        "--system",
        protocol.to_str().unwrap(),
        "--samples",
        SAMPLES,
        "--vary",
        VARY,
        "--r-max",
        "2.5",
        "--out",
        out.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// Every file under `dir` by relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The two trees hold the same files with the same bytes (the first difference named).
fn assert_same_tree(a: &Path, b: &Path) {
    let (ta, tb) = (tree(a), tree(b));
    assert_eq!(
        ta.keys().collect::<Vec<_>>(),
        tb.keys().collect::<Vec<_>>(),
        "file lists differ"
    );
    for (path, bytes) in &ta {
        assert!(bytes == &tb[path], "{} differs", path.display());
    }
    assert!(ta.len() > 3 * 7, "{} files", ta.len());
}

#[test]
fn four_shards_made_in_parallel_merge_into_the_unsharded_dataset_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let protocol = protocol_file(dir.path());
    let whole = dir.path().join("whole");
    succeed(vitrum().args(generate_args(&protocol, &whole, &[])));

    // four processes at once, as four nodes would run them
    let bin = assert_cmd::cargo::cargo_bin("vitrum");
    let children: Vec<_> = (0..4)
        .map(|i| {
            let out = dir.path().join(format!("shard-{i}"));
            std::process::Command::new(&bin)
                .args(generate_args(
                    &protocol,
                    &out,
                    &["--shard", &format!("{i}/4")],
                ))
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    // shard 1/4 holds samples 1 and 5 and no features
    let names: Vec<String> = std::fs::read_dir(dir.path().join("shard-1/samples"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["0001.json", "0005.json"]);
    assert!(!dir.path().join("shard-1/features.npy").exists());

    let merged = dir.path().join("merged");
    let shards: Vec<String> = [3, 0, 2, 1]
        .map(|i| dir.path().join(format!("shard-{i}")).display().to_string())
        .to_vec();
    succeed(
        vitrum()
            .args(["-q", "dataset", "merge"])
            .args(&shards)
            .args(["--out", merged.to_str().unwrap()]),
    );
    assert_same_tree(&whole, &merged);
    // the staging directory is gone
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("merging"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // rerunning a finished shard changes nothing; merging into a dataset is refused
    succeed(vitrum().args(generate_args(
        &protocol,
        &dir.path().join("shard-2"),
        &["--shard", "2/4"],
    )));
    let out = vitrum()
        .args(["-q", "dataset", "merge"])
        .args(&shards)
        .args(["--out", merged.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an empty directory"));
    assert_same_tree(&whole, &merged);
}

/// Runs `vitrum dataset merge DIRS --out OUT` expecting failure; returns its stderr.
fn merge_fails(dirs: &[PathBuf], out: &Path) -> String {
    let output = vitrum()
        .args(["-q", "dataset", "merge"])
        .args(dirs)
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(!out.exists(), "a failed merge left {}", out.display());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn shards_that_do_not_make_one_dataset_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let protocol = protocol_file(dir.path());
    let shard = |name: &str, i: usize, extra: &[&str]| {
        let out = dir.path().join(name);
        let spec = format!("{i}/2");
        let mut args = vec!["--shard", spec.as_str()];
        args.extend_from_slice(extra);
        succeed(vitrum().args(generate_args(&protocol, &out, &args)));
        out
    };
    let a0 = shard("a0", 0, &[]);
    let a1 = shard("a1", 1, &[]);
    let denser = shard("b1", 1, &["--n", "48"]);
    let reseeded = shard("c1", 1, &["--seed", "7"]);
    let out = dir.path().join("merged");

    let e = merge_fails(&[a0.clone(), denser], &out);
    assert!(e.contains("settings.protocol.n: 64 vs 48"), "{e}");
    let e = merge_fails(&[a0.clone(), reseeded], &out);
    assert!(e.contains("settings.seed: 1000 vs 7"), "{e}");
    let e = merge_fails(&[a0.clone(), a0.clone(), a1.clone()], &out);
    assert!(e.contains("both shard 0/2"), "{e}");
    let e = merge_fails(std::slice::from_ref(&a1), &out);
    assert!(e.contains("1 of 2 shards missing (0/2)"), "{e}");

    // an unfinished sample, and a sample in the wrong shard
    let unfinished = dir.path().join("unfinished");
    std::fs::create_dir_all(unfinished.join("samples")).unwrap();
    std::fs::copy(a1.join("shard.json"), unfinished.join("shard.json")).unwrap();
    let e = merge_fails(&[a0.clone(), unfinished.clone()], &out);
    assert!(
        e.contains("sample 0001 of shard 1/2 is not finished"),
        "{e}"
    );
    std::fs::copy(a0.join("samples/0000.json"), a1.join("samples/0000.json")).unwrap();
    let e = merge_fails(&[a0.clone(), a1.clone()], &out);
    assert!(e.contains("holds sample 0000"), "{e}");

    // a whole dataset is not a shard; a shard directory takes one command only
    let whole = dir.path().join("whole");
    succeed(vitrum().args(generate_args(&protocol, &whole, &[])));
    let e = merge_fails(&[a0.clone(), whole], &out);
    assert!(e.contains("not a shard (no shard.json)"), "{e}");
    let output = vitrum()
        .args(generate_args(&protocol, &a0, &["--shard", "0/3"]))
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && e.contains("shard.count: 2 vs 3"),
        "{e}"
    );
}

/// examples/slurm/generate.sbatch as three array tasks, then merge.sbatch: the dataset of one
/// unsharded run.
#[test]
fn the_slurm_scripts_make_the_unsharded_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let protocol = protocol_file(dir.path());
    let whole = dir.path().join("whole");
    // the scripts pass no grids: the dataset rule's defaults
    let mut args = generate_args(&protocol, &whole, &[]);
    let at = args.iter().position(|a| a == "--r-max").unwrap();
    args.drain(at..at + 2);
    succeed(vitrum().args(args));
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/slurm");
    let bin = assert_cmd::cargo::cargo_bin("vitrum");
    let script = |name: &str, task: Option<usize>| {
        let mut c = std::process::Command::new("bash");
        c.arg(scripts.join(name))
            .current_dir(dir.path())
            .env("VITRUM", &bin)
            .env("SYSTEM", &protocol)
            .env("SAMPLES", SAMPLES)
            .env("VARY", VARY)
            .env("OUT", "merged");
        if let Some(i) = task {
            c.env("SLURM_ARRAY_TASK_ID", i.to_string())
                .env("SLURM_ARRAY_TASK_COUNT", "3");
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    for i in 0..3 {
        script("generate.sbatch", Some(i));
    }
    script("merge.sbatch", None);
    assert_same_tree(&whole, &dir.path().join("merged"));
}
