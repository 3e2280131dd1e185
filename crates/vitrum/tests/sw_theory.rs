//! The three-body part of Stillinger–Weber at first order (vitrum_theory::perturbation::
//! three_body) on a 2D SW network glass made here by the native sampler (preset `sw-2d`,
//! N = 256: a threefold continuous random network): k → 0 and k → ∞ limits in 2D, the
//! factorised M2 share against the exact triplet Hessians and the sampler's eigenvalues, the
//! linear response against finite differences, the QCA VDOS with and without the three-body part
//! against the eigenvalue VDOS, and the cost of a 100-ω × 200-r kernel. The 3D checks (a-Si) are
//! in crates/vitrum-theory/tests/three_body.rs.

#[path = "../../vitrum-theory/tests/support/spectra.rs"]
mod spectra;
use spectra::{against_exact, exact_spectrum};
use std::sync::OnceLock;
use vitrum_descriptors::{PairCutoffs, RdfParams, bond_angles, rdf};
use vitrum_sim::{NativeSampler, Protocol, Sample, Sampler};
use vitrum_theory::interactions::sw::StillingerWeber;
use vitrum_theory::perturbation::three_body::{
    self, AngleDistribution, Factorisation, ThreeBodyTable, TripletCorrelation, TripletCount,
    exact_three_body_m2, sw_tables,
};
use vitrum_theory::perturbation::{PairTable, SpectrumGrid, debye_wavenumber, vdos};
use vitrum_theory::{Model, registry};

/// 200 bins to r = 5σ (the reference datasets' grid; half the box is 10σ).
const R_MAX: f64 = 5.0;
const BINS: usize = 200;
const FIRST_SHELL: f64 = 1.35;

struct Case {
    sample: Sample,
    model: Model,
    sw: StillingerWeber,
    edges: Vec<f64>,
    g: Vec<f64>,
    rho: f64,
    angles: AngleDistribution,
    triplets_per_atom: f64,
}

/// One sw-2d glass (the preset protocol, seed 1: ~2 s), shared by the tests.
fn case() -> &'static Case {
    static CASE: OnceLock<Case> = OnceLock::new();
    CASE.get_or_init(|| {
        let p = Protocol::preset("sw-2d").unwrap();
        let sample = NativeSampler.sample_once(&p, 1).unwrap();
        let model = registry::preset("sw-2d").unwrap();
        let sw = StillingerWeber::from_model(&model).unwrap();
        let config = &sample.config;
        let res = rdf(config, &RdfParams::new(R_MAX, BINS).unwrap()).unwrap();
        let cut = PairCutoffs::uniform(1, sw.range()).unwrap();
        let ba = bond_angles(config, &cut, 180).unwrap();
        Case {
            edges: (0..=BINS).map(|i| R_MAX * i as f64 / BINS as f64).collect(),
            g: res.g.clone(),
            rho: res.densities.iter().sum(),
            angles: AngleDistribution::from_degrees(&ba.theta, &ba.p).unwrap(),
            triplets_per_atom: ba.counts.iter().sum::<u64>() as f64 / config.len() as f64,
            sw,
            model,
            sample,
        }
    })
}

fn tables(c: &Case, count: TripletCount) -> (PairTable, ThreeBodyTable) {
    let f = Factorisation {
        count,
        bond_cutoff: None,
    };
    sw_tables(&c.model, &c.edges, c.sample.config.dim, &c.angles, f).unwrap()
}

/// P(θ) and neighbours within the first shell (1.35σ, the first minimum of g; the bond cutoff
/// of vitrum-sim's network test) instead of aσ.
fn first_shell_tables(c: &Case, count: TripletCount) -> (PairTable, ThreeBodyTable) {
    let cut = PairCutoffs::uniform(1, FIRST_SHELL).unwrap();
    let ba = bond_angles(&c.sample.config, &cut, 180).unwrap();
    let angles = AngleDistribution::from_degrees(&ba.theta, &ba.p).unwrap();
    let f = Factorisation {
        count,
        bond_cutoff: Some(FIRST_SHELL),
    };
    sw_tables(&c.model, &c.edges, c.sample.config.dim, &angles, f).unwrap()
}

