//! Times the stages of a native sample: `cargo run --release -p vitrum-sim --example stages`.
use std::time::Instant;
use vitrum_sim::Protocol;
use vitrum_sim::forces::force_field;
use vitrum_sim::init::initial_configuration;
use vitrum_sim::md::{MdUnits, Nvt, State};
use vitrum_sim::rng::Rng;
use vitrum_sim::sampler::load_model;

fn main() {
    let name = std::env::args().nth(1).unwrap_or("ka3d".into());
    let p = Protocol::load(&name).unwrap();
    let model = load_model(&p).unwrap();
    let mut rng = Rng::new(1);
    let c = initial_configuration(&p, &model.labels, &model.masses, &mut rng).unwrap();
    let mut ff = force_field(&model, &c, p.skin).unwrap();
    let mut s = State::new(c.positions.clone(), c.masses().unwrap(), p.dim);
    s.energy = ff.compute(&s.x, &mut s.f).unwrap();
    s.thermalise(p.t_melt, MdUnits::of(model.units), &mut rng);
    let nvt = Nvt {
        dt: p.dt,
        t_damp: p.t_damp,
        units: MdUnits::of(model.units),
    };
    let t = Instant::now();
    let mut ts = Vec::new();
    for _ in 0..20 {
        nvt.run(&mut s, ff.as_mut(), 100, p.t_melt, p.t_melt, "melt")
            .unwrap();
        ts.push(format!("{:.2}", s.temperature(MdUnits::of(model.units))));
    }
    println!("T: {}", ts.join(" "));
    let el = t.elapsed().as_secs_f64();
    println!(
        "2000 MD steps: {el:.3}s ({:.0} steps/s), rebuilds {}, T {:.3}",
        2000.0 / el,
        ff.rebuilds(),
        s.temperature(MdUnits::of(model.units))
    );
    let t = Instant::now();
    for _ in 0..2000 {
        s.energy = ff.compute(&s.x, &mut s.f).unwrap();
    }
    println!(
        "2000 force calls (no rebuild): {:.3}s",
        t.elapsed().as_secs_f64()
    );
}
