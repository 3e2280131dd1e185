//! Tabulated pair potentials, for a potential of your own without writing Rust: per species pair
//! a section of a file in the format of LAMMPS `pair_style table`:
//!
//! ```text
//! # comments
//! KEYWORD
//! N 2000 R 0.5 2.5        (N points; optional R rlo rhi or RSQ rlo rhi: r computed from them)
//!
//! 1 0.5 1.0e8 2.4e9       (index, r, φ(r), force −φ′(r))
//! ...
//! ```
//!
//! Parameters of `[pair."A-B"]`: `file` (relative to the potential file), `keyword`, optional
//! `cutoff` (default: the last r of the table). Interpolation: the force column −φ′ is a cubic
//! spline in r (clamped, the end slopes from the cubic through the four end points), φ″ is its
//! derivative and φ its integral anchored at the tabulated φ of the last point, so φ, φ′, φ″ are
//! exactly consistent (forces are −∇E and the Hessian is ∇F to round-off), with errors O(h⁴),
//! O(h⁴), O(h³) in the spacing h. The energy column is checked against that integral: a force
//! column of the wrong sign (+φ′) is an error naming the line. Below the first r the potential is
//! not finite (an error of the force computation says the particles are too close).

use super::Interaction;
use super::pair::{PairInteraction, PairPotential};
use crate::error::{Result, TheoryError};
use crate::spec::{ModelSpec, Params};
use std::path::Path;

/// One tabulated pair potential: the clamped cubic spline of φ′ with its integral.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    r: Vec<f64>,
    /// φ′ at the knots.
    y: Vec<f64>,
    /// Spline second derivatives (of φ′) at the knots.
    m: Vec<f64>,
    /// φ at the knots (the integral of the spline).
    phi: Vec<f64>,
    /// Knot spacing when uniform (to index without a search).
    uniform: Option<f64>,
}

impl Table {
    /// A table from knots r (increasing), φ and φ′; `line` gives the file line of knot k for
    /// errors.
    pub fn new(
        r: Vec<f64>,
        phi: &[f64],
        dphi: Vec<f64>,
        source: &str,
        line: impl Fn(usize) -> usize,
    ) -> Result<Table> {
        let n = r.len();
        let bad = |k: usize, problem: String| TheoryError::Table {
            file: source.to_string(),
            line: line(k),
            problem,
        };
        if n < 4 {
            return Err(bad(0, format!("a table needs at least 4 points, got {n}")));
        }
        for k in 0..n {
            if !(r[k].is_finite() && phi[k].is_finite() && dphi[k].is_finite()) {
                return Err(bad(k, "r, energy and force must be finite numbers".into()));
            }
            if r[k] <= 0.0 {
                return Err(bad(k, format!("r = {} must be positive", r[k])));
            }
            if k > 0 && r[k] <= r[k - 1] {
                return Err(bad(
                    k,
                    format!("r must increase, but {} follows {}", r[k], r[k - 1]),
                ));
            }
        }
        let y = dphi;
        let h: Vec<f64> = r.windows(2).map(|w| w[1] - w[0]).collect();
        // end slopes of φ′ from the cubic through the four end points
        let d0 = lagrange_slope(&r[..4], &y[..4], r[0]);
        let dn = lagrange_slope(&r[n - 4..], &y[n - 4..], r[n - 1]);
        // clamped spline moments: a tridiagonal system (Thomas algorithm, diagonally dominant)
        let mut sub = vec![0.0; n];
        let mut diag = vec![0.0; n];
        let mut sup = vec![0.0; n];
        let mut rhs = vec![0.0; n];
        diag[0] = 2.0 * h[0];
        sup[0] = h[0];
        rhs[0] = 6.0 * ((y[1] - y[0]) / h[0] - d0);
        for i in 1..n - 1 {
            sub[i] = h[i - 1];
            diag[i] = 2.0 * (h[i - 1] + h[i]);
            sup[i] = h[i];
            rhs[i] = 6.0 * ((y[i + 1] - y[i]) / h[i] - (y[i] - y[i - 1]) / h[i - 1]);
        }
        sub[n - 1] = h[n - 2];
        diag[n - 1] = 2.0 * h[n - 2];
        rhs[n - 1] = 6.0 * (dn - (y[n - 1] - y[n - 2]) / h[n - 2]);
        for i in 1..n {
            let w = sub[i] / diag[i - 1];
            diag[i] -= w * sup[i - 1];
            rhs[i] -= w * rhs[i - 1];
        }
        let mut m = vec![0.0; n];
        m[n - 1] = rhs[n - 1] / diag[n - 1];
        for i in (0..n - 1).rev() {
            m[i] = (rhs[i] - sup[i] * m[i + 1]) / diag[i];
        }
        let first = h[0];
        let uniform = h
            .iter()
            .all(|&x| (x - first).abs() <= 1e-9 * first)
            .then_some((r[n - 1] - r[0]) / (n - 1) as f64);
        let mut t = Table {
            r,
            y,
            m,
            phi: vec![0.0; n],
            uniform,
        };
        // φ at the knots: the tabulated φ at the last knot minus the integrals of φ′ after it
        t.phi[n - 1] = phi[n - 1];
        for i in (0..n - 1).rev() {
            t.phi[i] = t.phi[i + 1] - t.integral(i, t.r[i + 1]);
        }
        // the energy column must be the integral of −(force column) (LAMMPS's convention)
        let range = phi
            .iter()
            .map(|p| (p - phi[n - 1]).abs())
            .fold(0.0, f64::max);
        let (worst, k) = (0..n)
            .map(|k| ((t.phi[k] - phi[k]).abs(), k))
            .fold((0.0, 0), |a, b| if b.0 > a.0 { b } else { a });
        if worst > 1e-2 * range {
            return Err(bad(
                k,
                format!(
                    "the energy {} is not the integral of the force column (which gives {}): \
                     the fourth column must be the force −dφ/dr, as in LAMMPS pair_style table",
                    phi[k], t.phi[k]
                ),
            ));
        }
        Ok(t)
    }

