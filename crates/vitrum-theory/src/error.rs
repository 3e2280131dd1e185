//! One error type for the crate. Messages say what is wrong and what to change.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum TheoryError {
    #[error("unknown potential '{0}': not a preset ({1}) and not a readable .toml file")]
    UnknownPotential(String, String),

    #[error("unknown interaction style '{0}'; known styles: {1}")]
    UnknownStyle(String, String),

    #[error("potential file: {0}")]
    Parse(String),

    #[error(
        "species '{label}' of the configuration is not defined in the potential (which defines {known:?}); \
         add it under [masses] and give its pair parameters"
    )]
    UnknownSpecies { label: String, known: Vec<String> },

    #[error(
        "species '{label}' is used in [{section}] of the potential but has no entry under [masses]"
    )]
    UndeclaredSpecies { label: String, section: String },

    #[error("species '{0}' has no mass: give it under [masses] in the potential file")]
    MissingMass(String),

    #[error("missing pair parameters for species pair {0}-{1}: add a [pair.\"{0}-{1}\"] table")]
    MissingPair(String, String),

    #[error("parameter '{key}' of {context}: {problem}")]
    BadParameter {
        key: String,
        context: String,
        problem: String,
    },

    #[error(
        "the interaction cutoff {cutoff} is longer than half the smallest perpendicular cell width \
         ({limit:.6}); a particle would interact with two images of a neighbour. Use a larger cell"
    )]
    CutoffTooLong { cutoff: f64, limit: f64 },

    #[error("particles {i} and {j} overlap (distance {r:e}); the potential is singular there")]
    Overlap { i: usize, j: usize, r: f64 },

    #[error("the {what} is not finite ({value}); particles may be too close for this potential")]
    NonFinite { what: &'static str, value: f64 },

    #[error("the configuration is {found}D but the {what} needs {expected}D")]
    Dimension {
        what: String,
        expected: usize,
        found: usize,
    },

    #[error(
        "the interaction style '{0}' cannot write itself as LAMMPS commands; give them in the \
         protocol's [lammps] section (pair = [...])"
    )]
    NoLammps(String),

    #[error("{file}:{line}: {problem}")]
    Table {
        file: String,
        line: usize,
        problem: String,
    },

    #[error("{0}")]
    Invalid(String),

    #[error("LAPACK {routine} failed with info = {info}")]
    Lapack { routine: &'static str, info: i32 },

    #[error(transparent)]
    Descriptor(#[from] vitrum_descriptors::DescriptorError),

    #[error(transparent)]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = TheoryError> = std::result::Result<T, E>;

/// Checks that `value` is finite.
pub(crate) fn finite(what: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(TheoryError::NonFinite { what, value })
    }
}

/// Checks every component of every vector, so a NaN force never reaches a minimiser or a user.
pub(crate) fn all_finite(what: &'static str, vectors: &[[f64; 3]]) -> Result<()> {
    match vectors.iter().flatten().find(|x| !x.is_finite()) {
        Some(&value) => Err(TheoryError::NonFinite { what, value }),
        None => Ok(()),
    }
}
