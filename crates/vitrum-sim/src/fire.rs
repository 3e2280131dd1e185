//! FIRE 2.0 minimisation (Guénolé et al., Comput. Mater. Sci. 175, 109584 (2020)): semi-implicit
//! Euler MD with velocity mixing towards the force, adaptive time step, restart on uphill motion,
//! and a cap on the displacement per step (LAMMPS `min_modify dmax`, 0.1 by default).

use crate::error::{Result, SimError};
use crate::forces::{ForceField, force_norms};

#[derive(Debug, Clone, Copy)]
pub struct Fire {
    pub dt_start: f64,
    pub dt_max: f64,
    pub dt_min: f64,
    pub n_delay: u64,
    pub f_inc: f64,
    pub f_dec: f64,
    pub alpha0: f64,
    pub f_alpha: f64,
    pub dmax: f64,
    /// Converged when ‖F‖₂ < f_tol.
    pub f_tol: f64,
    pub max_steps: u64,
}

impl Fire {
    /// The published FIRE 2.0 parameters with the MD time step as the reference (LAMMPS
    /// `min_style fire` defaults: dtmax = 10 dt, dtmin = 0.02 dt).
    pub fn new(dt: f64, f_tol: f64, max_steps: u64) -> Fire {
        Fire {
            dt_start: dt,
            dt_max: 10.0 * dt,
            dt_min: 0.02 * dt,
            n_delay: 20,
            f_inc: 1.1,
            f_dec: 0.5,
            alpha0: 0.25,
            f_alpha: 0.99,
            dmax: 0.1,
            f_tol,
            max_steps,
        }
    }
}

/// What the minimiser reached.
#[derive(Debug, Clone, Copy)]
pub struct MinResult {
    pub energy: f64,
    pub force_norm: f64,
    pub force_max: f64,
    pub iterations: u64,
}

impl Fire {
    /// Minimises `x` in place (unit masses: the minimum does not depend on them). `Err` with
    /// `NotConverged` when `max_steps` is reached.
    pub fn minimise(
        &self,
        x: &mut [[f64; 3]],
        d: usize,
        ff: &mut dyn ForceField,
    ) -> Result<MinResult> {
        let n = x.len();
        let mut f = vec![[0.0; 3]; n];
        let mut v = vec![[0.0; 3]; n];
        let mut energy = ff.compute(x, &mut f)?;
        let (mut fnorm, mut fmax) = force_norms(&f, d);
        let mut dt = self.dt_start;
        let mut alpha = self.alpha0;
        let mut n_pos = 0u64;
        for it in 0..self.max_steps {
            if fnorm < self.f_tol {
                return Ok(MinResult {
                    energy,
                    force_norm: fnorm,
                    force_max: fmax,
                    iterations: it,
                });
            }
            let mut p = 0.0;
            for i in 0..n {
                for c in 0..d {
                    p += f[i][c] * v[i][c];
                }
            }
            if p > 0.0 {
                n_pos += 1;
                if n_pos > self.n_delay {
                    dt = (dt * self.f_inc).min(self.dt_max);
                    alpha *= self.f_alpha;
                }
            } else {
                n_pos = 0;
                if it >= self.n_delay {
                    dt = (dt * self.f_dec).max(self.dt_min);
                }
                alpha = self.alpha0;
                // inertia correction: step back half a step, stop
                for i in 0..n {
                    for c in 0..d {
                        x[i][c] -= 0.5 * dt * v[i][c];
                        v[i][c] = 0.0;
                    }
                }
            }
            // semi-implicit Euler with mixing v ← (1 − α) v + α |v| F/|F|
            let mut vnorm2 = 0.0;
            for i in 0..n {
                for c in 0..d {
                    v[i][c] += dt * f[i][c];
                    vnorm2 += v[i][c] * v[i][c];
                }
            }
            let mix = if fnorm > 0.0 {
                alpha * vnorm2.sqrt() / fnorm
            } else {
                0.0
            };
            let mut vmax = 0.0f64;
            for i in 0..n {
                for c in 0..d {
                    v[i][c] = (1.0 - alpha) * v[i][c] + mix * f[i][c];
                    vmax = vmax.max(v[i][c].abs());
                }
            }
            let scale = if vmax * dt > self.dmax {
                self.dmax / (vmax * dt)
            } else {
                1.0
            };
            // the cap scales the velocity itself, so that the inertia correction (a step back
            // along v) never moves a particle further than it came
            for i in 0..n {
                for c in 0..d {
                    v[i][c] *= scale;
                    x[i][c] += dt * v[i][c];
                }
            }
            energy = ff.compute(x, &mut f)?;
            (fnorm, fmax) = force_norms(&f, d);
            if !fnorm.is_finite() {
                return Err(SimError::Diverged {
                    stage: "minimisation",
                    step: it,
                    what: format!("force norm {fnorm}"),
                });
            }
        }
        if fnorm < self.f_tol {
            return Ok(MinResult {
                energy,
                force_norm: fnorm,
                force_max: fmax,
                iterations: self.max_steps,
            });
        }
        Err(SimError::NotConverged {
            force_norm: fnorm,
            iterations: self.max_steps,
            tolerance: self.f_tol,
        })
    }
}
