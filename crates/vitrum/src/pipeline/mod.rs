//! The end-to-end pipeline behind `vitrum run` and `vitrum demo`: data (read or generate) →
//! split → every backend fitted with cross-validated α → held-out metrics → learning curves →
//! report. Each stage is a module; this one wires them and writes the files every number in the
//! report is computed from.
//!
//! Output directory:
//! ```text
//! OUT/study.toml              the study with every default filled in (rerun: vitrum run OUT/study.toml)
//! OUT/dataset/                the generated dataset (absent when the study names an existing one)
//! OUT/models/<backend>.json   fitted models (vitrum predict / vitrum evaluate take them)
//! OUT/predictions/<backend>.npy  test-set predictions [test samples × ω bins]
//! OUT/results.json            metrics, hyper-parameters, timings, split, versions
//! OUT/figures/*.png|svg       the report's figures
//! OUT/report.md, OUT/report.html
//! ```

pub mod data;
pub mod fitting;
pub mod properties;
pub mod sanity;
pub mod study;
pub mod summary;

pub use data::AxisLabels;
pub use fitting::{BackendResult, Split};
pub use study::Study;

use crate::progress;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;
use vitrum_regress::candidates::{ALPHA, L1_RATIO};
use vitrum_regress::data::{parse_range, rows};
use vitrum_regress::ndarray::Array2;
use vitrum_regress::{FittedAxes, LearningPoint, LinearEstimator, Predictor};

/// The name of the machine-readable results file.
pub const RESULTS: &str = "results.json";

/// One learning curve: a backend refitted at its chosen α on growing training sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearningCurve {
    pub backend: String,
    pub alpha: Option<f64>,
    pub points: Vec<LearningPoint>,
}

/// Wall times of the stages, seconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    pub data: f64,
    pub fit: f64,
    pub learning_curves: f64,
    pub report: f64,
    pub total: f64,
}

/// Everything a run produced, as written to `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub format: String,
    pub study: Study,
    /// The dataset used (relative to the output directory when generated there).
    pub dataset: String,
    pub generated: bool,
    pub n_samples: usize,
    pub n_features: usize,
    pub n_targets: usize,
    /// The feature and target blocks used (kinds, `docs/pipeline.md`).
    #[serde(default = "default_features")]
    pub features: String,
    #[serde(default = "default_targets")]
    pub targets: String,
    /// The reference dataset whose mean spectrum the targets are relative to (`[targets]
    /// relative_to`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<crate::relative::Reference>,
    pub units: String,
    pub split: Split,
    /// ω bins constant (e.g. empty) over the training samples; see the report's note on R².
    pub constant_target_bins_train: usize,
    pub results: Vec<BackendResult>,
    /// The backend with the best held-out variance-weighted R².
    pub best: Option<String>,
    pub learning_curves: Vec<LearningCurve>,
    /// Scalar spectral properties through the best model and fitted directly (`[report]
    /// properties`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<properties::PropertyResult>,
    /// The glasses' physical sanity: density, coordination, chemical order, modes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sanity: Option<sanity::Sanity>,
    /// The study's `[compare]` results (also in OUT/compare/results.json).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<crate::compare::CompareResults>,
    pub timings: Timings,
    pub versions: Vec<(String, String)>,
}

fn default_features() -> String {
    "total-rdf".into()
}

fn default_targets() -> String {
    "vdos-histogram".into()
}

/// What the report needs beyond the outcome: the arrays behind the figures.
pub struct Artifacts {
    pub grid_r: Vec<f64>,
    pub grid_omega: Vec<f64>,
    pub labels: AxisLabels,
    /// Test targets [test × ω].
    pub y_test: Array2<f64>,
    /// Mean training g(r) and D(ω), drawn on the weight map's axes.
    pub mean_g: Vec<f64>,
    pub mean_d: Vec<f64>,
    /// Fitted models and their test predictions, by backend (successful ones only).
    pub models: Vec<(String, Box<dyn Predictor>, Array2<f64>)>,
    /// The first-order dispersion at the `theory` model's reference structure, when the study
    /// fitted it.
    pub dispersion: Option<DispersionCurves>,
    /// What the sum-rule comparison of W against K needs, when the study fitted `theory`.
    pub sum_rule: Option<SumRuleInputs>,
}

