//! First-order perturbation theory (vitrum_theory::perturbation) on synthetic partial g's and
//! the single-configuration fixtures: the analytic linear response against finite differences
//! of the whole map, the k → ∞ and k → 0 limits of the QCA dispersion, the normalisation of the
//! QCA VDOS, and the sum-rule kernel against the pair sum and the eigenvalues.

use vitrum_descriptors::{RdfParams, rdf};
use vitrum_io::{Dim, ReadOptions, read_configuration};
use vitrum_theory::perturbation::{
    PairTable, SpectrumGrid, debye_wavenumber, dispersion, linear_response, m2, m2_kernel, vdos,
};
use vitrum_theory::registry;

const RHO: f64 = 1.2;

fn edges(r_max: f64, bins: usize) -> Vec<f64> {
    (0..=bins).map(|i| r_max * i as f64 / bins as f64).collect()
}

/// A liquid-like g(r) for a pair of contact distance `s`: a smooth onset at 0.9 s, a first peak
/// at 1.12 s, a shallow minimum at 1.6 s, 1 beyond.
fn model_g(r: f64, s: f64) -> f64 {
    let onset = 0.5 * (1.0 + ((r - 0.9 * s) / (0.04 * s)).tanh());
    let peak = 1.8 * (-((r - 1.12 * s) / (0.12 * s)).powi(2)).exp();
    let dip = -0.3 * (-((r - 1.6 * s) / (0.2 * s)).powi(2)).exp();
    onset * (1.0 + peak + dip)
}

/// (table, g row) for a preset in `d` dimensions, 65:35, with contact distances `contact` per
/// channel.
fn setup(
    preset: &str,
    d: usize,
    r_max: f64,
    bins: usize,
    contact: [f64; 3],
) -> (PairTable, Vec<f64>) {
    let model = registry::preset(preset).unwrap();
    let dim = Dim::from_usize(d).unwrap();
    let table = PairTable::from_model(&model, &[0.65, 0.35], &edges(r_max, bins), dim).unwrap();
    let g = contact
        .iter()
        .flat_map(|&s| {
            table
                .r
                .iter()
                .map(move |&r| model_g(r, s))
                .collect::<Vec<_>>()
        })
        .collect();
    (table, g)
}

const KA: [f64; 3] = [1.0, 0.8, 0.88];
const YUKAWA: [f64; 3] = [1.0, 1.0, 1.0];

/// The four systems of the acceptance: LJ (Kob–Andersen, energy-shifted) and Yukawa
/// (force-shifted), 2D and 3D.
fn systems(r_max: f64, bins: usize) -> Vec<(String, PairTable, Vec<f64>)> {
    let mut out = Vec::new();
    for d in [2, 3] {
        for (preset, contact) in [("kob-andersen", KA), ("yukawa-binary", YUKAWA)] {
            let (t, g) = setup(preset, d, r_max, bins, contact);
            out.push((format!("{preset} {d}D"), t, g));
        }
    }
    out
}

/// A fixed, irregular direction in g space (no random crate needed), relative to g: a change
/// where there are no pairs (inside the core, where φ″ ~ r⁻¹⁴ is astronomically large) is no
/// physical perturbation.
fn direction(g: &[f64]) -> Vec<f64> {
    g.iter()
        .enumerate()
        .map(|(i, g)| 0.1 * g * (1.7 * i as f64).sin())
        .collect()
}

fn top_frequency(table: &PairTable, g: &[f64], rho: f64) -> f64 {
    let kd = debye_wavenumber(table.dim, rho);
    let k: Vec<f64> = (1..=200).map(|i| kd * i as f64 / 200.0).collect();
    let disp = dispersion(table, g, rho, &k).unwrap();
    disp.omega2_l
        .iter()
        .chain(&disp.omega2_t)
        .fold(0.0f64, |m, w| m.max(*w))
        .sqrt()
}