    /// The first and last r of the table.
    pub fn range(&self) -> (f64, f64) {
        (self.r[0], self.r[self.r.len() - 1])
    }

    /// The interval of r: i with r_i ≤ r < r_{i+1} (the last interval at the end).
    #[inline(always)]
    fn interval(&self, r: f64) -> usize {
        let n = self.r.len();
        let i = match self.uniform {
            Some(h) => ((r - self.r[0]) / h) as usize,
            None => self.r.partition_point(|&x| x <= r).saturating_sub(1),
        };
        i.min(n - 2)
    }

    /// ∫_{r_i}^{r} S(t) dt on interval i.
    #[inline(always)]
    fn integral(&self, i: usize, r: f64) -> f64 {
        let h = self.r[i + 1] - self.r[i];
        let (u, v) = (r - self.r[i], self.r[i + 1] - r);
        let a = self.y[i] / h - self.m[i] * h / 6.0;
        let b = self.y[i + 1] / h - self.m[i + 1] * h / 6.0;
        self.m[i] * (h.powi(4) - v.powi(4)) / (24.0 * h)
            + self.m[i + 1] * u.powi(4) / (24.0 * h)
            + a * (h * h - v * v) / 2.0
            + b * u * u / 2.0
    }
}

/// The slope at x of the cubic through four points.
fn lagrange_slope(x: &[f64], y: &[f64], at: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..4 {
        // L_j'(at) = Σ_{m≠j} Π_{l≠j,m} (at − x_l) / Π_{l≠j} (x_j − x_l)
        let denom: f64 = (0..4).filter(|&l| l != j).map(|l| x[j] - x[l]).product();
        let mut num = 0.0;
        for m in (0..4).filter(|&m| m != j) {
            num += (0..4)
                .filter(|&l| l != j && l != m)
                .map(|l| at - x[l])
                .product::<f64>();
        }
        s += y[j] * num / denom;
    }
    s
}

impl PairPotential for Table {
    #[inline]
    fn eval(&self, r: f64) -> [f64; 3] {
        // below the table, or r = NaN: not finite, so the caller reports it
        if r.is_nan() || r < self.r[0] {
            return [f64::NAN; 3];
        }
        let i = self.interval(r);
        let h = self.r[i + 1] - self.r[i];
        let (u, v) = (r - self.r[i], self.r[i + 1] - r);
        let a = self.y[i] / h - self.m[i] * h / 6.0;
        let b = self.y[i + 1] / h - self.m[i + 1] * h / 6.0;
        let d1 = self.m[i] * v.powi(3) / (6.0 * h)
            + self.m[i + 1] * u.powi(3) / (6.0 * h)
            + a * v
            + b * u;
        let d2 = -self.m[i] * v * v / (2.0 * h) + self.m[i + 1] * u * u / (2.0 * h) - a + b;
        [self.phi[i] + self.integral(i, r), d1, d2]
    }
}

