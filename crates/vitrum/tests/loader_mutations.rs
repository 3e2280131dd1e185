//! Every loader the project owns, fed mutated copies of good inputs (bytes flipped, files cut
//! short, numbers made huge, negative or NaN, slices repeated or dropped): each returns an error
//! or a value, never a panic. A deterministic, seconds-long smoke run of what a fuzzer does; the
//! inputs it found crashing are kept in tests/bad-input/ as regression cases.

mod common;

use common::*;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// splitmix64: a reproducible stream (the run is the same on every machine).
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens a hostile input is made of.
const TOKENS: &[&str] = &[
    "99999999999999999999",
    "18446744073709551615",
    "-1",
    "0",
    "-1e308",
    "1e308",
    "nan",
    "inf",
    "\"",
    "[",
    "{",
    "=",
    ":",
    ",",
    "\n",
    "\u{0}",
];

/// One to three mutations of `seed`.
fn mutate(seed: &[u8], s: &mut Stream) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + s.below(3) {
        let at = s.below(b.len() + 1);
        match s.below(6) {
            0 if !b.is_empty() => {
                let i = s.below(b.len());
                b[i] = s.next() as u8;
            }
            1 => b.truncate(at),
            2 => {
                let t = TOKENS[s.below(TOKENS.len())].as_bytes();
                b.splice(at..at, t.iter().copied());
            }
            3 if at < b.len() => {
                // replace a run of digits (or anything) by a token
                let end = (at + 1 + s.below(12)).min(b.len());
                let t = TOKENS[s.below(TOKENS.len())].as_bytes();
                b.splice(at..end, t.iter().copied());
            }
            4 if at < b.len() => {
                let end = (at + 1 + s.below(64)).min(b.len());
                let piece: Vec<u8> = b[at..end].to_vec();
                b.splice(at..at, piece);
            }
            _ if at < b.len() => {
                let end = (at + 1 + s.below(64)).min(b.len());
                b.drain(at..end);
            }
            _ => {}
        }
    }
    b
}

