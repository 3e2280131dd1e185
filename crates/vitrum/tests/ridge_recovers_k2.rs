//! Does ridge, trained to predict M2 from the partial g_ab(r), recover the exact sum-rule kernel
//! K₂ (issue 11 acceptance: correlation > 0.99)? On fixtures/dataset-ka2d it cannot, and the
//! first test measures why (too few glasses for the r bins); on liquid snapshots that outnumber
//! the bins it does (the second test: 0.9968).
//!
//! Setting. M2 = Σλ/(dN) per sample from `eigenvalues.npy` (Tr D/(dN), the exact identity). The
//! density scaling as the theory defines it: K₂ ∝ ρ (`m2_kernel(table, ρ) = ρ · m2_kernel(table,
//! 1)`), so M2 = Σ_c Σ_k K̃₂,c(r_k) · ρ g_c(r_k) with K̃₂ = `m2_kernel(table, 1)`: the features
//! are ρ·g (each sample's partial row times its density) and the fitted W is compared with K̃₂
//! on the same grid, channel-major, over the bins where some sample has pairs (500 of 600; in
//! the core g = 0 everywhere, ridge leaves W = 0 and K₂ is astronomically large).
//!
//! Measured (native ridge, α by 5-fold CV from 1e-10…1e2, all 150 samples):
//! - corr(W, K̃₂) = 0.43 (channels 11, 12, 22: 0.44, 0.51, 0.19) — the acceptance's 0.99 is not met;
//! - the reason is identifiability, not α or the density: 150 glasses give at most 149 directions
//!   (centred rows) in a 500-column space, and the part of K̃₂ those rows determine — its
//!   projection P K̃₂ onto their span, obtained as the minimum-norm least-squares fit to the
//!   exact-on-the-grid targets ρg·K̃₂ — itself correlates only 0.45 with K̃₂ (it holds 47 % of
//!   its norm). No linear fit on these rows can do better, at any α;
//! - against that identifiable part, corr(W, P K̃₂) = 0.94: ridge recovers what the data can
//!   tell. The rest is the midpoint-quadrature error of the histogram (Tr D/(dN) vs ρg·K̃₂: up to
//!   2.5 %, mean 0.9 %, docs/validation.md), which is not linear in the histogram g; with the
//!   quadrature targets instead, W equals P K̃₂ to corr 1.0000 (numpy check);
//! - as a predictor W is excellent: held-out M2 (fit 0..120, test 120..150) R² = 0.9992.
//!
//! Coarser bins (fewer columns than samples) do not help: the midpoint quadrature error grows
//! to 13–64 % (numpy check at 2–8× coarser bins) and W then fits that error instead.

mod common;

use common::theory_data::ka2d;
use ndarray::{Array1, Array2, Axis, s};
use vitrum_regress::{CvSpec, FitOptions, FittedAxes, Predictor, backend, fit_cv, kfold, logspace};
use vitrum_theory::perturbation::m2_kernel;

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    vitrum_regress::metrics::pearson(
        Array1::from(a.to_vec()).view(),
        Array1::from(b.to_vec()).view(),
    )
    .unwrap()
}

/// corr(W, K̃₂) within each channel; `support` maps the columns of `w` and `k2` to the table's
/// channel-major feature index.
fn per_channel(
    w: &[f64],
    k2: &[f64],
    support: &[usize],
    table: &vitrum_theory::perturbation::PairTable,
) -> Vec<f64> {
    let n_r = table.n_r();
    (0..table.n_channels())
        .map(|c| {
            let idx: Vec<usize> = (0..support.len())
                .filter(|&j| support[j] / n_r == c)
                .collect();
            let a: Vec<f64> = idx.iter().map(|&j| w[j]).collect();
            let b: Vec<f64> = idx.iter().map(|&j| k2[j]).collect();
            pearson(&a, &b)
        })
        .collect()
}

/// W of ridge on (x, y), α by 5-fold CV over `alphas`; returns (W row, α).
fn ridge_w(x: &Array2<f64>, y: &Array2<f64>, alphas: Vec<f64>) -> (Vec<f64>, f64, f64) {
    let params = FitOptions::new().validate().unwrap();
    let spec = CvSpec {
        alphas,
        l1_ratios: vec![0.5],
        folds: kfold(x.nrows(), 5).unwrap(),
    };
    let b = backend::by_name("native-ridge").unwrap();
    let m = fit_cv(
        b,
        x.view(),
        y.view(),
        &FittedAxes::default(),
        &params,
        &spec,
    )
    .unwrap();
    let (w, b0) = m.linear_form().unwrap();
    (w.row(0).to_vec(), m.params.alpha, b0[0])
}

