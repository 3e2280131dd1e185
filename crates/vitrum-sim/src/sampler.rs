//! The [`Sampler`] trait, the sample it returns, the native backend, and the retry policy.

use crate::error::{Result, SimError};
use crate::fire::Fire;
use crate::forces::{force_field, force_norms};
use crate::init::initial_configuration;
use crate::lbfgs::Hybrid;
use crate::md::{MdUnits, Nvt, State};
use crate::protocol::Protocol;
use crate::rng::{Rng, mix};
use serde::{Deserialize, Serialize};
use vitrum_io::Configuration;
use vitrum_theory::{Model, modes, registry};

/// One minimised glass sample with its spectrum.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sample {
    pub config: Configuration,
    /// Potential energy per particle at the minimum (vitrum-theory's energy).
    pub energy_per_atom: f64,
    /// ‖F‖₂ over all d·N components and max |F| at the minimum (vitrum-theory's forces).
    pub force_norm: f64,
    pub force_max: f64,
    pub min_iterations: u64,
    /// The seed that gave this sample (the requested one, or a retry seed).
    pub seed: u64,
    /// All d·N eigenvalues of the dynamical matrix, ascending.
    pub eigenvalues: Vec<f64>,
    /// Backend and software versions.
    pub backend: String,
    pub software: Vec<(String, String)>,
    /// Sound speeds from the sample's own modes (`vitrum_theory::sound`), kept where nothing
    /// else could compute them later: LAMMPS-only potentials, whose eigenvectors exist only
    /// while the sample is made (a vitrum-theory potential recomputes them from the structure).
    pub sound_speeds: Option<vitrum_theory::sound::SoundSpeeds>,
}

/// A way to make a glass sample from a protocol and a seed. Deterministic: the same protocol and
/// seed give the same sample, bit for bit, whatever the thread count.
///
/// The protocol's potential is loaded (parsed) once per run: [`Sampler::sample`] and
/// [`Sampler::sample_once`] load it with [`protocol_model`]; a caller making many samples loads
/// it once and calls [`Sampler::sample_with`] / [`Sampler::sample_model`].
pub trait Sampler: Send + Sync {
    fn name(&self) -> &'static str;

    /// What can be checked of one sample's protocol before any sample is made (a dataset checks
    /// every sample first, so a varied density that cannot work fails at once, not after the
    /// others ran). Nothing by default.
    fn check(&self, _protocol: &Protocol, _model: Option<&Model>) -> Result<()> {
        Ok(())
    }

    /// One attempt with exactly this seed, with the protocol's model already loaded (None when
    /// the potential exists only as LAMMPS commands).
    fn sample_model(&self, protocol: &Protocol, model: Option<&Model>, seed: u64)
    -> Result<Sample>;

    /// One attempt with exactly this seed.
    fn sample_once(&self, protocol: &Protocol, seed: u64) -> Result<Sample> {
        let model = protocol_model(protocol)?;
        self.sample_model(protocol, model.as_ref(), seed)
    }

    /// Attempts `seed`, then derived seeds, up to `protocol.max_attempts`; only non-convergence
    /// and divergence are retried, and a sample is only kept if it converged.
    fn sample(&self, protocol: &Protocol, seed: u64) -> Result<(Sample, u32)> {
        let model = protocol_model(protocol)?;
        self.sample_with(protocol, model.as_ref(), seed)
    }

