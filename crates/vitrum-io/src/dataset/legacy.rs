//! The legacy reader: directories without `format_version` (the reference datasets, and what
//! vitrum wrote before format 2) mapped onto the typed [`Manifest`].
//!
//! Arrays: `features.npy` → total-rdf, `targets.npy` → vdos-histogram, `features_partials.npy`
//! [S, P, n_r] (optional) → partial-rdf with channels a-b for a ≤ b in species order; grids from
//! `grid_r.npy`/`grid_omega.npy` with edges from the meta's `r_max`/`omega_max` (numpy.linspace
//! from 0) or, without them, halfway between points. Meta: `dim` as given (never guessed; 0 when
//! there is no meta.json at all), `units` as given or "lj", species from `masses`, composition
//! from the first record's `species_counts`, the potential as a description, records mapped
//! field by field (reference: `lammps_seed`, `density_actual`, `density_requested`/`n_quench` as
//! the drawn parameters; vitrum: `seed`, `density_actual`, `varied`), everything else kept.

use super::{
    FEATURES, FeatureBlock, GRID_OMEGA, GRID_R, META, PARTIALS_LEGACY, TARGETS, TargetBlock, bad,
    parse_records,
};
use crate::error::Result;
use crate::grid::{Binning, Grid, Quantity};
use crate::manifest::{
    BlockEntry, FeatureKind, Manifest, PotentialFormat, PotentialSpec, SampleRecord, TargetKind,
    UnitSystem,
};
use crate::table::{read_npy_1d, read_npy_2d, read_npy_dyn};
use ndarray::Array2;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Reads an unversioned dataset directory.
pub fn read(dir: &Path, meta: &Value) -> Result<(Manifest, Vec<FeatureBlock>, Vec<TargetBlock>)> {
    let meta_path = dir.join(META);
    let features = read_npy_2d(&dir.join(FEATURES))?;
    let targets = read_npy_2d(&dir.join(TARGETS))?;
    let n = features.nrows();
    if let Some(v) = meta.get("n_samples") {
        let m = v
            .as_u64()
            .ok_or_else(|| bad(&meta_path, format!("n_samples is {v}, not a count")))?;
        if m as usize != n {
            return Err(bad(
                &meta_path,
                format!("n_samples is {m} but {FEATURES} holds {n} rows"),
            ));
        }
    }
    let units = match meta.get("units") {
        None | Some(Value::Null) => UnitSystem::Lj,
        Some(Value::String(s)) => UnitSystem::parse(s).ok_or_else(|| {
            bad(
                &meta_path,
                format!("units \"{s}\" is not a LAMMPS unit system (lj, metal, real, ...)"),
            )
        })?,
        Some(v) => return Err(bad(&meta_path, format!("units is {v}, not a name"))),
    };
    let dim = match meta.get("dim") {
        None if meta.is_null() => 0,
        None => {
            return Err(bad(
                &meta_path,
                "no \"dim\": the dimension of the samples (2 or 3) is needed".into(),
            ));
        }
        Some(v) => match v.as_u64() {
            Some(d @ (2 | 3)) => d as usize,
            _ => return Err(bad(&meta_path, format!("dim is {v}; it must be 2 or 3"))),
        },
    };

    let grid = |file: &str, quantity, unit: &str, max_key: (&str, &str)| -> Result<Grid> {
        let path = dir.join(file);
        let points = read_npy_1d(&path)?.to_vec();
        let max = meta
            .get(max_key.0)
            .and_then(|g| g.get(max_key.1))
            .and_then(Value::as_f64);
        let g = match max {
            Some(max) => Grid::linspace(
                quantity,
                unit,
                0.0,
                max,
                points.len().max(1),
                Binning::Histogram,
            )
            .and_then(|g| g.with_points(points)),
            None => Grid::from_points(quantity, unit, points, Binning::Histogram),
        };
        g.map_err(|e| bad(&path, e))
    };
    let grid_r = grid(
        GRID_R,
        Quantity::R,
        units.length_unit(),
        ("grid_r", "r_max"),
    )?;
    let grid_omega = grid(
        GRID_OMEGA,
        Quantity::Omega,
        units.frequency_unit(),
        ("grid_omega", "omega_max"),
    )?;

    let mut manifest = Manifest::new(
        meta.get("name")
            .and_then(Value::as_str)
            .unwrap_or("dataset"),
        n,
        dim,
        units,
    );
    if let Some(masses) = meta.get("masses").and_then(Value::as_object) {
        for (label, m) in masses {
            manifest.species.push(label.clone());
            manifest.masses.push(
                m.as_f64().ok_or_else(|| {
                    bad(&meta_path, format!("masses.{label} is {m}, not a number"))
                })?,
            );
        }
    }
    manifest.potential = match meta.get("potential") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(PotentialSpec {
            name: s.clone(),
            format: PotentialFormat::Description,
            text: None,
            table: None,
        }),
        Some(t) => Some(PotentialSpec {
            name: t
                .get("style")
                .and_then(Value::as_str)
                .unwrap_or("potential")
                .to_string(),
            format: PotentialFormat::Description,
            text: None,
            table: Some(t.clone()),
        }),
    };
    if let Some(p) = meta.get("protocol").or_else(|| meta.get("settings")) {
        manifest.protocol = p.clone();
    }
    manifest.samples = parse_records(&meta_path, meta.get("samples"), record)?;
    if !manifest.samples.is_empty() && manifest.samples.len() != n {
        return Err(bad(
            &meta_path,
            format!(
                "{} sample records but {FEATURES} holds {n} rows",
                manifest.samples.len()
            ),
        ));
    }
    if let Some(counts) = manifest
        .samples
        .first()
        .and_then(|r| r.extra.get("species_counts"))
    {
        manifest.composition = counts_of(counts).ok_or_else(|| {
            bad(
                &meta_path,
                format!("samples[0].species_counts is {counts}, not counts"),
            )
        })?;
    }
    if let Some(sw) = meta.get("software").and_then(Value::as_array) {
        manifest.software = sw
            .iter()
            .filter_map(|p| Some((p.get(0)?.as_str()?.into(), p.get(1)?.as_str()?.into())))
            .collect();
    }
    if let Some(m) = meta.as_object() {
        for (k, v) in m {
            let typed = [
                "name",
                "n_samples",
                "dim",
                "units",
                "masses",
                "potential",
                "protocol",
                "settings",
                "samples",
                "software",
            ];
            if !typed.contains(&k.as_str()) {
                manifest.extra.insert(k.clone(), v.clone());
            }
        }
    }

    let mut feature_blocks = vec![FeatureBlock {
        entry: BlockEntry {
            kind: FeatureKind::TotalRdf,
            file: FEATURES.into(),
            grid: grid_r.clone(),
            channels: Vec::new(),
            params: Value::Null,
        },
        data: features,
    }];
    let partials_path = dir.join(PARTIALS_LEGACY);
    if partials_path.exists() {
        let p = read_npy_dyn(&partials_path)?;
        let shape = p.shape().to_vec();
        if shape.len() != 3 || shape[0] != n || shape[2] != grid_r.len() {
            return Err(bad(
                &partials_path,
                format!(
                    "shape {shape:?}, expected [{n}, pairs, {}] (samples, species pairs, r bins)",
                    grid_r.len()
                ),
            ));
        }
        let data = Array2::from_shape_vec((n, shape[1] * shape[2]), p.iter().copied().collect())
            .expect("sizes checked");
        feature_blocks.push(FeatureBlock {
            entry: BlockEntry {
                kind: FeatureKind::PartialRdf,
                file: PARTIALS_LEGACY.into(),
                grid: grid_r,
                channels: pair_channels(&manifest.species, shape[1]),
                params: Value::Null,
            },
            data,
        });
    }
    let target_blocks = vec![TargetBlock {
        entry: BlockEntry {
            kind: TargetKind::VdosHistogram,
            file: TARGETS.into(),
            grid: grid_omega,
            channels: Vec::new(),
            params: Value::Null,
        },
        data: targets,
    }];
    for b in &feature_blocks {
        b.check(dir, n)?;
    }
    for b in &target_blocks {
        b.check(dir, n)?;
    }
    Ok((manifest, feature_blocks, target_blocks))
}

