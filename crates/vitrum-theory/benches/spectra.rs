//! Benches of the spectral chain.
//!
//! * `dense_n500`: Hessian assembly + mass weighting + dense eigenvalues (dsyevd) of the ka3d
//!   fixture (N = 500, 1500×1500), to compare with numpy `eigvalsh` on the same matrix
//!   (`benches/peers/numpy_eigvalsh.py`; the matrix is written to `target-theory/ka3d_D.f64`).
//! * `kpm_linear`: KPM moments of the ka3d glass tiled k×k×k (a periodic replica of an energy
//!   minimum is still a minimum, so the spectrum stays ≥ 0), N = 500 k³ up to 108 000.
//!
//! Run single-threaded for the numpy comparison:
//! `OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1 cargo bench -p vitrum-theory --bench spectra`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::io::Write;
use std::time::Duration;
use vitrum_io::{Cell, Configuration, ReadOptions, read_configuration};
use vitrum_theory::modes::dynamical_matrix;
use vitrum_theory::{KpmParams, eigen, kpm, registry};

fn ka3d() -> Configuration {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/ka3d/config.dump");
    read_configuration(path, &ReadOptions::default()).expect("fixture")
}

fn tile(c: &Configuration, k: usize) -> Configuration {
    let l = c.cell.matrix[0][0];
    let mut out = c.clone();
    out.positions.clear();
    out.types.clear();
    for a in 0..k {
        for b in 0..k {
            for z in 0..k {
                for (p, &t) in c.positions.iter().zip(&c.types) {
                    out.positions.push([
                        p[0] + a as f64 * l,
                        p[1] + b as f64 * l,
                        p[2] + z as f64 * l,
                    ]);
                    out.types.push(t);
                }
            }
        }
    }
    out.cell = Cell::orthorhombic([k as f64 * l; 3]);
    out
}

fn dense(c: &mut Criterion) {
    let model = registry::preset("kob-andersen").unwrap();
    let config = ka3d();
    let sys = model.bind(&config).unwrap();
    // the same matrix for the numpy peer
    let d = dynamical_matrix(&model, &sys).unwrap().to_dense();
    // benches run from the crate directory: resolve the workspace's target directory explicitly
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    std::fs::create_dir_all(&target).unwrap();
    let path = target.join("ka3d_D.f64");
    let mut f = std::fs::File::create(&path).unwrap();
    for x in d.iter() {
        f.write_all(&x.to_le_bytes()).unwrap();
    }
    eprintln!(
        "wrote {} ({}×{} float64, row-major)",
        path.display(),
        d.nrows(),
        d.ncols()
    );
    let mut g = c.benchmark_group("dense_n500");
    g.sample_size(20).measurement_time(Duration::from_secs(20));
    g.bench_function("hessian_assembly", |b| {
        b.iter(|| black_box(dynamical_matrix(&model, &sys).unwrap().to_dense()))
    });
    g.bench_function("eigvalsh_only", |b| {
        b.iter(|| black_box(eigen::eigvalsh(d.clone()).unwrap()))
    });
    g.bench_function("assembly_plus_eigvalsh", |b| {
        b.iter(|| {
            let d = dynamical_matrix(&model, &sys).unwrap().to_dense();
            black_box(eigen::eigvalsh(d).unwrap())
        })
    });
    g.finish();
}

fn kpm_linear(c: &mut Criterion) {
    let model = registry::preset("kob-andersen").unwrap();
    let base = ka3d();
    let params = KpmParams {
        moments: 128,
        vectors: 1,
        seed: 1,
    };
    let mut g = c.benchmark_group("kpm_linear");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for k in [2usize, 3, 4, 6] {
        let config = tile(&base, k);
        let sys = model.bind(&config).unwrap();
        let rows = dynamical_matrix(&model, &sys).unwrap().to_rows();
        g.throughput(Throughput::Elements(config.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("moments_m128_r1", config.len()),
            &rows,
            |b, rows| b.iter(|| black_box(kpm::moments(rows, &params, 3).unwrap())),
        );
    }
    g.finish();
}

criterion_group!(benches, dense, kpm_linear);
criterion_main!(benches);