#[test]
fn ridge_on_m2_recovers_the_identifiable_part_of_k2() {
    let d = ka2d();
    let eig = vitrum_io::read_npy_2d(&common::fixture("dataset-ka2d/eigenvalues.npy")).unwrap();
    let (n, dn) = eig.dim();
    let m2: Array2<f64> = eig
        .sum_axis(Axis(1))
        .mapv(|v| v / dn as f64)
        .insert_axis(Axis(1));
    let k2_all = m2_kernel(&d.table, 1.0).unwrap();
    // the bins where some sample has pairs
    let support: Vec<usize> = (0..d.g.ncols())
        .filter(|&j| d.g.column(j).iter().any(|v| *v != 0.0))
        .collect();
    let x = Array2::from_shape_fn((n, support.len()), |(i, j)| d.rho[i] * d.g[[i, support[j]]]);
    let k2: Vec<f64> = support.iter().map(|&j| k2_all[j]).collect();

    let (w, alpha, _) = ridge_w(&x, &m2, logspace(-10.0, 2.0, 13));
    let overall = pearson(&w, &k2);
    let per_channel = per_channel(&w, &k2, &support, &d.table);

    // the identifiable part of K̃₂: the minimum-norm fit to targets exactly linear on the grid
    let exact = x.dot(&Array1::from(k2.clone())).insert_axis(Axis(1));
    let (k2_seen, _, _) = ridge_w(&x, &exact, vec![1e-10]);
    let bound = pearson(&k2_seen, &k2);
    let against_seen = pearson(&w, &k2_seen);
    let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
    let held_frac = norm(&k2_seen) / norm(&k2);

    // held-out M2: fit on 0..120, predict 120..150
    let params = FitOptions::new().alpha(alpha).validate().unwrap();
    let b = backend::by_name("native-ridge").unwrap();
    let m = vitrum_regress::fit(
        b,
        x.slice(s![0..120, ..]),
        m2.slice(s![0..120, ..]),
        &FittedAxes::default(),
        &params,
    )
    .unwrap();
    let pred = m.predict(x.slice(s![120..150, ..])).unwrap();
    let r2 = vitrum_regress::metrics::r2_uniform(m2.slice(s![120..150, ..]), pred.view());

    eprintln!(
        "α = {alpha:e}; corr(W, K₂) = {overall:.4} (channels {per_channel:.4?}); identifiable \
         part P K₂: corr(P K₂, K₂) = {bound:.4}, |P K₂|/|K₂| = {held_frac:.3}; corr(W, P K₂) = \
         {against_seen:.4}; held-out M2 R² = {r2:.5}"
    );
    // the identifiability bound: no fit on these rows can correlate > 0.5 with K₂
    assert!(bound < 0.5, "{bound}");
    assert!(overall < 0.5, "{overall}");
    // what ridge recovers: the identifiable part (0.94; the rest is quadrature error)
    assert!(against_seen > 0.93, "{against_seen}");
    assert!(r2 > 0.999, "{r2}");
}

/// Liquid snapshots of a small KA 2D mixture over a range of temperatures and densities: the
/// partial g_ab rows (r < 2.5, 0.0125 bins) and the exact M2 = Tr D/(dN) of each snapshot (the
/// sum rule holds for any configuration, minimum or not: Σλ = Tr D).
struct Snapshots {
    x: Array2<f64>,
    m2: Array2<f64>,
    table: vitrum_theory::perturbation::PairTable,
}