/// The three-body table with the sample's own triplet correlation G (no factorisation).
fn measured_table(c: &Case, pairs: &PairTable) -> ThreeBodyTable {
    let sys = c.model.bind(&c.sample.config).unwrap();
    let corr = TripletCorrelation::measure(&c.sw, &sys, pairs, 180).unwrap();
    ThreeBodyTable::with_correlation(&c.sw, pairs, c.model.masses[0], &corr).unwrap()
}

/// 2D limits. k → 0: ω²_3(0) is the triplets' Σ_ab H_ab, zero up to FD round-off (< 1e-10 of
/// the M2 share; measured ~1e-14) and the total dispersion is ∝ k² (ω²(2k)/ω²(k) = 4 up to
/// O(k²r²) ~ 1e-6 at k = 1e-3: tolerance 1e-3). k → ∞: the three-body branch average tends to
/// the factorised M2 share (residual: the oscillating tails of J0, J2 over the bins, ~(k r)^{-3/2}
/// after the radial sum, and the s-grid interpolation; measured at k = 200σ⁻¹: printed;
/// tolerance 1e-2).
#[test]
fn the_2d_three_body_dispersion_has_the_right_limits() {
    let c = case();
    let (pairs, three) = tables(c, TripletCount::DistinctPairs);
    let m2 = three.m2(&c.g, c.rho);
    let at0 = three.dispersion(&pairs, &c.g, c.rho, &[0.0]).unwrap();
    eprintln!(
        "sw-2d: three-body M2 share {m2:.5e}; ω²_L,3(0) {:.2e}, ω²_T,3(0) {:.2e}",
        at0.omega2_l[0], at0.omega2_t[0]
    );
    assert!(at0.omega2_l[0].abs() < 1e-10 * m2.abs());
    assert!(at0.omega2_t[0].abs() < 1e-10 * m2.abs());
    let k = 1e-3;
    let total = three_body::dispersion(&pairs, &three, &c.g, c.rho, &[k, 2.0 * k]).unwrap();
    for (name, w) in [("L", &total.omega2_l), ("T", &total.omega2_t)] {
        let ratio = w[1] / w[0];
        eprintln!(
            "sw-2d {name}: c² = ω²/k² {:.5e}, ω²(2k)/ω²(k) {ratio:.7}",
            w[0] / (k * k)
        );
        assert!(w[0] > 0.0, "{name}: an unstable long wave");
        assert!((ratio - 4.0).abs() < 1e-3, "{name}: {ratio}");
    }
    let ks = [25.0, 50.0, 100.0, 200.0];
    let disp = three.dispersion(&pairs, &c.g, c.rho, &ks).unwrap();
    for (i, k) in ks.iter().enumerate() {
        let avg = 0.5 * (disp.omega2_l[i] + disp.omega2_t[i]);
        let rel = (avg - m2).abs() / m2.abs();
        eprintln!("sw-2d k = {k}: three-body branch average {avg:.6e}, rel to M2 share {rel:.2e}");
        if *k == 200.0 {
            assert!(rel < 1e-2, "{rel:e}");
        }
    }
}

