//! g(r) of random points at ρ = 1.2, r_max = 5, 200 bins, N = 10⁴ and 10⁵, 2D and 3D: the
//! workload that `benches/peers/freud_rdf.py` times with freud on the same points.
//!
//! Run: `cargo bench --bench rdf` (set RAYON_NUM_THREADS to compare at a given thread count).

mod points;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use vitrum_descriptors::{RdfParams, rdf};
use vitrum_io::Dim;

fn bench_rdf(c: &mut Criterion) {
    let params = RdfParams::new(5.0, 200).unwrap();
    let mut group = c.benchmark_group("rdf");
    group.sample_size(10);
    for dim in [Dim::Two, Dim::Three] {
        for n in [10_000usize, 100_000] {
            let config = points::random_points(n, 1.2, dim, 42);
            group.bench_with_input(
                BenchmarkId::new(format!("{dim}"), n),
                &config,
                |b, config| b.iter(|| rdf(config, &params).unwrap()),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench_rdf);
criterion_main!(benches);
