//! The files of `vitrum compare`: `results.json` (every number), `report.html` (one figure: held-out
//! R² against training size with ± sd bands; one table: mean ± sd per size and predictor and the
//! samples each predictor needs to reach the target R²), all written atomically.

use super::{CompareResults, Spread};
use crate::plots::{self, BandCurve, DataEfficiencyFigure, FrequencyMapFigure};
use crate::report::document::{self, Block};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The files written.
pub struct Files {
    pub results: PathBuf,
    pub html: PathBuf,
    pub figure_png: PathBuf,
}

fn mean_sd(s: Option<Spread>, digits: usize) -> String {
    match s {
        Some(s) => format!("{:.digits$} ± {:.digits$}", s.mean, s.sd),
        None => "–".into(),
    }
}

/// The figure's curves: mean and sd of the variance-weighted R² at each size with fits.
fn figure(results: &CompareResults) -> DataEfficiencyFigure {
    let curves = results
        .predictors
        .iter()
        .map(|p| {
            let pts: Vec<(f64, Spread)> = p
                .summary
                .iter()
                .filter_map(|s| s.r2_variance_weighted.map(|r| (s.size as f64, r)))
                .collect();
            BandCurve {
                name: p.predictor.clone(),
                sizes: pts.iter().map(|(n, _)| *n).collect(),
                mean: pts.iter().map(|(_, r)| r.mean).collect(),
                sd: pts.iter().map(|(_, r)| r.sd).collect(),
            }
        })
        .collect();
    DataEfficiencyFigure {
        curves,
        score_label: "held-out R² (variance-weighted)".into(),
        y_floor: -0.5,
        // a ceiling a model has passed is not drawn (the section says why)
        ceiling: results
            .noise_ceiling
            .as_ref()
            .filter(|c| c.exceeded_by.is_empty())
            .map(|c| c.r2_variance_weighted),
    }
}

