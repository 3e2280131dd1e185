//! Forces for MD and minimisation.
//!
//! Pair interactions run the interaction's own pair terms ([`PairInteraction::list_energy_forces`],
//! compiled per style) over vitrum-descriptors' [`VerletList`] (a skin, rebuilt when a particle
//! has moved more than half the skin); the force loop is serial over the list in a fixed order,
//! so a sample is the same bit for bit whatever the number of threads. Other interactions
//! (Stillinger–Weber, …) go through vitrum-theory's `Interaction::energy_forces` on a rebuilt
//! configuration.

use crate::error::{Result, SimError};
use vitrum_descriptors::neighbors::VerletList;
use vitrum_io::Configuration;
use vitrum_theory::{Interaction, Model, PairInteraction};

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
pub fn force_field<'a>(
    model: &'a Model,
    template: &Configuration,
    skin: f64,
) -> Result<Box<dyn ForceField + 'a>> {
    let sys = model.bind(template)?;
    match model.interaction.as_pair() {
        Some(pair) => Ok(Box::new(VerletPairs::new(
            pair, template, &sys.types, skin,
        )?)),
        None => Ok(Box::new(Generic {
            model,
            config: template.clone(),
        })),
    }
}

/// A pair interaction over a Verlet list.
pub struct VerletPairs<'a> {
    pair: &'a PairInteraction,
    list: VerletList,
    /// Model species of each particle.
    types: Vec<u32>,
}

impl<'a> VerletPairs<'a> {
    /// The force field of `pair` for particles of model species `types` in the cell of
    /// `template`, with a Verlet list of the given skin.
    pub fn new(
        pair: &'a PairInteraction,
        template: &Configuration,
        types: &[usize],
        skin: f64,
    ) -> Result<Self> {
        let list_cutoff = pair.cutoff() + skin;
        let limit = template.max_r_max();
        if list_cutoff > limit {
            return Err(SimError::ImpossibleDensity {
                density: template.number_density(),
                reason: format!(
                    "the cell (half width {limit:.4}) is too small for the interaction range plus \
                     skin ({list_cutoff:.4}) at this N; use more particles"
                ),
            });
        }
        Ok(VerletPairs {
            pair,
            list: VerletList::new(template, pair.cutoff(), skin)?,
            types: types.iter().map(|&t| t as u32).collect(),
        })
    }
}

