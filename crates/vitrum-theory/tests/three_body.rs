//! The three-body part of Stillinger–Weber at first order (perturbation::three_body) on the
//! amorphous-silicon fixture (fixtures/asi-sw: LAMMPS SW, metal units, N = 512): the k → 0 and
//! k → ∞ limits, the factorised M2 share against the exact triplet Hessians and the LAMMPS
//! eigenvalues, the linear response against finite differences of the whole map, and the QCA
//! VDOS with and without the three-body part against the eigenvalue VDOS. The 2D network glass
//! (sw-2d, made by the native sampler) is in crates/vitrum/tests/sw_theory.rs.

use vitrum_descriptors::{PairCutoffs, RdfParams, bond_angles, rdf};
use vitrum_io::{Configuration, ReadOptions, read_configuration};
use vitrum_theory::interactions::sw::StillingerWeber;
use vitrum_theory::perturbation::three_body::{
    self, AngleDistribution, Factorisation, ThreeBodyTable, TripletCorrelation, TripletCount,
    exact_three_body_m2, sw_tables, triplet_hessian,
};
use vitrum_theory::perturbation::{PairTable, SpectrumGrid, debye_wavenumber, m2_kernel};
use vitrum_theory::{Model, registry};

#[path = "support/spectra.rs"]
mod spectra;
use spectra::{against_exact, exact_spectrum};

/// Bins of 0.05 Å to 8 Å, the fixture's rdf.csv grid.
const R_MAX: f64 = 8.0;
const BINS: usize = 160;
/// The first minimum of the fixture's g(r) (2.925 Å bin; a bin edge): the first-shell cutoff.
const SHELL: f64 = 2.95;

struct Case {
    model: Model,
    sw: StillingerWeber,
    config: Configuration,
    edges: Vec<f64>,
    g: Vec<f64>,
    rho: f64,
    /// P(θ) of neighbours within aσ and within the first shell.
    angles: AngleDistribution,
    angles_shell: AngleDistribution,
    /// Angle triplets per atom in the configuration, ½⟨Z(Z − 1)⟩, within aσ and the first shell.
    triplets_per_atom: f64,
    triplets_per_atom_shell: f64,
    eigenvalues: Vec<f64>,
}

fn fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/asi-sw")
}