/// The report's blocks.
pub fn blocks(results: &CompareResults, figure_png: &str, figure_svg: &str) -> Vec<Block> {
    let s = &results.settings;
    let mut b = vec![Block::Heading(1, "vitrum compare: data efficiency".into())];
    b.push(Block::Paragraph(format!(
        "Dataset `{}` ({} features → {} targets). Training subsets drawn from samples {}..{} \
         ({} random subsets per size, one at the full size; seed {}), every fit scored on \
         samples {}..{}. Each \
         predictor is cross-validated on its subset ({} folds, at most size/2 so every \
         validation fold holds ≥ 2 samples; none below 4 samples); linear backends over α = \
         {}, the others over their built-in grids. Spread: sample standard deviation over the \
         subsets.",
        results.dataset,
        results.n_features,
        results.n_targets,
        s.train.start,
        s.train.end,
        s.repeats,
        s.seed,
        s.test.start,
        s.test.end,
        s.cv,
        s.alphas,
    )));
    b.push(Block::Figure {
        png: figure_png.into(),
        svg: figure_svg.into(),
        caption: "Held-out variance-weighted R² against training samples: mean over the random \
                  subsets, band ± one standard deviation"
            .into(),
    });
    let headers = [
        "predictor",
        "samples",
        "fits",
        "R² (var.-weighted)",
        "R² (uniform)",
        "W₁",
        "fit time (s)",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = Vec::new();
    for p in &results.predictors {
        for sz in &p.summary {
            rows.push(vec![
                p.predictor.clone(),
                sz.size.to_string(),
                sz.n_fits.to_string(),
                mean_sd(sz.r2_variance_weighted, 4),
                mean_sd(sz.r2_uniform, 4),
                mean_sd(sz.wasserstein1, 4),
                mean_sd(sz.fit_seconds, 3),
            ]);
        }
    }
    b.push(Block::Heading(2, "Mean ± sd per size".into()));
    b.push(Block::Table(headers, rows));
    b.push(Block::Heading(2, "Samples needed".into()));
    let target = results
        .reach_target
        .map_or("–".into(), |t| format!("{t:.4}"));
    b.push(Block::Paragraph(format!(
        "Target R² = {target} ({}; margin {}).",
        results.reach_rule, s.reach_margin
    )));
    let rows = results
        .predictors
        .iter()
        .map(|p| {
            vec![
                p.predictor.clone(),
                p.samples_to_reach
                    .map_or("not reached".into(), |n| n.to_string()),
                format!("{:.1}", p.wall_seconds),
            ]
        })
        .collect();
    b.push(Block::Table(
        ["predictor", "samples to reach the target", "wall time (s)"]
            .map(String::from)
            .to_vec(),
        rows,
    ));
    b.push(Block::Heading(2, "Noise ceiling".into()));
    b.push(Block::Paragraph(ceiling_paragraph(
        results.noise_ceiling.as_ref(),
        results.noise_ceiling_note.as_deref(),
    )));
    if let Some(st) = &results.stability {
        b.extend(stability_blocks(st));
    }
    b
}

/// The noise-ceiling section's text: the ceiling, or why there is none — including an estimate
/// a model has already passed, which is not stated as a ceiling.
fn ceiling_paragraph(ceiling: Option<&super::ceiling::NoiseCeiling>, note: Option<&str>) -> String {
    match (ceiling, note) {
        (Some(c), _) if !c.exceeded_by.is_empty() => format!(
            "Not valid for these spectra: the estimate, R² = {:.4} (variance-weighted), lies \
             below what {} already reached held out, so it took part of the predictable \
             spectral variance for noise; read the ceiling as unknown. Method: {}.",
            c.r2_variance_weighted,
            c.exceeded_by_text(),
            c.method
        ),
        (Some(c), _) => format!(
            "The held-out targets allow at most R² = {:.4} (variance-weighted) and {:.4} \
             (uniform): the rest of their variance is the finite-size sampling noise of a \
             binned spectrum, which no model of the structure can predict (dashed line in the \
             figure). Method: {}.",
            c.r2_variance_weighted, c.r2_uniform, c.method
        ),
        (None, Some(why)) => format!("Not estimated: {why}."),
        (None, None) => "Not estimated.".into(),
    }
}

/// The stability-selection section: the frequency map and the band × shell table.
fn stability_blocks(st: &super::stability::StabilityResults) -> Vec<Block> {
    let mut b = vec![Block::Heading(2, "Stability selection (lasso)".into())];
    b.push(Block::Paragraph(format!(
        "`{}` at α = {:.3e} ({}) refitted on {} bootstrap resamples of the training range (seed \
         {}); the frequency with which each ω bin keeps each r-bin (non-zero weight). Shells end \
         at the minimum of each interval where the training-mean g(r) stays below 1 for at \
         least a tenth of its highest peak's distance. Table: \
         share of each ω band's summed selection frequency per shell, and the r-bins selected in \
         ≥ {:.0} % of the resamples by at least one ω bin of the band.",
        st.estimator,
        st.alpha,
        if st.alpha_from_cv {
            "chosen by cross-validation on the whole training range"
        } else {
            "given"
        },
        st.resamples,
        st.seed,
        100.0 * super::stability::STABLE,
    )));
    b.push(Block::Figure {
        png: "figures/stability.png".into(),
        svg: "figures/stability.svg".into(),
        caption: "Lasso selection frequency over bootstrap resamples: white = never, red = \
                  always"
            .into(),
    });
    let mut headers = vec!["ω band".to_string()];
    headers.extend(
        st.shells
            .iter()
            .map(|(name, lo, hi)| format!("{name} ({lo:.2}–{hi:.2})")),
    );
    headers.push(format!("stable r-bins (≥ {})", super::stability::STABLE));
    let rows = st
        .bands
        .iter()
        .map(|band| {
            let mut row = vec![format!("{:.3}–{:.3}", band.omega.0, band.omega.1)];
            row.extend(
                band.shell_share
                    .iter()
                    .map(|s| format!("{:.0} %", 100.0 * s)),
            );
            row.push(band.stable_bins.to_string());
            row
        })
        .collect();
    b.push(Block::Table(headers, rows));
    b
}

/// The grid's points if it has `n` strictly increasing ones, else 0, 1, 2, ... (partials' grids
/// restart per channel).
fn axis(grid: Option<&vitrum_regress::ndarray::Array1<f64>>, n: usize) -> Vec<f64> {
    match grid {
        Some(g) if g.len() == n && g.windows(2).into_iter().all(|w| w[1] > w[0]) => g.to_vec(),
        _ => (0..n).map(|k| k as f64).collect(),
    }
}

/// Writes `results.json`, the figures and `report.html` into `out` (`axes`: the dataset's grids,
/// for the stability map).
pub fn write(
    out: &Path,
    results: &CompareResults,
    axes: &vitrum_regress::FittedAxes,
) -> Result<Files> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let json = out.join("results.json");
    let text = serde_json::to_string_pretty(results)?;
    vitrum_io::write_atomically(&json, |w| {
        w.write_all(text.as_bytes())?;
        w.write_all(b"\n")
    })?;
    let (png, _) = plots::save(&figure(results), &out.join("figures/data-efficiency"))
        .context("drawing the data-efficiency figure")?;
    if let Some(st) = &results.stability {
        let n_r = st.frequency.first().map_or(0, Vec::len);
        let fig = FrequencyMapFigure {
            r: axis(axes.feature.as_ref(), n_r),
            omega: axis(axes.target.as_ref(), st.frequency.len()),
            values: st.frequency.clone(),
            r_label: "r".into(),
            omega_label: "ω".into(),
            title: "Lasso selection frequency".into(),
        };
        plots::save(&fig, &out.join("figures/stability"))
            .context("drawing the stability-selection map")?;
    }
    let blocks = blocks(
        results,
        "figures/data-efficiency.png",
        "figures/data-efficiency.svg",
    );
    let html_text = document::html("vitrum compare", &blocks, out)
        .context("embedding the figure in report.html")?;
    let html = out.join("report.html");
    vitrum_io::write_atomically(&html, |w| w.write_all(html_text.as_bytes()))?;
    Ok(Files {
        results: json,
        html,
        figure_png: png,
    })
}

#[cfg(test)]
mod tests {
    use super::ceiling_paragraph;
    use crate::compare::ceiling::NoiseCeiling;

    #[test]
    fn a_ceiling_a_model_has_passed_is_not_stated_as_one() {
        let mut c = NoiseCeiling {
            method: "m".into(),
            r2_variance_weighted: 0.7886,
            r2_uniform: 0.5,
            noise_variance: vec![],
            target_variance: vec![],
            mean_count: vec![],
            exceeded_by: vec![],
        };
        assert!(ceiling_paragraph(Some(&c), None).contains("allow at most R² = 0.7886"));
        c.exceeded_by = vec![("kernel-ridge".into(), 0.8155)];
        let text = ceiling_paragraph(Some(&c), None);
        assert!(
            text.starts_with("Not valid") && text.contains("kernel-ridge (0.8155)"),
            "{text}"
        );
        assert_eq!(ceiling_paragraph(None, Some("why")), "Not estimated: why.");
    }
}
