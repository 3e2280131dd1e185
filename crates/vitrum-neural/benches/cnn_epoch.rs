//! Time of one training epoch of the default CNN (candle, CPU, f32), the vitrum side of
//! `benches/peers/torch_cnn.py`, which trains the same network in PyTorch.
//!
//! Data: fixtures/dataset-ka2d, training rows 0..120 (the split of the tests and docs), fitted
//! through [`NeuralEstimator`] at its defaults: inputs and targets standardised, 24 of the 120
//! rows held out for early stopping, so an epoch is 6 Adam steps on mini-batches of 16 (shuffled
//! row ids gathered by `index_select`, forward, MSE, backward, AdamW update, loss read back), a
//! forward pass over the 24 validation rows and a copy of the weights when the validation loss
//! falls. Two inputs:
//! - `g`: the total g(r), 1 channel × 200 bins → 100 ω bins;
//! - `partials`: g_11, g_12, g_22 as 3 channels × 200 bins → 100 ω bins.
//!
//! Network (the defaults of `Family::Cnn`): conv1d(C→8, k 5, pad 2) → ReLU → avgpool 2 →
//! conv1d(8→8, k 5, pad 2) → ReLU → avgpool 2 → flatten (400) → dense 64 → ReLU → dense 100;
//! AdamW lr 3e-3, β (0.9, 0.999), ε 1e-8, no weight decay.
//!
//! Early stopping is off (patience = usize::MAX) and the fit's setup is not timed: epochs are
//! timed from the progress callback, which runs after each epoch (validation included). Two
//! outputs:
//! 1. before Criterion, one JSON line per input measured like the peer script: a fit of
//!    2 + 50 epochs, the median (and mean) of the last 50 epochs' wall times;
//! 2. Criterion `cnn_epoch/<input>/t<T>`: per sample a fresh fit of 2 warm-up epochs plus the
//!    sample's iteration count of timed epochs (flat sampling).
//!
//! Threads: candle sizes its CPU matmul (gemm) parallelism by `RAYON_NUM_THREADS` (else the
//! physical cores) and runs it in the caller's rayon pool, which training builds with
//! `TrainSettings::threads`; this bench sets that to the same count, so set one variable:
//!
//!     RAYON_NUM_THREADS=1 cargo bench -p vitrum-neural --bench cnn_epoch
//!     RAYON_NUM_THREADS=2 cargo bench -p vitrum-neural --bench cnn_epoch
//!     RAYON_NUM_THREADS=1 cargo bench -p vitrum-neural --bench cnn_epoch -- json-only
//!
//! (the last: a Criterion filter that names no bench, so only the JSON lines run, ~2 s).
//!
//! Noise: the first input timed in a process (`g`) can vary by ±10 % from run to run with glibc
//! malloc's adaptive mmap/trim thresholds (tens of thousands of page faults per run);
//! `GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4194304:glibc.malloc.trim_threshold=134217728`
//! steadies it, for both sides.
//!
//! (At these sizes gemm stays on one thread: every product is below its threading threshold of
//! 48·48·256 multiply-adds, and candle's element-wise kernels split only from 64 Ki elements.)

use criterion::{Criterion, SamplingMode};
use ndarray::{Array1, Array2, Array3, s};
use ndarray_npy::read_npy;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vitrum_neural::{Architecture, Family, NeuralEstimator, TrainSettings};
use vitrum_regress::{Estimator, FittedAxes, SearchGrid};

/// Epochs run before the timed ones (as the peer script).
const WARMUP: usize = 2;
/// Timed epochs of the JSON line (as the peer script's default).
const EPOCHS: usize = 50;

struct Case {
    name: &'static str,
    x: Array2<f64>,
    y: Array2<f64>,
    axes: FittedAxes,
}