/// Channel names a-b (a ≤ b) of `pairs` species pairs; numbered species when labels are absent.
fn pair_channels(species: &[String], pairs: usize) -> Vec<String> {
    let labels: Vec<String> = if species.len() * (species.len() + 1) / 2 == pairs {
        species.to_vec()
    } else {
        // the number of species s with s(s+1)/2 = pairs
        let s = (1..=pairs)
            .find(|s| s * (s + 1) / 2 == pairs)
            .unwrap_or(pairs);
        (1..=s).map(|i| i.to_string()).collect()
    };
    let mut out = Vec::new();
    for a in 0..labels.len() {
        for b in a..labels.len() {
            out.push(format!("{}-{}", labels[a], labels[b]));
        }
    }
    out.truncate(pairs);
    out
}

/// Counts from `[333, 179]` or `{"1": 333, "2": 179}`.
fn counts_of(v: &Value) -> Option<Vec<usize>> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_u64().map(|c| c as usize)).collect(),
        Value::Object(m) => m.values().map(|x| x.as_u64().map(|c| c as usize)).collect(),
        _ => None,
    }
}

/// One legacy record onto [`SampleRecord`]; a field of the wrong type is an error.
fn record(i: usize, v: &Value) -> std::result::Result<SampleRecord, String> {
    let m = v
        .as_object()
        .ok_or_else(|| format!("{v} is not a record"))?;
    let mut extra: Map<String, Value> = m.clone();
    let mut take = |k: &str| extra.remove(k);
    let num = |k: &str, v: Option<Value>| -> std::result::Result<Option<f64>, String> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(x) => x
                .as_f64()
                .map(Some)
                .ok_or_else(|| format!("{k} is {x}, not a number")),
        }
    };
    let index = match take("index") {
        Some(x) => x
            .as_u64()
            .ok_or_else(|| format!("index is {x}, not a count"))? as usize,
        None => return Err(format!("no \"index\" (expected {i})")),
    };
    let seed = match take("seed").or_else(|| take("lammps_seed")) {
        None | Some(Value::Null) => None,
        Some(x) => Some(
            x.as_u64()
                .ok_or_else(|| format!("seed is {x}, not an integer"))?,
        ),
    };
    let density = num("density_actual", take("density_actual"))?;
    let mut varied = BTreeMap::new();
    match take("varied") {
        None | Some(Value::Null) => {}
        Some(Value::Array(pairs)) => {
            for p in pairs {
                let (Some(name), Some(x)) = (
                    p.get(0).and_then(Value::as_str),
                    p.get(1).and_then(Value::as_f64),
                ) else {
                    return Err(format!("varied entry {p} is not [name, value]"));
                };
                varied.insert(name.to_string(), x);
            }
        }
        Some(Value::Object(o)) => {
            for (name, x) in o {
                let x = x
                    .as_f64()
                    .ok_or_else(|| format!("varied.{name} is {x}, not a number"))?;
                varied.insert(name, x);
            }
        }
        Some(x) => return Err(format!("varied is {x}, not a list of [name, value]")),
    }
    // the reference datasets' draws
    if let Some(x) = num("density_requested", m.get("density_requested").cloned())? {
        varied.insert("density".into(), x);
    }
    if let Some(x) = num("n_quench", m.get("n_quench").cloned())? {
        varied.insert("quench".into(), x);
    }
    let energy_per_atom = num("energy_per_atom", take("energy_per_atom"))?;
    let force_norm = num("force_norm", take("force_norm"))?;
    Ok(SampleRecord {
        index,
        seed,
        density,
        varied,
        energy_per_atom,
        force_norm,
        extra,
    })
}
