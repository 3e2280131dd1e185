//! Forces for MD and minimisation.
//!
//! Pair interactions use a Verlet neighbour list with a skin, rebuilt (from vitrum-descriptors'
//! cell list) when a particle has moved more than half the skin; the force loop is serial over the
//! (i, j)-sorted list, so forces are summed in one fixed order: a sample is the same bit for bit
//! whatever the number of threads. Other interactions (Stillinger–Weber, …) go through
//! vitrum-theory's `Interaction::energy_forces` on a rebuilt configuration.

use crate::error::{Result, SimError};
use vitrum_io::Configuration;
use vitrum_theory::interactions::pair::PairTerm;
use vitrum_theory::{Model, PairInteraction};

/// Energy and forces of positions in a fixed orthorhombic periodic box.
pub trait ForceField {
    /// Writes F = −∂E/∂x into `forces` and returns E.
    fn compute(&mut self, x: &[[f64; 3]], forces: &mut [[f64; 3]]) -> Result<f64>;
    /// Neighbour-list rebuilds so far.
    fn rebuilds(&self) -> u64 {
        0
    }
}

/// Builds the force field for `model` on `template` (species, cell, dim; positions replaced).
/// `potential` is the preset name or file the model was loaded from (for the Lennard-Jones fast
/// path, which is checked against the model's own pair terms).
pub fn force_field<'a>(
    model: &'a Model,
    potential: &str,
    template: &Configuration,
    skin: f64,
) -> Result<Box<dyn ForceField + 'a>> {
    let sys = model.bind(template)?;
    match model.interaction.as_pair() {
        Some(pair) => Ok(Box::new(VerletPairs::new(
            pair,
            potential,
            template.clone(),
            sys.types.clone(),
            sys.n_species,
            skin,
        )?)),
        None => Ok(Box::new(Generic {
            model,
            config: template.clone(),
        })),
    }
}

/// One species pair's force kernel: Lennard-Jones written out in r² (no square root, one
/// division), or any pair term through φ′.
#[derive(Clone, Copy)]
enum Kernel<'a> {
    Lj {
        e4: f64,
        e24: f64,
        s2: f64,
        shift: f64,
    },
    Term(&'a PairTerm),
}

/// Lennard-Jones parameters (ε, σ, truncation shift) per species pair (a·n + b) when the model
/// is the `lj` style with no or energy-only truncation; read from the same potential file.
fn lj_table(potential: &str, n_species: usize) -> Option<Vec<(f64, f64, bool)>> {
    use vitrum_theory::{ModelSpec, Truncation, registry::PRESETS};
    let text = match PRESETS.iter().find(|p| p.0 == potential) {
        Some(p) => p.1.to_string(),
        None => std::fs::read_to_string(potential).ok()?,
    };
    let spec = ModelSpec::parse(&text, potential).ok()?;
    let shift = match spec.truncation {
        Truncation::None => false,
        Truncation::Shift => true,
        Truncation::ForceShift => return None,
    };
    if spec.style != "lj" || spec.n_species() != n_species {
        return None;
    }
    let mut out = vec![(0.0, 0.0, shift); n_species * n_species];
    for (a, b, t) in &spec.pairs {
        let eps = t.get("epsilon")?.as_float()?;
        let sigma = t.get("sigma")?.as_float()?;
        out[a * n_species + b] = (eps, sigma, shift);
        out[b * n_species + a] = (eps, sigma, shift);
    }
    Some(out)
}

impl Kernel<'_> {
    /// (φ, φ′/r) at r² < r_c².
    #[inline(always)]
    fn eval(&self, r2: f64) -> (f64, f64) {
        match *self {
            Kernel::Lj { e4, e24, s2, shift } => {
                let inv = 1.0 / r2;
                let q2 = s2 * inv;
                let q6 = q2 * q2 * q2;
                (
                    e4 * (q6 * q6 - q6) - shift,
                    -e24 * (2.0 * q6 * q6 - q6) * inv,
                )
            }
            Kernel::Term(term) => {
                let r = r2.sqrt();
                let [phi, d1, _] = term.eval(r);
                (phi, d1 / r)
            }
        }
    }
}

/// A Verlet-list entry: the pair, its species pair and the periodic image fixed at build time.
#[derive(Clone, Copy)]
struct Entry {
    i: u32,
    j: u32,
    t: u32,
    image: [f64; 3],
}

/// A pair interaction over a Verlet list.
pub struct VerletPairs<'a> {
    kernels: Vec<Kernel<'a>>,
    rc2: Vec<f64>,
    n_species: usize,
    types: Vec<usize>,
    lengths: [f64; 3],
    d: usize,
    list_cutoff: f64,
    skin: f64,
    /// (i, j, type pair) sorted by (i, j).
    list: Vec<Entry>,
    x_at_build: Vec<[f64; 3]>,
    rebuilds: u64,
}