/// The three-body share of M2, exact against factorised, on the 2D network. Exact: every
/// triplet of the sample, checked against Tr D/(dN) of the sampler's eigenvalues minus the exact
/// pair sum (both from the same FD Hessian code: tolerance 1e-6). Factorised from the sample's
/// own g(r) and P(θ) within aσ (in the 2D network aσ = 1.8σ lies between the bonds at 1.12σ
/// and the second neighbours at 1.9σ, so every triplet is a bond pair). Measured: printed and
/// pinned within ±5 points.
#[test]
fn factorised_m2_share_against_the_exact_hessian_on_sw_2d() {
    let c = case();
    let sys = c.model.bind(&c.sample.config).unwrap();
    let exact = exact_three_body_m2(&c.sw, &sys).unwrap();
    let pair_sum = c.sw.two_body().m2_pair_sum(&sys).unwrap();
    let eig = &c.sample.eigenvalues;
    let total = eig.iter().sum::<f64>() / eig.len() as f64;
    let via_eig = total - pair_sum;
    let rel_eig = (exact - via_eig).abs() / exact;
    let (pairs, prod) = tables(c, TripletCount::Product);
    let (_, dist) = tables(c, TripletCount::DistinctPairs);
    let z: f64 = (0..pairs.n_r())
        .filter(|&k| pairs.r[k] < c.sw.range())
        .map(|k| c.rho * c.g[k] * pairs.shells[k])
        .sum();
    let (m_prod, m_dist) = (prod.m2(&c.g, c.rho), dist.m2(&c.g, c.rho));
    let m_shell_prod = first_shell_tables(c, TripletCount::Product)
        .1
        .m2(&c.g, c.rho);
    let m_shell_dist = first_shell_tables(c, TripletCount::DistinctPairs)
        .1
        .m2(&c.g, c.rho);
    let measured = measured_table(c, &pairs).m2(&c.g, c.rho);
    let err = |m: f64| 100.0 * (m - exact) / exact;
    eprintln!(
        "sw-2d M2: total (eigenvalues) {total:.6e}, pair sum {pair_sum:.6e}, three-body exact \
         {exact:.6e} ({:.1} % of M2), via eigenvalues − pair sum {via_eig:.6e} (rel {rel_eig:.1e})",
        100.0 * exact / total
    );
    eprintln!(
        "sw-2d within aσ: Z = {z:.4}, ½Z² = {:.4}, ½Z(Z−1) = {:.4}, angle triplets per atom {:.4}",
        0.5 * z * z,
        0.5 * z * (z - 1.0),
        c.triplets_per_atom
    );
    eprintln!(
        "sw-2d factorised three-body M2: Product {m_prod:.6e} ({:+.2} %), DistinctPairs \
         {m_dist:.6e} ({:+.2} %)",
        err(m_prod),
        err(m_dist)
    );
    eprintln!(
        "sw-2d factorised, first shell ({FIRST_SHELL}σ): Product {m_shell_prod:.6e} ({:+.2} %), \
         DistinctPairs {m_shell_dist:.6e} ({:+.2} %); measured G (no factorisation, 0.025σ × 1° \
         bins): {measured:.6e} ({:+.2} %)",
        err(m_shell_prod),
        err(m_shell_dist),
        err(measured)
    );
    // the exact share of the triplets with both arms in the first shell
    let net = vitrum_descriptors::BondNetwork::new(
        &c.sample.config,
        &PairCutoffs::uniform(1, FIRST_SHELL).unwrap(),
    )
    .unwrap();
    let mut first_shell = 0.0;
    for i in 0..net.len() {
        let b = net.bonds(i);
        for x in 0..b.len() {
            for y in x + 1..b.len() {
                let h = three_body::triplet_hessian(&c.sw, 2, b[x].1, b[y].1);
                first_shell += (0..3)
                    .map(|a| (0..2).map(|al| h[a][a][al][al]).sum::<f64>())
                    .sum::<f64>();
            }
        }
    }
    let first_shell = first_shell / (2.0 * c.sample.config.len() as f64 * c.model.masses[0]);
    eprintln!(
        "sw-2d exact three-body M2 of first-shell triplets {first_shell:.6e} ({:.1} % of the \
         share); factorised first shell against it: Product {:+.2} %, DistinctPairs {:+.2} %",
        100.0 * first_shell / exact,
        100.0 * (m_shell_prod - first_shell) / first_shell,
        100.0 * (m_shell_dist - first_shell) / first_shell
    );
    assert!(rel_eig < 1e-6, "{exact} vs {via_eig}");
    // with G measured only the bins' midpoint quadrature is left: tolerance 5 %
    assert!(err(measured).abs() < 5.0, "measured G: {} %", err(measured));
    // the factorisation within aσ fails (measured −180 % / −160 %: the sign is wrong); pinned
    // within ±10 points (one sample; its seed is fixed) so that a change shows and is re-measured
    for (name, e, pinned) in [
        ("Product", err(m_prod), -180.4),
        ("DistinctPairs", err(m_dist), -160.4),
    ] {
        assert!(
            (e - pinned).abs() < 10.0,
            "{name}: {e} % (measured {pinned} %)"
        );
    }
}