    /// [`Sampler::sample`] with the protocol's model already loaded.
    fn sample_with(
        &self,
        protocol: &Protocol,
        model: Option<&Model>,
        seed: u64,
    ) -> Result<(Sample, u32)> {
        let mut seeds = Vec::new();
        let mut last = None;
        for attempt in 0..protocol.max_attempts {
            let s = retry_seed(seed, attempt);
            seeds.push(s);
            match self.sample_model(protocol, model, s) {
                Ok(sample) => return Ok((sample, attempt + 1)),
                Err(e) if e.is_retryable() => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(SimError::Exhausted {
            attempts: protocol.max_attempts,
            seeds,
            last: Box::new(last.expect("at least one attempt")),
        })
    }
}

/// The protocol's model, None when its potential exists only as LAMMPS commands.
pub fn protocol_model(protocol: &Protocol) -> Result<Option<Model>> {
    if protocol.lammps_only() {
        Ok(None)
    } else {
        load_model(protocol).map(Some)
    }
}

/// The seed of attempt `k` (0: the seed itself).
pub fn retry_seed(seed: u64, attempt: u32) -> u64 {
    if attempt == 0 {
        seed
    } else {
        mix(&[seed, attempt as u64, 0x7e7_u64])
    }
}

/// Loads the protocol's model.
/// LAMMPS-only potentials (Tersoff, EAM, LCBOP presets) and slabs have no vitrum-theory
/// model: an error that names the LAMMPS backend.
pub fn load_model(protocol: &Protocol) -> Result<Model> {
    if protocol.lammps_only() {
        return Err(native_refuses(
            protocol,
            "defines its potential only as LAMMPS commands ([lammps] pair)",
        ));
    }
    Ok(registry::load(&protocol.potential)?)
}

fn native_refuses(protocol: &Protocol, what: &str) -> SimError {
    SimError::NeedsLammps {
        protocol: protocol.name.clone(),
        what: what.into(),
    }
}

/// Checks the density against the pair potential: with d_a the distance at which the like-pair
/// energy reaches 10 k_B T_melt (a soft contact diameter), the packing fraction
/// η = ρ Σ_a x_a v_d (d_a/2)^d must stay below close packing (0.7405 in 3D, 0.9069 in 2D);
/// beyond, no arrangement avoids pair energies of many k_B T and the melt explodes. And for any
/// potential, the cubic (square) cell must be wider than twice the interaction range plus the
/// Verlet skin (the minimum-image convention the force field relies on).
pub fn check_density(protocol: &Protocol, model: &Model) -> Result<()> {
    if protocol.vacuum.is_none() {
        let d = protocol.dim as i32;
        let half = 0.5 * (protocol.n as f64 / protocol.density).powf(1.0 / d as f64);
        let range = model.interaction.cutoff() + protocol.skin;
        if range > half {
            let n_min = (protocol.density * (2.0 * range).powi(d)).ceil();
            return Err(SimError::ImpossibleDensity {
                density: protocol.density,
                reason: format!(
                    "the cell (half width {half:.4}) is too small for the interaction range plus \
                     skin ({range:.4}) at N = {}; use more particles (N ≥ {n_min}), a lower density \
                     or a smaller skin",
                    protocol.n
                ),
            });
        }
    }
    let Some(pair) = model.interaction.as_pair() else {
        return Ok(());
    };
    let u = MdUnits::of(model.units);
    let e_contact = 10.0 * u.boltz * protocol.t_melt;
    let d = protocol.dim;
    let mut eta = 0.0;
    for (a, x) in protocol.composition.iter().enumerate() {
        let t = pair.term(a, a);
        // bisection for φ(r) = e_contact on (0, r_c), φ decreasing through the contact
        let (mut lo, mut hi) = (1e-3 * t.cutoff, t.cutoff);
        if t.eval(lo)[0] < e_contact {
            continue; // soft core: no contact distance
        }
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if t.eval(mid)[0] > e_contact {
                lo = mid
            } else {
                hi = mid
            }
        }
        let r = 0.5 * lo;
        let v = if d == 3 {
            4.0 / 3.0 * std::f64::consts::PI * r.powi(3)
        } else {
            std::f64::consts::PI * r * r
        };
        eta += x * v;
    }
    eta *= protocol.density;
    let limit = if d == 3 { 0.7405 } else { 0.9069 };
    if eta > limit {
        return Err(SimError::ImpossibleDensity {
            density: protocol.density,
            reason: format!(
                "packing fraction {eta:.3} of the contact diameters (pair energy 10 k_B T_melt) \
                 exceeds close packing {limit} in {d}D"
            ),
        });
    }
    Ok(())
}

/// The native backend: lattice or random start, Nosé–Hoover melt and linear quench, FIRE then
/// L-BFGS ([`Hybrid`]).
#[derive(Debug, Default, Clone, Copy)]
pub struct NativeSampler;

impl NativeSampler {
    /// Melt, quench and minimise; returns the minimised configuration and the minimiser result.
    pub fn quench(
        &self,
        protocol: &Protocol,
        model: &Model,
        seed: u64,
    ) -> Result<(Configuration, crate::fire::MinResult)> {
        protocol.validate()?;
        // the first k model species are used (aliases such as si-sw's "1" and "Si" beyond)
        if model.labels.len() < protocol.composition.len() {
            return Err(SimError::ImpossibleComposition {
                composition: protocol.composition.clone(),
                reason: format!(
                    "the potential '{}' has {} species ({}), the composition gives {} fractions",
                    protocol.potential,
                    model.labels.len(),
                    model.labels.join(", "),
                    protocol.composition.len()
                ),
            });
        }
        check_density(protocol, model)?;
        let mut rng = Rng::new(seed);
        let mut config = initial_configuration(protocol, &model.labels, &model.masses, &mut rng)?;
        let masses = config.masses().expect("masses from the model");
        let d = protocol.dim;
        let units = MdUnits::of(model.units);
        let mut ff = force_field(model, &config, protocol.skin)?;
        if protocol.init == crate::protocol::Init::Random || protocol.lattice_vacancies()? > 0 {
            // remove overlaps (random start) or the compression of a lattice with vacancies
            // (its sites are closer than N would need): a capped relaxation to modest forces
            // before any dynamics
            let pre = Fire {
                max_steps: 2000,
                f_tol: 1.0 * (protocol.n as f64).sqrt(),
                ..Fire::new(protocol.dt, 0.0, 0)
            };
            match pre.minimise(&mut config.positions, d, ff.as_mut()) {
                Ok(_) | Err(SimError::NotConverged { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        let mut state = State::new(config.positions.clone(), masses, d);
        state.energy = ff.compute(&state.x, &mut state.f)?;
        state.thermalise(protocol.t_melt, units, &mut rng);
        let nvt = Nvt {
            dt: protocol.dt,
            t_damp: protocol.t_damp,
            units,
        };
        nvt.run(
            &mut state,
            ff.as_mut(),
            protocol.melt_steps,
            protocol.t_melt,
            protocol.t_melt,
            "melt",
        )?;
        nvt.run(
            &mut state,
            ff.as_mut(),
            protocol.quench_steps,
            protocol.t_melt,
            protocol.t_final,
            "quench",
        )?;
        // The minimiser stops below f_tol by its own forces; `finish` re-sums them with
        // vitrum-theory in another order (round-off up to ~1e-11 in ‖F‖ for dense KA 2D). When
        // that independent check fails, it continues from where it stopped with half the
        // tolerance (3 times). `iterations` counts force evaluations.
        let mut tol = 0.9 * protocol.f_tol;
        let mut iterations = 0;
        let mut result;
        loop {
            let min = Hybrid::new(
                protocol.dt,
                tol,
                protocol.max_min_steps.saturating_sub(iterations).max(1),
                d * protocol.n,
            );
            result = min.minimise(&mut state.x, d, ff.as_mut())?;
            iterations += result.iterations;
            // check (and keep) the wrapped positions, which are what the dump stores: wrapping
            // changes coordinates in the last bits, enough to move ‖F‖ by ~1e-11
            config.positions.clone_from(&state.x);
            wrap(&mut config);
            state.x.clone_from(&config.positions);
            let sys = model.bind(&config)?;
            let (_, f) = model.interaction.energy_forces(&sys)?;
            let (norm, _) = force_norms(&f, d);
            if norm < protocol.f_tol {
                break;
            }
            if tol < 0.1 * protocol.f_tol {
                return Err(SimError::NotConverged {
                    force_norm: norm,
                    iterations,
                    tolerance: protocol.f_tol,
                });
            }
            tol *= 0.5;
        }
        result.iterations = iterations;
        Ok((config, result))
    }
}

/// Wraps positions into the cell [origin, origin + L) (orthorhombic).
pub fn wrap(config: &mut Configuration) {
    let d = config.dim.get();
    let m = config.cell.matrix;
    let o = config.cell.origin;
    for p in config.positions.iter_mut() {
        for k in 0..d {
            let l = m[k][k];
            let mut s = (p[k] - o[k]) / l;
            s -= s.floor();
            if s >= 1.0 {
                s = 0.0;
            }
            p[k] = o[k] + s * l;
        }
    }
}

/// Energy, forces and the dense spectrum of `config` by vitrum-theory: the independent check of
/// every backend's minimum.
pub fn finish(
    model: &Model,
    config: Configuration,
    min_iterations: u64,
    seed: u64,
    f_tol: f64,
    backend: &str,
    eigenvalues: Option<Vec<f64>>,
) -> Result<Sample> {
    let sys = model.bind(&config)?;
    let (e, f) = model.interaction.energy_forces(&sys)?;
    let (force_norm, force_max) = force_norms(&f, config.dim.get());
    if force_norm.is_nan() || force_norm >= f_tol {
        return Err(SimError::NotConverged {
            force_norm,
            iterations: min_iterations,
            tolerance: f_tol,
        });
    }
    let eigenvalues = match eigenvalues {
        Some(v) => v,
        None => modes::dense_spectrum(model, &sys)?.eigenvalues,
    };
    Ok(Sample {
        energy_per_atom: e / config.len() as f64,
        force_norm,
        force_max,
        min_iterations,
        seed,
        eigenvalues,
        backend: backend.into(),
        software: vec![("vitrum-sim".into(), env!("CARGO_PKG_VERSION").to_string())],
        sound_speeds: None,
        config,
    })
}

impl Sampler for NativeSampler {
    fn name(&self) -> &'static str {
        "native"
    }

    fn check(&self, protocol: &Protocol, model: Option<&Model>) -> Result<()> {
        model.map_or(Ok(()), |m| check_density(protocol, m))
    }

    fn sample_model(
        &self,
        protocol: &Protocol,
        model: Option<&Model>,
        seed: u64,
    ) -> Result<Sample> {
        if protocol.vacuum.is_some() {
            return Err(native_refuses(protocol, "is a slab (vacuum)"));
        }
        // None: LAMMPS-only (load_model names the LAMMPS backend), or a caller that left it to us
        let loaded;
        let model = match model {
            Some(m) => m,
            None => {
                loaded = load_model(protocol)?;
                &loaded
            }
        };
        let (config, min) = self.quench(protocol, model, seed)?;
        finish(
            model,
            config,
            min.iterations,
            seed,
            protocol.f_tol,
            "native",
            None,
        )
    }
}
