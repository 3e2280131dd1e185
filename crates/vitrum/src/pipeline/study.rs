//! The study file: what `vitrum run` does, from data to report, as one TOML document.
//!
//! A study names its data (an existing dataset directory, or a system to generate), how to split
//! it, which backends to fit and how to choose their α, and what the report shows. Every field but
//! `name` and the data source has a default, so a three-line study works and the full one in
//! `examples/` documents itself. The resolved study (defaults filled in) is written next to the
//! report, so `vitrum run OUT/study.toml` reproduces a run.

use crate::dataset::{FeatureRequest, GridRequest};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use vitrum_io::TargetKind;
use vitrum_sim::{Protocol, Vary};

/// A whole study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    /// Title of the report.
    pub name: String,
    pub data: DataSpec,
    /// The feature block to learn from, by descriptor name with its parameters
    /// (`kind = "partial-rdf"`, `kind = "sq"`, `q_max = 15`); default: total g(r).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<FeatureRequest>,
    /// The target block to predict (`kind = "vdos-histogram"`, `"reduced-vdos"`,
    /// `"vdos-broadened"` with `sigma`); default: the VDOS histogram.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<TargetSpec>,
    #[serde(default)]
    pub split: SplitSpec,
    #[serde(default)]
    pub fit: FitSpec,
    #[serde(default)]
    pub report: ReportSpec,
    /// Data efficiency of several predictors (`vitrum compare` inside the study): written to
    /// OUT/compare/ and summarised in the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<CompareSpec>,
}

/// `[compare]`: what `vitrum compare` takes, on the study's features, targets and split
/// (training subsets drawn from `[split] train`, scored on `test`; folds and α from `[fit]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareSpec {
    /// Registry names (`vitrum fit --backend` names).
    #[serde(default = "default_compare_predictors")]
    pub predictors: Vec<String>,
    /// Training-set sizes; empty: 5, 10, 20, ... doubling, and the whole training range.
    #[serde(default)]
    pub sizes: Vec<usize>,
    /// Random subsets per size.
    #[serde(default = "default_repeats")]
    pub repeats: usize,
    /// Seed of the subsets.
    #[serde(default)]
    pub seed: u64,
    /// The reach target is the best mean R² at the largest size minus this.
    #[serde(default = "default_margin")]
    pub margin: f64,
    /// Bootstrap resamples of stability selection (0: none).
    #[serde(default)]
    pub stability: usize,
    /// ω bands of the stability table.
    #[serde(default = "default_bands")]
    pub bands: usize,
}

fn default_compare_predictors() -> Vec<String> {
    ["native-ridge", "kernel-ridge"].map(String::from).to_vec()
}

fn default_repeats() -> usize {
    10
}

fn default_margin() -> f64 {
    0.02
}

fn default_bands() -> usize {
    4
}

/// Where the samples come from: `dataset`, or `system` (+ `samples`) to generate them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSpec {
    /// An existing dataset directory (relative paths are relative to the study file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<PathBuf>,
    /// A system preset (`ka2d`, `ka3d`, `yukawa`, `sw-si`, ...) or a protocol file (*.toml).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Number of samples to generate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<usize>,
    /// Particles per sample (overrides the protocol's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<usize>,
    /// Base seed: sample i uses seed + i.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// `native` or `lammps`.
    #[serde(default)]
    pub backend: SamplerKind,
    /// Parameters drawn per sample, as `vitrum generate --vary`: `density=1.1..1.35,quench=300..3000:log`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vary: Option<String>,
    /// The LAMMPS executable (lammps backend).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lmp: Option<PathBuf>,
    /// Protocol fields that override the preset's (`melt_steps = 1000`, `f_tol = 1e-8`, ...).
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub protocol: toml::Table,
    /// Feature and target grids of generated data (defaults: the dataset's rules).
    #[serde(default)]
    pub grids: GridRequest,
}

/// The study's `[targets]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    /// `vdos-histogram`, `reduced-vdos` or `vdos-broadened`.
    pub kind: String,
    /// Gaussian width of `vdos-broadened`, in the frequency unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma: Option<f64>,
    /// A reference dataset (e.g. the crystal): the targets become each sample's spectrum minus
    /// the reference's mean spectrum of the same kind on the same grid, ΔD(ω).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_to: Option<PathBuf>,
}

