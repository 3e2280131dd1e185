//! Velocity-Verlet molecular dynamics in the NVT ensemble with a Nosé–Hoover chain thermostat,
//! integrated as LAMMPS `fix nvt` does (`FixNH::nhc_temp_integrate`: chain of 3, masses
//! Q₀ = g k_B T τ², Q_k = k_B T τ², one half-step before and after the velocity-Verlet step), and
//! linear temperature ramps (target at step k of n: T₀ + (k/n)(T₁ − T₀), as LAMMPS).

use crate::error::{Result, SimError};
use crate::forces::ForceField;
use crate::rng::Rng;

/// Unit conventions of the integrator (LAMMPS `units`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MdUnits {
    /// k_B in energy per temperature.
    pub boltz: f64,
    /// Kinetic energy = ½ m v² · mvv2e.
    pub mvv2e: f64,
}

impl MdUnits {
    pub fn of(units: vitrum_theory::Units) -> MdUnits {
        match units {
            vitrum_theory::Units::Lj => MdUnits {
                boltz: 1.0,
                mvv2e: 1.0,
            },
            // LAMMPS update.cpp, units metal
            vitrum_theory::Units::Metal => MdUnits {
                boltz: 8.617343e-5,
                mvv2e: 1.0364269e-4,
            },
        }
    }
}

/// Thermostats in the Nosé–Hoover chain (LAMMPS default `tchain 3`).
pub const CHAIN: usize = 3;

/// The dynamical state.
#[derive(Debug, Clone)]
pub struct State {
    pub x: Vec<[f64; 3]>,
    pub v: Vec<[f64; 3]>,
    pub f: Vec<[f64; 3]>,
    pub masses: Vec<f64>,
    pub d: usize,
    pub energy: f64,
    /// Chain velocities η̇ (the last entry stays 0) and accelerations η̈.
    pub eta_dot: [f64; CHAIN + 1],
    pub eta_dotdot: [f64; CHAIN],
    pub step: u64,
}

impl State {
    pub fn new(x: Vec<[f64; 3]>, masses: Vec<f64>, d: usize) -> State {
        let n = x.len();
        State {
            x,
            v: vec![[0.0; 3]; n],
            f: vec![[0.0; 3]; n],
            masses,
            d,
            energy: 0.0,
            eta_dot: [0.0; CHAIN + 1],
            eta_dotdot: [0.0; CHAIN],
            step: 0,
        }
    }

    /// Degrees of freedom g = d N − d (total momentum is zero).
    pub fn dof(&self) -> f64 {
        (self.d * self.x.len() - self.d) as f64
    }

    /// Kinetic energy.
    pub fn kinetic(&self, u: MdUnits) -> f64 {
        let mut k = 0.0;
        for (v, m) in self.v.iter().zip(&self.masses) {
            let mut s = 0.0;
            for c in &v[..self.d] {
                s += c * c;
            }
            k += 0.5 * m * s;
        }
        k * u.mvv2e
    }

    pub fn temperature(&self, u: MdUnits) -> f64 {
        2.0 * self.kinetic(u) / (self.dof() * u.boltz)
    }

    /// Gaussian velocities at temperature `t`, zero total momentum, rescaled to exactly `t`
    /// (LAMMPS `velocity create T seed dist gaussian mom yes`).
    pub fn thermalise(&mut self, t: f64, u: MdUnits, rng: &mut Rng) {
        let d = self.d;
        for (v, m) in self.v.iter_mut().zip(&self.masses) {
            let s = (u.boltz * t / (m * u.mvv2e)).sqrt();
            for c in v.iter_mut().take(d) {
                *c = s * rng.normal();
            }
        }
        let mtot: f64 = self.masses.iter().sum();
        let mut p = [0.0; 3];
        for (v, m) in self.v.iter().zip(&self.masses) {
            for k in 0..d {
                p[k] += m * v[k];
            }
        }
        for v in self.v.iter_mut() {
            for k in 0..d {
                v[k] -= p[k] / mtot;
            }
        }
        let scale = (t / self.temperature(u)).sqrt();
        for v in self.v.iter_mut() {
            for c in v.iter_mut() {
                *c *= scale;
            }
        }
        self.eta_dot = [0.0; CHAIN + 1];
        self.eta_dotdot = [0.0; CHAIN];
    }
}

/// NVT integrator settings.
#[derive(Debug, Clone, Copy)]
pub struct Nvt {
    pub dt: f64,
    pub t_damp: f64,
    pub units: MdUnits,
}

