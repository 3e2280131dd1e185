//! The report's figures, built from a run's outcome and arrays.

use crate::pipeline::summary::short;
use crate::pipeline::{Artifacts, Outcome};
use crate::plots::{self, LinesFigure, ParityFigure, SpectraFigure, WeightMapFigure};
use anyhow::Result;
use std::path::Path;
use vitrum_regress::candidates::ALPHA;
use vitrum_regress::ndarray::{ArrayView2, Axis};

/// A figure written to `figures/<stem>.png|svg`, with its caption.
pub struct Written {
    pub png: String,
    pub svg: String,
    pub caption: String,
}

fn written(stem: &str, caption: String) -> Written {
    Written {
        png: format!("figures/{stem}.png"),
        svg: format!("figures/{stem}.svg"),
        caption,
    }
}

/// Test samples ordered by the RMSE of their predicted spectrum (best first).
pub fn ranked_by_error(y: ArrayView2<f64>, pred: ArrayView2<f64>) -> Vec<(usize, f64)> {
    let mut e: Vec<(usize, f64)> = y
        .axis_iter(Axis(0))
        .zip(pred.axis_iter(Axis(0)))
        .enumerate()
        .map(|(i, (t, p))| {
            let mse = t.iter().zip(p).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / t.len() as f64;
            (i, mse.sqrt())
        })
        .collect();
    e.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    e
}

/// Draws every figure of the report into `out/figures`.
pub fn draw_all(out: &Path, outcome: &Outcome, art: &Artifacts) -> Result<Vec<Written>> {
    let dir = out.join("figures");
    let mut figures = Vec::new();
    let Some(best) = outcome.best.as_ref() else {
        return Ok(figures);
    };
    let Some((_, model, pred)) = art.models.iter().find(|(n, _, _)| n == best) else {
        return Ok(figures);
    };
    let name = match model.hyper().get(ALPHA) {
        Some(alpha) => format!("{best} (α = {})", short(alpha)),
        None => best.clone(),
    };

    let ranked = ranked_by_error(art.y_test.view(), pred.view());
    let first_test = outcome.split.test.start;
    let picks = [
        ("best", ranked[0]),
        ("median", ranked[ranked.len() / 2]),
        ("worst", ranked[ranked.len() - 1]),
    ];
    let panels = picks
        .iter()
        .map(|(what, (i, rmse))| {
            (
                format!("{what}: sample {} (RMSE {})", first_test + i, short(*rmse)),
                art.y_test.row(*i).to_vec(),
                pred.row(*i).to_vec(),
            )
        })
        .collect();
    plots::save(
        &SpectraFigure {
            omega: art.grid_omega.clone(),
            omega_label: art.labels.omega.clone(),
            panels,
        },
        &dir.join("spectra"),
    )?;
    figures.push(written(
        "spectra",
        format!(
            "True (black) and predicted (red) VDOS of the best, median and worst held-out samples \
             by RMSE, model {name}"
        ),
    ));

    plots::save(
        &ParityFigure {
            truth: art.y_test.iter().copied().collect(),
            predicted: pred.iter().copied().collect(),
            title: format!("{name}: every held-out (sample, ω) bin"),
        },
        &dir.join("parity"),
    )?;
    figures.push(written(
        "parity",
        format!("Predicted against true D(ω) over all held-out samples and ω bins, model {name}; the line is y = x"),
    ));

    // The kernel is read from ridge when it was fitted: its W is the smooth minimum-norm-like
    // estimate that perturbation theory's K(ω, r) is compared with; sparse models pick a few r.
    // Models without a linear form (a baseline, a network) draw no weight map.
    let kernel = match art.models.iter().find(|(n, _, _)| n == "native-ridge") {
        Some((n, m, _)) => m.linear_form().map(|(w, _)| {
            let alpha = m
                .hyper()
                .get(ALPHA)
                .map_or_else(String::new, |a| format!(" (α = {})", short(a)));
            (format!("{n}{alpha}"), w)
        }),
        None => model.linear_form().map(|(w, _)| (name.clone(), w)),
    };
    // a weight map on other columns than the study's features (the theory's partials and
    // density) is not drawn on the study's r axis
    let kernel = kernel.filter(|(_, w)| w.ncols() == art.grid_r.len());
    if let Some((name, w)) = kernel {
        plots::save(
            &WeightMapFigure {
                r: art.grid_r.clone(),
                omega: art.grid_omega.clone(),
                weights: w.outer_iter().map(|row| row.to_vec()).collect(),
                mean_g: art.mean_g.clone(),
                mean_d: art.mean_d.clone(),
                r_label: art.labels.r.clone(),
                omega_label: art.labels.omega.clone(),
                title: format!("Weights W(ω, r) of {name}"),
                scale: None,
            },
            &dir.join("weights"),
        )?;
        figures.push(written(
            "weights",
            format!(
                "The weight map W(ω, r) of {name} on raw g(r) features (red positive, blue negative, \
                 white zero; colour scale symmetric about zero, saturating at the 99th percentile of |W|), with the mean training g(r) above \
                 and mean D(ω) beside it: the linear-response kernel K(ω, r) as learnt from data"
            ),
        ));
    }

    figures.extend(w_against_k(&dir, art)?);
    if let Some(d) = &art.dispersion {
        plots::save(
            &LinesFigure {
                title: "First-order dispersion at the mean training structure".into(),
                curves: vec![
                    ("ω_L(k)".into(), d.k.clone(), d.omega_l.clone()),
                    ("ω_T(k)".into(), d.k.clone(), d.omega_t.clone()),
                ],
                x_label: format!("k ({})", d.k_unit),
                y_label: art.labels.omega.clone(),
                markers: false,
            },
            &dir.join("dispersion"),
        )?;
        figures.push(written(
            "dispersion",
            format!(
                "The quasi-crystalline (first-order) dispersion of longitudinal and transverse \
                 plane waves at the mean training partials and density, the structure the \
                 `theory` kernel K is taken at (Debye wave number k_D = {}; ω = 0 where ω² < 0). \
                 Its k → 0 slopes are the Born–Huang sound speeds and its k → ∞ branch average \
                 the exact second moment M2 (docs/theory.md)",
                short(d.k_debye)
            ),
        ));
    }

    if !outcome.learning_curves.is_empty() {
        plots::save(
            &LinesFigure {
                title: "Learning curves".into(),
                curves: outcome
                    .learning_curves
                    .iter()
                    .map(|c| {
                        (
                            match c.alpha {
                                Some(a) => format!("{} (α = {})", c.backend, short(a)),
                                None => c.backend.clone(),
                            },
                            c.points.iter().map(|p| p.n_train as f64).collect(),
                            c.points.iter().map(|p| p.test_rmse).collect(),
                        )
                    })
                    .collect(),
                x_label: "training samples".into(),
                y_label: "held-out RMSE of D(ω)".into(),
                markers: true,
            },
            &dir.join("learning_curves"),
        )?;
        figures.push(written(
            "learning_curves",
            "Held-out RMSE against the number of training glasses, each model refitted at its \
             cross-validated α on the first n training samples"
                .into(),
        ));
    }
    Ok(figures)
}