impl TargetSpec {
    pub fn kind(&self) -> Result<TargetKind> {
        let label = match (self.kind.as_str(), self.sigma) {
            ("vdos-broadened", Some(s)) => format!("vdos-broadened-{s}"),
            ("vdos-broadened", None) => {
                bail!("[targets] kind = \"vdos-broadened\" needs `sigma = WIDTH` (frequency units)")
            }
            (k, Some(_)) => {
                bail!("[targets] sigma applies to kind = \"vdos-broadened\" only, not '{k}'")
            }
            (k, None) => k.to_string(),
        };
        TargetKind::parse(&label).map_err(|e| anyhow::anyhow!("[targets] kind: {e}"))
    }
}

fn default_seed() -> u64 {
    1000
}

/// Which sampler generates the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SamplerKind {
    #[default]
    Native,
    Lammps,
}

/// Training and test samples: explicit half-open ranges, or the last `test_fraction` held out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitSpec {
    /// Training samples, `START..END`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train: Option<String>,
    /// Test samples, `START..END`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<String>,
    /// Fraction of samples held out at the end when no ranges are given. Samples are independent
    /// draws in index order, so the tail is as random as any subset and stays the same when a
    /// dataset is extended.
    #[serde(default = "default_test_fraction")]
    pub test_fraction: f64,
}

fn default_test_fraction() -> f64 {
    0.2
}

impl Default for SplitSpec {
    fn default() -> Self {
        SplitSpec {
            train: None,
            test: None,
            test_fraction: default_test_fraction(),
        }
    }
}

/// Which backends to fit and how their hyper-parameters are chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitSpec {
    /// Registry names (`vitrum fit --help`); `["all"]` for every backend.
    #[serde(default = "default_backends")]
    pub backends: Vec<String>,
    /// Folds of the cross-validation that chooses α (and ρ).
    #[serde(default = "default_cv")]
    pub cv: usize,
    /// Candidate α: LOG10_MIN:LOG10_MAX:N, log-spaced (scikit-learn's α for every backend).
    #[serde(default = "default_alphas")]
    pub alphas: String,
    /// Candidate α for the iterative (lasso, elastic-net) backends, whose every α costs a
    /// coordinate-descent run; defaults to `alphas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterative_alphas: Option<String>,
    /// Candidate elastic-net mixing ρ.
    #[serde(default = "default_l1_ratios")]
    pub l1_ratios: Vec<f64>,
    /// Backends that take α (and ρ) from another backend's cross-validation instead of running
    /// their own, `{ "smartcore-ridge" = "native-ridge" }`. Both must fit the same model, and α
    /// means the same for every backend (tested against scikit-learn), so only the time changes:
    /// for solvers too slow to cross-validate, which are then fitted once.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub alpha_from: BTreeMap<String, String>,
    /// Run every backend's own cross-validation, the slow solvers' too. By default
    /// ([`DEFAULT_ALPHA_FROM`]) a slow solver takes α (and ρ) from the native backend of the same
    /// objective when the study fits both and `alpha_from` does not say otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cv_every_backend: bool,
    /// Standardise features after centring.
    #[serde(default)]
    pub standardize: bool,
    /// Keep this many principal components of the features.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pca: Option<usize>,
    /// Tolerance of the iterative solvers (scikit-learn's tol).
    #[serde(default = "default_tol")]
    pub tol: f64,
    /// Iteration limit of the iterative solvers.
    #[serde(default = "default_max_iter")]
    pub max_iter: usize,
    /// Potential of the theory backends (`theory`, `theory-prior-ridge`; a preset or .toml)
    /// when the dataset does not embed a vitrum potential file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub potential: Option<String>,
}

/// Slow solvers and the native backend of the same objective whose cross-validated α they take
/// unless the study sets `cv_every_backend` (issue 12: a comparison must not stall on one slow
/// solver; the reference study with every backend's own 5-fold CV over 17 α ran for more than
/// 44 minutes, nearly all of it in smartcore's interior-point lasso and elastic net). α means
/// the same for every backend of one objective (each is tested against scikit-learn).
pub const DEFAULT_ALPHA_FROM: &[(&str, &str)] = &[
    ("linfa-lasso", "native-lasso"),
    ("linfa-elasticnet", "native-elasticnet"),
    ("smartcore-ridge", "native-ridge"),
    ("smartcore-lasso", "native-lasso"),
    ("smartcore-elasticnet", "native-elasticnet"),
];

