//! The one grid type of vitrum: the axis of every feature and target block (r of g(r), q of
//! S(q), θ of bond angles, ω of a VDOS), with its unit, bin edges and the points values are
//! reported at. Descriptors build one, datasets store one per block, and the facade hands its
//! `points` to the regression model, which keeps plain arrays.

use serde::{Deserialize, Serialize};

/// What a grid's axis measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Quantity {
    /// Pair distance (g(r), partial g_ab(r)).
    R,
    /// Wave number (S(q)).
    Q,
    /// Bond angle, degrees.
    Theta,
    /// Vibrational frequency ω = √λ.
    Omega,
}

impl Quantity {
    pub fn symbol(self) -> &'static str {
        match self {
            Quantity::R => "r",
            Quantity::Q => "q",
            Quantity::Theta => "θ",
            Quantity::Omega => "ω",
        }
    }
}

/// How the values on a grid were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Binning {
    /// Counted in bins `edges[k] ≤ x < edges[k+1]` (the last bin closed for histograms of
    /// frequencies, numpy's rule) and reported at `points[k]`, the bin midpoints.
    Histogram,
    /// A smooth function (a transform, a Gaussian sum) evaluated at `points`; `edges` are the
    /// cells the points sit in.
    Sampled,
}

/// An axis: quantity, unit label, `n + 1` bin edges and the `n` points values are reported at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    pub quantity: Quantity,
    /// Unit label for plots and headers (`σ`, `Å`, `τ⁻¹`, `deg`, ...); empty when unknown.
    pub unit: String,
    pub edges: Vec<f64>,
    pub points: Vec<f64>,
    pub binning: Binning,
}

/// `numpy.linspace(lo, hi, bins + 1)` with numpy's floating-point rule (k·step + lo, last = hi).
pub fn linspace_edges(lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let step = (hi - lo) / bins as f64;
    let mut e: Vec<f64> = (0..=bins).map(|k| k as f64 * step + lo).collect();
    e[bins] = hi;
    e
}

/// Bin midpoints, numpy's `(edges[:-1] + edges[1:]) / 2`.
pub fn midpoints(edges: &[f64]) -> Vec<f64> {
    edges.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect()
}

impl Grid {
    /// A grid on the given edges, reported at their midpoints. Edges must be finite and strictly
    /// increasing, at least two of them.
    pub fn from_edges(
        quantity: Quantity,
        unit: impl Into<String>,
        edges: Vec<f64>,
        binning: Binning,
    ) -> Result<Grid, String> {
        let points = midpoints(&edges);
        Grid {
            quantity,
            unit: unit.into(),
            edges,
            points,
            binning,
        }
        .checked()
    }

    /// `bins` uniform bins on [lo, hi] (numpy.linspace edges), reported at their midpoints.
    pub fn linspace(
        quantity: Quantity,
        unit: impl Into<String>,
        lo: f64,
        hi: f64,
        bins: usize,
        binning: Binning,
    ) -> Result<Grid, String> {
        if bins == 0 || !(lo.is_finite() && hi.is_finite() && hi > lo) {
            return Err(format!(
                "a {} grid needs bins ≥ 1 and lo < hi (got {bins} bins on [{lo}, {hi}])",
                quantity.symbol()
            ));
        }
        Grid::from_edges(quantity, unit, linspace_edges(lo, hi, bins), binning)
    }

    /// Replaces the points by values read from a file (legacy datasets store midpoints only),
    /// checking that there is one per bin.
    pub fn with_points(mut self, points: Vec<f64>) -> Result<Grid, String> {
        self.points = points;
        self.checked()
    }

    /// A grid known only by its points (a legacy file without bin edges): edges halfway between
    /// points, the outer ones mirrored.
    pub fn from_points(
        quantity: Quantity,
        unit: impl Into<String>,
        points: Vec<f64>,
        binning: Binning,
    ) -> Result<Grid, String> {
        let n = points.len();
        if n == 0 {
            return Err(format!(
                "a {} grid needs at least one point",
                quantity.symbol()
            ));
        }
        let mut edges = Vec::with_capacity(n + 1);
        let half = if n > 1 {
            (points[1] - points[0]) / 2.0
        } else {
            0.5
        };
        edges.push(points[0] - half);
        for w in points.windows(2) {
            edges.push((w[0] + w[1]) / 2.0);
        }
        let last_half = if n > 1 {
            (points[n - 1] - points[n - 2]) / 2.0
        } else {
            0.5
        };
        edges.push(points[n - 1] + last_half);
        Grid {
            quantity,
            unit: unit.into(),
            edges,
            points,
            binning,
        }
        .checked()
    }

    fn checked(self) -> Result<Grid, String> {
        let q = self.quantity.symbol();
        if self.edges.len() < 2 {
            return Err(format!("a {q} grid needs at least two bin edges"));
        }
        if self.points.len() + 1 != self.edges.len() {
            return Err(format!(
                "a {q} grid has {} points but {} bin edges (need one point per bin)",
                self.points.len(),
                self.edges.len()
            ));
        }
        if self
            .edges
            .iter()
            .chain(&self.points)
            .any(|x| !x.is_finite())
            || self.edges.windows(2).any(|w| w[1] <= w[0])
        {
            return Err(format!(
                "a {q} grid needs finite, strictly increasing edges and finite points"
            ));
        }
        Ok(self)
    }

    /// Number of points (bins).
    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The upper end of the grid.
    pub fn max(&self) -> f64 {
        *self.edges.last().expect("a checked grid has edges")
    }

    /// Bin widths.
    pub fn widths(&self) -> Vec<f64> {
        self.edges.windows(2).map(|w| w[1] - w[0]).collect()
    }

    /// Axis label, `r (σ)`.
    pub fn label(&self) -> String {
        if self.unit.is_empty() {
            self.quantity.symbol().to_string()
        } else {
            format!("{} ({})", self.quantity.symbol(), self.unit)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linspace_grids_match_numpy_and_reject_nonsense() {
        let g = Grid::linspace(Quantity::R, "σ", 0.0, 5.0, 200, Binning::Histogram).unwrap();
        assert_eq!(g.len(), 200);
        // bit for bit the midpoints numpy wrote for the reference dataset,
        // (linspace(0, 5, 201)[:-1] + linspace(0, 5, 201)[1:]) / 2, and linspace(0, 72, 101)'s
        let fixture =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dataset-ka2d");
        let want = crate::read_npy_1d(&fixture.join("grid_r.npy")).unwrap();
        assert_eq!(g.points, want.to_vec());
        let w = Grid::linspace(Quantity::Omega, "", 0.0, 72.0, 100, Binning::Histogram).unwrap();
        let want = crate::read_npy_1d(&fixture.join("grid_omega.npy")).unwrap();
        assert_eq!(w.points, want.to_vec());
        assert_eq!(g.max(), 5.0);
        assert_eq!(g.label(), "r (σ)");
        assert!(Grid::linspace(Quantity::Q, "", 1.0, 1.0, 3, Binning::Sampled).is_err());
        assert!(Grid::linspace(Quantity::Q, "", 0.0, 1.0, 0, Binning::Sampled).is_err());
        let e = g.clone().with_points(vec![1.0]).unwrap_err();
        assert!(e.contains("1 points but 201"), "{e}");
        let p = Grid::from_points(Quantity::Omega, "", vec![0.5, 1.5, 2.5], Binning::Histogram)
            .unwrap();
        assert_eq!(p.edges, vec![0.0, 1.0, 2.0, 3.0]);
    }
}