/// K·δ against (D(g + hδ) − D(g − hδ))/(2h) and K_ρ against the same difference in ρ, for the
/// whole map g → ω_β(k) → broadened, bin-averaged D(ω). Central differences have error
/// h² D‴/6: with h = 1e-3 on a δ of size 0.1 (ρ: h = 1e-4 ρ) that is ~1e-7 of max|K·δ|;
/// round-off is ε·D/h ~ 1e-12. Tolerance 1e-5 of the largest response; measured ≤ 1e-9 for K
/// and ≤ 2e-7 for K_ρ (printed).
#[test]
fn linear_response_matches_finite_differences_of_the_whole_map() {
    for (name, table, g) in systems(3.5, 140) {
        let wmax = top_frequency(&table, &g, RHO);
        let mut grid = SpectrumGrid::uniform(1.3 * wmax, 60, wmax / 15.0).unwrap();
        grid.n_k = 64;
        let resp = linear_response(&table, &g, RHO, &grid).unwrap();
        assert_eq!(resp.n_clamped, 0, "{name}");
        let delta = direction(&g);
        let h = 1e-3;
        let shifted = |s: f64| -> Vec<f64> {
            let gs: Vec<f64> = g.iter().zip(&delta).map(|(a, b)| a + s * b).collect();
            vdos(&table, &gs, RHO, &grid).unwrap().density
        };
        let (p, m) = (shifted(h), shifted(-h));
        let analytic = resp.change(
            &g.iter().zip(&delta).map(|(a, b)| a + b).collect::<Vec<_>>(),
            RHO,
        );
        let scale = analytic.iter().fold(0.0f64, |a, b| a.max(b.abs()));
        let err = (0..analytic.len())
            .map(|i| ((p[i] - m[i]) / (2.0 * h) - analytic[i]).abs())
            .fold(0.0, f64::max);
        eprintln!("{name}: K·δ max {scale:.3e}, |FD − K·δ| max {err:.3e}");
        assert!(err < 1e-5 * scale, "{name}: {err:e} vs {scale:e}");

        let hr = 1e-4 * RHO;
        let dp = vdos(&table, &g, RHO + hr, &grid).unwrap().density;
        let dm = vdos(&table, &g, RHO - hr, &grid).unwrap().density;
        let scale = resp.k_rho.iter().fold(0.0f64, |a, b| a.max(b.abs()));
        let err = (0..dp.len())
            .map(|i| ((dp[i] - dm[i]) / (2.0 * hr) - resp.k_rho[i]).abs())
            .fold(0.0, f64::max);
        eprintln!("{name}: K_ρ max {scale:.3e}, |FD − K_ρ| max {err:.3e}");
        assert!(err < 1e-5 * scale, "{name}: K_ρ {err:e} vs {scale:e}");
        // the reference spectrum is the map's value
        let d0 = vdos(&table, &g, RHO, &grid).unwrap().density;
        assert_eq!(d0, resp.d_qca);
    }
}

/// As k → ∞ the plane-wave term averages out and (ω_L² + (d−1) ω_T²)/d → M2 (the same
/// quadrature, so the only residual is ρ Σ wq g c0(kr) f/d, the oscillating tail of the
/// integrand, set by the jumps of φ″ at the cutoffs and decaying like k^{−(d+1)/2}). On a fine
/// grid (Δr = 0.002, k Δr ≤ 2: the oscillation is resolved) at k = 600 and 1000: measured
/// ≤ 8.3e-7 relative (Yukawa 2D, whose force-shifted φ″ jumps most); tolerance 1e-5.
#[test]
fn branch_average_tends_to_m2_at_large_k() {
    for (name, table, g) in systems(3.6, 1800) {
        let m2 = m2(&table, &g, RHO).unwrap();
        let d = table.dim as f64;
        for k in [600.0, 1000.0] {
            let disp = dispersion(&table, &g, RHO, &[k]).unwrap();
            let avg = (disp.omega2_l[0] + (d - 1.0) * disp.omega2_t[0]) / d;
            let rel = (avg - m2).abs() / m2;
            eprintln!("{name}: k = {k}: branch average {avg:.6e}, M2 {m2:.6e}, rel {rel:.2e}");
            assert!(rel < 1e-5, "{name} k={k}: {rel:e}");
        }
    }
}