/// A fixed, irregular direction in g space relative to g.
fn direction(g: &[f64]) -> Vec<f64> {
    g.iter()
        .enumerate()
        .map(|(i, g)| 0.1 * g * (1.7 * i as f64).sin())
        .collect()
}

fn top_frequency(pairs: &PairTable, three: &ThreeBodyTable, g: &[f64], rho: f64) -> f64 {
    let kd = debye_wavenumber(2, rho);
    let k: Vec<f64> = (1..=100).map(|i| kd * i as f64 / 100.0).collect();
    let disp = three_body::dispersion(pairs, three, g, rho, &k).unwrap();
    disp.omega2_l
        .iter()
        .chain(&disp.omega2_t)
        .fold(0.0f64, |m, w| m.max(*w))
        .sqrt()
}

/// K·δ and K_ρ (three-body part included) against central differences of the whole map
/// g → D_QCA in 2D, both triplet counts. Error h²D‴/6 ~ 1e-7 at h = 1e-3; tolerance 1e-5 of the
/// largest response (as for the pair styles). Measured: printed.
#[test]
fn the_2d_linear_response_with_three_body_matches_finite_differences() {
    let c = case();
    for count in [TripletCount::Product, TripletCount::DistinctPairs] {
        let (pairs, three) = tables(c, count);
        let wmax = top_frequency(&pairs, &three, &c.g, c.rho);
        let mut grid = SpectrumGrid::uniform(1.3 * wmax, 60, wmax / 15.0).unwrap();
        grid.n_k = 64;
        let resp = three_body::linear_response(&pairs, &three, &c.g, c.rho, &grid).unwrap();
        let delta = direction(&c.g);
        let h = 1e-3;
        let at = |g: &[f64], rho: f64| {
            three_body::vdos(&pairs, &three, g, rho, &grid)
                .unwrap()
                .density
        };
        let shifted = |s: f64| -> Vec<f64> {
            let gs: Vec<f64> = c.g.iter().zip(&delta).map(|(a, b)| a + s * b).collect();
            at(&gs, c.rho)
        };
        let (p, m) = (shifted(h), shifted(-h));
        let moved: Vec<f64> = c.g.iter().zip(&delta).map(|(a, b)| a + b).collect();
        let analytic = resp.change(&moved, c.rho);
        let scale = analytic.iter().fold(0.0f64, |a, b| a.max(b.abs()));
        let err = (0..analytic.len())
            .map(|i| ((p[i] - m[i]) / (2.0 * h) - analytic[i]).abs())
            .fold(0.0, f64::max);
        let hr = 1e-4 * c.rho;
        let (dp, dm) = (at(&c.g, c.rho + hr), at(&c.g, c.rho - hr));
        let scale_rho = resp.k_rho.iter().fold(0.0f64, |a, b| a.max(b.abs()));
        let err_rho = (0..dp.len())
            .map(|i| ((dp[i] - dm[i]) / (2.0 * hr) - resp.k_rho[i]).abs())
            .fold(0.0, f64::max);
        eprintln!(
            "sw-2d {count:?}: clamped {}; K·δ max {scale:.3e}, |FD − K·δ| {err:.3e} ({:.1e}); \
             K_ρ max {scale_rho:.3e}, |FD − K_ρ| {err_rho:.3e} ({:.1e})",
            resp.n_clamped,
            err / scale,
            err_rho / scale_rho
        );
        assert!(err < 1e-5 * scale, "{count:?}: {err:e} vs {scale:e}");
        assert!(
            err_rho < 1e-5 * scale_rho,
            "{count:?}: {err_rho:e} vs {scale_rho:e}"
        );
        assert_eq!(at(&c.g, c.rho), resp.d_qca);
    }
}

