//! MD steps and minimisation of KA 3D (N = 500 and 4000), the native sampler's hot paths: FIRE
//! alone, and FIRE then L-BFGS (what the sampler uses), both to ‖F‖ < 1e-10 from the same
//! quenched liquid. Peer: `benches/peers/lammps_md.sh` times LAMMPS (one rank) on the same
//! protocol (MD steps/s of the melt, CG to 1e-10).
//!
//! `morse/md_100_steps_n*`: the same MD with Kob–Andersen's pairs as Morse wells (r₀ = 2^{1/6}σ,
//! D₀ = ε, the LJ curvature at the minimum, the same cutoffs: same N, density and neighbour
//! count), against `ka3d/md_100_steps_n*`: a style added as one file runs at the LJ path's speed.

use criterion::{Criterion, criterion_group, criterion_main};
use vitrum_sim::fire::Fire;
use vitrum_sim::forces::force_field;
use vitrum_sim::init::initial_configuration;
use vitrum_sim::lbfgs::Hybrid;
use vitrum_sim::md::{MdUnits, Nvt, State};
use vitrum_sim::rng::Rng;
use vitrum_sim::sampler::load_model;
use vitrum_sim::{Init, Protocol};

fn protocol(n: usize) -> Protocol {
    Protocol {
        n,
        init: Init::Fcc,
        ..Protocol::preset("ka3d").unwrap()
    }
}

fn md(c: &mut Criterion) {
    let mut g = c.benchmark_group("ka3d");
    g.sample_size(10);
    for n in [500, 4000] {
        let p = protocol(n);
        let model = load_model(&p).unwrap();
        let mut rng = Rng::new(1);
        let cfg = initial_configuration(&p, &model.labels, &model.masses, &mut rng).unwrap();
        let units = MdUnits::of(model.units);
        let nvt = Nvt {
            dt: p.dt,
            t_damp: p.t_damp,
            units,
        };
        // a liquid at T = 2 (melted for 1000 steps), then 100 steps per iteration
        let mut ff = force_field(&model, &cfg, p.skin).unwrap();
        let mut s = State::new(cfg.positions.clone(), cfg.masses().unwrap(), 3);
        s.energy = ff.compute(&s.x, &mut s.f).unwrap();
        s.thermalise(2.0, units, &mut rng);
        nvt.run(&mut s, ff.as_mut(), 1000, 2.0, 2.0, "melt")
            .unwrap();
        g.bench_function(format!("md_100_steps_n{n}"), |b| {
            b.iter(|| nvt.run(&mut s, ff.as_mut(), 100, 2.0, 2.0, "melt").unwrap())
        });
        forces_100_times(&mut g, n, ff.as_mut(), &s.x);
        // FIRE from a quenched liquid (500 steps 2.0 → 0.1) to |F| < 1e-10
        nvt.run(&mut s, ff.as_mut(), 500, 2.0, 0.1, "quench")
            .unwrap();
        let start = s.x.clone();
        // FIRE alone for comparison at N = 500 only (at N = 4000 one run takes tens of seconds)
        if n == 500 {
            g.bench_function(format!("fire_to_1e-10_n{n}"), |b| {
                b.iter(|| {
                    let mut x = start.clone();
                    Fire::new(p.dt, 1e-10, 200_000)
                        .minimise(&mut x, 3, ff.as_mut())
                        .unwrap()
                })
            });
        }
        g.bench_function(format!("fire_lbfgs_to_1e-10_n{n}"), |b| {
            b.iter(|| {
                let mut x = start.clone();
                Hybrid::new(p.dt, 1e-10, 200_000, 3 * n)
                    .minimise(&mut x, 3, ff.as_mut())
                    .unwrap()
            })
        });
    }
    g.finish();
}

fn md_morse(c: &mut Criterion) {
    let mut g = c.benchmark_group("morse");
    g.sample_size(10);
    for n in [500, 4000] {
        let p = protocol(n);
        let model = vitrum_theory::registry::preset("morse-ka").unwrap();
        let mut rng = Rng::new(1);
        let cfg = initial_configuration(&p, &model.labels, &model.masses, &mut rng).unwrap();
        let units = MdUnits::of(model.units);
        let nvt = Nvt {
            dt: p.dt,
            t_damp: p.t_damp,
            units,
        };
        let mut ff = force_field(&model, &cfg, p.skin).unwrap();
        let mut s = State::new(cfg.positions.clone(), cfg.masses().unwrap(), 3);
        s.energy = ff.compute(&s.x, &mut s.f).unwrap();
        s.thermalise(2.0, units, &mut rng);
        nvt.run(&mut s, ff.as_mut(), 1000, 2.0, 2.0, "melt")
            .unwrap();
        g.bench_function(format!("md_100_steps_n{n}"), |b| {
            b.iter(|| nvt.run(&mut s, ff.as_mut(), 100, 2.0, 2.0, "melt").unwrap())
        });
        forces_100_times(&mut g, n, ff.as_mut(), &s.x);
    }
    g.finish();
}

/// 100 force evaluations at one liquid configuration (the list is built once): the pair
/// kernel's cost alone, apart from how often each liquid's motion rebuilds the list.
fn forces_100_times(
    g: &mut criterion::BenchmarkGroup<criterion::measurement::WallTime>,
    n: usize,
    ff: &mut dyn vitrum_sim::forces::ForceField,
    x: &[[f64; 3]],
) {
    let mut f = vec![[0.0; 3]; x.len()];
    ff.compute(x, &mut f).unwrap();
    g.bench_function(format!("forces_100_times_n{n}"), |b| {
        b.iter(|| {
            for _ in 0..100 {
                ff.compute(x, &mut f).unwrap();
            }
        })
    });
}

criterion_group!(benches, md, md_morse);
criterion_main!(benches);