fn liquid_snapshots(
    densities: &[f64],
    temperatures: &[f64],
    per_state: usize,
    every: u64,
) -> Snapshots {
    use vitrum_descriptors::rdf::{RdfParams, rdf};
    use vitrum_sim::forces::force_field;
    use vitrum_sim::init::initial_configuration;
    use vitrum_sim::md::{MdUnits, Nvt, State};
    use vitrum_sim::rng::Rng;
    use vitrum_sim::sampler::{load_model, wrap};
    use vitrum_sim::{Init, Protocol};

    let params = RdfParams::new(2.5, 200).unwrap();
    let mut rows: Vec<Vec<f64>> = Vec::new();
    let mut m2 = Vec::new();
    let mut table = None;
    let mut seed = 1;
    for &rho in densities {
        for &t in temperatures {
            let mut p = Protocol::load("ka2d").unwrap();
            p.n = 128;
            p.density = rho;
            p.init = Init::Sq2;
            let model = load_model(&p).unwrap();
            let mut rng = Rng::new(seed);
            seed += 1;
            let mut c = initial_configuration(&p, &model.labels, &model.masses, &mut rng).unwrap();
            let mut ff = force_field(&model, &c, p.skin).unwrap();
            let mut s = State::new(c.positions.clone(), c.masses().unwrap(), p.dim);
            s.energy = ff.compute(&s.x, &mut s.f).unwrap();
            let units = MdUnits::of(model.units);
            s.thermalise(t, units, &mut rng);
            let nvt = Nvt {
                dt: p.dt,
                t_damp: p.t_damp,
                units,
            };
            nvt.run(&mut s, ff.as_mut(), 1000, t, t, "melt").unwrap();
            for _ in 0..per_state {
                nvt.run(&mut s, ff.as_mut(), every, t, t, "melt").unwrap();
                c.positions.clone_from(&s.x);
                wrap(&mut c);
                let g = rdf(&c, &params).unwrap();
                rows.push(g.partials.into_iter().flat_map(|p| p.g).collect());
                let sys = model.bind(&c).unwrap();
                let h = model.interaction.hessian(&sys).unwrap();
                let masses = c.masses().unwrap();
                m2.push(h.mass_weighted(&masses).trace() / (2.0 * c.len() as f64));
                let v = c.volume();
                for x in rows.last_mut().unwrap().iter_mut() {
                    *x *= c.len() as f64 / v;
                }
            }
            if table.is_none() {
                let fractions: Vec<f64> = (0..model.labels.len())
                    .map(|a| c.types.iter().filter(|&&t| t == a).count() as f64 / c.len() as f64)
                    .collect();
                table = Some(
                    vitrum_theory::perturbation::PairTable::from_model(
                        &model,
                        &fractions,
                        &params.edges(),
                        c.dim,
                    )
                    .unwrap(),
                );
            }
        }
    }
    let n = rows.len();
    Snapshots {
        x: Array2::from_shape_fn((n, rows[0].len()), |(i, j)| rows[i][j]),
        m2: Array2::from_shape_fn((n, 1), |(i, _)| m2[i]),
        table: table.unwrap(),
    }
}

/// With more rows than supported r bins and rows that differ bin by bin (a 128-particle
/// snapshot's histogram fluctuates independently in every bin), the kernel is identifiable and
/// ridge recovers it: the acceptance's corr(W, K̃₂) > 0.99. 12 state points (ρ 1.0, 1.15, 1.3
/// × T 0.5, 1, 2, 4; 1000 steps to equilibrate, then 150 snapshots 40 steps apart): 1800 rows,
/// 425 supported columns of 600.
///
/// Measured: corr(W, K̃₂) = 0.9968 (channels 11, 12, 22: 0.9978, 0.9988, 0.9956), α at the
/// grid's bottom (the rows determine W without shrinkage). Not 1: the target is the exact pair
/// sum, the features a histogram, and the midpoint error of the core bins (g rises steeply
/// there and φ″ ∝ r⁻¹⁴) depends on the temperature, which the other bins reveal, so least
/// squares spreads it over them. At 0.025 bins (100 per channel) the same run gives 0.9929
/// (720 snapshots: 0.9929; 1800: 0.9923): the error falls as Δr², not with more rows.
#[test]
fn ridge_on_m2_recovers_k2_when_the_rows_determine_it() {
    let s = liquid_snapshots(&[1.0, 1.15, 1.3], &[0.5, 1.0, 2.0, 4.0], 150, 40);
    let (n, p) = s.x.dim();
    let k2_all = m2_kernel(&s.table, 1.0).unwrap();
    let support: Vec<usize> = (0..p)
        .filter(|&j| s.x.column(j).iter().filter(|v| **v != 0.0).count() >= 5)
        .collect();
    let x = s.x.select(Axis(1), &support);
    let k2: Vec<f64> = support.iter().map(|&j| k2_all[j]).collect();
    let (w, alpha, _) = ridge_w(&x, &s.m2, logspace(-12.0, 0.0, 13));
    let overall = pearson(&w, &k2);
    let per_channel = per_channel(&w, &k2, &support, &s.table);
    eprintln!(
        "{n} snapshots, {} supported bins of {p}; α = {alpha:e}; corr(W, K̃₂) = {overall:.5} \
         (channels {per_channel:.5?})",
        support.len()
    );
    assert!(n > support.len());
    assert!(overall > 0.99, "{overall}");
}