/// The exact M2 kernel K₂ at the `theory` model's reference density (channel-major, like the
/// partial-g rows), the r bin midpoints of one channel, and the target's ω bin edges in √eigenvalue
/// units (the units of K₂): what `vitrum_theory::perturbation::compare_kernels` takes.
#[derive(Debug, Clone)]
pub struct SumRuleInputs {
    pub k2: Vec<f64>,
    pub r: Vec<f64>,
    pub omega_edges: Vec<f64>,
}

/// The rows the study read for `theory` and the fitted `theory` model, when it fitted one.
fn fitted_theory<'a>(
    theory: &'a Option<Result<TheoryRows>>,
    models: &'a [(String, Box<dyn Predictor>, Array2<f64>)],
) -> Option<(&'a TheoryRows, &'a crate::theory_models::TheoryPredictor)> {
    let Some(Ok(data)) = theory else {
        return None;
    };
    let model = models.iter().find_map(|(_, m, _)| {
        m.as_any()
            .downcast_ref::<crate::theory_models::TheoryPredictor>()
    })?;
    Some((data, model))
}

/// K₂ of the pair table the study read for `theory`, at its fitted reference density.
fn theory_sum_rule(
    theory: &Option<Result<TheoryRows>>,
    models: &[(String, Box<dyn Predictor>, Array2<f64>)],
) -> Option<SumRuleInputs> {
    let (data, model) = fitted_theory(theory, models)?;
    let c = &data.context;
    Some(SumRuleInputs {
        k2: vitrum_theory::perturbation::m2_kernel(&c.table, model.rho0).ok()?,
        r: c.table.r.clone(),
        omega_edges: c
            .omega_edges
            .iter()
            .map(|w| w / c.frequency_factor)
            .collect(),
    })
}

/// ω_L(k), ω_T(k) in the dataset's frequency units (0 where ω² < 0), k on (0, 3 k_D].
#[derive(Debug, Clone)]
pub struct DispersionCurves {
    pub k: Vec<f64>,
    pub omega_l: Vec<f64>,
    pub omega_t: Vec<f64>,
    pub k_debye: f64,
    /// "1/σ" (lj) or "1/Å" (metal).
    pub k_unit: String,
}

/// The dispersion of the fitted `theory` model's reference (g₀, ρ₀) through the pair table the
/// study read for it; `None` without both.
fn theory_dispersion(
    theory: &Option<Result<TheoryRows>>,
    models: &[(String, Box<dyn Predictor>, Array2<f64>)],
    units: vitrum_io::manifest::UnitSystem,
) -> Option<DispersionCurves> {
    use vitrum_theory::perturbation::{debye_wavenumber, dispersion};
    let (data, model) = fitted_theory(theory, models)?;
    let table = &data.context.table;
    let k_debye = debye_wavenumber(table.dim, model.rho0);
    let n = 240;
    let k: Vec<f64> = (1..=n)
        .map(|i| 3.0 * k_debye * i as f64 / n as f64)
        .collect();
    let d = dispersion(table, model.g0.as_slice()?, model.rho0, &k).ok()?;
    let f = data.context.frequency_factor;
    let omega = |w2: &[f64]| w2.iter().map(|v| v.max(0.0).sqrt() * f).collect();
    Some(DispersionCurves {
        omega_l: omega(&d.omega2_l),
        omega_t: omega(&d.omega2_t),
        k,
        k_debye,
        k_unit: match units.name() {
            "metal" => "1/Å".into(),
            _ => "1/σ".into(),
        },
    })
}

/// Software that made the numbers: vitrum, its numerical libraries, the compiler, and whatever
/// the dataset's manifest records (e.g. the LAMMPS version that made its samples).
pub fn versions(dataset: &vitrum_io::Dataset) -> Vec<(String, String)> {
    let mut v = vec![("vitrum".to_string(), env!("CARGO_PKG_VERSION").to_string())];
    for entry in env!("VITRUM_LIBRARY_VERSIONS")
        .split(';')
        .filter(|s| !s.is_empty())
    {
        if let Some((name, version)) = entry.split_once(' ') {
            v.push((name.into(), version.into()));
        }
    }
    v.push(("rustc".into(), env!("VITRUM_RUSTC_VERSION").into()));
    let sw = &dataset.manifest.software;
    if !sw.is_empty() {
        v.push((
            "dataset software".into(),
            serde_json::to_string(sw).expect("pairs serialise"),
        ));
    }
    v
}

