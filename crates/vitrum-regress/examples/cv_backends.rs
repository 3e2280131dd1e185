//! Times `fit_cv` (5-fold CV over a log α grid, then the refit) for every backend on
//! fixtures/dataset-ka2d, train rows 0..120 (200 r bins → 100 ω bins), tol 1e-4 (scikit-learn's
//! default), as the facade's demo runs it.
//!
//! ```sh
//! OPENBLAS_NUM_THREADS=1 cargo run --release -p vitrum-regress --example cv_backends -- [GRID] [BACKEND...]
//! ```
//! `GRID` is `N` for logspace(-6, 2, N) (default 17) or `LO:HI:N` for logspace(LO, HI, N);
//! ρ = 0.5 for elastic nets.

use ndarray::{Array2, s};
use std::time::Instant;
use vitrum_regress::{CvSpec, FitOptions, FittedAxes, backend, fit_cv, kfold, logspace};

fn main() {
    let mut args = std::env::args().skip(1);
    // N, or LO:HI:N for logspace(LO, HI, N).
    let grid: Vec<f64> = args
        .next()
        .map(|a| a.split(':').map(|v| v.parse().expect("a number")).collect())
        .unwrap_or_else(|| vec![17.0]);
    let (lo, hi, n_alphas) = match grid[..] {
        [n] => (-6.0, 2.0, n as usize),
        [lo, hi, n] => (lo, hi, n as usize),
        _ => panic!("grid: N or LO:HI:N"),
    };
    let wanted: Vec<String> = args.collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dataset-ka2d");
    let x: Array2<f64> = ndarray_npy::read_npy(dir.join("features.npy")).expect("features.npy");
    let y: Array2<f64> = ndarray_npy::read_npy(dir.join("targets.npy")).expect("targets.npy");
    let (x, y) = (x.slice(s![..120, ..]), y.slice(s![..120, ..]));
    let spec = CvSpec {
        alphas: logspace(lo, hi, n_alphas),
        l1_ratios: vec![0.5],
        folds: kfold(x.nrows(), 5).expect("folds"),
    };
    let p = FitOptions::new().validate().expect("params");
    println!("| backend | α values | fit_cv (s) | best α | mean CV R² | refit converged |");
    println!("|---|---|---|---|---|---|");
    for b in backend::all() {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == b.name()) {
            continue;
        }
        let t0 = Instant::now();
        let m = fit_cv(b, x, y, &FittedAxes::default(), &p, &spec).expect("fit_cv");
        let secs = t0.elapsed().as_secs_f64();
        let cv = m.diagnostics.cv.as_ref().expect("cv report");
        println!(
            "| {} | {lo}:{hi}:{n_alphas} | {secs:.3} | {:e} | {:.6} | {:?} |",
            b.name(),
            cv.best_alpha,
            cv.best_score,
            m.diagnostics.solver.converged
        );
    }
}
