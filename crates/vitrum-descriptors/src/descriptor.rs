//! The descriptor registry: every structure descriptor a dataset, `vitrum featurize` or a study
//! can ask for by name is one implementation of [`Descriptor`] and one line of [`DESCRIPTORS`].
//!
//! A descriptor is built from its parameters (a TOML table in a study, `--param key=value` on
//! the command line, both arriving as a JSON object) and a [`Context`] (dimension, species,
//! largest r the cells allow: what defaults depend on); it then knows its output [`Grid`] and
//! channels, and turns one configuration into one block row (channel-major: channel c, grid
//! point k at c·n + k).
//!
//! Adding one: write `kinds/my_descriptor.rs` with a parameter struct (serde, `deny_unknown_fields`),
//! a type implementing [`Descriptor`] and a `pub const REGISTRATION: Registration`, declare the
//! module in `kinds/mod.rs`, and add `kinds::my_descriptor::REGISTRATION` to [`DESCRIPTORS`].

use crate::error::{DescriptorError, Result};
use serde::de::DeserializeOwned;
use vitrum_io::{Configuration, Dim, FeatureKind, Grid, UnitSystem};

pub use crate::kinds;

/// Parameters as given (study table or `--param` pairs), a JSON object.
pub type Params = serde_json::Map<String, serde_json::Value>;

/// What a descriptor's defaults and checks depend on, from the structures it will see.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    pub dim: Dim,
    /// Species labels in type order.
    pub species: Vec<String>,
    /// The largest r_max every configuration allows (half the smallest perpendicular width).
    pub max_r_max: f64,
    pub units: UnitSystem,
}

impl Context {
    /// The context of a set of configurations (the first one's species and dimension).
    pub fn of(configs: &[Configuration], units: UnitSystem) -> Result<Context> {
        let first = configs
            .first()
            .ok_or_else(|| DescriptorError::Invalid("no configuration to describe".into()))?;
        Ok(Context {
            dim: first.dim,
            species: first.labels().iter().map(|s| s.to_string()).collect(),
            max_r_max: configs
                .iter()
                .map(|c| c.max_r_max())
                .fold(f64::INFINITY, f64::min),
            units,
        })
    }

    /// The default r_max of pair descriptors: min(5, the cell limit rounded down to 0.1) (the
    /// reference grids: 5 in 2D, 3.5 for the 3D fixtures).
    pub fn default_r_max(&self) -> f64 {
        (5.0f64).min((self.max_r_max * 10.0).floor() / 10.0)
    }

    /// Species pair channels a-b, a ≤ b, in `species_pairs` order.
    pub fn pair_channels(&self) -> Vec<String> {
        crate::rdf::species_pairs(self.species.len())
            .into_iter()
            .map(|(a, b)| format!("{}-{}", self.species[a], self.species[b]))
            .collect()
    }
}

/// One structure descriptor with its parameters fixed.
pub trait Descriptor: Send + Sync + std::fmt::Debug {
    /// The feature kind it produces (its registry name).
    fn kind(&self) -> FeatureKind;
    /// The axis of its output.
    fn grid(&self) -> &Grid;
    /// Channel names (empty for a single channel).
    fn channels(&self) -> Vec<String> {
        Vec::new()
    }
    /// The parameters in effect, defaults filled in (recorded in the dataset manifest).
    fn params(&self) -> serde_json::Value;
    /// One block row: channels × grid points, channel-major.
    fn compute(&self, config: &Configuration) -> Result<Vec<f64>>;
}

/// A registry entry: name, one-line summary (for `--help` and errors), constructor.
pub struct Registration {
    pub name: &'static str,
    pub summary: &'static str,
    pub build: fn(&Params, &Context) -> Result<Box<dyn Descriptor>>,
}

/// Every descriptor, by name.
pub const DESCRIPTORS: &[Registration] = &[
    kinds::total_rdf::REGISTRATION,
    kinds::partial_rdf::REGISTRATION,
    kinds::sq::REGISTRATION,
    kinds::sq_direct::REGISTRATION,
    kinds::bond_angles::REGISTRATION,
    kinds::coordination::REGISTRATION,
    kinds::weighted_rdf::NEUTRON,
    kinds::weighted_rdf::XRAY,
];