/// Resolves the study's split against `n` samples.
pub fn resolve_split(study: &Study, n: usize) -> Result<Split> {
    let s = &study.split;
    let (train, test) = match (&s.train, &s.test) {
        (Some(a), Some(b)) => (parse_range(a, n)?, parse_range(b, n)?),
        (None, None) => {
            let n_test = ((n as f64) * s.test_fraction).round() as usize;
            if n_test == 0 || n_test >= n {
                bail!(
                    "{n} samples cannot be split with test_fraction {}: need at least one training and one test sample",
                    s.test_fraction
                );
            }
            (0..n - n_test, n - n_test..n)
        }
        _ => bail!("[split] give both `train` and `test` ranges, or neither (test_fraction)"),
    };
    if train.start < test.end && test.start < train.end {
        bail!(
            "[split] train {} and test {} overlap: held-out samples must not be trained on",
            Split::describe(&train),
            Split::describe(&test)
        );
    }
    if train.len() < study.fit.cv {
        bail!(
            "{} training samples cannot make {} CV folds; use more samples or a smaller [fit] cv",
            train.len(),
            study.fit.cv
        );
    }
    Ok(Split { train, test })
}

/// The learning-curve sizes: the study's (each must lie in 2..=n_train: an error names the
/// others), else five sizes up to the training set.
fn learning_sizes(study: &Study, n_train: usize) -> Result<Vec<usize>> {
    if !study.report.learning_sizes.is_empty() {
        let sizes = &study.report.learning_sizes;
        let bad: Vec<usize> = sizes
            .iter()
            .copied()
            .filter(|&s| !(2..=n_train).contains(&s))
            .collect();
        if !bad.is_empty() {
            bail!(
                "[report] learning_sizes {bad:?} lie outside 2..={n_train} (a fit needs 2 samples, \
                 and the training set holds {n_train}); give sizes in that range, or leave \
                 learning_sizes out for five sizes up to the training set"
            );
        }
        return Ok(sizes.clone());
    }
    let mut sizes: Vec<usize> = [0.1, 0.25, 0.5, 0.75, 1.0]
        .iter()
        .map(|f| ((n_train as f64 * f).round() as usize).max(4).min(n_train))
        .collect();
    sizes.dedup();
    Ok(sizes)
}

