//! Compares the minimisers on one quenched sample: FIRE alone against FIRE then L-BFGS.
//! `cargo run --release -p vitrum-sim --example minimise -- ka2d SEED [QUENCH_STEPS] [SWITCH]`
//! (SWITCH: the ‖F‖ at which FIRE hands over; `LBFGS_M=20` sets the L-BFGS memory).
use std::time::Instant;
use vitrum_sim::Protocol;
use vitrum_sim::fire::Fire;
use vitrum_sim::forces::force_field;
use vitrum_sim::init::initial_configuration;
use vitrum_sim::lbfgs::{Hybrid, Lbfgs};
use vitrum_sim::md::{MdUnits, Nvt, State};
use vitrum_sim::rng::Rng;
use vitrum_sim::sampler::load_model;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map(String::as_str).unwrap_or("ka2d");
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut p = Protocol::load(name).unwrap();
    if let Some(q) = args.get(3).and_then(|s| s.parse().ok()) {
        p.quench_steps = q;
    }
    let switch: Option<f64> = args.get(4).and_then(|s| s.parse().ok());
    let model = load_model(&p).unwrap();
    let mut rng = Rng::new(seed);
    let c = initial_configuration(&p, &model.labels, &model.masses, &mut rng).unwrap();
    let mut ff = force_field(&model, &c, p.skin).unwrap();
    let units = MdUnits::of(model.units);
    let mut s = State::new(c.positions.clone(), c.masses().unwrap(), p.dim);
    s.energy = ff.compute(&s.x, &mut s.f).unwrap();
    s.thermalise(p.t_melt, units, &mut rng);
    let nvt = Nvt {
        dt: p.dt,
        t_damp: p.t_damp,
        units,
    };
    nvt.run(
        &mut s,
        ff.as_mut(),
        p.melt_steps,
        p.t_melt,
        p.t_melt,
        "melt",
    )
    .unwrap();
    nvt.run(
        &mut s,
        ff.as_mut(),
        p.quench_steps,
        p.t_melt,
        p.t_final,
        "quench",
    )
    .unwrap();
    let d = p.dim;
    let t = Instant::now();
    let mut x = s.x.clone();
    let r = Fire::new(p.dt, 0.9 * p.f_tol, p.max_min_steps)
        .minimise(&mut x, d, ff.as_mut())
        .unwrap();
    println!(
        "FIRE:         E/N {:.12} |F| {:.2e} evaluations {:6} {:.3}s",
        r.energy / p.n as f64,
        r.force_norm,
        r.iterations,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let mut x = s.x.clone();
    let mut h = Hybrid::new(p.dt, 0.9 * p.f_tol, p.max_min_steps, d * p.n);
    if let Some(sw) = switch {
        h.switch_tol = sw;
    }
    let mut fire = h.fire;
    fire.f_tol = h.switch_tol;
    let r1 = fire.minimise(&mut x, d, ff.as_mut()).unwrap();
    let mut lb = Lbfgs::new(0.9 * p.f_tol, p.max_min_steps);
    if let Some(m) = std::env::var("LBFGS_M").ok().and_then(|v| v.parse().ok()) {
        lb.memory = m;
    }
    let (r2, stop) = lb.minimise(&mut x, d, ff.as_mut()).unwrap();
    println!(
        "FIRE→L-BFGS:  E/N {:.12} |F| {:.2e} evaluations {:6} + {:6} ({stop:?}) {:.3}s",
        r2.energy / p.n as f64,
        r2.force_norm,
        r1.iterations,
        r2.iterations,
        t.elapsed().as_secs_f64()
    );
}