/// When the study fitted `theory` and native ridge on the same partials (`[features] kind =
/// "partial-rdf"`): ridge's W and the first-order K side by side on one colour scale (the larger
/// of the two maps' 99th percentiles of |·|), with their correlation over the (ω, r) where the
/// training g is non-zero.
fn w_against_k(dir: &Path, art: &Artifacts) -> Result<Vec<Written>> {
    let theory = art.models.iter().find_map(|(_, m, _)| {
        m.as_any()
            .downcast_ref::<crate::theory_models::TheoryPredictor>()
    });
    let ridge = art
        .models
        .iter()
        .find(|(n, _, _)| n == "native-ridge")
        .and_then(|(_, m, _)| m.linear_form().map(|(w, _)| (m.hyper().get(ALPHA), w)));
    let (Some(theory), Some((alpha, w))) = (theory, ridge) else {
        return Ok(Vec::new());
    };
    let k = &theory.kernel;
    if w.dim() != k.dim() || art.grid_r.len() != k.ncols() {
        return Ok(Vec::new());
    }
    let support: Vec<usize> = (0..k.ncols()).filter(|&j| theory.g0[j] != 0.0).collect();
    let flat = |m: ArrayView2<f64>| -> Vec<f64> {
        support.iter().flat_map(|&j| m.column(j).to_vec()).collect()
    };
    let corr = vitrum_regress::metrics::pearson(
        vitrum_regress::ndarray::Array1::from(flat(w.view())).view(),
        vitrum_regress::ndarray::Array1::from(flat(k.view())).view(),
    )
    .unwrap_or(f64::NAN);
    let rows =
        |m: ArrayView2<f64>| -> Vec<Vec<f64>> { m.outer_iter().map(|r| r.to_vec()).collect() };
    let (wr, kr) = (rows(w.view()), rows(k.view()));
    let scale = plots::colour_scale(&wr).max(plots::colour_scale(&kr));
    let alpha = alpha.map_or_else(String::new, |a| format!(" (α = {})", short(a)));
    let mut out = Vec::new();
    for (stem, title, weights) in [
        (
            "w_against_k_ridge",
            format!("W(ω, r) of native-ridge{alpha}"),
            wr,
        ),
        (
            "w_against_k_theory",
            format!("K(ω, r) of theory (σ = {})", short(theory.sigma)),
            kr,
        ),
    ] {
        plots::save(
            &WeightMapFigure {
                r: art.grid_r.clone(),
                omega: art.grid_omega.clone(),
                weights,
                mean_g: art.mean_g.clone(),
                mean_d: art.mean_d.clone(),
                r_label: art.labels.r.clone(),
                omega_label: art.labels.omega.clone(),
                title,
                scale: Some(scale),
            },
            &dir.join(stem),
        )?;
    }
    out.push(written(
        "w_against_k_ridge",
        format!(
            "W against K: the weights of native-ridge{alpha} on the partial g_ab(r), on the same \
             colour scale as the first-order kernel below (saturating at {}); correlation of W and \
             K over the (ω, r) where the training g is non-zero: {corr:.3}{}",
            short(scale),
            sum_rule_text(art, w.view(), k.view(), &theory.g0)
        ),
    ));
    out.push(written(
        "w_against_k_theory",
        format!(
            "The first-order (QCA) kernel K(ω, r) = ∂D(ω)/∂g_ab(r) at the mean training structure \
             (σ = {}), on the colour scale of ridge's W above; the `theory` row of the table is \
             its held-out prediction D₀ + K (g − g₀) + K_ρ (ρ − ρ₀) with no fitted weight",
            short(theory.sigma)
        ),
    ));
    Ok(out)
}

