//! One error type for the structure computations. Messages say what to change.

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DescriptorError {
    #[error(
        "r_max = {r_max} is larger than half the smallest perpendicular cell width ({limit:.6}); \
         pairs would be counted through two periodic images. Use r_max {limit:.4} or less \
         (--r-max, or r_max in a study's [features] or [data.grids]), or a larger cell"
    )]
    RMaxTooLarge { r_max: f64, limit: f64 },

    #[error("{what} must be a positive finite number, got {value}")]
    NotPositive { what: &'static str, value: f64 },

    #[error("the number of bins must be at least 1 (got 0)")]
    ZeroBins,

    #[error("the configuration has {0} particle(s); at least 2 are needed")]
    TooFewParticles(usize),

    #[error(
        "frame {frame} has species {found:?} but the first frame had {expected:?}; \
         average only frames of the same composition"
    )]
    SpeciesMismatch {
        frame: usize,
        expected: Vec<String>,
        found: Vec<String>,
    },

    #[error("frame {frame} is {found} but the first frame was {expected}")]
    DimensionMismatch {
        frame: usize,
        expected: String,
        found: String,
    },

    #[error(
        "atoms {i} and {j} (counting from 0 in file order) are at one point (distance {r:e}); \
         two atoms cannot overlap: remove the duplicate from the file"
    )]
    Overlap { i: usize, j: usize, r: f64 },

    #[error("no frame was accumulated")]
    NoFrames,

    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = DescriptorError> = std::result::Result<T, E>;

/// Checks that `value` is positive and finite.
pub(crate) fn positive(what: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(DescriptorError::NotPositive { what, value })
    }
}
