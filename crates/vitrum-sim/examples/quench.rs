//! Runs one native sample of a preset and prints energy, force norm and timings:
//! `cargo run --release -p vitrum-sim --example quench -- ka3d 12345`.
use std::time::Instant;
use vitrum_sim::{NativeSampler, Protocol, Sampler};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map(String::as_str).unwrap_or("ka3d");
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let p = Protocol::load(name).expect("protocol");
    let t = Instant::now();
    let (s, attempts) = NativeSampler.sample(&p, seed).expect("sample");
    println!(
        "{name} seed {seed} (used {}, attempts {attempts}): E/N {:.10} |F| {:.3e} fmax {:.3e} min_it {} wall {:.2}s",
        s.seed,
        s.energy_per_atom,
        s.force_norm,
        s.force_max,
        s.min_iterations,
        t.elapsed().as_secs_f64()
    );
}
