//! The potential file: a TOML document (schema in `docs/potentials.md`) parsed into a
//! [`ModelSpec`], which the style named in it turns into an [`crate::Interaction`].
//!
//! Species are declared by the `[masses]` table (label → mass); every other table may only name
//! declared species, so a typo in a label is an error instead of a silently missing interaction.

use crate::error::{Result, TheoryError};
use crate::units::Units;

/// How a pair potential is cut at r_c.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Truncation {
    /// φ(r) for r < r_c, else 0: energy and force jump at r_c (φ' and φ'' unchanged inside).
    #[default]
    None,
    /// φ(r) − φ(r_c): continuous energy, force still jumps (LAMMPS `pair_modify shift yes`).
    Shift,
    /// φ(r) − φ(r_c) − (r − r_c) φ'(r_c): energy and force continuous; φ'' unchanged.
    ForceShift,
}

impl Truncation {
    pub fn parse(s: &str) -> Option<Truncation> {
        match s {
            "none" => Some(Truncation::None),
            "shift" => Some(Truncation::Shift),
            "force-shift" => Some(Truncation::ForceShift),
            _ => None,
        }
    }
}

/// A parsed potential file, before the style builds its interaction.
#[derive(Debug, Clone)]
pub struct ModelSpec {
    pub name: String,
    pub style: String,
    pub units: Units,
    pub truncation: Truncation,
    /// Declared species with their masses, in model species order.
    pub labels: Vec<String>,
    pub masses: Vec<f64>,
    /// `[pair."A-B"]` tables as (a, b, table), species indices into `labels`.
    pub pairs: Vec<(usize, usize, toml::Table)>,
    /// The `[params]` table of many-body styles.
    pub params: Option<toml::Table>,
    /// The directory of the potential file: relative paths in it (table files) are read from
    /// there. None for presets and text (relative paths are then read from the working
    /// directory).
    pub dir: Option<std::path::PathBuf>,
}

const TOP_KEYS: &[&str] = &[
    "name",
    "style",
    "units",
    "truncation",
    "masses",
    "pair",
    "params",
];

impl ModelSpec {
    /// Parses a potential file's text.
    pub fn parse(text: &str, default_name: &str) -> Result<ModelSpec> {
        let doc: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| TheoryError::Parse(e.to_string()))?;
        for k in doc.keys() {
            if !TOP_KEYS.contains(&k.as_str()) {
                return Err(TheoryError::Parse(format!(
                    "unknown top-level key '{k}'; allowed: {TOP_KEYS:?}"
                )));
            }
        }
        let string = |key: &str| -> Result<Option<String>> {
            match doc.get(key) {
                None => Ok(None),
                Some(toml::Value::String(s)) => Ok(Some(s.clone())),
                Some(v) => Err(TheoryError::Parse(format!(
                    "'{key}' must be a string, got {v}"
                ))),
            }
        };
        let name = string("name")?.unwrap_or_else(|| default_name.to_string());
        let style = string("style")?
            .ok_or_else(|| TheoryError::Parse("missing 'style' (e.g. style = \"lj\")".into()))?;
        let units = match string("units")? {
            None => Units::Lj,
            Some(u) => Units::parse(&u).ok_or_else(|| {
                TheoryError::Parse(format!("units = '{u}': use \"lj\" or \"metal\""))
            })?,
        };
        let truncation = match string("truncation")? {
            None => Truncation::None,
            Some(t) => Truncation::parse(&t).ok_or_else(|| {
                TheoryError::Parse(format!(
                    "truncation = '{t}': use \"none\", \"shift\" or \"force-shift\""
                ))
            })?,
        };
        let masses_table = match doc.get("masses") {
            Some(toml::Value::Table(t)) if !t.is_empty() => t,
            _ => {
                return Err(TheoryError::MissingMass(
                    "(all): the potential file needs a [masses] table, label = mass".into(),
                ));
            }
        };
        let mut labels = Vec::new();
        let mut masses = Vec::new();
        for (label, v) in masses_table {
            let m = v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
            match m {
                Some(m) if m.is_finite() && m > 0.0 => {
                    labels.push(label.clone());
                    masses.push(m);
                }
                _ => {
                    return Err(TheoryError::BadParameter {
                        key: label.clone(),
                        context: "[masses]".into(),
                        problem: format!("a mass must be a positive number, got {v}"),
                    });
                }
            }
        }
        let index = |label: &str, section: &str| -> Result<usize> {
            labels
                .iter()
                .position(|l| l == label)
                .ok_or_else(|| TheoryError::UndeclaredSpecies {
                    label: label.to_string(),
                    section: section.to_string(),
                })
        };
        let mut pairs = Vec::new();
        if let Some(p) = doc.get("pair") {
            let table = p
                .as_table()
                .ok_or_else(|| TheoryError::Parse("'pair' must be a table of tables".into()))?;
            for (key, v) in table {
                let section = format!("pair.\"{key}\"");
                let (a, b) = key.split_once('-').ok_or_else(|| {
                    TheoryError::Parse(format!(
                        "pair key '{key}' must be two species labels joined by '-', e.g. \"1-2\""
                    ))
                })?;
                let (a, b) = (index(a, &section)?, index(b, &section)?);
                let t = v
                    .as_table()
                    .ok_or_else(|| TheoryError::Parse(format!("[{section}] must be a table")))?;
                if pairs
                    .iter()
                    .any(|&(x, y, _)| (x, y) == (a, b) || (x, y) == (b, a))
                {
                    return Err(TheoryError::Parse(format!(
                        "species pair {key} is given twice"
                    )));
                }
                pairs.push((a, b, t.clone()));
            }
        }
        let params = match doc.get("params") {
            None => None,
            Some(toml::Value::Table(t)) => Some(t.clone()),
            Some(_) => return Err(TheoryError::Parse("'params' must be a table".into())),
        };
        Ok(ModelSpec {
            name,
            style,
            units,
            truncation,
            labels,
            masses,
            pairs,
            params,
            dir: None,
        })
    }

    /// The same spec with relative file names resolved against `dir`.
    pub fn relative_to(mut self, dir: Option<&std::path::Path>) -> Self {
        self.dir = dir.map(|d| d.to_path_buf());
        self
    }

    /// A file named in the potential file: absolute, or relative to its directory.
    pub fn resolve(&self, file: &str) -> std::path::PathBuf {
        match &self.dir {
            Some(d) => d.join(file),
            None => std::path::PathBuf::from(file),
        }
    }

    pub fn n_species(&self) -> usize {
        self.labels.len()
    }
}