/// The names of every descriptor, for messages.
pub fn names() -> String {
    DESCRIPTORS
        .iter()
        .map(|d| d.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Builds the descriptor `name` with `params`.
pub fn build(name: &str, params: &Params, context: &Context) -> Result<Box<dyn Descriptor>> {
    let entry = DESCRIPTORS.iter().find(|d| d.name == name).ok_or_else(|| {
        DescriptorError::Invalid(format!("unknown descriptor '{name}'; known: {}", names()))
    })?;
    (entry.build)(params, context)
}

/// Parses a descriptor's parameter struct, naming the descriptor in errors.
pub fn parse_params<P: DeserializeOwned>(name: &str, params: &Params) -> Result<P> {
    serde_json::from_value(serde_json::Value::Object(params.clone()))
        .map_err(|e| DescriptorError::Invalid(format!("descriptor '{name}' parameters: {e}")))
}

/// `key=value` pairs (command line) as parameters: numbers and booleans typed, the rest strings.
pub fn params_from_pairs(pairs: &[String]) -> Result<Params> {
    let mut out = Params::new();
    for p in pairs {
        let (k, v) = p
            .split_once('=')
            .ok_or_else(|| DescriptorError::Invalid(format!("parameter '{p}' is not KEY=VALUE")))?;
        let value = serde_json::from_str::<serde_json::Value>(v.trim())
            .ok()
            .filter(|v| v.is_number() || v.is_boolean())
            .unwrap_or_else(|| serde_json::Value::String(v.trim().to_string()));
        out.insert(k.trim().to_string(), value);
    }
    Ok(out)
}

/// Computes one descriptor over many configurations (in parallel), rows in order.
pub fn compute_rows(
    descriptor: &dyn Descriptor,
    configs: &[Configuration],
) -> Result<ndarray::Array2<f64>> {
    use rayon::prelude::*;
    let rows: Vec<Vec<f64>> = configs
        .par_iter()
        .map(|c| descriptor.compute(c))
        .collect::<Result<_>>()?;
    let n = rows.first().map_or(0, Vec::len);
    if let Some((i, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != n) {
        return Err(DescriptorError::Invalid(format!(
            "configuration {i} gave {} values, the first {n}",
            r.len()
        )));
    }
    Ok(ndarray::Array2::from_shape_fn((rows.len(), n), |(i, k)| {
        rows[i][k]
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrum_io::{Cell, Species};

    /// A 2D square lattice of 16 × 16 sites of two species (checkerboard), spacing 1.
    fn lattice() -> Configuration {
        let n = 16;
        let positions = (0..n * n)
            .map(|i| [(i % n) as f64 + 0.5, (i / n) as f64 + 0.5, 0.0])
            .collect();
        let types = (0..n * n).map(|i| (i % n + i / n) % 2).collect();
        Configuration {
            positions,
            types,
            species: ["A", "B"]
                .map(|l| Species {
                    label: l.into(),
                    mass: Some(1.0),
                })
                .to_vec(),
            cell: Cell::orthorhombic([n as f64, n as f64, 1.0]),
            dim: Dim::Two,
            frame: 0,
            step: None,
        }
    }

    fn context(c: &Configuration) -> Context {
        Context::of(std::slice::from_ref(c), UnitSystem::Lj).unwrap()
    }

    #[test]
    fn every_registered_descriptor_builds_and_fills_its_grid() {
        let c = lattice();
        let ctx = context(&c);
        assert_eq!(ctx.default_r_max(), 5.0);
        assert_eq!(ctx.pair_channels(), vec!["A-A", "A-B", "B-B"]);
        for reg in DESCRIPTORS {
            let mut params = Params::new();
            if reg.name == "bond-angles" {
                params.insert("cutoff".into(), 1.2.into());
            }
            if reg.name.starts_with("sq") {
                // the 16 × 16 cell allows q = 2π|n|/16; 20 bins on (0, 10] each hold one
                params.insert("bins".into(), 20.into());
                params.insert("q_max".into(), 10.0.into());
            }
            if ["neutron-rdf", "xray-rdf"].contains(&reg.name) {
                params.insert("lengths".into(), serde_json::json!({"A": 1.0, "B": 3.0}));
            }
            let d = (reg.build)(&params, &ctx).unwrap();
            assert_eq!(d.kind().name(), reg.name);
            let row = d.compute(&c).unwrap();
            assert_eq!(
                row.len(),
                d.grid().len() * d.channels().len().max(1),
                "{}",
                reg.name
            );
            assert!(row.iter().all(|v| v.is_finite()), "{}", reg.name);
        }
    }

    /// Species that scatter alike weight the partials by number: the neutron-weighted g is the
    /// total g (to rounding); with b_A = 1, b_B = 3 it is Σ (2 − δ_ab) c_a c_b b_a b_b g_ab / ⟨b⟩²
    /// of the partials, recomputed here by hand.
    #[test]
    fn weighted_rdf_is_the_faber_ziman_sum_of_the_partials() {
        let c = lattice();
        let ctx = context(&c);
        let p = params_from_pairs(&["r_max=3".into(), "bins=30".into()]).unwrap();
        let total = build("total-rdf", &p, &ctx).unwrap().compute(&c).unwrap();
        let partials = build("partial-rdf", &p, &ctx).unwrap().compute(&c).unwrap();
        let with = |a: f64, b: f64| {
            let mut q = p.clone();
            q.insert("lengths".into(), serde_json::json!({"A": a, "B": b}));
            build("neutron-rdf", &q, &ctx).unwrap().compute(&c).unwrap()
        };
        let same = with(2.0, 2.0);
        for k in 0..30 {
            assert!(
                (same[k] - total[k]).abs() <= 1e-13 * (1.0 + total[k]),
                "bin {k}"
            );
        }
        let counts = c.species_counts();
        let n = c.len() as f64;
        let (ca, cb) = (counts[0] as f64 / n, counts[1] as f64 / n);
        let mean = ca * 1.0 + cb * 3.0;
        let w = [ca * ca, 2.0 * ca * cb * 3.0, cb * cb * 9.0].map(|w| w / (mean * mean));
        let weighted = with(1.0, 3.0);
        for k in 0..30 {
            let expect: f64 = (0..3).map(|ch| w[ch] * partials[ch * 30 + k]).sum();
            assert!(
                (weighted[k] - expect).abs() <= 1e-13 * (1.0 + expect),
                "bin {k}"
            );
        }
        // dotted command-line keys reach the table
        let mut q = params_from_pairs(&["r_max=3".into(), "bins=30".into()]).unwrap();
        q.extend(params_from_pairs(&["lengths.A=1".into(), "lengths.B=3".into()]).unwrap());
        assert_eq!(
            build("neutron-rdf", &q, &ctx).unwrap().compute(&c).unwrap(),
            weighted
        );
    }

    #[test]
    fn descriptors_give_exact_lattice_values() {
        let c = lattice();
        let ctx = context(&c);
        // the coordination number reaches 4 nearest neighbours past r = 1 and 8 past √2:
        // integer pair counts, exact
        let p: Params = params_from_pairs(&["r_max=2".into(), "bins=20".into()]).unwrap();
        let n = build("coordination", &p, &ctx)
            .unwrap()
            .compute(&c)
            .unwrap();
        // (ρ g V summed is n/N up to round-off: 1e-12)
        assert!(n[9].abs() < 1e-12); // r < 1.0
        assert!((n[10] - 4.0).abs() < 1e-12); // r < 1.1
        assert!((n[14] - 8.0).abs() < 1e-12); // r < 1.5
        // the partials: on a checkerboard, nearest neighbours are all unlike: g_AA = 0 at r = 1
        let d = build("partial-rdf", &p, &ctx).unwrap();
        let g = d.compute(&c).unwrap();
        assert_eq!(g[10], 0.0);
        assert!(g[20 + 10] > 0.0);
        // every bond angle is 90° or 180° on the square lattice with 4 neighbours
        let p = params_from_pairs(&["cutoff=1.2".into(), "bins=3".into()]).unwrap();
        let a = build("bond-angles", &p, &ctx).unwrap().compute(&c).unwrap();
        assert_eq!(a[0], 0.0);
        assert!(a[1] > 0.0);
    }

    #[test]
    fn bad_names_and_parameters_say_what_is_known() {
        let c = lattice();
        let ctx = context(&c);
        let e = build("rdf", &Params::new(), &ctx).unwrap_err().to_string();
        assert!(
            e.contains("unknown descriptor 'rdf'") && e.contains("partial-rdf"),
            "{e}"
        );
        let p = params_from_pairs(&["rmax=3".into()]).unwrap();
        let e = build("total-rdf", &p, &ctx).unwrap_err().to_string();
        assert!(e.contains("'total-rdf'") && e.contains("rmax"), "{e}");
        let e = build("bond-angles", &Params::new(), &ctx)
            .unwrap_err()
            .to_string();
        assert!(e.contains("cutoff"), "{e}");
        assert!(params_from_pairs(&["x".into()]).is_err());
    }
}