/// The QCA VDOS of the pair part alone and with the three-body part against the histogram of
/// the sample's eigenvalues (2 zero modes dropped), 60 bins to 1.15 ω_max, σ = 0.05 ω_max:
/// moments, R², W₁ (printed). Asserted: each is a density (∫ = 1 within 2 %), and with the
/// measured triplet correlation the three-body part moves the QCA spectrum's second moment
/// towards the exact one.
#[test]
fn the_2d_qca_vdos_with_and_without_three_body_against_the_eigenvalues() {
    let c = case();
    let exact = exact_spectrum(&c.sample.eigenvalues, 2);
    let grid = exact.grid.clone();
    let (m1e, m2e) = exact.moments;
    eprintln!(
        "sw-2d exact: ω_max {:.4}, ⟨ω⟩ {m1e:.4}, ⟨ω²⟩ {m2e:.4}",
        exact.omega_max
    );
    let (pairs, _) = tables(c, TripletCount::Product);
    let mut spectra = vec![(
        "pair only".to_string(),
        vdos(&pairs, &c.g, c.rho, &grid).unwrap(),
    )];
    for count in [TripletCount::Product, TripletCount::DistinctPairs] {
        let (pairs, three) = tables(c, count);
        let v = three_body::vdos(&pairs, &three, &c.g, c.rho, &grid).unwrap();
        spectra.push((format!("+ three-body {count:?}"), v));
    }
    for count in [TripletCount::Product, TripletCount::DistinctPairs] {
        let (pairs, three) = first_shell_tables(c, count);
        let v = three_body::vdos(&pairs, &three, &c.g, c.rho, &grid).unwrap();
        spectra.push((format!("+ three-body {count:?}, first shell"), v));
    }
    let measured = measured_table(c, &pairs);
    let v = three_body::vdos(&pairs, &measured, &c.g, c.rho, &grid).unwrap();
    spectra.push(("+ three-body, measured G".into(), v));
    let m2_errors = against_exact("sw-2d", &exact, &spectra);
    // with the exact three-body M2 (measured G) the QCA's second moment must move towards the
    // exact one: it adds the angular stiffness the pair part lacks
    let last = m2_errors.len() - 1;
    assert!(m2_errors[last] < m2_errors[0], "{m2_errors:?}");
}

/// A 100-ω × 200-r kernel with the three-body part in 2D (tables built once, as a backend
/// does per dataset; the linear response at the default n_k = 256) has the grid's shape and is
/// finite everywhere. Its cost is measured by the criterion bench (`cargo bench -p
/// vitrum-theory --bench perturbation kernel_sw2d`: tables 157 ms + response 397 ms,
/// docs/theory.md), not
/// here: a timed unit test would measure the machine's load.
#[test]
fn a_2d_kernel_with_three_body_covers_the_grid_and_is_finite() {
    let c = case();
    let (pairs, three) = tables(c, TripletCount::DistinctPairs);
    let wmax = top_frequency(&pairs, &three, &c.g, c.rho);
    let grid = SpectrumGrid::uniform(1.2 * wmax, 100, 0.05 * wmax).unwrap();
    let resp = three_body::linear_response(&pairs, &three, &c.g, c.rho, &grid).unwrap();
    assert_eq!(resp.kernel.dim(), (100, 200));
    assert!(resp.kernel.iter().all(|v| v.is_finite()));
}