/// The sum rule each map implies, Σ_i ω_i² M(ω_i, r) Δω_i against the exact K₂(r)
/// (`compare_kernels`), and the r range per channel where W and K agree (column correlation
/// over ω ≥ 0.5); empty when the study has no pair table for it.
fn sum_rule_text(
    art: &Artifacts,
    w: ArrayView2<f64>,
    k: ArrayView2<f64>,
    g0: &vitrum_regress::ndarray::Array1<f64>,
) -> String {
    let Some(s) = &art.sum_rule else {
        return String::new();
    };
    let support: Vec<bool> = g0.iter().map(|&g| g != 0.0).collect();
    let Ok(c) = vitrum_theory::perturbation::compare_kernels(
        w,
        k,
        &support,
        &s.r,
        &s.omega_edges,
        &s.k2,
        0.5,
    ) else {
        return String::new();
    };
    let ranges: Vec<String> = c
        .agreement
        .iter()
        .enumerate()
        .map(|(ch, a)| match a {
            Some((lo, hi)) => format!("channel {}: r {}–{}", ch + 1, short(*lo), short(*hi)),
            None => format!("channel {}: nowhere", ch + 1),
        })
        .collect();
    format!(
        ". Sum rule (the M2 kernel a map implies, Σ ω² M(ω, r) Δω, against the exact K₂(r)): \
         correlation {:.3} for W (at {:.3} of K₂'s scale), {:.3} for K. W and K agree (their \
         columns correlate ≥ 0.5 over ω) over {}",
        c.sum_rule_correlation_w,
        c.sum_rule_scale_w,
        c.sum_rule_correlation_k,
        ranges.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrum_regress::ndarray::array;

    #[test]
    fn samples_rank_by_their_spectrum_error() {
        let y = array![[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]];
        let p = array![[0.3, 0.4], [0.0, 0.1], [1.0, 1.0]];
        let r = ranked_by_error(y.view(), p.view());
        assert_eq!(r.iter().map(|x| x.0).collect::<Vec<_>>(), vec![1, 0, 2]);
        assert!((r[1].1 - (0.125f64).sqrt()).abs() < 1e-15);
    }
}
