//! Runs one preset through the LAMMPS backend and prints energy, force norm and timing:
//! `cargo run --release -p vitrum-sim --example lammps_preset -- tersoff-sic SEED [N MELT QUENCH]`
//! (a failed run's directory is kept under ./lammps-runs).
use std::time::Instant;
use vitrum_sim::{LammpsSampler, Protocol, Sampler};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map(String::as_str).unwrap_or("tersoff-sic");
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut p = Protocol::load(name).expect("protocol");
    let num = |k: usize| args.get(k).and_then(|s| s.parse::<u64>().ok());
    if let Some(n) = num(3) {
        p.n = n as usize;
    }
    if let Some(m) = num(4) {
        p.melt_steps = m;
    }
    if let Some(q) = num(5) {
        p.quench_steps = q;
    }
    let sampler = LammpsSampler {
        work_dir: Some("lammps-runs".into()),
        ..Default::default()
    };
    let t = Instant::now();
    match sampler.sample_once(&p, seed) {
        Ok(s) => println!(
            "{name} N {} seed {seed}: E/N {:.6} |F| {:.3e} min_it {} λ[0..5] {:?} wall {:.2}s",
            p.n,
            s.energy_per_atom,
            s.force_norm,
            s.min_iterations,
            &s.eigenvalues[..5],
            t.elapsed().as_secs_f64()
        ),
        Err(e) => println!("{name}: {e} ({:.2}s)", t.elapsed().as_secs_f64()),
    }
}