fn asi_sw() -> Case {
    let config =
        read_configuration(fixture().join("config.dump"), &ReadOptions::default()).unwrap();
    let model = registry::preset("si-sw").unwrap();
    let sw = StillingerWeber::from_model(&model).unwrap();
    let res = rdf(&config, &RdfParams::new(R_MAX, BINS).unwrap()).unwrap();
    let edges: Vec<f64> = (0..=BINS).map(|i| R_MAX * i as f64 / BINS as f64).collect();
    let ba = bond_angles(&config, &PairCutoffs::uniform(1, sw.range()).unwrap(), 180).unwrap();
    let shell = bond_angles(&config, &PairCutoffs::uniform(1, SHELL).unwrap(), 180).unwrap();
    let eigenvalues: Vec<f64> = std::fs::read_to_string(fixture().join("eigenvalues.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().parse().unwrap())
        .collect();
    Case {
        sw,
        edges,
        g: res.g.clone(),
        rho: res.densities.iter().sum(),
        angles: AngleDistribution::from_degrees(&ba.theta, &ba.p).unwrap(),
        triplets_per_atom: ba.counts.iter().sum::<u64>() as f64 / config.len() as f64,
        angles_shell: AngleDistribution::from_degrees(&shell.theta, &shell.p).unwrap(),
        triplets_per_atom_shell: shell.counts.iter().sum::<u64>() as f64 / config.len() as f64,
        eigenvalues,
        model,
        config,
    }
}

/// The tables with P(θ) within aσ (`shell` false: the plain factorisation) or within the
/// first shell, neighbours counted to the same cutoff.
fn tables(c: &Case, count: TripletCount, shell: bool) -> (PairTable, ThreeBodyTable) {
    let (angles, bond_cutoff) = if shell {
        (&c.angles_shell, Some(SHELL))
    } else {
        (&c.angles, None)
    };
    let f = Factorisation { count, bond_cutoff };
    sw_tables(&c.model, &c.edges, c.config.dim, angles, f).unwrap()
}

/// k → 0: D₃(0) = 0 exactly (Σ_b H_ab = 0 for every triplet), so ω²_3(k) vanishes like k², and
/// the total dispersion (pair + three-body) is ∝ k². At k = 0 the three-body ω² is the sum of
/// the triplets' Σ_ab H_ab, zero up to FD round-off: below 1e-10 of the M2 share (measured
/// 1e-13, printed). The ratio ω²(2k)/ω²(k) at k = 1e-3 Å⁻¹ is 4 up to O(k²r²) ~ 1e-5
/// (tolerance 1e-3).
#[test]
fn three_body_dispersion_vanishes_at_k0_and_the_total_is_quadratic() {
    let c = asi_sw();
    let (pairs, three) = tables(&c, TripletCount::Product, false);
    let m2 = three.m2(&c.g, c.rho);
    let at0 = three.dispersion(&pairs, &c.g, c.rho, &[0.0]).unwrap();
    eprintln!(
        "asi-sw three-body: M2 share {m2:.5e}; ω²_L,3(0) {:.3e}, ω²_T,3(0) {:.3e}",
        at0.omega2_l[0], at0.omega2_t[0]
    );
    for w in at0.omega2_l.iter().chain(&at0.omega2_t) {
        assert!(w.abs() < 1e-10 * m2.abs(), "{w:e} vs M2 share {m2:e}");
    }
    let k = 1e-3;
    let total = three_body::dispersion(&pairs, &three, &c.g, c.rho, &[k, 2.0 * k]).unwrap();
    let tb = three
        .dispersion(&pairs, &c.g, c.rho, &[k, 2.0 * k])
        .unwrap();
    for (name, w, w3) in [
        ("L", &total.omega2_l, &tb.omega2_l),
        ("T", &total.omega2_t, &tb.omega2_t),
    ] {
        let ratio = w[1] / w[0];
        let ratio3 = w3[1] / w3[0];
        eprintln!(
            "asi-sw {name}: ω²/k² total {:.5e} (three-body {:.5e}), ω²(2k)/ω²(k) total {ratio:.6}, \
             three-body {ratio3:.6}",
            w[0] / (k * k),
            w3[0] / (k * k)
        );
        assert!((ratio - 4.0).abs() < 1e-3, "{name}: {ratio}");
        assert!((ratio3 - 4.0).abs() < 1e-3, "{name}: {ratio3}");
    }
}

/// The factorised M2 share by a direct triplet quadrature, independent of the table: the full
/// (p, q) square of bins inside aσ, every θ bin, Σ_a Tr H₃,aa of each triplet.
fn direct_m2_share(c: &Case, pairs: &PairTable) -> f64 {
    let d = c.config.dim.get();
    let mass = c.model.masses[0];
    let inside: Vec<usize> = (0..pairs.n_r())
        .filter(|&k| pairs.r[k] < c.sw.range())
        .collect();
    let mut sum = 0.0;
    for &p in &inside {
        for &q in &inside {
            let np = c.rho * c.g[p] * pairs.shells[p];
            let nq = c.rho * c.g[q] * pairs.shells[q];
            if np == 0.0 || nq == 0.0 {
                continue;
            }
            for (theta, w) in c.angles.theta.iter().zip(&c.angles.weight) {
                let u = [pairs.r[p], 0.0, 0.0];
                let v = [pairs.r[q] * theta.cos(), pairs.r[q] * theta.sin(), 0.0];
                let h = triplet_hessian(&c.sw, d, u, v);
                let tr: f64 = (0..3)
                    .map(|a| (0..d).map(|al| h[a][a][al][al]).sum::<f64>())
                    .sum();
                sum += 0.5 * np * nq * w * tr;
            }
        }
    }
    sum / (d as f64 * mass)
}

/// k → ∞: the branch average (ω²_L + (d−1)ω²_T)/d of the three-body part tends to its M2 share
/// (the plane-wave factors c0, cl average out), which equals a direct triplet quadrature of
/// Σ_a Tr H₃,aa (same numbers summed in another order: 1e-12). The residual at finite k is the
/// oscillating tail of the arms' c0(k r) over the first-shell peak (3D: ~1/(k r)² after the
/// radial sum) plus the s-grid interpolation (bounded by the amplitude of A, B there): measured
/// 1.6e-3, 5.6e-3, 1.3e-4 at k = 50, 100, 200 Å⁻¹ (printed; not monotonic: the tail
/// oscillates); tolerance 1e-2 at k = 200 Å⁻¹.
#[test]
fn large_k_branch_average_is_the_factorised_m2_share() {
    let c = asi_sw();
    let (pairs, three) = tables(&c, TripletCount::Product, false);
    let m2 = three.m2(&c.g, c.rho);
    let direct = direct_m2_share(&c, &pairs);
    eprintln!("asi-sw: factorised M2 share {m2:.8e}, direct triplet quadrature {direct:.8e}");
    // the table sums p ≤ q, the direct sum both (p, q) and (q, p), whose FD Hessians differ by
    // FD round-off (~1e-8 relative)
    assert!(
        (m2 - direct).abs() < 1e-7 * direct.abs(),
        "{m2} vs {direct}"
    );
    let ks = [50.0, 100.0, 200.0];
    let disp = three.dispersion(&pairs, &c.g, c.rho, &ks).unwrap();
    let d = 3.0;
    for (i, k) in ks.iter().enumerate() {
        let avg = (disp.omega2_l[i] + (d - 1.0) * disp.omega2_t[i]) / d;
        let rel = (avg - m2).abs() / m2.abs();
        eprintln!("asi-sw k = {k}: branch average {avg:.6e}, rel to M2 share {rel:.2e}");
        if *k == 200.0 {
            assert!(rel < 1e-2, "{rel:e}");
        }
    }
}

/// Tr D/(dN) from the LAMMPS eigenvalues (all 3N, the zero modes included).
fn m2_eigen(eig: &[f64]) -> f64 {
    eig.iter().sum::<f64>() / eig.len() as f64
}

/// The three-body share of M2 exactly and under the factorisation. Exact: the triplet Hessians
/// of every triplet of the configuration, checked against Tr D/(dN) of the LAMMPS eigenvalues
/// minus the exact pair sum of φ₂ (LAMMPS differences with 1e-6 Å steps, printed to 6 digits:
/// tolerance 1e-4 relative). Factorised: ½ n(r₁) n(r₂) P(θ) from the configuration's own g(r)
/// and P(θ) (within aσ, or within the first shell), and with the configuration's measured
/// triplet correlation G (no factorisation). Measured (printed): see the asserts.
#[test]
fn factorised_m2_share_against_the_exact_hessian_on_asi_sw() {
    let c = asi_sw();
    let sys = c.model.bind(&c.config).unwrap();
    let exact = exact_three_body_m2(&c.sw, &sys).unwrap();
    let pair_sum = c.sw.two_body().m2_pair_sum(&sys).unwrap();
    let total = m2_eigen(&c.eigenvalues);
    let via_eig = total - pair_sum;
    let rel_eig = (exact - via_eig).abs() / exact;
    let (pairs, _) = tables(&c, TripletCount::Product, false);
    let pair_quad: f64 = m2_kernel(&pairs, c.rho)
        .unwrap()
        .iter()
        .zip(&c.g)
        .map(|(k, g)| k * g)
        .sum();
    let z_to = |cut: f64| -> f64 {
        (0..pairs.n_r())
            .filter(|&k| pairs.r[k] < cut)
            .map(|k| c.rho * c.g[k] * pairs.shells[k])
            .sum()
    };
    let (z, z_shell) = (z_to(c.sw.range()), z_to(SHELL));
    let share = |count, shell| tables(&c, count, shell).1.m2(&c.g, c.rho);
    let m_prod = share(TripletCount::Product, false);
    let m_dist = share(TripletCount::DistinctPairs, false);
    let m_prod_shell = share(TripletCount::Product, true);
    let m_dist_shell = share(TripletCount::DistinctPairs, true);
    let measured = measured_table(&c, &pairs).m2(&c.g, c.rho);
    let err = |m: f64| 100.0 * (m - exact) / exact;
    eprintln!(
        "asi-sw M2: total (eigenvalues) {total:.6e}, pair sum {pair_sum:.6e} (pair quadrature on \
         the g grid {pair_quad:.6e}), three-body exact {exact:.6e} ({:.1} % of M2), via \
         eigenvalues − pair sum {via_eig:.6e} (rel {rel_eig:.1e})",
        100.0 * exact / total
    );
    eprintln!(
        "asi-sw neighbours within aσ: Z = {z:.4}, ½Z² = {:.4}, ½Z(Z−1) = {:.4}, angle triplets per \
         atom (½⟨Z(Z−1)⟩) {:.4}; within {SHELL} Å: Z = {z_shell:.4}, ½Z² = {:.4}, ½Z(Z−1) = {:.4}, \
         triplets {:.4}",
        0.5 * z * z,
        0.5 * z * (z - 1.0),
        c.triplets_per_atom,
        0.5 * z_shell * z_shell,
        0.5 * z_shell * (z_shell - 1.0),
        c.triplets_per_atom_shell,
    );
    eprintln!(
        "asi-sw factorised three-body M2, P(θ) within aσ: Product {m_prod:.6e} ({:+.2} %), \
         DistinctPairs {m_dist:.6e} ({:+.2} %); first shell ({SHELL} Å): Product \
         {m_prod_shell:.6e} ({:+.2} %), DistinctPairs {m_dist_shell:.6e} ({:+.2} %)",
        err(m_prod),
        err(m_dist),
        err(m_prod_shell),
        err(m_dist_shell)
    );
    // where the exact share comes from: triplets with both arms in the first shell, the rest
    let net =
        vitrum_descriptors::BondNetwork::new(&c.config, &PairCutoffs::uniform(1, SHELL).unwrap())
            .unwrap();
    let mut first_shell = 0.0;
    for i in 0..net.len() {
        let b = net.bonds(i);
        for x in 0..b.len() {
            for y in x + 1..b.len() {
                let h = triplet_hessian(&c.sw, 3, b[x].1, b[y].1);
                first_shell += (0..3)
                    .map(|a| (0..3).map(|al| h[a][a][al][al]).sum::<f64>())
                    .sum::<f64>();
            }
        }
    }
    let first_shell = first_shell / (3.0 * c.config.len() as f64 * c.model.masses[0]);
    eprintln!(
        "asi-sw exact three-body M2 from first-shell triplets {first_shell:.6e} ({:.1} % of the \
         three-body share; the rest has an arm beyond {SHELL} Å, where the cutoff factor \
         exp(γσ/(r − aσ)) is small but strongly curved); factorised first-shell Product vs this: \
         {:+.1} %",
        100.0 * first_shell / exact,
        100.0 * (m_prod_shell - first_shell) / first_shell
    );
    eprintln!(
        "asi-sw three-body M2 with the measured G(r₁, r₂, θ) (no factorisation; 0.05 Å × 1° \
         bins): {measured:.6e} ({:+.2} %)",
        err(measured)
    );
    // with G measured, only the midpoint quadrature of the bins is left: 0.05 Å bins over the
    // exponentially steep cutoff factor (measured: printed); tolerance 5 %
    assert!(err(measured).abs() < 5.0, "{}", err(measured));
    // LAMMPS's 1e-6 Å differences and 16-digit eigenvalues leave ~1e-8: tolerance 1e-6
    assert!(rel_eig < 1e-6, "{exact} vs {via_eig}");
    // The factorisation fails on a-Si (measured: the sign is wrong, −123 % / −120 % within aσ,
    // −105 % / −104 % in the first shell). Pinned within ±5 points so that any change of the
    // approximation or its inputs shows here and is re-measured.
    for (name, e, measured) in [
        ("Product", err(m_prod), -122.96),
        ("DistinctPairs", err(m_dist), -120.37),
        ("Product, shell", err(m_prod_shell), -104.70),
        ("DistinctPairs, shell", err(m_dist_shell), -103.67),
    ] {
        assert!(
            (e - measured).abs() < 5.0,
            "{name}: {e} % (measured {measured} %)"
        );
    }
}

/// The three-body table with the configuration's own triplet correlation G (180 angle bins).
fn measured_table(c: &Case, pairs: &PairTable) -> ThreeBodyTable {
    let sys = c.model.bind(&c.config).unwrap();
    let corr = TripletCorrelation::measure(&c.sw, &sys, pairs, 180).unwrap();
    ThreeBodyTable::with_correlation(&c.sw, pairs, c.model.masses[0], &corr).unwrap()
}

/// A fixed, irregular direction in g space relative to g (changes only where there are pairs).
fn direction(g: &[f64]) -> Vec<f64> {
    g.iter()
        .enumerate()
        .map(|(i, g)| 0.1 * g * (1.7 * i as f64).sin())
        .collect()
}

/// K·δ (three-body part included) against (D(g + hδ) − D(g − hδ))/(2h) of the whole map
/// g → ω_β(k) → D_QCA, and K_ρ against the difference in ρ, for both triplet counts (the
/// DistinctPairs factor 1 − 1/Z moves with g and ρ too). Central differences: error
/// h² D‴/6 ~ 1e-7 of max|K·δ| at h = 1e-3 (ρ: h = 1e-4 ρ); tolerance 1e-5 of the largest
/// response, as for the pair styles (tests/perturbation.rs). Measured: printed.
#[test]
fn linear_response_with_three_body_matches_finite_differences_on_asi_sw() {
    let c = asi_sw();
    for count in [TripletCount::Product, TripletCount::DistinctPairs] {
        let (pairs, three) = tables(&c, count, false);
        let kd = debye_wavenumber(3, c.rho);
        let k: Vec<f64> = (1..=100).map(|i| kd * i as f64 / 100.0).collect();
        let disp = three_body::dispersion(&pairs, &three, &c.g, c.rho, &k).unwrap();
        let wmax = disp
            .omega2_l
            .iter()
            .chain(&disp.omega2_t)
            .fold(0.0f64, |m, w| m.max(*w))
            .sqrt();
        let mut grid = SpectrumGrid::uniform(1.3 * wmax, 60, wmax / 15.0).unwrap();
        grid.n_k = 64;
        let resp = three_body::linear_response(&pairs, &three, &c.g, c.rho, &grid).unwrap();
        let delta = direction(&c.g);
        let h = 1e-3;
        let shifted = |s: f64| -> Vec<f64> {
            let gs: Vec<f64> = c.g.iter().zip(&delta).map(|(a, b)| a + s * b).collect();
            three_body::vdos(&pairs, &three, &gs, c.rho, &grid)
                .unwrap()
                .density
        };
        let (p, m) = (shifted(h), shifted(-h));
        let moved: Vec<f64> = c.g.iter().zip(&delta).map(|(a, b)| a + b).collect();
        let analytic = resp.change(&moved, c.rho);
        let scale = analytic.iter().fold(0.0f64, |a, b| a.max(b.abs()));
        let err = (0..analytic.len())
            .map(|i| ((p[i] - m[i]) / (2.0 * h) - analytic[i]).abs())
            .fold(0.0, f64::max);
        let hr = 1e-4 * c.rho;
        let dp = three_body::vdos(&pairs, &three, &c.g, c.rho + hr, &grid)
            .unwrap()
            .density;
        let dm = three_body::vdos(&pairs, &three, &c.g, c.rho - hr, &grid)
            .unwrap()
            .density;
        let scale_rho = resp.k_rho.iter().fold(0.0f64, |a, b| a.max(b.abs()));
        let err_rho = (0..dp.len())
            .map(|i| ((dp[i] - dm[i]) / (2.0 * hr) - resp.k_rho[i]).abs())
            .fold(0.0, f64::max);
        eprintln!(
            "asi-sw {count:?}: clamped {} of {}; K·δ max {scale:.3e}, |FD − K·δ| max {err:.3e} \
             ({:.1e}); K_ρ max {scale_rho:.3e}, |FD − K_ρ| max {err_rho:.3e} ({:.1e})",
            resp.n_clamped,
            2 * grid.n_k,
            err / scale,
            err_rho / scale_rho
        );
        assert!(err < 1e-5 * scale, "{count:?}: {err:e} vs {scale:e}");
        assert!(
            err_rho < 1e-5 * scale_rho,
            "{count:?}: K_ρ {err_rho:e} vs {scale_rho:e}"
        );
        let d0 = three_body::vdos(&pairs, &three, &c.g, c.rho, &grid).unwrap();
        assert_eq!(d0.density, resp.d_qca);
    }
}

/// The QCA VDOS of the pair part alone and with the three-body part against the histogram of
/// the LAMMPS eigenvalues (the 3 zero modes dropped), on 60 bins to 1.15 ω_max, σ = 0.05 ω_max:
/// moments, variance-weighted R² and W₁ (printed). The QCA VDOS is a Debye-sphere caricature;
/// what is asserted is only what must hold: every spectrum is a density (∫ = 1 within the
/// weight the grid cuts off, 2 %) and the exact second moment from the histogram is within the
/// binning error (2 %) of Tr D/(dN) × dN/(dN − 3).
#[test]
fn qca_vdos_with_and_without_three_body_against_the_eigenvalues_on_asi_sw() {
    let c = asi_sw();
    let exact = exact_spectrum(&c.eigenvalues, 3);
    let grid = exact.grid.clone();
    let (m1e, m2e) = exact.moments;
    let m2_true = {
        let mut eig = c.eigenvalues.clone();
        eig.sort_by(f64::total_cmp);
        eig[3..].iter().sum::<f64>() / (eig.len() - 3) as f64
    };
    eprintln!(
        "asi-sw exact: ω_max {:.4}, ⟨ω⟩ {m1e:.4}, ⟨ω²⟩ {m2e:.4} (eigenvalues: {m2_true:.4})",
        exact.omega_max
    );
    assert!((m2e - m2_true).abs() < 0.02 * m2_true);
    let (pairs, _) = tables(&c, TripletCount::Product, false);
    let pair_only = vitrum_theory::perturbation::vdos(&pairs, &c.g, c.rho, &grid).unwrap();
    let mut spectra = vec![("pair only".to_string(), pair_only)];
    for (count, shell) in [
        (TripletCount::Product, false),
        (TripletCount::DistinctPairs, false),
        (TripletCount::DistinctPairs, true),
    ] {
        let (pairs, three) = tables(&c, count, shell);
        let v = three_body::vdos(&pairs, &three, &c.g, c.rho, &grid).unwrap();
        let name = format!(
            "+ three-body {count:?}{}",
            if shell { ", first shell" } else { "" }
        );
        spectra.push((name, v));
    }
    let measured = measured_table(&c, &pairs);
    let v = three_body::vdos(&pairs, &measured, &c.g, c.rho, &grid).unwrap();
    spectra.push(("+ three-body, measured G".into(), v));
    against_exact("asi-sw", &exact, &spectra);
}

/// A diamond crystal (Si, a = 5.431 Å, 2×2×2 cells, 64 atoms): every triplet within aσ is a
/// first-neighbour pair at r = a√3/4 = 2.3517 Å and θ = 109.47° (second neighbours, 3.840 Å,
/// are beyond aσ = 3.771 Å), so bond lengths and angles are uncorrelated and the coordination
/// is uniform (Z = 4): the factorisation with the distinct-pair count ½Z(Z − 1) = 6 must be
/// exact, and the plain product ½Z² = 8 must overcount by exactly 4/3. The r grid puts a bin
/// midpoint on 2.3517 Å (200 bins to 4.9774 Å) and 208 angle bins one on 109.4712° (7e-5° off
/// θ₀; Σ Tr H_aa changes by ~1.3 %/° there, so ~1e-6; with 1° bins, 0.03° off, it was 4.8e-4):
/// tolerance 1e-4. This separates the code (exact here) from the approximation (what a-Si
/// measures).
#[test]
fn the_factorisation_is_exact_for_the_diamond_crystal() {
    let a = 5.431;
    let basis = [
        [0.0, 0.0, 0.0],
        [0.0, 0.5, 0.5],
        [0.5, 0.0, 0.5],
        [0.5, 0.5, 0.0],
        [0.25, 0.25, 0.25],
        [0.25, 0.75, 0.75],
        [0.75, 0.25, 0.75],
        [0.75, 0.75, 0.25],
    ];
    let mut positions = Vec::new();
    for i in 0..2 {
        for j in 0..2 {
            for k in 0..2 {
                for b in &basis {
                    positions.push([
                        a * (i as f64 + b[0]),
                        a * (j as f64 + b[1]),
                        a * (k as f64 + b[2]),
                    ]);
                }
            }
        }
    }
    let config = Configuration {
        types: vec![0; positions.len()],
        positions,
        species: vec![vitrum_io::Species {
            label: "Si".into(),
            mass: None,
        }],
        cell: vitrum_io::Cell::orthorhombic([2.0 * a; 3]),
        dim: vitrum_io::Dim::Three,
        frame: 0,
        step: None,
    };
    let model = registry::preset("si-sw").unwrap();
    let sw = StillingerWeber::from_model(&model).unwrap();
    let sys = model.bind(&config).unwrap();
    let exact = exact_three_body_m2(&sw, &sys).unwrap();
    let r_nn = a * 3f64.sqrt() / 4.0;
    let bins = 200;
    let r_max = r_nn * bins as f64 / 94.5;
    let res = rdf(&config, &RdfParams::new(r_max, bins).unwrap()).unwrap();
    let edges: Vec<f64> = (0..=bins).map(|i| r_max * i as f64 / bins as f64).collect();
    let ba = bond_angles(&config, &PairCutoffs::uniform(1, sw.range()).unwrap(), 208).unwrap();
    let angles = AngleDistribution::from_degrees(&ba.theta, &ba.p).unwrap();
    let rho: f64 = res.densities.iter().sum();
    let share = |count| {
        let f = Factorisation {
            count,
            bond_cutoff: None,
        };
        let (_, three) = sw_tables(&model, &edges, config.dim, &angles, f).unwrap();
        three.m2(&res.g, rho)
    };
    let (prod, dist) = (
        share(TripletCount::Product),
        share(TripletCount::DistinctPairs),
    );
    eprintln!(
        "diamond: exact three-body M2 {exact:.8e}; DistinctPairs {dist:.8e} (rel {:.1e}); Product \
         {prod:.8e} (ratio {:.6}, 4/3 = {:.6})",
        (dist - exact) / exact,
        prod / exact,
        4.0 / 3.0
    );
    assert!((dist - exact).abs() < 1e-4 * exact, "{dist} vs {exact}");
    assert!((prod / exact - 4.0 / 3.0).abs() < 1e-4, "{}", prod / exact);
}

/// Bad input is an error that names the fix, never a panic.
#[test]
fn bad_input_is_refused_with_a_message() {
    let msg = |e: vitrum_theory::TheoryError| e.to_string();
    let e = AngleDistribution::from_degrees(&[], &[]).unwrap_err();
    assert!(msg(e).contains("bin midpoints"));
    let e = AngleDistribution::from_degrees(&[10.0, 20.0], &[1.0]).unwrap_err();
    assert!(msg(e).contains("one density per bin"));
    let e = AngleDistribution::from_degrees(&[10.0, 20.0], &[1.0, -1.0]).unwrap_err();
    assert!(msg(e).contains("≥ 0"));
    let e = AngleDistribution::from_degrees(&[10.0, 20.0], &[0.0, 0.0]).unwrap_err();
    assert!(msg(e).contains("empty"));
    let ka = registry::preset("kob-andersen").unwrap();
    let e = StillingerWeber::from_model(&ka).unwrap_err();
    assert!(msg(e).contains("not 'sw'"));

    let model = registry::preset("sw-2d").unwrap();
    let angles = AngleDistribution::from_degrees(&[119.5, 120.5], &[1.0, 1.0]).unwrap();
    let edges = |n: usize| {
        (0..=n)
            .map(|i| 4.0 * i as f64 / n as f64)
            .collect::<Vec<_>>()
    };
    let bad_cut = Factorisation {
        count: TripletCount::Product,
        bond_cutoff: Some(-1.0),
    };
    let e = sw_tables(&model, &edges(80), vitrum_io::Dim::Two, &angles, bad_cut).unwrap_err();
    assert!(msg(e).contains("bond cutoff"));
    let f = Factorisation::default();
    let (pairs, three) = sw_tables(&model, &edges(80), vitrum_io::Dim::Two, &angles, f).unwrap();
    let (other, _) = sw_tables(&model, &edges(40), vitrum_io::Dim::Two, &angles, f).unwrap();
    let grid = SpectrumGrid::uniform(10.0, 20, 0.5).unwrap();
    let e = three_body::vdos(&other, &three, &vec![1.0; 40], 0.6, &grid).unwrap_err();
    assert!(msg(e).contains("same grid"));
    let e = three_body::vdos(&pairs, &three, &vec![1.0; 79], 0.6, &grid).unwrap_err();
    assert!(msg(e).contains("80"));
    let e = three_body::vdos(&pairs, &three, &vec![1.0; 80], -1.0, &grid).unwrap_err();
    assert!(msg(e).contains("density"));
    let e = three
        .dispersion(&pairs, &vec![1.0; 80], 0.6, &[-1.0])
        .unwrap_err();
    assert!(msg(e).contains("wave numbers"));
}

/// fixtures/dataset-sw2d (native sw-2d glasses, N = 256; partial g to 5σ, a `bond-angles` block
/// within aσ, the eigenvalues of every sample), when it has the bond-angles block:
/// (a) per sample, the three-body M2 share "from the eigenvalues" (Tr D/(dN) minus the pair part
///     through K₂ on the sample's own g: the pair quadrature's O(Δr²) error is in it) against
///     the factorised share from the sample's own g and P(θ);
/// (b) the theory-only prediction (train 0..80, held out 80..100, σ by 5-fold CV on the training
///     rows), pair part only against pair + three-body (P(θ) = the training rows' mean), by the
///     held-out variance-weighted R².
/// Printed; asserted: the numbers are finite and the "exact" three-body share is positive in
/// every sample (the factorised one is not: that is the measurement).
#[test]
fn dataset_sw2d_three_body_share_and_theory_prediction() {
    use ndarray::s;
    use vitrum_io::Dataset;
    use vitrum_io::manifest::{FeatureKind, TargetKind};
    use vitrum_theory::perturbation::predict::r2_variance_weighted;
    use vitrum_theory::perturbation::{TheoryModel, TrainingSet, choose_sigma, default_sigmas};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dataset-sw2d");
    let ds = Dataset::read(&dir).unwrap();
    let Some(angles_block) = ds.feature(&FeatureKind::BondAngles) else {
        eprintln!("dataset-sw2d has no bond-angles block: skipped");
        return;
    };
    let model = registry::preset("sw-2d").unwrap();
    let g_block = ds.feature(&FeatureKind::PartialRdf).unwrap();
    let edges = g_block.entry.grid.edges.clone();
    let theta = angles_block.entry.grid.points.clone();
    let partials = &g_block.data;
    let p_rows = &angles_block.data;
    let rho = ds.manifest.densities().unwrap();
    let eig = ds.arrays.eigenvalues.as_ref().unwrap();
    let y = &ds.target(&TargetKind::VdosHistogram).unwrap().data;
    let omega_edges = ds
        .target(&TargetKind::VdosHistogram)
        .unwrap()
        .entry
        .grid
        .edges
        .clone();
    let n = partials.nrows();
    let dim = ds.dim().unwrap();

    // (a) per-sample M2 shares
    let mut errs = Vec::new();
    let mut exact_min = f64::INFINITY;
    for i in 0..n {
        let g = partials.row(i).to_vec();
        let angles = AngleDistribution::from_degrees(&theta, &p_rows.row(i).to_vec()).unwrap();
        let (pairs, three) =
            sw_tables(&model, &edges, dim, &angles, Factorisation::default()).unwrap();
        let pair: f64 = m2_kernel(&pairs, rho[i])
            .unwrap()
            .iter()
            .zip(&g)
            .map(|(k, g)| k * g)
            .sum();
        let row = eig.row(i);
        let exact = row.sum() / row.len() as f64 - pair;
        exact_min = exact_min.min(exact);
        errs.push(100.0 * (three.m2(&g, rho[i]) - exact) / exact);
    }
    let mean = errs.iter().sum::<f64>() / n as f64;
    let (lo, hi) = errs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), e| {
            (a.min(*e), b.max(*e))
        });
    eprintln!(
        "dataset-sw2d ({n} samples): factorised (Product, within aσ) three-body M2 against Tr D/(dN) \
         − K₂·g: mean {mean:+.1} %, range {lo:+.1} … {hi:+.1} %; smallest 'exact' share {exact_min:.4}"
    );
    assert!(exact_min > 0.0 && mean.is_finite());

    // (b) theory-only prediction with and without the three-body part
    let (n_train, folds) = (80.min(n * 4 / 5), 5);
    let train = TrainingSet {
        g: partials.slice(s![..n_train, ..]),
        rho: &rho[..n_train],
        targets: y.slice(s![..n_train, ..]),
    };
    let p_mean: Vec<f64> = (0..theta.len())
        .map(|j| p_rows.slice(s![..n_train, j]).mean().unwrap())
        .collect();
    let angles = AngleDistribution::from_degrees(&theta, &p_mean).unwrap();
    let omega_max = *omega_edges.last().unwrap();
    let sigmas = default_sigmas(omega_max);
    let test_g = partials.slice(s![n_train.., ..]);
    let test_y = y.slice(s![n_train.., ..]);
    let (pairs, _) = sw_tables(&model, &edges, dim, &angles, Factorisation::default()).unwrap();
    let choice = choose_sigma(&pairs, train, &omega_edges, &sigmas, folds).unwrap();
    let grid = SpectrumGrid::new(omega_edges.clone(), choice.sigma).unwrap();
    let fitted = TheoryModel::fit(&pairs, train, &grid).unwrap();
    let pred = fitted.predict(test_g, &rho[n_train..]).unwrap();
    let r2_pair = r2_variance_weighted(test_y, pred.view());
    eprintln!(
        "dataset-sw2d theory, pair part only: σ {:.3} (CV R² {:.3}), held-out R² {r2_pair:.3}",
        choice.sigma,
        choice
            .scores
            .iter()
            .map(|s| s.1)
            .fold(f64::NEG_INFINITY, f64::max)
    );
    assert!(r2_pair.is_finite());
    for count in [TripletCount::Product, TripletCount::DistinctPairs] {
        let f = Factorisation {
            count,
            bond_cutoff: None,
        };
        let (pairs, three) = sw_tables(&model, &edges, dim, &angles, f).unwrap();
        let choice =
            three_body::choose_sigma(&pairs, &three, train, &omega_edges, &sigmas, folds).unwrap();
        let grid = SpectrumGrid::new(omega_edges.clone(), choice.sigma).unwrap();
        let fitted = three_body::fit(&pairs, &three, train, &grid).unwrap();
        let pred = fitted.predict(test_g, &rho[n_train..]).unwrap();
        let r2 = r2_variance_weighted(test_y, pred.view());
        eprintln!(
            "dataset-sw2d theory + three-body {count:?}: σ {:.3} (CV R² {:.3}), held-out R² {r2:.3}, \
             clamped {}",
            choice.sigma,
            choice
                .scores
                .iter()
                .map(|s| s.1)
                .fold(f64::NEG_INFINITY, f64::max),
            fitted.response.n_clamped
        );
        assert!(r2.is_finite());
    }
}