/// Runs a study into `out`; returns the outcome and the arrays the report draws.
pub fn run(study: &Study, out: &Path, quiet: bool) -> Result<(Outcome, Artifacts)> {
    let start = Instant::now();
    let out_existed = out.exists();
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;

    // data; a failure here leaves nothing behind but a resumable OUT/dataset/
    let prepared = (|| {
        let obtained = data::obtain(study, out, quiet)?;
        let selected = data::select(study, &obtained.dataset)?;
        let split = resolve_split(study, obtained.dataset.n_samples())?;
        let sizes = learning_sizes(study, split.train.len())?;
        if let Some(spec) = &study.compare {
            crate::compare::check(
                &compare_settings(spec, study, &split),
                obtained.dataset.n_samples(),
            )
            .context("[compare]")?;
        }
        Ok::<_, anyhow::Error>((obtained, selected, split, sizes))
    })();
    let (obtained, selected, split, sizes) = match prepared {
        Ok(p) => p,
        Err(e) => {
            if !out_existed {
                // only removes a directory this run created and left empty
                let _ = std::fs::remove_dir(out);
            }
            return Err(e);
        }
    };
    let ds = &obtained.dataset;
    let study_text = format!(
        "# Resolved study written by vitrum {}; rerun with: vitrum run {}\n{}",
        env!("CARGO_PKG_VERSION"),
        out.join("study.toml").display(),
        study.to_toml()
    );
    vitrum_io::write_atomically(&out.join("study.toml"), |w| {
        w.write_all(study_text.as_bytes())
    })?;
    // the model stores plain points; a multi-channel block's channels sit side by side
    let feature_points = selected.feature_points();
    let grids = FittedAxes {
        feature: Some(feature_points.clone().into()),
        target: Some(selected.target_grid.points.clone().into()),
        features: Some(crate::measured::FeatureDescription::of(ds, &selected).to_value()),
    };
    let (x_train, y_train) = (
        rows(selected.features.view(), &split.train),
        rows(selected.targets.view(), &split.train),
    );
    let (x_test, y_test) = (
        rows(selected.features.view(), &split.test),
        rows(selected.targets.view(), &split.test),
    );

    // fit every backend
    let t_fit = Instant::now();
    let backends = study.backends()?;
    let bar = progress::bar(
        (backends.len() + study.estimators().len()) as u64,
        "backends",
        quiet,
    );
    // backends that borrow α fit after the ones they borrow from; the table keeps study order
    let alpha_sources = study.alpha_sources()?;
    let mut order: Vec<usize> = (0..backends.len()).collect();
    order.sort_by_key(|&i| alpha_sources.contains_key(backends[i].name()));
    let mut slots: Vec<Option<BackendResult>> = vec![None; backends.len()];
    let mut models: Vec<(String, Box<dyn Predictor>, Array2<f64>)> = Vec::new();
    let base = fitting::fit_options(&study.fit)?;
    for i in order {
        let backend = backends[i];
        bar.set_message(backend.name());
        let borrowed = alpha_sources.get(backend.name()).map(|src| {
            models
                .iter()
                .find(|(n, _, _)| n == src)
                .map(|(_, m, _)| {
                    let h = m.hyper();
                    fitting::Borrowed {
                        from: src.clone(),
                        alpha: h.get(ALPHA).unwrap_or(base.alpha),
                        l1_ratio: h.get(L1_RATIO).unwrap_or(base.l1_ratio),
                    }
                })
                .with_context(|| {
                    format!(
                        "{} takes α from {src}, whose fit failed (see its row)",
                        backend.name()
                    )
                })
        });
        let fitted = match borrowed {
            Some(Err(e)) => fitting::failed(backend, e),
            Some(Ok(b)) => fitting::fit_one(
                backend,
                &study.fit,
                (x_train.view(), y_train.view()),
                (x_test.view(), y_test.view()),
                &grids,
                Some(&b),
            ),
            None => fitting::fit_one(
                backend,
                &study.fit,
                (x_train.view(), y_train.view()),
                (x_test.view(), y_test.view()),
                &grids,
                None,
            ),
        };
        let mut result = fitted.result;
        if let (Some(model), Some(pred)) = (fitted.model, fitted.predictions) {
            let model_file = format!("models/{}.json", result.backend);
            let pred_file = format!("predictions/{}.npy", result.backend);
            fitting::save_model(model.as_ref(), &out.join(&model_file))?;
            vitrum_io::write_npy(&out.join(&pred_file), &pred)?;
            result.model_file = Some(model_file);
            result.predictions_file = Some(pred_file);
            models.push((result.backend.clone(), model, pred));
        }
        slots[i] = Some(result);
        bar.inc(1);
    }
    let mut results: Vec<BackendResult> = slots.into_iter().flatten().collect();
    // the other estimators (mean, kernel ridge, networks, the theory), each on its own rows
    let mut theory: Option<Result<TheoryRows>> = None;
    for name in study.estimators() {
        bar.set_message(name.clone());
        let fitted = match estimator_rows(
            &name,
            study,
            ds,
            &selected,
            &split,
            &mut theory,
            (&x_train, &y_train, &x_test, &y_test, &grids),
        ) {
            Ok((estimator, rows)) => fitting::fit_estimator_one(
                &name,
                Ok(estimator),
                &study.fit,
                (rows.x_train.view(), rows.y_train.view()),
                (rows.x_test.view(), rows.y_test.view()),
                &rows.grids,
            ),
            Err(e) => fitting::failed_named(&name, e),
        };
        let mut result = fitted.result;
        if let (Some(model), Some(pred)) = (fitted.model, fitted.predictions) {
            let model_file = format!("models/{name}.json");
            let pred_file = format!("predictions/{name}.npy");
            fitting::save_model(model.as_ref(), &out.join(&model_file))?;
            vitrum_io::write_npy(&out.join(&pred_file), &pred)?;
            result.model_file = Some(model_file);
            result.predictions_file = Some(pred_file);
            models.push((name.clone(), model, pred));
        }
        results.push(result);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let fit_seconds = t_fit.elapsed().as_secs_f64();
    if models.is_empty() {
        let errors: Vec<String> = results
            .iter()
            .map(|r| format!("{}: {}", r.backend, r.error.as_deref().unwrap_or("?")))
            .collect();
        bail!("every backend failed:\n  {}", errors.join("\n  "));
    }

    // learning curves at each chosen α
    let t_lc = Instant::now();
    let params = fitting::fit_options(&study.fit)?;
    let mut learning_curves = Vec::new();
    for name in &study.report.learning_curves {
        let Some((_, model, _)) = models.iter().find(|(n, _, _)| n == name) else {
            // not fitted: a name of the default list the study leaves out (Study::validate
            // refuses others), or a backend whose fit failed
            let fitted = results.iter().any(|r| &r.backend == name);
            if fitted && !quiet {
                eprintln!(
                    "warning: no learning curve for {name}: its fit failed (see its row of the table)"
                );
            }
            continue;
        };
        let hyper = model.hyper();
        let points = match vitrum_regress::backend::by_name(name) {
            Ok(b) => vitrum_regress::learning_curve_estimator(
                &LinearEstimator::new(b, params),
                (x_train.view(), y_train.view()),
                (x_test.view(), y_test.view()),
                &hyper,
                &sizes,
            )?,
            Err(_) => {
                let (estimator, rows) = estimator_rows(
                    name,
                    study,
                    ds,
                    &selected,
                    &split,
                    &mut theory,
                    (&x_train, &y_train, &x_test, &y_test, &grids),
                )?;
                vitrum_regress::learning_curve_estimator(
                    estimator.as_ref(),
                    (rows.x_train.view(), rows.y_train.view()),
                    (rows.x_test.view(), rows.y_test.view()),
                    &hyper,
                    &sizes,
                )?
            }
        };
        learning_curves.push(LearningCurve {
            backend: name.clone(),
            alpha: hyper.get(ALPHA),
            points,
        });
    }
    let lc_seconds = t_lc.elapsed().as_secs_f64();

    let best = fitting::best(&results).map(|i| results[i].backend.clone());
    let property_results = match (&best, study.report.properties.is_empty()) {
        (Some(name), false) => {
            let (_, _, pred) = models
                .iter()
                .find(|(n, _, _)| n == name)
                .context("the best backend has no model")?;
            properties::evaluate(
                &study.report.properties,
                &selected.target_grid,
                ds.manifest.units,
                ds.manifest.dim,
                (x_train.view(), y_train.view()),
                (x_test.view(), y_test.view()),
                name,
                pred,
            )
            .context("[report] properties")?
            .into_iter()
            .map(|mut p| {
                // of ΔD, a property is the difference from the reference's
                if selected.reference.is_some() {
                    p.label = format!("Δ {} (minus the reference's)", p.label);
                }
                p
            })
            .collect()
        }
        _ => Vec::new(),
    };
    let compare = match &study.compare {
        Some(spec) => Some(run_compare(
            spec, study, ds, &selected, &split, &grids, out, quiet,
        )?),
        None => None,
    };
    let labels = AxisLabels::of(ds, &selected);
    let mean_of = |m: &Array2<f64>| -> Vec<f64> {
        m.mean_axis(vitrum_regress::ndarray::Axis(0))
            .map(|v| v.to_vec())
            .unwrap_or_default()
    };
    let dataset_name = if obtained.generated {
        "dataset".to_string()
    } else {
        ds.dir.display().to_string()
    };
    let outcome = Outcome {
        format: "vitrum-results/1".into(),
        study: study.clone(),
        dataset: dataset_name,
        generated: obtained.generated,
        n_samples: ds.n_samples(),
        n_features: selected.features.ncols(),
        n_targets: selected.targets.ncols(),
        features: selected.feature_kind.clone(),
        targets: selected.target_kind.clone(),
        reference: selected.reference.clone(),
        units: labels.units.clone(),
        split,
        constant_target_bins_train: vitrum_regress::data::constant_columns(y_train.view()).len(),
        results,
        best,
        learning_curves,
        properties: property_results,
        compare,
        sanity: Some(sanity::assess(
            ds,
            crate::dataset::read_eigenvalues(&ds.dir, ds.n_samples())
                .ok()
                .as_ref(),
        )),
        timings: Timings {
            data: obtained.seconds,
            fit: fit_seconds,
            learning_curves: lc_seconds,
            report: 0.0,
            total: start.elapsed().as_secs_f64(),
        },
        versions: versions(ds),
    };
    let artifacts = Artifacts {
        grid_r: feature_points,
        grid_omega: selected.target_grid.points.clone(),
        labels,
        mean_g: mean_of(&x_train),
        mean_d: mean_of(&y_train),
        y_test,
        dispersion: theory_dispersion(&theory, &models, ds.manifest.units),
        sum_rule: theory_sum_rule(&theory, &models),
        models,
    };
    Ok((outcome, artifacts))
}

/// The `vitrum compare` settings of a study's `[compare]`: the study's split, and folds and α
/// from `[fit]`.
fn compare_settings(
    spec: &study::CompareSpec,
    study: &Study,
    split: &Split,
) -> crate::compare::Settings {
    crate::compare::Settings {
        predictors: spec.predictors.clone(),
        sizes: if spec.sizes.is_empty() {
            crate::compare::default_sizes(split.train.len())
        } else {
            spec.sizes.clone()
        },
        repeats: spec.repeats,
        seed: spec.seed,
        train: split.train.clone(),
        test: split.test.clone(),
        cv: study.fit.cv,
        alphas: study.fit.alphas.clone(),
        reach_margin: spec.margin,
    }
}

/// A study's `[compare]`: `vitrum compare` on the study's rows ([`compare_settings`]), written
/// to OUT/compare/ (results.json, report.html, figures/).
#[allow(clippy::too_many_arguments)]
fn run_compare(
    spec: &study::CompareSpec,
    study: &Study,
    ds: &vitrum_io::Dataset,
    selected: &crate::dataset::Selected,
    split: &Split,
    grids: &FittedAxes,
    out: &Path,
    quiet: bool,
) -> Result<crate::compare::CompareResults> {
    use crate::compare;
    let settings = compare_settings(spec, study, split);
    let extras = compare::Extras {
        stability: spec.stability,
        stability_alpha: None,
        bands: spec.bands,
    };
    let results = compare::run_with_extras(
        &study.name,
        (selected.features.view(), selected.targets.view()),
        grids,
        &settings,
        extras,
        (Some(ds), study.fit.potential.as_deref()),
        quiet,
    )
    .context("[compare]")?;
    compare::report::write(&out.join("compare"), &results, grids)
        .context("[compare]: writing OUT/compare/")?;
    Ok(results)
}

/// Training and test rows of one estimator, with their grids.
struct EstimatorRows {
    x_train: Array2<f64>,
    y_train: Array2<f64>,
    x_test: Array2<f64>,
    y_test: Array2<f64>,
    grids: FittedAxes,
}

/// The theory backends' data, read once per run.
type TheoryRows = crate::theory_models::TheoryData;

/// The estimator `name` and the rows it learns from: the study's features for most; for the
/// theory backends the dataset's partials with each sample's density (read once into `theory`),
/// which predict the VDOS histogram only.
#[allow(clippy::type_complexity)]
fn estimator_rows(
    name: &str,
    study: &Study,
    ds: &vitrum_io::Dataset,
    selected: &crate::dataset::Selected,
    split: &Split,
    theory: &mut Option<Result<TheoryRows>>,
    (x_train, y_train, x_test, y_test, grids): (
        &Array2<f64>,
        &Array2<f64>,
        &Array2<f64>,
        &Array2<f64>,
        &FittedAxes,
    ),
) -> Result<(Box<dyn vitrum_regress::Estimator>, EstimatorRows)> {
    let params = fitting::fit_options(&study.fit)?;
    if !crate::registry::needs_dataset(name) {
        return Ok((
            crate::registry::estimator(name, &params)?,
            EstimatorRows {
                x_train: x_train.clone(),
                y_train: y_train.clone(),
                x_test: x_test.clone(),
                y_test: y_test.clone(),
                grids: grids.clone(),
            },
        ));
    }
    if selected.target_kind != vitrum_io::TargetKind::VdosHistogram.label() {
        bail!(
            "{name} predicts the VDOS histogram; the study's [targets] are {}",
            selected.target_kind
        );
    }
    if let Some(r) = &selected.reference {
        bail!(
            "{name} predicts the VDOS itself, relative to the training glasses' mean structure; \
             the study's targets are relative to {} ([targets] relative_to): drop relative_to \
             for the theory backends (a linear model's R² is the same either way)",
            r.dataset
        );
    }
    let data = theory
        .get_or_insert_with(|| crate::theory_models::load(ds, study.fit.potential.as_deref()))
        .as_ref()
        .map_err(|e| anyhow::anyhow!("{e:#} ([fit] potential = \"PRESET|FILE.toml\")"))?;
    Ok((
        crate::registry::estimator_for_dataset(name, &params, &data.context)?,
        EstimatorRows {
            x_train: rows(data.x.view(), &split.train),
            y_train: rows(data.y.view(), &split.train),
            x_test: rows(data.x.view(), &split.test),
            y_test: rows(data.y.view(), &split.test),
            grids: data.axes.clone(),
        },
    ))
}

/// Writes `results.json` (atomically).
pub fn write_results(out: &Path, outcome: &Outcome) -> Result<PathBuf> {
    let path = out.join(RESULTS);
    let text = serde_json::to_string_pretty(outcome)?;
    vitrum_io::write_atomically(&path, |w| {
        w.write_all(text.as_bytes())?;
        w.write_all(b"\n")
    })?;
    Ok(path)
}
