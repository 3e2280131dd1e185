//! Model files: JSON with `"format_version"` and `"kind"` first, then the predictor's own fields.
//! Loading reads the version, then dispatches on the kind through [`KINDS`], one line per
//! predictor kind; an unknown version or kind is an error naming what was found and what is
//! known. Crates that depend on this one (vitrum-neural's `cnn` and `mlp`) cannot be listed in
//! [`KINDS`]; their kinds reach the loader as an extra table ([`from_json_with`],
//! [`load_with`]), which the facade composes once.
//!
//! Versions: 1 (vitrum ≤ the Predictor refactor) held only linear models, with `"kind"` naming the
//! model family (`"ridge"`); 2 names the predictor kind (`"linear"`, the family moving to
//! `"family"`). Version-1 files load as linear models.

use crate::error::{RegressError, Result};
use crate::predictor::Predictor;
use serde::Serialize;
use std::path::Path;

/// Version of the model-file layout written today; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 2;

/// Every version this code reads.
pub const SUPPORTED_VERSIONS: &[u32] = &[1, 2];

/// One predictor kind of the registry: its name in files and how to read its fields.
pub struct KindEntry {
    /// The `"kind"` written to files.
    pub kind: &'static str,
    /// Reads the file's fields (a JSON object without `format_version` and `kind`).
    pub load: fn(serde_json::Value) -> Result<Box<dyn Predictor>>,
}

/// The predictor kinds model files may hold. A new predictor adds one line.
pub static KINDS: &[KindEntry] = &[
    KindEntry {
        kind: crate::model::LinearModel::KIND,
        load: crate::model::LinearModel::load_fields,
    },
    KindEntry {
        kind: crate::mean::MeanPredictor::KIND,
        load: crate::mean::MeanPredictor::load_fields,
    },
    KindEntry {
        kind: crate::prior_ridge::PriorRidgeModel::KIND,
        load: crate::prior_ridge::PriorRidgeModel::load_fields,
    },
    KindEntry {
        kind: crate::kernel_ridge::KernelRidgeModel::KIND,
        load: crate::kernel_ridge::KernelRidgeModel::load_fields,
    },
];

/// Names of the registered kinds.
pub fn kinds() -> Vec<&'static str> {
    kinds_with(&[])
}

/// Names of the registered kinds, then of `extra`'s.
pub fn kinds_with(extra: &[KindEntry]) -> Vec<&'static str> {
    KINDS.iter().chain(extra).map(|k| k.kind).collect()
}

/// Serialises a predictor as a model file of the current version: `format_version`, `kind`,
/// then `fields`' own (a struct serialising as a JSON object), in declaration order.
pub fn to_json<T: Serialize>(kind: &'static str, fields: &T) -> Result<String> {
    #[derive(Serialize)]
    struct Envelope<'a, T> {
        format_version: u32,
        kind: &'static str,
        #[serde(flatten)]
        fields: &'a T,
    }
    Ok(serde_json::to_string_pretty(&Envelope {
        format_version: FORMAT_VERSION,
        kind,
        fields,
    })?)
}

/// The version and kind of a model file's JSON, and its remaining fields. Version 1 files are
/// linear models whose `"kind"` is the family: they come back as kind `linear` with that
/// `"kind"` left in place (the linear loader reads it as the family).
pub fn header(text: &str) -> Result<(u32, String, serde_json::Value)> {
    let mut value: serde_json::Value = serde_json::from_str(text)?;
    let obj = value.as_object_mut().ok_or_else(|| {
        RegressError::BadModel("not a JSON object: not a vitrum model file".into())
    })?;
    let version = match obj.remove("format_version") {
        None => {
            return Err(RegressError::BadModel(
                "no format_version: not a vitrum model file".into(),
            ));
        }
        Some(v) => v.as_u64().ok_or_else(|| {
            RegressError::BadModel(format!(
                "field \"format_version\" must be a non-negative integer (e.g. {FORMAT_VERSION}), \
                 got {v}"
            ))
        })?,
    };
    let version = u32::try_from(version).unwrap_or(u32::MAX);
    if !SUPPORTED_VERSIONS.contains(&version) {
        return Err(RegressError::FormatVersion {
            found: version,
            supported: SUPPORTED_VERSIONS.to_vec(),
        });
    }
    let kind = if version == 1 {
        crate::model::LinearModel::KIND.to_string()
    } else {
        match obj.remove("kind") {
            Some(serde_json::Value::String(k)) => k,
            _ => {
                return Err(RegressError::BadModel(format!(
                    "no \"kind\" (one of {}): not a vitrum model file",
                    kinds().join(", ")
                )));
            }
        }
    };
    Ok((version, kind, value))
}

/// Reads any registered predictor from a model file's text.
pub fn from_json(text: &str) -> Result<Box<dyn Predictor>> {
    from_json_with(text, &[])
}

/// Reads a predictor of a kind of [`KINDS`] or of `extra` (kinds defined in crates that depend
/// on this one) from a model file's text; [`KINDS`] wins on a name in both.
pub fn from_json_with(text: &str, extra: &[KindEntry]) -> Result<Box<dyn Predictor>> {
    let (_, kind, fields) = header(text)?;
    let entry = KINDS
        .iter()
        .chain(extra)
        .find(|k| k.kind == kind)
        .ok_or_else(|| RegressError::UnknownModelKind {
            found: kind.clone(),
            known: kinds_with(extra).join(", "),
        })?;
    (entry.load)(fields)
}

/// Reads any registered predictor from a model file.
pub fn load(path: &Path) -> Result<Box<dyn Predictor>> {
    from_json(&read(path)?)
}

/// [`load`] knowing also the kinds of `extra` (see [`from_json_with`]).
pub fn load_with(path: &Path, extra: &[KindEntry]) -> Result<Box<dyn Predictor>> {
    from_json_with(&read(path)?, extra)
}

pub(crate) fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| RegressError::Io {
        path: path.to_path_buf(),
        source,
    })
}

pub(crate) fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|source| RegressError::Io {
        path: path.to_path_buf(),
        source,
    })
}
