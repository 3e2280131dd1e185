//! Bench of the first-order kernel: K(ω, r) = ∂D(ω)/∂g_ab(r) and K_ρ for a 200-bin partial g
//! (3 channels, 2D and 3D Kob–Andersen) on a 100-bin ω grid, n_k = 256 wave numbers per branch
//! (issue 11: target < 1 s). The cost is n_k × n_r angular averages (Bessel functions in 2D)
//! plus one [n_ω × 2n_k] · [2n_k × 3n_r] product.
//!
//! `kernel_sw2d_200r_100w`: the same for Stillinger–Weber in 2D (sw-2d) with the three-body part
//! (perturbation::three_body, P(θ) a 120° peak): the three-body table is built once per dataset
//! (`tables`), the linear response per reference (`linear_response`).
//!
//! `cargo bench -p vitrum-theory --bench perturbation`

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vitrum_io::Dim;
use vitrum_theory::perturbation::three_body::{self, AngleDistribution, Factorisation, sw_tables};
use vitrum_theory::perturbation::{PairTable, SpectrumGrid, linear_response};
use vitrum_theory::registry;

/// A liquid-like g of contact distance s (as in tests/perturbation.rs).
fn model_g(r: f64, s: f64) -> f64 {
    let onset = 0.5 * (1.0 + ((r - 0.9 * s) / (0.04 * s)).tanh());
    let peak = 1.8 * (-((r - 1.12 * s) / (0.12 * s)).powi(2)).exp();
    onset * (1.0 + peak)
}

fn kernel(c: &mut Criterion) {
    let model = registry::preset("kob-andersen").expect("preset");
    let edges: Vec<f64> = (0..=200).map(|i| 5.0 * i as f64 / 200.0).collect();
    let mut group = c.benchmark_group("kernel_200r_100w");
    for d in [2usize, 3] {
        let dim = Dim::from_usize(d).expect("2 or 3");
        let table = PairTable::from_model(&model, &[0.65, 0.35], &edges, dim).expect("table");
        let g: Vec<f64> = [1.0, 0.8, 0.88]
            .iter()
            .flat_map(|&s| table.r.iter().map(move |&r| model_g(r, s)))
            .collect();
        let grid = SpectrumGrid::uniform(72.0, 100, 10.0).expect("grid");
        group.bench_with_input(BenchmarkId::from_parameter(format!("{d}d")), &d, |b, _| {
            b.iter(|| linear_response(black_box(&table), black_box(&g), 1.2, &grid).expect("K"))
        });
    }
    group.finish();
}

fn kernel_sw(c: &mut Criterion) {
    let model = registry::preset("sw-2d").expect("preset");
    let edges: Vec<f64> = (0..=200).map(|i| 5.0 * i as f64 / 200.0).collect();
    let theta: Vec<f64> = (0..180).map(|t| t as f64 + 0.5).collect();
    let p: Vec<f64> = theta
        .iter()
        .map(|t| (-((t - 120.0) / 10.0).powi(2)).exp())
        .collect();
    let angles = AngleDistribution::from_degrees(&theta, &p).expect("angles");
    let tables =
        || sw_tables(&model, &edges, Dim::Two, &angles, Factorisation::default()).expect("tables");
    let (pairs, three) = tables();
    let g: Vec<f64> = pairs.r.iter().map(|&r| model_g(r, 1.0)).collect();
    let grid = SpectrumGrid::uniform(12.0, 100, 0.6).expect("grid");
    let mut group = c.benchmark_group("kernel_sw2d_200r_100w");
    group.sample_size(10);
    group.bench_function("tables", |b| b.iter(tables));
    group.bench_function("linear_response", |b| {
        b.iter(|| {
            three_body::linear_response(black_box(&pairs), &three, black_box(&g), 0.61, &grid)
                .expect("K")
        })
    });
    group.finish();
}

criterion_group!(benches, kernel, kernel_sw);
criterion_main!(benches);
