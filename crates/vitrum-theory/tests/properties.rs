//! Property tests on random configurations, every interaction, 2D and 3D: forces are −∇E
//! (central differences of the energy) and the Hessian is the central difference of the forces.
//!
//! Configurations are jittered square/cubic lattices (spacing 1.1, jitter < 0.15 per axis, so no
//! pair is closer than 0.8 and every potential is smooth there), two species at random.
//! Tolerances: with h = 1e-5 the O(h²) truncation error is ≤ h²|φ‴|/6 ≈ 1e-10 × 1e6 relative to
//! forces of ~1e3 at r = 0.8, i.e. < 1e-7 relative; round-off ε|E|/h ≈ 1e-9 absolute.

mod support;

use proptest::prelude::*;
use vitrum_io::{Cell, Configuration, Dim, Species};
use vitrum_theory::{Model, fd, registry};

/// The `table` style's file: the `lj` test pairs tabulated on [0.7, 2.0] (every pair of the
/// jittered lattice lies beyond 0.8), 1000 points each. Written once per process.
fn lj_table_file() -> &'static std::path::Path {
    static FILE: std::sync::OnceLock<(std::path::PathBuf, support::TempDir)> =
        std::sync::OnceLock::new();
    let (path, _) = FILE.get_or_init(|| {
        let mut text = String::from("# the lj test pairs, tabulated\n");
        for (key, e, s) in [("P11", 1.0, 1.0), ("P12", 1.5, 0.8), ("P22", 0.5, 0.88)] {
            text += &support::section(key, 0.7, 2.0, 1000, support::lj(e, s));
        }
        support::write_temp("lj.table", &text)
    });
    path
}

fn potential(style: &str, d: usize) -> Model {
    let pairs = |body: &dyn Fn(&str) -> String| {
        ["1-1", "1-2", "2-2"]
            .iter()
            .map(|p| format!("[pair.{p}]\n{}\n", body(p)))
            .collect::<String>()
    };
    let head = |style: &str, trunc: &str| {
        format!("style = \"{style}\"\ntruncation = \"{trunc}\"\n[masses]\n1 = 1.0\n2 = 2.5\n")
    };
    let text = match style {
        "lj" => {
            head("lj", "shift")
                + &pairs(&|p| {
                    let (e, s) = match p {
                        "1-1" => (1.0, 1.0),
                        "1-2" => (1.5, 0.8),
                        _ => (0.5, 0.88),
                    };
                    format!("epsilon = {e}\nsigma = {s}\ncutoff = 2.0")
                })
        }
        "yukawa" => {
            head("yukawa", "force-shift")
                + &pairs(&|p| {
                    let a = match p {
                        "1-1" => 1.0,
                        "1-2" => 1.4,
                        _ => 1.96,
                    };
                    format!("A = {a}\nkappa = 1.0\ncutoff = 2.0")
                })
        }
        "ipl" => {
            head("ipl", "force-shift")
                + &pairs(&|_| "epsilon = 1.0\nsigma = 0.9\nn = 12\ncutoff = 1.9".into())
        }
        "wca" => {
            head("wca", "none")
                + &pairs(&|p| {
                    let s = match p {
                        "1-1" => 1.0,
                        "1-2" => 0.95,
                        _ => 0.9,
                    };
                    format!("epsilon = 1.0\nsigma = {s}")
                })
        }
        "harmonic" => {
            head("harmonic", "none")
                + &pairs(&|p| {
                    let s = match p {
                        "1-1" => 1.2,
                        "1-2" => 1.3,
                        _ => 1.4,
                    };
                    format!("epsilon = 1.0\nsigma = {s}")
                })
        }
        "morse" => {
            head("morse", "shift")
                + &pairs(&|p| {
                    let (d0, r0) = match p {
                        "1-1" => (1.0, 1.12),
                        "1-2" => (1.5, 0.9),
                        _ => (0.5, 0.99),
                    };
                    format!("D0 = {d0}\nalpha = 5.0\nr0 = {r0}\ncutoff = 2.0")
                })
        }
        "table" => {
            let file = lj_table_file().display().to_string();
            head("table", "shift")
                + &pairs(&|p| {
                    let key = match p {
                        "1-1" => "P11",
                        "1-2" => "P12",
                        _ => "P22",
                    };
                    format!("file = '{file}'\nkeyword = \"{key}\"")
                })
        }
        "sw" => {
            let c0 = if d == 2 { -0.5 } else { -1.0 / 3.0 };
            format!(
                "style = \"sw\"\n[masses]\n1 = 1.0\n2 = 2.5\n[params]\nepsilon = 1.0\nsigma = 1.0\n\
                 a = 1.8\nlambda = 21.0\ngamma = 1.2\ncostheta0 = {c0}\nA = 7.049556277\n\
                 B = 0.6022245584\np = 4.0\nq = 0.0\n"
            )
        }
        _ => unreachable!(),
    };
    registry::from_toml(&text, style).unwrap()
}