/// Runs `load` on each seed and `runs` mutations of each (or, with `VITRUM_FUZZ_SECONDS=S`, on
/// mutations of the seeds in turn for S/7 seconds: `cargo xtask fuzz` gives each of the seven
/// targets its share); returns the inputs that panicked and prints the executions.
fn survive(
    name: &str,
    seeds: &[Vec<u8>],
    runs: usize,
    load: &dyn Fn(&[u8]),
) -> Vec<(String, Vec<u8>)> {
    let budget = std::env::var("VITRUM_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .map(|s| std::time::Duration::from_secs_f64(s / 7.0));
    let start = std::time::Instant::now();
    let mut s = Stream(name.bytes().fold(7, |h, c| h * 31 + c as u64));
    let mut crashes = Vec::new();
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut executions = 0usize;
    let mut k = 0usize;
    loop {
        let done = match budget {
            Some(b) => k >= seeds.len() && start.elapsed() >= b,
            None => k >= seeds.len() * (runs + 1),
        };
        if done {
            break;
        }
        let seed = &seeds[k % seeds.len()];
        // each seed itself must load first
        let input = if k < seeds.len() {
            seed.clone()
        } else {
            mutate(seed, &mut s)
        };
        if catch_unwind(AssertUnwindSafe(|| load(&input))).is_err() {
            crashes.push((format!("{name} #{k}"), input));
        }
        executions += 1;
        k += 1;
    }
    std::panic::set_hook(hook);
    eprintln!(
        "fuzz {name}: {executions} executions in {:.1} s, {} crashes",
        start.elapsed().as_secs_f64(),
        crashes.len()
    );
    crashes
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Mutations per seed: 300 by default (about a second per target), more with
/// `VITRUM_MUTATIONS=N` for a longer search.
fn runs() -> usize {
    std::env::var("VITRUM_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

fn report(crashes: Vec<(String, Vec<u8>)>) {
    let dir = tempfile::Builder::new()
        .prefix("vitrum-crash-")
        .tempdir()
        .unwrap()
        .keep();
    for (name, input) in &crashes {
        std::fs::write(dir.join(name.replace([' ', '#'], "_")), input).unwrap();
    }
    assert!(
        crashes.is_empty(),
        "{} panics, inputs kept in {}: {:?}",
        crashes.len(),
        dir.display(),
        crashes.iter().map(|c| &c.0).collect::<Vec<_>>()
    );
}

#[test]
fn model_files() {
    let seeds = vec![
        read(&fixture("../tests/bad-input/files/tiny-model.json")),
        read(&fixture(
            "../crates/vitrum-regress/tests/data/model-v1-native-ridge.json",
        )),
    ];
    report(survive("model", &seeds, runs(), &|b| {
        let _ = vitrum_regress::model_file::from_json(&text(b));
    }));
}

#[test]
fn npy_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.npy");
    let seeds = vec![
        read(&fixture("../tests/bad-input/files/tiny-features.npy")),
        read(&fixture("dataset-ka2d/grid_r.npy")),
    ];
    report(survive("npy", &seeds, runs(), &|b| {
        std::fs::write(&path, b).unwrap();
        let _ = vitrum_io::read_npy_2d(&path);
        let _ = vitrum_io::read_npy_1d(&path);
    }));
}

#[test]
fn protocol_and_potential_files() {
    let seeds = vec![
        read(&fixture("../crates/vitrum-sim/presets/ka2d.toml")),
        read(&fixture("../crates/vitrum-sim/presets/sw-si.toml")),
    ];
    report(survive("protocol", &seeds, runs(), &|b| {
        let _ = vitrum_sim::Protocol::from_toml(&text(b));
    }));
    let seeds = vec![
        read(&fixture(
            "../crates/vitrum-theory/presets/kob-andersen.toml",
        )),
        read(&fixture("../crates/vitrum-theory/presets/si-sw.toml")),
    ];
    report(survive("potential", &seeds, runs(), &|b| {
        let _ = vitrum_theory::registry::from_toml(&text(b), "fuzz");
    }));
}

#[test]
fn study_files() {
    let seeds = vec![
        vitrum::cli::demo::DEMO_STUDY.as_bytes().to_vec(),
        read(&fixture("../examples/ka2d-reference.toml")),
    ];
    report(survive("study", &seeds, runs(), &|b| {
        let _ = vitrum::pipeline::Study::from_toml(&text(b));
    }));
}

/// The manifest (meta.json) of the reference dataset, its arrays linked in unchanged.
#[test]
fn dataset_manifests() {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "features.npy",
        "targets.npy",
        "grid_r.npy",
        "grid_omega.npy",
        "eigenvalues.npy",
        "features_partials.npy",
    ] {
        std::os::unix::fs::symlink(fixture(&format!("dataset-ka2d/{f}")), dir.path().join(f))
            .unwrap();
    }
    let seeds = vec![read(&fixture("dataset-ka2d/meta.json"))];
    report(survive("manifest", &seeds, runs() / 5, &|b| {
        std::fs::write(dir.path().join("meta.json"), b).unwrap();
        let _ = vitrum_io::Dataset::read(dir.path());
    }));
}

/// LAMMPS dumps through vitrum's reader and the conversion into a configuration; the third
/// seed has two frames, a triclinic box, scaled coordinates, image flags, masses and shuffled ids.
#[test]
fn configuration_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.dump");
    let triclinic = "ITEM: UNITS\nlj\nITEM: TIMESTEP\n5\nITEM: NUMBER OF ATOMS\n3\n\
        ITEM: BOX BOUNDS xy xz yz pp pp pp\n-0.5 5 1\n0 5.25 -0.5\n0 6 0.25\n\
        ITEM: ATOMS id type mass xs ys zs ix iy iz\n3 2 2.0 0.1 0.2 0.3 0 1 -1\n\
        1 1 1.0 0.5 0.5 0.5 0 0 0\n2 1 1.0 0.9 0.1 0.7 -2 0 0\n\
        ITEM: TIMESTEP\n6\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 5\n\
        0 6\nITEM: ATOMS id element x y z xu yu zu\n2 Si 1 2 3 5 2 3\n1 C 0.5 0.5 0.5 0.5 \
        -4.5 0.5\n";
    let seeds = vec![
        read(&fixture("../tests/bad-input/files/good-8-atoms.dump")),
        read(&fixture("../tests/bad-input/files/two-at-one-point.dump")),
        triclinic.as_bytes().to_vec(),
    ];
    report(survive("dump", &seeds, runs(), &|b| {
        std::fs::write(&path, b).unwrap();
        let _ = vitrum_io::read_configurations(&path, &Default::default());
    }));
}