impl<'a> VerletPairs<'a> {
    pub fn new(
        pair: &'a PairInteraction,
        potential: &str,
        config: Configuration,
        types: Vec<usize>,
        n_species: usize,
        skin: f64,
    ) -> Result<Self> {
        if !config.cell.is_orthorhombic() {
            return Err(SimError::Protocol(
                "the native sampler works in orthorhombic cells".into(),
            ));
        }
        let lj = lj_table(potential, n_species);
        let mut kernels = Vec::with_capacity(n_species * n_species);
        let mut rc2 = Vec::with_capacity(n_species * n_species);
        for a in 0..n_species {
            for b in 0..n_species {
                let t = pair.term(a, b);
                rc2.push(t.cutoff * t.cutoff);
                let fast = lj.as_ref().map(|table| {
                    let (eps, sigma, shifted) = table[a * n_species + b];
                    let sc6 = (sigma / t.cutoff).powi(6);
                    Kernel::Lj {
                        e4: 4.0 * eps,
                        e24: 24.0 * eps,
                        s2: sigma * sigma,
                        shift: if shifted {
                            4.0 * eps * (sc6 * sc6 - sc6)
                        } else {
                            0.0
                        },
                    }
                });
                // keep the fast kernel only if it is the model's pair term
                let agrees = |k: &Kernel| {
                    (1..20).all(|m| {
                        let r = t.cutoff * m as f64 / 20.0 + 0.3 * t.cutoff / 20.0;
                        let (e, s) = k.eval(r * r);
                        let [phi, d1, _] = t.eval(r);
                        (e - phi).abs() <= 1e-9 * phi.abs().max(1.0)
                            && (s * r - d1).abs() <= 1e-9 * d1.abs().max(1.0)
                    })
                };
                kernels.push(match fast {
                    Some(k) if agrees(&k) => k,
                    _ => Kernel::Term(t),
                });
            }
        }
        let d = config.dim.get();
        let list_cutoff = vitrum_theory::Interaction::cutoff(pair) + skin;
        let limit = config.max_r_max();
        if list_cutoff > limit {
            return Err(SimError::ImpossibleDensity {
                density: config.number_density(),
                reason: format!(
                    "the cell (half width {limit:.4}) is too small for the interaction range plus \
                     skin ({list_cutoff:.4}) at this N; use more particles"
                ),
            });
        }
        let m = config.cell.matrix;
        let lengths = [m[0][0], m[1][1], m[2][2]];
        Ok(VerletPairs {
            kernels,
            lengths,
            rc2,
            n_species,
            types,
            d,
            list_cutoff,
            skin,
            list: Vec::new(),
            x_at_build: Vec::new(),
            rebuilds: 0,
        })
    }

    fn needs_rebuild(&self, x: &[[f64; 3]]) -> bool {
        if self.x_at_build.len() != x.len() {
            return true;
        }
        let lim = 0.25 * self.skin * self.skin;
        x.iter().zip(&self.x_at_build).any(|(a, b)| {
            let mut s = 0.0;
            for k in 0..self.d {
                s += (a[k] - b[k]) * (a[k] - b[k]);
            }
            s > lim
        })
    }

    fn rebuild(&mut self, x: &[[f64; 3]]) -> Result<()> {
        let d = self.d;
        let n = x.len();
        let rl = self.list_cutoff;
        let rl2 = rl * rl;
        let l = self.lengths;
        // wrapped copies for binning and minimum images
        let w: Vec<[f64; 3]> = x
            .iter()
            .map(|p| {
                let mut q = [0.0; 3];
                for k in 0..d {
                    q[k] = p[k] - l[k] * (p[k] / l[k]).floor();
                    if q[k] >= l[k] {
                        q[k] -= l[k];
                    }
                }
                q
            })
            .collect();
        let mut nb = [1usize; 3];
        for k in 0..d {
            nb[k] = (l[k] / rl).floor() as usize;
        }
        self.list.clear();
        let push = |i: usize, j: usize, list: &mut Vec<Entry>| {
            let mut dr = [0.0; 3];
            let mut r2 = 0.0;
            for k in 0..d {
                let v = w[j][k] - w[i][k];
                // branchless minimum image (wrapped coordinates differ by less than L)
                let v = v - l[k] * (((v > 0.5 * l[k]) as i32 - (v < -0.5 * l[k]) as i32) as f64);
                dr[k] = v;
                r2 += v * v;
            }
            if r2 < rl2 {
                let (a, b) = if i < j { (i, j) } else { (j, i) };
                let sign = if i < j { 1.0 } else { -1.0 };
                let mut image = [0.0; 3];
                for k in 0..d {
                    // dr(a→b) = x_b − x_a − image
                    image[k] = x[b][k] - x[a][k] - sign * dr[k];
                }
                list.push(Entry {
                    i: a as u32,
                    j: b as u32,
                    t: (self.types[a] * self.n_species + self.types[b]) as u32,
                    image,
                });
            }
        };
        if nb[..d].iter().any(|&b| b < 3) {
            // small cell: all pairs (the cutoff is below half the cell width)
            for i in 0..n {
                let wi = w[i];
                for (j, wj) in w.iter().enumerate().skip(i + 1) {
                    // all three components: in 2D z is 0 for every particle
                    let mut r2 = 0.0;
                    for k in 0..3 {
                        let v = wj[k] - wi[k];
                        let v = v - l[k]
                            * (((v > 0.5 * l[k]) as i32 - (v < -0.5 * l[k]) as i32) as f64);
                        r2 += v * v;
                    }
                    if r2 < rl2 {
                        push(i, j, &mut self.list);
                    }
                }
            }
        } else {
            let bin_of = |q: &[f64; 3]| -> [usize; 3] {
                let mut b = [0usize; 3];
                for k in 0..d {
                    b[k] = ((q[k] / l[k] * nb[k] as f64) as usize).min(nb[k] - 1);
                }
                b
            };
            let flat = |b: [usize; 3]| (b[2] * nb[1] + b[1]) * nb[0] + b[0];
            let n_bins = nb[0] * nb[1] * nb[2];
            // counting sort of particles by bin (stable: ascending index within a bin)
            let bins: Vec<usize> = w.iter().map(|q| flat(bin_of(q))).collect();
            let mut start = vec![0usize; n_bins + 1];
            for &b in &bins {
                start[b + 1] += 1;
            }
            for b in 0..n_bins {
                start[b + 1] += start[b];
            }
            let mut fill = start.clone();
            let mut order = vec![0usize; n];
            for (i, &b) in bins.iter().enumerate() {
                order[fill[b]] = i;
                fill[b] += 1;
            }
            let dz: &[i64] = if d == 3 { &[-1, 0, 1] } else { &[0] };
            for i in 0..n {
                let b = bin_of(&w[i]);
                for &oz in dz {
                    for oy in [-1i64, 0, 1] {
                        for ox in [-1i64, 0, 1] {
                            let o = [ox, oy, oz];
                            let mut c = [0usize; 3];
                            for k in 0..3 {
                                c[k] = (b[k] as i64 + o[k]).rem_euclid(nb[k] as i64) as usize;
                            }
                            let cb = flat(c);
                            for &j in &order[start[cb]..start[cb + 1]] {
                                if j > i {
                                    push(i, j, &mut self.list);
                                }
                            }
                        }
                    }
                }
            }
        }
        self.x_at_build = x.to_vec();
        self.rebuilds += 1;
        Ok(())
    }
}