fn lattice(d: usize, seed: u64, jitter: f64) -> Configuration {
    let side = 4usize;
    let a = 1.1;
    let l = side as f64 * a;
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut positions = Vec::new();
    let mut types = Vec::new();
    let zs = if d == 3 { side } else { 1 };
    for x in 0..side {
        for y in 0..side {
            for z in 0..zs {
                let mut p = [
                    x as f64 * a,
                    y as f64 * a,
                    if d == 3 { z as f64 * a } else { 0.0 },
                ];
                for c in p.iter_mut().take(d) {
                    *c += jitter * (2.0 * next() - 1.0);
                }
                positions.push(p);
                types.push(usize::from(next() < 0.4));
            }
        }
    }
    Configuration {
        positions,
        types,
        species: vec![
            Species {
                label: "1".into(),
                mass: None,
            },
            Species {
                label: "2".into(),
                mass: None,
            },
        ],
        cell: Cell::orthorhombic([l, l, if d == 3 { l } else { 1.0 }]),
        dim: if d == 3 { Dim::Three } else { Dim::Two },
        frame: 0,
        step: None,
    }
}

/// Whether some pair sits within 1e-4 of its cutoff, where φ′ or φ″ may jump (truncation, contact)
/// and a finite difference with h = 1e-5 could straddle the jump.
fn near_a_cutoff(model: &Model, config: &Configuration) -> bool {
    let Some(pair) = model.interaction.as_pair() else {
        return false;
    };
    let l: Vec<f64> = (0..3).map(|k| config.cell.matrix[k][k]).collect();
    let d = config.dim.get();
    for i in 0..config.len() {
        for j in i + 1..config.len() {
            let mut r2 = 0.0;
            for k in 0..d {
                let mut x = config.positions[j][k] - config.positions[i][k];
                x -= l[k] * (x / l[k]).round();
                r2 += x * x;
            }
            let rc = pair.term(config.types[i], config.types[j]).cutoff;
            if (r2.sqrt() - rc).abs() < 1e-4 {
                return true;
            }
        }
    }
    false
}

fn check(style: &str, d: usize, seed: u64, jitter: f64) {
    let model = potential(style, d);
    let mut seed = seed;
    let mut config = lattice(d, seed, jitter);
    while near_a_cutoff(&model, &config) {
        seed = seed.wrapping_add(1);
        config = lattice(d, seed, jitter);
    }
    let sys = model.bind(&config).unwrap();
    let inter = model.interaction.as_ref();
    let (_, forces) = inter.energy_forces(&sys).unwrap();
    let numeric = fd::forces(inter, &sys, 1e-5).unwrap();
    let fscale = forces.iter().flatten().fold(1.0f64, |m, x| m.max(x.abs()));
    for (i, (f, g)) in forces.iter().zip(&numeric).enumerate() {
        for k in 0..3 {
            assert!(
                (f[k] - g[k]).abs() < 1e-6 * fscale,
                "{style} {d}D particle {i}: force {} vs −dE/dx {}",
                f[k],
                g[k]
            );
        }
    }
    let h = inter.hessian(&sys).unwrap().to_dense();
    let hfd = fd::hessian(inter, &sys, 1e-5).unwrap();
    let hscale = h.iter().fold(1.0f64, |m, x| m.max(x.abs()));
    let worst = (&h - &hfd).iter().fold(0.0f64, |m, x| m.max(x.abs()));
    // sw: our Hessian is itself local FD (h = 5e-5σ); both O(h²) → 1e-6 still holds
    assert!(
        worst < 1e-6 * hscale,
        "{style} {d}D: |H − H_fd| = {worst:e} (scale {hscale:e})"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, ..ProptestConfig::default() })]

    #[test]
    fn lj(seed in any::<u64>(), jitter in 0.0..0.15f64, d in 2usize..=3) { check("lj", d, seed, jitter) }

    #[test]
    fn yukawa(seed in any::<u64>(), jitter in 0.0..0.15f64, d in 2usize..=3) { check("yukawa", d, seed, jitter) }

    #[test]
    fn ipl(seed in any::<u64>(), jitter in 0.0..0.15f64, d in 2usize..=3) { check("ipl", d, seed, jitter) }

    #[test]
    fn wca(seed in any::<u64>(), jitter in 0.0..0.15f64, d in 2usize..=3) { check("wca", d, seed, jitter) }

    #[test]
    fn harmonic(seed in any::<u64>(), jitter in 0.0..0.15f64, d in 2usize..=3) { check("harmonic", d, seed, jitter) }

    #[test]
    fn sw(seed in any::<u64>(), jitter in 0.0..0.15f64, d in 2usize..=3) { check("sw", d, seed, jitter) }

    #[test]
    fn morse(seed in any::<u64>(), jitter in 0.0..0.15f64, d in 2usize..=3) { check("morse", d, seed, jitter) }

    #[test]
    fn table(seed in any::<u64>(), jitter in 0.0..0.15f64, d in 2usize..=3) { check("table", d, seed, jitter) }
}

/// Every registered style and every preset is covered (a new style must be added above).
#[test]
fn every_style_is_tested_and_every_preset_loads() {
    let tested = [
        "lj", "yukawa", "ipl", "wca", "harmonic", "sw", "morse", "table",
    ];
    for s in registry::BUILT_IN {
        assert!(
            tested.contains(&s.name),
            "style {} has no property test",
            s.name
        );
    }
    for (name, _) in registry::PRESETS {
        registry::preset(name).unwrap();
    }
    for d in [2, 3] {
        for s in tested {
            check(s, d, 42, 0.1);
        }
    }
}