impl Nvt {
    /// Half a thermostat step (LAMMPS `FixNH::nhc_temp_integrate`, one sub-cycle).
    fn thermostat_half(&self, s: &mut State, t_target: f64) {
        let u = self.units;
        let g = s.dof();
        // LAMMPS: eta_mass = tdof · boltz · T / t_freq² with t_freq = 1/Tdamp, i.e. × Tdamp².
        // (Until Dec 2026 this was ÷ Tdamp²: chain masses 1/Tdamp⁴ too heavy — 16× in lj units
        // at Tdamp = 0.5 τ, 10⁴× in metal units at 0.1 ps, where the thermostat then did almost
        // nothing and a SW silicon crystal heated to 3000 K settled near 1500 K and never
        // melted.)
        let tf2 = self.t_damp * self.t_damp;
        let kt = u.boltz * t_target;
        let mut mass = [kt * tf2; CHAIN];
        mass[0] = g * kt * tf2;
        let ke_target = g * kt;
        let mut ke = 2.0 * s.kinetic(u);
        for k in 1..CHAIN {
            s.eta_dotdot[k] = (mass[k - 1] * s.eta_dot[k - 1] * s.eta_dot[k - 1] - kt) / mass[k];
        }
        s.eta_dotdot[0] = (ke - ke_target) / mass[0];
        let (dt4, dt8, dthalf) = (0.25 * self.dt, 0.125 * self.dt, 0.5 * self.dt);
        for k in (1..CHAIN).rev() {
            let e = (-dt8 * s.eta_dot[k + 1]).exp();
            s.eta_dot[k] = (s.eta_dot[k] * e + s.eta_dotdot[k] * dt4) * e;
        }
        let e = (-dt8 * s.eta_dot[1]).exp();
        s.eta_dot[0] = (s.eta_dot[0] * e + s.eta_dotdot[0] * dt4) * e;
        let factor = (-dthalf * s.eta_dot[0]).exp();
        for v in s.v.iter_mut() {
            for c in v.iter_mut() {
                *c *= factor;
            }
        }
        ke *= factor * factor;
        s.eta_dotdot[0] = (ke - ke_target) / mass[0];
        s.eta_dot[0] = (s.eta_dot[0] * e + s.eta_dotdot[0] * dt4) * e;
        for k in 1..CHAIN {
            let e = (-dt8 * s.eta_dot[k + 1]).exp();
            s.eta_dotdot[k] = (mass[k - 1] * s.eta_dot[k - 1] * s.eta_dot[k - 1] - kt) / mass[k];
            s.eta_dot[k] = (s.eta_dot[k] * e + s.eta_dotdot[k] * dt4) * e;
        }
    }

    /// `steps` steps with the target temperature ramped linearly from `t_start` to `t_stop`
    /// (LAMMPS: target at step k of n is t_start + (k/n)(t_stop − t_start)). `s.f` and
    /// `s.energy` must be current on entry.
    pub fn run(
        &self,
        s: &mut State,
        ff: &mut dyn ForceField,
        steps: u64,
        t_start: f64,
        t_stop: f64,
        stage: &'static str,
    ) -> Result<()> {
        let d = s.d;
        let dt = self.dt;
        // a = F/m · ftm2v with ftm2v = 1/mvv2e (lj: 1; metal: 1/1.0364269e-4)
        let ftm2v = 1.0 / self.units.mvv2e;
        let inv_m: Vec<f64> = s.masses.iter().map(|m| ftm2v / m).collect();
        for k in 0..steps {
            let target = t_start + (t_stop - t_start) * (k as f64 + 1.0) / steps as f64;
            self.thermostat_half(s, target);
            for i in 0..s.x.len() {
                for c in 0..d {
                    s.v[i][c] += 0.5 * dt * s.f[i][c] * inv_m[i];
                    s.x[i][c] += dt * s.v[i][c];
                }
            }
            s.energy = ff.compute(&s.x, &mut s.f)?;
            for i in 0..s.x.len() {
                for c in 0..d {
                    s.v[i][c] += 0.5 * dt * s.f[i][c] * inv_m[i];
                }
            }
            self.thermostat_half(s, target);
            s.step += 1;
            if !(s.energy.is_finite() && s.eta_dot[0].is_finite()) {
                return Err(SimError::Diverged {
                    stage,
                    step: k,
                    what: format!("energy {} thermostat η̇ {}", s.energy, s.eta_dot[0]),
                });
            }
        }
        Ok(())
    }
}