/// As k → 0, ω_β² = c_β² k² with the Born–Huang (affine, Zwanzig–Mountain) speeds, derived from
/// the same integrals by c0 ≈ 1 − x²/(2d), cl ≈ 1/d − x² ⟨μ⁴⟩/2, ⟨μ⁴⟩ = 3/(d(d+2)):
/// c_L² = ρ/(2d(d+2)) Σ wq g r² [3φ″ + (d−1)φ′/r], c_T² = ρ/(2d(d+2)) Σ wq g r² [φ″ + (d+1)φ′/r]
/// (3D: ρ m c_T² = (2πρ²/15) ∫ g r⁴ [φ″ + 4φ′/r] dr, Zwanzig–Mountain's G∞). At k = 1e-3 the
/// next term is O((k r_c)²) ~ 1e-5 relative; tolerance 1e-4.
#[test]
fn small_k_slopes_are_the_born_huang_sound_speeds() {
    for (name, table, g) in systems(3.6, 360) {
        let d = table.dim as f64;
        let (mut cl2, mut ct2) = (0.0, 0.0);
        for c in 0..table.n_channels() {
            for (i, &r) in table.r.iter().enumerate() {
                let w = table.wq[[c, i]] * g[c * table.n_r() + i] * r * r;
                let (f2, f1) = (table.d2[[c, i]], table.d1r[[c, i]]);
                cl2 += w * (3.0 * f2 + (d - 1.0) * f1);
                ct2 += w * (f2 + (d + 1.0) * f1);
            }
        }
        let pref = RHO / (2.0 * d * (d + 2.0));
        let (cl2, ct2) = (cl2 * pref, ct2 * pref);
        let k = 1e-3;
        let disp = dispersion(&table, &g, RHO, &[k]).unwrap();
        let (sl, st) = (disp.omega2_l[0] / (k * k), disp.omega2_t[0] / (k * k));
        eprintln!("{name}: c_L² {sl:.8e} vs {cl2:.8e}; c_T² {st:.8e} vs {ct2:.8e}");
        assert!(cl2 > 0.0 && ct2 > 0.0, "{name}: unstable model g");
        assert!((sl - cl2).abs() < 1e-4 * cl2, "{name}: c_L² {sl} vs {cl2}");
        assert!((st - ct2).abs() < 1e-4 * ct2, "{name}: c_T² {st} vs {ct2}");
    }
}

/// Σ D Δω = 1 when the grid reaches 8σ beyond the top frequency (the reflected Gaussian loses
/// nothing below 0; the tail beyond 8σ is erfc(8/√2)/2 ~ 6e-16), for coarse and fine grids.
#[test]
fn qca_vdos_integrates_to_one() {
    for (name, table, g) in systems(3.5, 140) {
        let wmax = top_frequency(&table, &g, RHO);
        for (sigma, bins) in [(wmax / 50.0, 400), (wmax / 5.0, 37)] {
            let grid = SpectrumGrid::uniform(wmax + 8.0 * sigma, bins, sigma).unwrap();
            let v = vdos(&table, &g, RHO, &grid).unwrap();
            let width = grid.omega_edges[1] - grid.omega_edges[0];
            let total: f64 = v.density.iter().sum::<f64>() * width;
            assert!(v.density.iter().all(|x| *x >= 0.0), "{name}");
            assert_eq!(v.n_clamped, 0, "{name}");
            assert!(
                (total - 1.0).abs() < 1e-12,
                "{name} σ={sigma}: ∫D = {total}"
            );
        }
    }
}

/// A g that makes some plane waves unstable (negative ω² at small k: a g that puts pairs on the
/// attractive side only) is clamped and counted, not turned into NaN.
#[test]
fn unstable_plane_waves_are_clamped_and_counted() {
    let (table, _) = setup("kob-andersen", 2, 3.5, 140, KA);
    // pairs only between 1.3 and 2.0 σ: φ″ < 0 there (beyond the inflection point at 1.24 σ)
    let g: Vec<f64> = (0..table.n_channels())
        .flat_map(|_| {
            table
                .r
                .iter()
                .map(|&r| if (1.3..2.0).contains(&r) { 1.0 } else { 0.0 })
                .collect::<Vec<_>>()
        })
        .collect();
    let grid = SpectrumGrid::uniform(20.0, 50, 1.0).unwrap();
    let v = vdos(&table, &g, RHO, &grid).unwrap();
    assert!(v.n_clamped > 0);
    assert!(v.density.iter().all(|x| x.is_finite()));
    let resp = linear_response(&table, &g, RHO, &grid).unwrap();
    assert_eq!(resp.n_clamped, v.n_clamped);
    assert!(resp.kernel.iter().all(|x| x.is_finite()));
}