fn default_backends() -> Vec<String> {
    vec!["all".into()]
}
fn default_cv() -> usize {
    5
}
fn default_alphas() -> String {
    "-6:2:17".into()
}
fn default_l1_ratios() -> Vec<f64> {
    vec![0.5]
}
fn default_tol() -> f64 {
    1e-4
}
fn default_max_iter() -> usize {
    1000
}

impl Default for FitSpec {
    fn default() -> Self {
        FitSpec {
            backends: default_backends(),
            cv: default_cv(),
            alphas: default_alphas(),
            iterative_alphas: None,
            l1_ratios: default_l1_ratios(),
            alpha_from: BTreeMap::new(),
            cv_every_backend: false,
            standardize: false,
            pca: None,
            tol: default_tol(),
            max_iter: default_max_iter(),
            potential: None,
        }
    }
}

/// What the report shows beyond the metrics of every backend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    /// Backends whose learning curves are drawn (each refitted at its chosen α on growing
    /// training sets); each must be one the study fits (the default list: those of its three
    /// the study fits).
    #[serde(default = "default_learning_backends")]
    pub learning_curves: Vec<String>,
    /// Training-set sizes of the learning curves; empty: five sizes up to the training set.
    #[serde(default)]
    pub learning_sizes: Vec<usize>,
    /// Scalar properties of the spectrum scored two ways on the test samples (through the best
    /// model, and by ridge fitted to each directly): `m2`, `mean-frequency`, `cv:T`, `svib:T`
    /// (T in K; these two need metal units), `boson:LO..HI` (the boson-peak height: mean
    /// D(ω)/ω^(d−1) over the ω window).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<String>,
}

fn default_learning_backends() -> Vec<String> {
    ["native-ridge", "native-ols", "native-elasticnet"]
        .map(String::from)
        .to_vec()
}

impl Default for ReportSpec {
    fn default() -> Self {
        ReportSpec {
            learning_curves: default_learning_backends(),
            learning_sizes: Vec::new(),
            properties: Vec::new(),
        }
    }
}

impl Study {
    /// The feature block the study learns from.
    pub fn feature_request(&self) -> FeatureRequest {
        self.features
            .clone()
            .unwrap_or_else(|| FeatureRequest::new("total-rdf"))
    }

    /// The target block the study predicts.
    pub fn target_kind(&self) -> Result<TargetKind> {
        self.targets
            .as_ref()
            .map_or(Ok(TargetKind::VdosHistogram), TargetSpec::kind)
    }

    /// Reads and checks a study file. Relative paths in it are relative to its directory; they
    /// are made absolute so the resolved study written next to a report runs from anywhere.
    pub fn load(path: &Path) -> Result<Study> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the study file {}", path.display()))?;
        let mut study = Study::from_toml(&text)
            .with_context(|| format!("in the study file {}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let absolute = |p: &Path| {
            let joined = if p.is_relative() {
                base.join(p)
            } else {
                p.to_path_buf()
            };
            std::fs::canonicalize(&joined).unwrap_or(joined)
        };
        if let Some(d) = &study.data.dataset {
            study.data.dataset = Some(absolute(d));
        }
        if let Some(t) = study.targets.as_mut()
            && let Some(r) = &t.relative_to
        {
            t.relative_to = Some(absolute(r));
        }
        if let Some(s) = &study.data.system
            && s.ends_with(".toml")
        {
            study.data.system = Some(absolute(Path::new(s)).display().to_string());
        }
        Ok(study)
    }

    /// Parses and checks a study.
    pub fn from_toml(text: &str) -> Result<Study> {
        let study: Study = toml::from_str(text)?;
        study.validate()?;
        Ok(study)
    }

