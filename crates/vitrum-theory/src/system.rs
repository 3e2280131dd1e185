//! A configuration bound to a model: per-particle model species and masses, checked once.

use crate::error::{Result, TheoryError};
use crate::interactions::Interaction;
use crate::units::Units;
use vitrum_descriptors::{CellList, DescriptorError};
use vitrum_io::{Configuration, Dim};

/// An interaction model: the interaction, the declared species with their masses, the units.
#[derive(Debug)]
pub struct Model {
    pub name: String,
    pub units: Units,
    pub labels: Vec<String>,
    pub masses: Vec<f64>,
    pub interaction: Box<dyn Interaction>,
}

impl Model {
    /// Binds `config` to this model: every species of the configuration must be declared by the
    /// model (by label); masses come from the model.
    pub fn bind<'a>(&self, config: &'a Configuration) -> Result<System<'a>> {
        if config.len() < 2 {
            return Err(TheoryError::Invalid(format!(
                "the configuration has {} particle(s); at least 2 are needed",
                config.len()
            )));
        }
        let map: Vec<usize> = config
            .species
            .iter()
            .map(|s| {
                self.labels
                    .iter()
                    .position(|l| *l == s.label)
                    .ok_or_else(|| TheoryError::UnknownSpecies {
                        label: s.label.clone(),
                        known: self.labels.clone(),
                    })
            })
            .collect::<Result<_>>()?;
        let types: Vec<usize> = config.types.iter().map(|&t| map[t]).collect();
        let masses = types.iter().map(|&t| self.masses[t]).collect();
        for p in &config.positions {
            for &x in &p[..config.dim.get()] {
                crate::error::finite("position", x)?;
            }
        }
        Ok(System {
            config,
            types,
            masses,
            species_map: map,
            n_species: self.labels.len(),
        })
    }
}

/// A configuration seen through a model.
#[derive(Debug, Clone)]
pub struct System<'a> {
    pub config: &'a Configuration,
    /// Model species index of each particle.
    pub types: Vec<usize>,
    /// Mass of each particle.
    pub masses: Vec<f64>,
    /// Model species index of each configuration species.
    pub species_map: Vec<usize>,
    pub n_species: usize,
}

impl System<'_> {
    pub fn len(&self) -> usize {
        self.config.len()
    }

    pub fn is_empty(&self) -> bool {
        self.config.is_empty()
    }

    pub fn dim(&self) -> Dim {
        self.config.dim
    }

    /// Degrees of freedom d·N.
    pub fn dof(&self) -> usize {
        self.dim().get() * self.len()
    }

    /// A cell list for `cutoff`, with the error an interaction user understands.
    pub fn cell_list(&self, cutoff: f64) -> Result<CellList> {
        CellList::new(self.config, cutoff).map_err(|e| match e {
            DescriptorError::RMaxTooLarge { r_max, limit } => TheoryError::CutoffTooLong {
                cutoff: r_max,
                limit,
            },
            other => other.into(),
        })
    }
}