impl ForceField for VerletPairs<'_> {
    fn compute(&mut self, x: &[[f64; 3]], forces: &mut [[f64; 3]]) -> Result<f64> {
        self.list.update(x)?;
        for f in forces.iter_mut() {
            *f = [0.0; 3];
        }
        let energy = self
            .pair
            .list_energy_forces(&self.list, &self.types, forces);
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
        self.list.rebuilds()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init::initial_configuration;
    use crate::protocol::{Init, Protocol};
    use crate::rng::Rng;

    /// Energy and forces of the Verlet-list loop against vitrum-theory's cell-list ones: the same
    /// terms summed in another order, so they agree to round-off (1e-11 of the energy, and of
    /// the largest force component, for every component).
    fn assert_same_energy_forces(
        (e, f): (f64, &[[f64; 3]]),
        (e_ref, f_ref): (f64, &[[f64; 3]]),
        what: &str,
    ) {
        let scale = f_ref
            .iter()
            .flat_map(|v| v.iter())
            .fold(1.0f64, |a, v| a.max(v.abs()));
        assert!(
            (e - e_ref).abs() <= 1e-11 * e_ref.abs().max(1.0),
            "{what}: E {e} vs {e_ref}"
        );
        for (a, b) in f.iter().zip(f_ref) {
            for k in 0..3 {
                assert!(
                    (a[k] - b[k]).abs() <= 1e-11 * scale,
                    "{what}: {a:?} vs {b:?}"
                );
            }
        }
    }

    /// The Verlet-list forces against vitrum-theory's cell-list ones (another summation order: agreement to
    /// round-off, 1e-11 relative), in all three list paths: all pairs (small cell), bins of
    /// r_l with ±1, bins of r_l/2 with ±2; with unwrapped positions (particles several cells
    /// away), and after moves below half the skin (no rebuild) and beyond it (rebuild).
    #[test]
    fn list_forces_match_vitrum_theory_in_every_binning() {
        // (preset, N, density) with r_l = 2.8: KA 3D N = 256 at ρ = 1.2 (L = 5.98 < 2.5 r_l: all
        // pairs), N = 500 (L = 7.47: ±2 with 5 bins per side), N = 864 at ρ = 0.5 (L = 12.0),
        // N = 2048 (L = 11.9); KA 2D N = 128 (L = 10.3), 200 at ρ = 1 (14.1), 512 (20.7)
        let cases = [
            ("ka3d", 256usize, 1.2f64),
            ("ka3d", 500, 1.2),
            ("ka3d", 864, 0.5),
            ("ka3d", 2048, 1.2),
            ("ka2d", 128, 1.2),
            ("ka2d", 200, 1.0),
            ("ka2d", 512, 1.2),
        ];
        let mut reaches = std::collections::BTreeSet::new();
        for (name, n, rho) in cases {
            let p = Protocol {
                n,
                density: rho,
                init: Init::Random,
                ..Protocol::preset(name).unwrap()
            };
            let model = crate::sampler::load_model(&p).unwrap();
            let mut rng = Rng::new(n as u64);
            let mut cfg =
                initial_configuration(&p, &model.labels, &model.masses, &mut rng).unwrap();
            let l = p.box_length();
            // unwrap: move every particle by a random whole number of cells
            for q in cfg.positions.iter_mut() {
                for k in 0..p.dim {
                    q[k] += l * ((rng.uniform() * 7.0).floor() - 3.0);
                }
            }
            let sys = model.bind(&cfg).unwrap();
            let Some(pair) = model.interaction.as_pair() else {
                unreachable!()
            };
            let mut ff = VerletPairs::new(pair, &cfg, &sys.types, p.skin).unwrap();
            let d = p.dim;
            for (step, amp) in [(0, 0.0), (1, 0.1), (2, 0.4)] {
                if amp > 0.0 {
                    // displacements up to 0.1 √d (may or may not trigger a rebuild at skin/2 =
                    // 0.15), then up to 0.4 √d (always a rebuild): the forces must agree either way
                    for q in cfg.positions.iter_mut() {
                        for k in 0..d {
                            q[k] += amp * (2.0 * rng.uniform() - 1.0);
                        }
                    }
                }
                let mut f = vec![[0.0; 3]; n];
                let e = ff.compute(&cfg.positions, &mut f).unwrap();
                reaches.insert(ff.list.reach());
                let sys = model.bind(&cfg).unwrap();
                let (e_ref, f_ref) = model.interaction.energy_forces(&sys).unwrap();
                assert_same_energy_forces(
                    (e, &f),
                    (e_ref, &f_ref),
                    &format!("{name} N={n} step {step}"),
                );
            }
        }
        // every list path was exercised
        assert_eq!(reaches.into_iter().collect::<Vec<_>>(), vec![0, 2]);
    }

    /// Every kernel path of the force loop against vitrum-theory's cell-list forces (1e-11
    /// relative, another summation order): Yukawa force-shifted (square root and branch),
    /// Morse (branch-free through √r²), and a table (the trait-object path, through a style
    /// built by `PairInteraction::new`), in 2D and 3D.
    #[test]
    fn every_kernel_path_matches_vitrum_theory() {
        let morse = vitrum_theory::registry::preset("morse-ka").unwrap();
        let yukawa = vitrum_theory::registry::preset("yukawa-binary").unwrap();
        let lj = vitrum_theory::registry::preset("kob-andersen").unwrap();
        let boxed = lj.interaction.as_pair().unwrap();
        let dynamic = vitrum_theory::PairInteraction::new(
            "lj-dyn",
            2,
            (0..3)
                .map(|k| {
                    let (a, b) = vitrum_descriptors::species_pairs(2)[k];
                    boxed.term(a, b).clone()
                })
                .collect(),
        );
        for (name, dim_preset, n) in [("ka3d", "ka3d", 700usize), ("ka2d", "ka2d", 512)] {
            let _ = name;
            let p = Protocol {
                n,
                init: Init::Random,
                ..Protocol::preset(dim_preset).unwrap()
            };
            let mut rng = Rng::new(3);
            let cfg = initial_configuration(&p, &lj.labels, &lj.masses, &mut rng).unwrap();
            for (label, model_pair, model) in [
                ("morse", morse.interaction.as_pair().unwrap(), &morse),
                ("yukawa", yukawa.interaction.as_pair().unwrap(), &yukawa),
                ("dyn", &dynamic, &lj),
            ] {
                let sys = model.bind(&cfg).unwrap();
                let mut ff = VerletPairs::new(model_pair, &cfg, &sys.types, p.skin).unwrap();
                let mut f = vec![[0.0; 3]; n];
                let e = ff.compute(&cfg.positions, &mut f).unwrap();
                let (e_ref, f_ref) =
                    vitrum_theory::Interaction::energy_forces(model_pair, &sys).unwrap();
                assert_same_energy_forces(
                    (e, &f),
                    (e_ref, &f_ref),
                    &format!("{label} {dim_preset}"),
                );
            }
        }
    }
}
