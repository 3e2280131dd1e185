//! Times a native KA 2D dataset like the reference (N = 512, ρ ∈ [1.1, 1.35], quench 300–30000
//! steps, log), samples only (no features): `cargo run --release -p vitrum-sim --example dataset -- SAMPLES OUT_DIR`.
use std::time::Instant;
use vitrum_sim::dataset::{GenerateSettings, Vary, generate};
use vitrum_sim::{NativeSampler, Protocol};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let samples: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let out = args.get(2).cloned().unwrap_or("ka2d-dataset".into());
    let settings = GenerateSettings {
        protocol: Protocol::preset("ka2d").unwrap(),
        samples,
        seed: 1000,
        vary: Vary::parse_list("density=1.1..1.35,quench=300..30000:log").unwrap(),
    };
    let t = Instant::now();
    let r = generate(out.as_ref(), &settings, &NativeSampler, &|_| {}).unwrap();
    println!(
        "{samples} samples ({} generated, retried {:?}) in {:.1} s on {} threads",
        r.generated.len(),
        r.retried,
        t.elapsed().as_secs_f64(),
        rayon::current_num_threads()
    );
}