/// Read access to one parameter table, with errors that name the table and the key.
pub struct Params<'a> {
    pub table: &'a toml::Table,
    pub context: String,
}

impl<'a> Params<'a> {
    pub fn new(table: &'a toml::Table, context: impl Into<String>) -> Self {
        Params {
            table,
            context: context.into(),
        }
    }

    fn bad(&self, key: &str, problem: impl Into<String>) -> TheoryError {
        TheoryError::BadParameter {
            key: key.to_string(),
            context: self.context.clone(),
            problem: problem.into(),
        }
    }

    /// Refuses keys outside `allowed` (a misspelt key would otherwise be ignored).
    pub fn only(&self, allowed: &[&str]) -> Result<()> {
        for k in self.table.keys() {
            if !allowed.contains(&k.as_str()) {
                return Err(self.bad(k, format!("unknown key; allowed: {allowed:?}")));
            }
        }
        Ok(())
    }

    pub fn get_opt(&self, key: &str) -> Result<Option<f64>> {
        match self.table.get(key) {
            None => Ok(None),
            Some(v) => {
                let x = v
                    .as_float()
                    .or_else(|| v.as_integer().map(|i| i as f64))
                    .ok_or_else(|| self.bad(key, format!("must be a number, got {v}")))?;
                if x.is_finite() {
                    Ok(Some(x))
                } else {
                    Err(self.bad(key, "must be finite"))
                }
            }
        }
    }

    /// A required string parameter.
    pub fn string(&self, key: &str) -> Result<&'a str> {
        match self.table.get(key) {
            Some(toml::Value::String(s)) => Ok(s.as_str()),
            Some(v) => Err(self.bad(key, format!("must be a string, got {v}"))),
            None => Err(self.bad(key, "missing (required)")),
        }
    }

    pub fn get(&self, key: &str) -> Result<f64> {
        self.get_opt(key)?
            .ok_or_else(|| self.bad(key, "missing (required)"))
    }

    pub fn positive(&self, key: &str) -> Result<f64> {
        let x = self.get(key)?;
        if x > 0.0 {
            Ok(x)
        } else {
            Err(self.bad(key, format!("must be positive, got {x}")))
        }
    }
}