impl ForceField for VerletPairs<'_> {
    fn compute(&mut self, x: &[[f64; 3]], forces: &mut [[f64; 3]]) -> Result<f64> {
        if self.needs_rebuild(x) {
            self.rebuild(x)?;
        }
        for f in forces.iter_mut() {
            *f = [0.0; 3];
        }
        // all three components: in 2D z and its image are 0 for every particle. The list is
        // grouped by i (ascending), so F_i is accumulated in registers and added once.
        let mut energy = 0.0;
        let mut cur = usize::MAX;
        let mut xi = [0.0; 3];
        let mut fi = [0.0; 3];
        for e in &self.list {
            let (i, j, t) = (e.i as usize, e.j as usize, e.t as usize);
            if i != cur {
                if cur != usize::MAX {
                    for k in 0..3 {
                        forces[cur][k] += fi[k];
                    }
                }
                cur = i;
                xi = x[i];
                fi = [0.0; 3];
            }
            let xj = x[j];
            let dr = [
                xj[0] - xi[0] - e.image[0],
                xj[1] - xi[1] - e.image[1],
                xj[2] - xi[2] - e.image[2],
            ];
            let r2 = dr[0] * dr[0] + dr[1] * dr[1] + dr[2] * dr[2];
            if r2 >= self.rc2[t] {
                continue;
            }
            // s = φ′/r: F_i = s dr, F_j = −s dr (E depends on r = |x_j − x_i|)
            let (phi, s) = self.kernels[t].eval(r2);
            energy += phi;
            for k in 0..3 {
                fi[k] += s * dr[k];
                forces[j][k] -= s * dr[k];
            }
        }
        if cur != usize::MAX {
            for k in 0..3 {
                forces[cur][k] += fi[k];
            }
        }
        if !energy.is_finite() {
            return Err(SimError::Diverged {
                stage: "force",
                step: 0,
                what: format!("non-finite energy {energy}"),
            });
        }
        Ok(energy)
    }

    fn rebuilds(&self) -> u64 {
        self.rebuilds
    }
}

/// Any interaction, through vitrum-theory.
pub struct Generic<'a> {
    model: &'a Model,
    config: Configuration,
}

impl ForceField for Generic<'_> {
    fn compute(&mut self, x: &[[f64; 3]], forces: &mut [[f64; 3]]) -> Result<f64> {
        self.config.positions.copy_from_slice(x);
        let sys = self.model.bind(&self.config)?;
        let (e, f) = self.model.interaction.energy_forces(&sys)?;
        forces.copy_from_slice(&f);
        Ok(e)
    }
}

/// ‖F‖₂ over all components and max |F_ik| (LAMMPS `fnorm`, `fmax`).
pub fn force_norms(forces: &[[f64; 3]], d: usize) -> (f64, f64) {
    let mut s = 0.0;
    let mut m = 0.0f64;
    for f in forces {
        for &v in &f[..d] {
            s += v * v;
            m = m.max(v.abs());
        }
    }
    (s.sqrt(), m)
}
