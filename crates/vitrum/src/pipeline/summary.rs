//! The results table, shared by the terminal summary and report.md so the two never disagree.

use super::fitting::BackendResult;

/// Column headers of the results table.
pub const HEADERS: [&str; 9] = [
    "backend",
    "α",
    "ρ",
    "CV R²",
    "test R² (var-w)",
    "test R² (uniform)",
    "MAE",
    "RMSE",
    "fit time",
];

fn fixed(v: Option<f64>, digits: usize) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.digits$}"),
        Some(x) => format!("{x}"),
        None => "–".into(),
    }
}

fn sci(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.3e}"),
        Some(x) => format!("{x}"),
        None => "–".into(),
    }
}

/// A number as a physicist reads it, to about three significant digits: 10, 3.162, 1.00e-6.
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if (1e-2..1e4).contains(&a) {
        let decimals = (2 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        format!("{v:.2e}")
    }
}

fn alpha(v: Option<f64>) -> String {
    v.map(short).unwrap_or_else(|| "–".into())
}

/// One row of cells per result; a failed backend shows its error in place of numbers.
pub fn cells(results: &[BackendResult]) -> Vec<Vec<String>> {
    results
        .iter()
        .map(|r| {
            let m = r.metrics.as_ref();
            let mut row = vec![
                r.backend.clone(),
                alpha(r.alpha),
                fixed(r.l1_ratio, 2),
                match &r.alpha_from {
                    Some(src) => format!("α of {src}"),
                    None => fixed(r.cv_r2, 4),
                },
                fixed(m.map(|m| m.r2_variance_weighted), 4),
                fixed(m.map(|m| m.r2_uniform), 4),
                sci(m.map(|m| m.mae)),
                sci(m.map(|m| m.rmse)),
                format!("{:.2} s", r.fit_seconds),
            ];
            if let Some(e) = &r.error {
                row.truncate(1);
                row.push(format!("failed: {}", e.lines().next().unwrap_or("")));
            }
            row
        })
        .collect()
}

/// The table aligned for a terminal.
pub fn terminal_table(results: &[BackendResult]) -> String {
    let rows = cells(results);
    let mut widths: Vec<usize> = HEADERS.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        if row.len() == HEADERS.len() {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (k, c) in cells.iter().enumerate() {
            let pad = widths.get(k).copied().unwrap_or(0);
            if k + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(pad.saturating_sub(c.chars().count()) + 2));
            }
        }
        s.trim_end().to_string()
    };
    let header: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    let mut out = line(&header);
    out.push('\n');
    let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    out.push_str(&"─".repeat(total));
    for row in &rows {
        out.push('\n');
        out.push_str(&line(row));
    }
    out
}

/// The table in Markdown.
pub fn markdown_table(results: &[BackendResult]) -> String {
    let mut out = format!("| {} |\n", HEADERS.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(HEADERS.len())));
    for row in cells(results) {
        let mut row = row;
        while row.len() < HEADERS.len() {
            row.push(String::new());
        }
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrum_regress::Metrics;

    fn example() -> Vec<BackendResult> {
        let metrics = |vw: f64, uni: f64, mae: f64| Metrics {
            n_samples: 30,
            r2_uniform: uni,
            r2_variance_weighted: vw,
            mae,
            rmse: mae * 1.3,
            pearson_mean: 0.99,
            wasserstein1_mean: 0.17,
            n_constant_targets: 1,
        };
        let row =
            |name: &str, alpha: Option<f64>, rho: Option<f64>, m: Option<Metrics>| BackendResult {
                backend: name.into(),
                alpha,
                l1_ratio: rho,
                cv_r2: alpha.map(|_| 0.8266),
                alpha_from: None,
                fit_seconds: 0.0512,
                metrics: m,
                model_file: None,
                predictions_file: None,
                warnings: Vec::new(),
                error: None,
            };
        let mut borrowed = row(
            "smartcore-ridge",
            Some(3.1622776601683795),
            None,
            Some(metrics(0.961525, 0.816527, 8.156004e-4)),
        );
        borrowed.cv_r2 = None;
        borrowed.alpha_from = Some("native-ridge".into());
        let mut failed = row("smartcore-lasso", None, None, None);
        failed.error = Some("did not converge in 1000 iterations\nmore".into());
        vec![
            row(
                "native-ols",
                None,
                None,
                Some(metrics(0.9012, 0.7712, 1.0234e-3)),
            ),
            row(
                "native-ridge",
                Some(3.1622776601683795),
                None,
                Some(metrics(0.961525, 0.816527, 8.156004e-4)),
            ),
            row(
                "native-elasticnet",
                Some(1e-5),
                Some(0.5),
                Some(metrics(0.95, 0.8, 9e-4)),
            ),
            borrowed,
            failed,
        ]
    }

    #[test]
    fn the_terminal_summary_table_keeps_its_format() {
        insta::assert_snapshot!(terminal_table(&example()));
    }

    #[test]
    fn the_markdown_table_keeps_its_format() {
        insta::assert_snapshot!(markdown_table(&example()));
    }

    #[test]
    fn alpha_reads_naturally() {
        assert_eq!(alpha(Some(10.0)), "10");
        assert_eq!(alpha(Some(3.1622776601683795)), "3.16");
        assert_eq!(alpha(Some(31.622776601683793)), "31.6");
        assert_eq!(alpha(Some(316.227_766_016_837_9)), "316");
        assert_eq!(alpha(Some(0.031_622_776_601_683_8)), "0.0316");
        assert_eq!(alpha(Some(1e-6)), "1.00e-6");
        assert_eq!(alpha(None), "–");
    }
}