    /// The study as TOML (defaults filled in).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a study serialises")
    }

    /// Every check that does not need the data: one source, known backends, sane numbers.
    pub fn validate(&self) -> Result<()> {
        let d = &self.data;
        match (&d.dataset, &d.system) {
            (Some(_), Some(_)) => bail!(
                "[data] gives both `dataset` and `system`: use an existing dataset or generate one, not both"
            ),
            (None, None) => bail!(
                "[data] needs `dataset = \"DIR\"` (an existing dataset) or `system = \"ka2d\"` with `samples = S` (generate one)"
            ),
            (None, Some(_)) if d.samples.is_none() => {
                bail!("[data] `system` needs `samples = S`, the number of glasses to generate")
            }
            (Some(_), None)
                if d.samples.is_some() || d.vary.is_some() || !d.protocol.is_empty() =>
            {
                bail!(
                    "[data] `samples`, `vary` and `protocol` describe generation; they cannot apply to an existing `dataset`"
                )
            }
            _ => {}
        }
        if d.system.is_some() {
            self.protocol()?;
            if let Some(v) = &d.vary {
                Vary::parse_list(v)?;
            }
        }
        if let Some(f) = &self.features
            && !vitrum_descriptors::DESCRIPTORS
                .iter()
                .any(|d| d.name == f.kind)
        {
            bail!(
                "[features] kind = \"{}\" is not a descriptor; known: {}",
                f.kind,
                vitrum_descriptors::descriptor::names()
            );
        }
        self.target_kind()?;
        let f = &self.fit;
        if f.cv < 2 {
            bail!(
                "[fit] cv = {}: cross-validation needs at least 2 folds",
                f.cv
            );
        }
        // sized, not made: N may be too large to allocate (found by the loader mutation tests)
        for (field, spec) in [
            ("alphas", Some(&f.alphas)),
            ("iterative_alphas", f.iterative_alphas.as_ref()),
        ] {
            if let Some(spec) = spec {
                let (_, _, n) = parse_alpha_spec(spec)?;
                if n > MAX_STUDY_ALPHAS {
                    bail!(
                        "[fit] {field} = \"{spec}\": {n} candidate α, more than the {MAX_STUDY_ALPHAS} a \
                         study searches (17 resolve α to a factor 3); lower N in LOG10_MIN:LOG10_MAX:N"
                    );
                }
            }
        }
        if f.l1_ratios.is_empty() || f.l1_ratios.iter().any(|r| !(0.0..=1.0).contains(r)) {
            bail!(
                "[fit] l1_ratios = {:?}: give at least one ρ in [0, 1]",
                f.l1_ratios
            );
        }
        if !(f.tol > 0.0 && f.tol.is_finite()) {
            bail!("[fit] tol = {}: must be positive", f.tol);
        }
        let backends = self.backends()?;
        let sources = self.alpha_sources()?;
        for (target, source) in &sources {
            // an entry for a backend the study does not fit is moot (`vitrum demo --backends`
            // keeps the demo's table), but its names must exist
            vitrum_regress::backend::by_name(target)?;
            vitrum_regress::backend::by_name(source)?;
            let Some(t) = backends.iter().find(|b| b.name() == target) else {
                continue;
            };
            let s = backends
                .iter()
                .find(|b| b.name() == source)
                .with_context(|| {
                    format!(
                        "[fit.alpha_from] {target} takes α from {source}, which the study does not fit; add it to [fit] backends"
                    )
                })?;
            if t.kind() != s.kind() {
                bail!(
                    "[fit.alpha_from] {target} ({:?}) cannot take α from {source} ({:?}): α means \
                     the same only within one model family",
                    t.kind(),
                    s.kind()
                );
            }
            if sources.contains_key(source) {
                bail!(
                    "[fit.alpha_from] {source} takes its own α from another backend; chains are not allowed"
                );
            }
        }
        // the default list takes those of its backends the study fits; a list given must
        // name fitted backends only
        let explicit = self.report.learning_curves != default_learning_backends();
        let fitted = self.fitted_names()?;
        for name in self.report.learning_curves.iter().filter(|_| explicit) {
            if !fitted.contains(name) {
                bail!(
                    "[report] learning_curves names {name}, which the study does not fit; add it \
                     to [fit] backends ({}) or remove it from learning_curves",
                    fitted.join(", ")
                );
            }
        }
        let small: Vec<usize> = self
            .report
            .learning_sizes
            .iter()
            .copied()
            .filter(|&s| s < 2)
            .collect();
        if !small.is_empty() {
            bail!(
                "[report] learning_sizes {small:?}: every size must be at least 2 (a fit with an \
                 intercept needs 2 samples) and at most the number of training samples"
            );
        }
        if let Some(c) = &self.compare {
            let names = crate::registry::estimator_names();
            if let Some(bad) = c.predictors.iter().find(|p| !names.contains(&p.as_str())) {
                bail!(
                    "[compare] predictors: unknown {bad:?}; known: {}",
                    names.join(", ")
                );
            }
            if c.predictors.is_empty() || c.repeats == 0 {
                bail!("[compare] needs at least one predictor and repeats ≥ 1");
            }
            if !(c.margin.is_finite() && c.margin >= 0.0) {
                bail!("[compare] margin = {}: give a finite value ≥ 0", c.margin);
            }
            if c.stability > 0 && c.bands == 0 {
                bail!("[compare] bands = 0: stability selection needs at least one ω band");
            }
        }
        let s = &self.split;
        if !(s.test_fraction > 0.0 && s.test_fraction < 1.0) {
            bail!(
                "[split] test_fraction = {}: must lie strictly between 0 and 1",
                s.test_fraction
            );
        }
        Ok(())
    }

    /// The protocol to generate with: the preset or file, then the study's overrides.
    pub fn protocol(&self) -> Result<Protocol> {
        let system = self
            .data
            .system
            .as_deref()
            .context("[data] has no `system` to generate")?;
        let mut protocol = Protocol::load(system)?;
        if !self.data.protocol.is_empty() {
            let mut table: toml::Table = toml::from_str(&protocol.to_toml())?;
            for (k, v) in &self.data.protocol {
                if !table.contains_key(k) && k != "lammps" {
                    bail!(
                        "[data.protocol] '{k}' is not a protocol field; fields: {}",
                        table.keys().cloned().collect::<Vec<_>>().join(", ")
                    );
                }
                table.insert(k.clone(), v.clone());
            }
            protocol = Protocol::from_toml(&toml::to_string(&table)?)
                .context("[data.protocol] overrides give an invalid protocol")?;
        }
        if let Some(n) = self.data.n {
            protocol.n = n;
        }
        protocol.validate()?;
        Ok(protocol)
    }

    /// The linear backends to fit: every one, in registry order, for `all`; else those listed
    /// (the other estimators listed are [`Study::estimators`]).
    pub fn backends(&self) -> Result<Vec<&'static dyn vitrum_regress::Backend>> {
        if self.fit.backends.iter().any(|b| b == "all") {
            return Ok(vitrum_regress::backend::all());
        }
        if self.fit.backends.is_empty() {
            bail!("[fit] backends is empty; list some, or \"all\"");
        }
        self.fit
            .backends
            .iter()
            .filter(|b| !is_other_estimator(b))
            .map(|b| Ok(vitrum_regress::backend::by_name(b)?))
            .collect()
    }

    /// The estimators listed in [fit] backends that are not linear backends (`mean`,
    /// `kernel-ridge`, `cnn`, `mlp`, `theory`, `theory-prior-ridge`), in study order.
    pub fn estimators(&self) -> Vec<String> {
        self.fit
            .backends
            .iter()
            .filter(|b| is_other_estimator(b))
            .cloned()
            .collect()
    }

    /// Every name the study fits: linear backends, then other estimators.
    /// Which backend takes α from which: `[fit.alpha_from]`, plus [`DEFAULT_ALPHA_FROM`]'s
    /// entries for the slow solvers it does not name when the study fits both sides and does
    /// not ask for `cv_every_backend`.
    pub fn alpha_sources(&self) -> Result<BTreeMap<String, String>> {
        let mut sources = self.fit.alpha_from.clone();
        if !self.fit.cv_every_backend {
            let fitted: Vec<&str> = self.backends()?.iter().map(|b| b.name()).collect();
            for (target, source) in DEFAULT_ALPHA_FROM {
                if fitted.contains(target) && fitted.contains(source) {
                    sources
                        .entry(target.to_string())
                        .or_insert_with(|| source.to_string());
                }
            }
        }
        Ok(sources)
    }

    pub fn fitted_names(&self) -> Result<Vec<String>> {
        let mut names: Vec<String> = self
            .backends()?
            .iter()
            .map(|b| b.name().to_string())
            .collect();
        names.extend(self.estimators());
        Ok(names)
    }
}