fn cases() -> Vec<Case> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dataset-ka2d");
    let x: Array2<f64> = read_npy(dir.join("features.npy")).expect("features.npy");
    let y: Array2<f64> = read_npy(dir.join("targets.npy")).expect("targets.npy");
    let r: Array1<f64> = read_npy(dir.join("grid_r.npy")).expect("grid_r.npy");
    let p: Array3<f64> = read_npy(dir.join("features_partials.npy")).expect("partials");
    let y = y.slice(s![..120, ..]).to_owned();
    let partials = p
        .slice(s![..120, .., ..])
        .to_shape((120, 3 * p.dim().2))
        .expect("partials as rows")
        .to_owned();
    vec![
        Case {
            name: "g",
            x: x.slice(s![..120, ..]).to_owned(),
            y: y.clone(),
            axes: FittedAxes {
                feature: Some(r),
                ..Default::default()
            },
        },
        Case {
            name: "partials",
            x: partials,
            y,
            axes: FittedAxes {
                features: Some(
                    serde_json::json!({"kind": "partial-rdf", "channels": ["1-1", "1-2", "2-2"]}),
                ),
                ..Default::default()
            },
        },
    ]
}

/// Threads of candle's matmul; the training pool gets as many.
fn threads() -> usize {
    candle_core::utils::get_num_threads()
}

/// Fits the default CNN for `WARMUP + timed` epochs without early stopping; returns the wall
/// time of each timed epoch and the fitted architecture.
fn timed_fit(case: &Case, timed: usize) -> (Vec<Duration>, Architecture) {
    let stamps = Arc::new(Mutex::new(Vec::with_capacity(WARMUP + timed)));
    let s = stamps.clone();
    let e = NeuralEstimator::new(Family::Cnn)
        .with_settings(TrainSettings {
            max_epochs: WARMUP + timed,
            patience: usize::MAX,
            threads: threads(),
            ..TrainSettings::default()
        })
        .with_progress(Arc::new(move |_| s.lock().unwrap().push(Instant::now())));
    let hyper = e.candidates(&SearchGrid::new()).remove(0);
    let m = e
        .fit(case.x.view(), case.y.view(), &case.axes, &hyper)
        .expect("fit");
    let arch = *m
        .as_any()
        .downcast_ref::<vitrum_neural::NeuralModel>()
        .expect("a neural model")
        .architecture();
    let stamps = stamps.lock().unwrap();
    assert_eq!(stamps.len(), WARMUP + timed, "early stopping is off");
    let times = stamps[WARMUP - 1..]
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    (times, arch)
}

/// The peer script's measurement: median and mean of 50 epochs after 2 warm-up ones.
fn json_line(case: &Case) {
    let (mut t, arch) = timed_fit(case, EPOCHS);
    let mean = t.iter().map(Duration::as_secs_f64).sum::<f64>() / t.len() as f64;
    t.sort();
    let n = t.len();
    let median = (t[(n - 1) / 2].as_secs_f64() + t[n / 2].as_secs_f64()) / 2.0;
    let parameters: usize = arch
        .parameters()
        .iter()
        .map(|(_, shape, _)| shape.iter().product::<usize>())
        .sum();
    println!(
        "{}",
        serde_json::json!({
            "side": "vitrum (candle 0.11.1)",
            "input": case.name,
            "threads": threads(),
            "warmup_epochs": WARMUP,
            "timed_epochs": EPOCHS,
            "median_s_per_epoch": median,
            "mean_s_per_epoch": mean,
            "min_s_per_epoch": t[0].as_secs_f64(),
            "parameters": parameters,
            "architecture": arch,
        })
    );
}

fn benches(c: &mut Criterion, cases: &[Case]) {
    let mut g = c.benchmark_group("cnn_epoch");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    for case in cases {
        g.bench_function(format!("{}/t{}", case.name, threads()), |b| {
            b.iter_custom(|iters| timed_fit(case, iters as usize).0.iter().sum())
        });
    }
    g.finish();
}

fn main() {
    let cases = cases();
    // `cargo bench` passes --bench; `cargo test --benches` does not, and then only Criterion's
    // one-iteration test mode runs.
    if std::env::args().any(|a| a == "--bench") {
        for case in &cases {
            json_line(case);
        }
    }
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c, &cases);
    c.final_summary();
}