/// The sum-rule kernel on the fixtures' own partial g: the same quadrature as the existing
/// `m2_from_rdf` (to round-off), and within the stated quadrature error of Tr D/(dN) from the
/// LAMMPS eigenvalues (measured: printed; bounds as in fixtures.rs: 1e-2 at Δr = 0.025).
#[test]
fn sum_rule_kernel_reproduces_m2_on_the_fixtures() {
    for (name, preset, r_max, bins) in [
        ("ka3d", "kob-andersen", 3.5, 140),
        ("ka2d", "kob-andersen", 5.0, 200),
        ("yukawa3d", "yukawa-binary", 3.5, 140),
    ] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(name);
        let config = read_configuration(dir.join("config.dump"), &ReadOptions::default()).unwrap();
        let model = registry::preset(preset).unwrap();
        let sys = model.bind(&config).unwrap();
        let pair = model.interaction.as_pair().unwrap();
        let res = rdf(&config, &RdfParams::new(r_max, bins).unwrap()).unwrap();
        assert_eq!(res.labels, model.labels);
        let table =
            PairTable::from_model(&model, &res.fractions, &edges(r_max, bins), config.dim).unwrap();
        let g: Vec<f64> = res.partials.iter().flat_map(|p| p.g.clone()).collect();
        let rho: f64 = res.densities.iter().sum();
        let via_kernel: f64 = m2_kernel(&table, rho)
            .unwrap()
            .iter()
            .zip(&g)
            .map(|(k, g)| k * g)
            .sum();
        let quad = pair.m2_from_rdf(&sys, &res).unwrap();
        let eig: Vec<f64> = std::fs::read_to_string(dir.join("eigenvalues.txt"))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.trim().parse().unwrap())
            .collect();
        let m2_eig = eig.iter().sum::<f64>() / eig.len() as f64;
        let rel = (via_kernel - m2_eig).abs() / m2_eig;
        eprintln!("{name}: M2 via K2 {via_kernel:.6e}, eigenvalues {m2_eig:.6e}, rel {rel:.2e}");
        assert!(
            (via_kernel - quad).abs() < 1e-12 * quad,
            "{name}: {via_kernel} vs {quad}"
        );
        assert!(rel < 1e-2, "{name}: {rel:e}");
    }
}

/// Unequal masses (Kob–Andersen with m_B = 3): the acoustic plane wave still has ω → 0 as k → 0
/// with the Born–Huang speeds of the mean mass m̄ = Σ x_a m_a (c² = elastic constant / mass
/// density), and its k → ∞ limit is the M2 of the mean mass, below the exact Tr D/(dN) whose
/// ⟨1/m⟩ weighting the sum-rule kernel keeps (docs/theory.md, "Masses").
#[test]
fn unequal_masses_use_the_mean_mass_acoustic_branch() {
    let text = registry::PRESETS
        .iter()
        .find(|p| p.0 == "kob-andersen")
        .unwrap()
        .1
        .replace("2 = 1.0", "2 = 3.0");
    let heavy = registry::from_toml(&text, "ka-heavy").unwrap();
    let light = registry::preset("kob-andersen").unwrap();
    let dim = Dim::from_usize(3).unwrap();
    let x = [0.8, 0.2];
    let e = edges(3.6, 1800);
    let t_heavy = PairTable::from_model(&heavy, &x, &e, dim).unwrap();
    let t_light = PairTable::from_model(&light, &x, &e, dim).unwrap();
    let g: Vec<f64> = KA
        .iter()
        .flat_map(|&s| {
            t_light
                .r
                .iter()
                .map(move |&r| model_g(r, s))
                .collect::<Vec<_>>()
        })
        .collect();
    let mean_mass = 0.8 * 1.0 + 0.2 * 3.0;
    for k in [1e-3, 2.0, 1000.0] {
        let h = dispersion(&t_heavy, &g, RHO, &[k]).unwrap();
        let l = dispersion(&t_light, &g, RHO, &[k]).unwrap();
        // the whole dispersion is the equal-mass one divided by m̄ (round-off only)
        assert!((h.omega2_l[0] * mean_mass - l.omega2_l[0]).abs() < 1e-12 * l.omega2_l[0].abs());
        assert!((h.omega2_t[0] * mean_mass - l.omega2_t[0]).abs() < 1e-12 * l.omega2_t[0].abs());
    }
    // exact M2 weighs each species by its own 1/m: larger than the mean-mass limit here
    let exact = m2(&t_heavy, &g, RHO).unwrap();
    let d = dispersion(&t_heavy, &g, RHO, &[1000.0]).unwrap();
    let limit = (d.omega2_l[0] + 2.0 * d.omega2_t[0]) / 3.0;
    eprintln!("m_B = 3: exact M2 {exact:.4e}, QCA k → ∞ limit {limit:.4e}");
    assert!(exact > 1.05 * limit, "{exact} vs {limit}");
}