/// A registered estimator that is not a linear backend.
fn is_other_estimator(name: &str) -> bool {
    vitrum_regress::backend::by_name(name).is_err()
        && crate::registry::estimator_names().contains(&name)
}

/// Most α candidates a study's [fit] alphas may ask for: each is a fit per fold and backend, so
/// more is hours of work (`vitrum fit` checks its own search against the resource limits).
pub const MAX_STUDY_ALPHAS: usize = 10_000;

/// `LOG10_MIN:LOG10_MAX:N` → N log-spaced values (numpy.logspace).
pub fn parse_alphas(text: &str) -> Result<Vec<f64>> {
    let (lo, hi, n) = parse_alpha_spec(text)?;
    Ok(vitrum_regress::logspace(lo, hi, n))
}

/// The three numbers of LOG10_MIN:LOG10_MAX:N, checked, without making the list (N may be too
/// large to allocate: callers size the work first).
pub fn parse_alpha_spec(text: &str) -> Result<(f64, f64, usize)> {
    let parts: Vec<&str> = text.split(':').collect();
    let [lo, hi, n] = parts.as_slice() else {
        bail!("alphas '{text}': expected LOG10_MIN:LOG10_MAX:N, e.g. -6:2:17");
    };
    let bad = || format!("alphas '{text}': expected LOG10_MIN:LOG10_MAX:N, e.g. -6:2:17");
    let lo: f64 = lo.trim().parse().with_context(bad)?;
    let hi: f64 = hi.trim().parse().with_context(bad)?;
    let n: usize = n.trim().parse().with_context(bad)?;
    if n == 0 || !lo.is_finite() || !hi.is_finite() || lo > hi {
        bail!("alphas '{text}': need N ≥ 1 and LOG10_MIN ≤ LOG10_MAX");
    }
    Ok((lo, hi, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_study_gets_every_default() {
        let s = Study::from_toml("name = \"x\"\n[data]\ndataset = \"d\"\n").unwrap();
        assert_eq!(s.fit, FitSpec::default());
        assert_eq!(s.split.test_fraction, 0.2);
        assert_eq!(
            s.backends().unwrap().len(),
            vitrum_regress::backend::all().len()
        );
        // the resolved study reads back as itself
        assert_eq!(Study::from_toml(&s.to_toml()).unwrap(), s);
    }

    #[test]
    fn bad_studies_say_what_to_write() {
        let e = |t: &str| format!("{:#}", Study::from_toml(t).unwrap_err());
        assert!(e("name = \"x\"\n[data]\n").contains("needs `dataset"));
        assert!(e("name = \"x\"\n[data]\nsystem = \"ka2d\"\n").contains("samples = S"));
        assert!(
            e("name = \"x\"\n[data]\ndataset = \"d\"\nsystem = \"ka2d\"\n").contains("not both")
        );
        assert!(
            e("name = \"x\"\n[data]\ndataset = \"d\"\n[fit]\nbackends = [\"sklearn\"]\n")
                .contains("sklearn")
        );
        assert!(
            e("name = \"x\"\n[data]\ndataset = \"d\"\n[fit]\nalphas = \"1:2\"\n")
                .contains("LOG10_MIN")
        );
        assert!(
            e("name = \"x\"\n[data]\ndataset = \"d\"\n[split]\ntest_fraction = 1.5\n")
                .contains("test_fraction")
        );
        assert!(e("name = \"x\"\n[data]\ndataset = \"d\"\nbogus = 1\n").contains("bogus"));
        assert!(
            e("name = \"x\"\n[data]\nsystem = \"ka2d\"\nsamples = 4\n[data.protocol]\nmelt = 3\n")
                .contains("not a protocol field")
        );
    }

    /// Slow solvers borrow α from the native backend of their objective by default, only when
    /// the study fits it, never over an explicit entry, and not with `cv_every_backend`.
    #[test]
    fn slow_solvers_take_alpha_from_the_native_backend_by_default() {
        let study = |fit: &str| {
            Study::from_toml(&format!(
                "name = \"x\"\n[data]\ndataset = \"d\"\n[fit]\n{fit}"
            ))
            .unwrap()
            .alpha_sources()
            .unwrap()
        };
        let pairs =
            |m: BTreeMap<String, String>| -> Vec<(String, String)> { m.into_iter().collect() };
        let some = "backends = [\"native-lasso\", \"smartcore-lasso\", \"smartcore-ridge\"]\n";
        assert_eq!(
            pairs(study(some)),
            [("smartcore-lasso".to_string(), "native-lasso".to_string())]
        );
        assert!(study(&format!("{some}cv_every_backend = true\n")).is_empty());
        // "all": every slow solver borrows
        assert_eq!(study("").len(), DEFAULT_ALPHA_FROM.len());
        // an explicit entry stays
        let explicit = "backends = [\"native-ridge\", \"native-lasso\", \"smartcore-ridge\", \"smartcore-lasso\"]\n[fit.alpha_from]\n\"smartcore-lasso\" = \"native-lasso\"\n";
        assert_eq!(study(explicit).len(), 2);
    }

    #[test]
    fn alpha_may_come_only_from_a_backend_of_the_same_model() {
        let base = "name = \"x\"\n[data]\ndataset = \"d\"\n[fit]\n";
        let ok = format!("{base}[fit.alpha_from]\n\"smartcore-ridge\" = \"native-ridge\"\n");
        assert!(Study::from_toml(&ok).is_ok());
        let e = |t: &str| format!("{:#}", Study::from_toml(&format!("{base}{t}")).unwrap_err());
        assert!(
            e("[fit.alpha_from]\n\"linfa-lasso\" = \"native-ridge\"\n").contains("model family")
        );
        assert!(
            e("backends = [\"smartcore-ridge\"]\n[fit.alpha_from]\n\"smartcore-ridge\" = \"native-ridge\"\n")
                .contains("does not fit")
        );
        // an entry for a backend not fitted is moot
        let moot = format!(
            "{base}backends = [\"native-ols\"]\n[fit.alpha_from]\n\"smartcore-ridge\" = \"native-ridge\"\n"
        );
        assert!(Study::from_toml(&moot).is_ok());
    }

    #[test]
    fn features_and_targets_are_chosen_by_kind() {
        let base = "name = \"x\"\n[data]\ndataset = \"d\"\n";
        let s = Study::from_toml(&format!(
            "{base}[features]\nkind = \"sq\"\nq_max = 15.0\nwindow = \"lorch\"\n\
             [targets]\nkind = \"vdos-broadened\"\nsigma = 0.5\n"
        ))
        .unwrap();
        let f = s.feature_request();
        assert_eq!(
            (f.kind.as_str(), f.params["q_max"].as_f64()),
            ("sq", Some(15.0))
        );
        assert_eq!(
            s.target_kind().unwrap(),
            TargetKind::VdosBroadened { sigma: 0.5 }
        );
        assert_eq!(Study::from_toml(&s.to_toml()).unwrap(), s);
        let plain = Study::from_toml(base).unwrap();
        assert_eq!(plain.feature_request().kind, "total-rdf");
        assert_eq!(plain.target_kind().unwrap(), TargetKind::VdosHistogram);
        let e = |t: &str| format!("{:#}", Study::from_toml(&format!("{base}{t}")).unwrap_err());
        assert!(e("[features]\nkind = \"gr\"\n").contains("partial-rdf"));
        assert!(e("[targets]\nkind = \"vdos-broadened\"\n").contains("sigma"));
        assert!(e("[targets]\nkind = \"dos\"\n").contains("reduced-vdos"));
    }

    #[test]
    fn protocol_overrides_apply_to_the_preset() {
        let s = Study::from_toml(
            "name = \"x\"\n[data]\nsystem = \"ka2d\"\nsamples = 4\nn = 128\n\
             [data.protocol]\nmelt_steps = 10\nf_tol = 1e-6\n",
        )
        .unwrap();
        let p = s.protocol().unwrap();
        assert_eq!((p.melt_steps, p.f_tol, p.n, p.dim), (10, 1e-6, 128, 2));
    }
}