/// Reads section `keyword` of a LAMMPS table file: (r, φ, φ′, line of each point).
pub fn read_section(path: &Path, keyword: &str) -> Result<Table> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| TheoryError::Table {
        file: source.clone(),
        line: 0,
        problem: format!("cannot read the table file: {e}"),
    })?;
    let err = |line: usize, problem: String| TheoryError::Table {
        file: source.clone(),
        line,
        problem,
    };
    let lines: Vec<&str> = text.lines().collect();
    fn content(l: &str) -> Option<&str> {
        let l = l.split('#').next().unwrap_or("").trim();
        (!l.is_empty()).then_some(l)
    }
    let mut k = 0;
    let mut keywords = Vec::new();
    let start = loop {
        if k >= lines.len() {
            return Err(err(
                0,
                format!("no section '{keyword}'; the file has {keywords:?}"),
            ));
        }
        if let Some(l) = content(lines[k]) {
            let word = l.split_whitespace().next().unwrap_or("");
            if word == keyword {
                break k;
            }
            // a keyword line is followed by its parameter line "N ..."
            if l.split_whitespace().count() == 1 {
                keywords.push(word.to_string());
            }
        }
        k += 1;
    };
    // the parameter line
    let mut k = start + 1;
    while k < lines.len() && content(lines[k]).is_none() {
        k += 1;
    }
    let params_line = k + 1;
    let words: Vec<&str> = lines
        .get(k)
        .and_then(|l| content(l))
        .ok_or_else(|| {
            err(
                params_line,
                "missing the parameter line 'N <points> ...'".into(),
            )
        })?
        .split_whitespace()
        .collect();
    let mut n = None;
    let mut spacing: Option<(bool, f64, f64)> = None;
    let mut w = 0;
    let number = |s: Option<&&str>, what: &str| -> Result<f64> {
        s.and_then(|s| s.parse::<f64>().ok())
            .ok_or_else(|| err(params_line, format!("{what} needs a number")))
    };
    while w < words.len() {
        match words[w] {
            "N" => {
                n = Some(number(words.get(w + 1), "N")? as usize);
                w += 2;
            }
            "R" | "RSQ" => {
                let lo = number(words.get(w + 1), words[w])?;
                let hi = number(words.get(w + 2), words[w])?;
                spacing = Some((words[w] == "RSQ", lo, hi));
                w += 3;
            }
            "FPRIME" => w += 3,
            other => {
                return Err(err(
                    params_line,
                    format!("'{other}' is not supported (use N, R, RSQ or FPRIME)"),
                ));
            }
        }
    }
    let n = n.ok_or_else(|| err(params_line, "the parameter line has no 'N <points>'".into()))?;
    let mut r = Vec::with_capacity(n);
    let mut phi = Vec::with_capacity(n);
    let mut dphi = Vec::with_capacity(n);
    let mut at = Vec::with_capacity(n);
    let mut k = k + 1;
    while r.len() < n {
        let Some(line) = lines.get(k) else {
            return Err(err(
                k,
                format!(
                    "section '{keyword}' ends after {} of its {n} points",
                    r.len()
                ),
            ));
        };
        k += 1;
        let Some(l) = content(line) else {
            continue;
        };
        let v: Vec<f64> = l
            .split_whitespace()
            .map(|x| x.parse::<f64>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| err(k, format!("'{l}' is not 'index r energy force'")))?;
        if v.len() != 4 {
            return Err(err(
                k,
                format!(
                    "'{l}' has {} columns; expected 'index r energy force'",
                    v.len()
                ),
            ));
        }
        let i = r.len();
        let ri = match spacing {
            None => v[1],
            Some((false, lo, hi)) => lo + (hi - lo) * i as f64 / (n - 1) as f64,
            Some((true, lo, hi)) => {
                (lo * lo + (hi * hi - lo * lo) * i as f64 / (n - 1) as f64).sqrt()
            }
        };
        r.push(ri);
        phi.push(v[2]);
        dphi.push(-v[3]);
        at.push(k);
    }
    Table::new(r, &phi, dphi, &source, |i| at.get(i).copied().unwrap_or(0))
}

pub fn build(spec: &ModelSpec) -> Result<Box<dyn Interaction>> {
    let pair = |p: &Params| -> Result<(Table, f64)> {
        p.only(&["file", "keyword", "cutoff"])?;
        let path = spec.resolve(p.string("file")?);
        let table = read_section(&path, p.string("keyword")?)?;
        let (_, last) = table.range();
        let cutoff = p.get_opt("cutoff")?.unwrap_or(last);
        if !(cutoff > table.range().0 && cutoff <= last) {
            return Err(TheoryError::BadParameter {
                key: "cutoff".into(),
                context: p.context.clone(),
                problem: format!(
                    "{cutoff} lies outside the table {} ({} to {last})",
                    path.display(),
                    table.range().0
                ),
            });
        }
        Ok((table, cutoff))
    };
    Ok(Box::new(PairInteraction::from_spec(spec, "table", pair)?))
}
