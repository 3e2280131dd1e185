//! Figures for reports, drawn once and saved as both PNG and SVG with plotters.
//!
//! Each figure is a small struct of plain data implementing [`Figure`]; [`save`] renders it to
//! `<stem>.png` and `<stem>.svg` atomically. Fonts are embedded (DejaVu Sans, Bitstream Vera
//! licence in `assets/`), so rendering needs nothing from the machine.

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

fn register_fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for style in [
            FontStyle::Normal,
            FontStyle::Bold,
            FontStyle::Italic,
            FontStyle::Oblique,
        ] {
            // the embedded font is valid; a failure here would be a build defect
            let _ = plotters::style::register_font(FAMILY, style, FONT);
        }
    });
}

/// A figure that can be drawn on any plotters backend.
pub trait Figure {
    /// Size in pixels (PNG) and user units (SVG).
    fn size(&self) -> (u32, u32) {
        (900, 600)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>;
}

fn plot_err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("plotting failed: {e:?}")
}

/// Renders `figure` to `<stem>.png` and `<stem>.svg`; returns both paths.
pub fn save<F: Figure>(figure: &F, stem: &Path) -> Result<(PathBuf, PathBuf)> {
    register_fonts();
    let png = stem.with_extension("png");
    let svg = stem.with_extension("svg");
    let dir = stem
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let size = figure.size();
    let tmp_png = dir.join(format!(
        ".partial-{}",
        png.file_name().unwrap().to_string_lossy()
    ));
    {
        let root = BitMapBackend::new(&tmp_png, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        figure.draw(&root)?;
        root.present().map_err(plot_err)?;
    }
    std::fs::rename(&tmp_png, &png)?;
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        figure.draw(&root)?;
        root.present().map_err(plot_err)?;
    }
    vitrum_io::write_atomically(&svg, |w| w.write_all(text.as_bytes()))?;
    Ok((png, svg))
}

fn range_of<'a>(values: impl IntoIterator<Item = &'a f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in values {
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    (lo, hi)
}

fn pad(lo: f64, hi: f64, frac: f64) -> std::ops::Range<f64> {
    let d = (hi - lo) * frac;
    (lo - d)..(hi + d)
}

type Chart2d<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// Axes with labels in the house style: legible fonts, no light grid.
fn draw_axes<DB: DrawingBackend>(
    chart: &mut Chart2d<'_, DB>,
    x_desc: &str,
    y_desc: &str,
) -> Result<()> {
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&|v| compact(*v))
        .y_label_formatter(&|v| compact(*v))
        .label_style((FAMILY, 15))
        .axis_desc_style((FAMILY, 17))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(plot_err)
}

/// The series legend in the house style.
fn draw_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    position: SeriesLabelPosition,
) -> Result<()> {
    chart
        .configure_series_labels()
        .label_font((FAMILY, 15))
        .border_style(BLACK.mix(0.3))
        .background_style(WHITE.mix(0.9))
        .position(position)
        .draw()
        .map_err(plot_err)
}

const TRUE_COLOR: RGBColor = RGBColor(20, 20, 20);
const PRED_COLOR: RGBColor = RGBColor(214, 39, 40);

/// True and predicted spectra of a few samples side by side.
pub struct SpectraFigure {
    pub omega: Vec<f64>,
    pub omega_label: String,
    /// (panel title, true spectrum, predicted spectrum)
    pub panels: Vec<(String, Vec<f64>, Vec<f64>)>,
}

impl Figure for SpectraFigure {
    fn size(&self) -> (u32, u32) {
        (420 * self.panels.len().max(1) as u32, 420)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let areas = root.split_evenly((1, self.panels.len().max(1)));
        let (_, y_hi) = range_of(self.panels.iter().flat_map(|(_, t, p)| t.iter().chain(p)));
        // Empty bins above the highest frequency would take half the plot: stop a little past
        // the last bin where any spectrum shown exceeds 1% of the peak.
        let last = (0..self.omega.len())
            .rev()
            .find(|&k| {
                self.panels.iter().any(|(_, t, p)| {
                    [t.get(k), p.get(k)]
                        .iter()
                        .flatten()
                        .any(|v| **v > 0.01 * y_hi)
                })
            })
            .unwrap_or(self.omega.len().saturating_sub(1));
        let (x_lo, x_hi) = range_of(&self.omega);
        let x_end = self.omega.get(last).map_or(x_hi, |w| (w * 1.12).min(x_hi));
        let x = (x_lo.min(0.0), x_end);
        for (area, (title, truth, pred)) in areas.iter().zip(&self.panels) {
            let mut chart = ChartBuilder::on(area)
                .caption(title, (FAMILY, 20))
                .margin(12)
                .x_label_area_size(48)
                .y_label_area_size(64)
                .build_cartesian_2d(x.0..x.1, 0.0..y_hi * 1.05)
                .map_err(plot_err)?;
            draw_axes(&mut chart, &self.omega_label, "D(ω)")?;
            chart
                .draw_series(LineSeries::new(
                    self.omega.iter().cloned().zip(truth.iter().cloned()),
                    TRUE_COLOR.stroke_width(2),
                ))
                .map_err(plot_err)?
                .label("true")
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], TRUE_COLOR.stroke_width(2))
                });
            chart
                .draw_series(LineSeries::new(
                    self.omega.iter().cloned().zip(pred.iter().cloned()),
                    PRED_COLOR.stroke_width(2),
                ))
                .map_err(plot_err)?
                .label("linear model")
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], PRED_COLOR.stroke_width(2))
                });
            draw_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        }
        Ok(())
    }
}

/// Predicted against true values of every (sample, ω) pair, with the diagonal.
pub struct ParityFigure {
    pub truth: Vec<f64>,
    pub predicted: Vec<f64>,
    pub title: String,
}

impl Figure for ParityFigure {
    fn size(&self) -> (u32, u32) {
        (620, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let (lo, hi) = range_of(self.truth.iter().chain(&self.predicted));
        let r = pad(lo, hi, 0.03);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, (FAMILY, 20))
            .margin(14)
            .x_label_area_size(50)
            .y_label_area_size(64)
            .build_cartesian_2d(r.clone(), r.clone())
            .map_err(plot_err)?;
        draw_axes(&mut chart, "true D(ω)", "predicted D(ω)")?;
        chart
            .draw_series(
                self.truth
                    .iter()
                    .zip(&self.predicted)
                    .map(|(&t, &p)| Circle::new((t, p), 2, PRED_COLOR.mix(0.35).filled())),
            )
            .map_err(plot_err)?;
        chart
            .draw_series(LineSeries::new(
                vec![(r.start, r.start), (r.end, r.end)],
                BLACK.stroke_width(1),
            ))
            .map_err(plot_err)?;
        Ok(())
    }
}

/// Diverging blue–white–red colour for v in [−1, 1] (white at 0), so the sign of W reads at once.
pub fn diverging(v: f64) -> RGBColor {
    let v = v.clamp(-1.0, 1.0);
    let (blue, red) = ((33.0, 102.0, 172.0), (178.0, 24.0, 43.0));
    let target = if v < 0.0 { blue } else { red };
    let t = v.abs();
    // linear blend from white (255) to the end colour
    let mix = |end: f64| (255.0 + (end - 255.0) * t).round().clamp(0.0, 255.0) as u8;
    RGBColor(mix(target.0), mix(target.1), mix(target.2))
}

/// The colour scale of a weight map: the 99th percentile of |W|, so a few extreme weights (noise
/// at the edge of the data) do not wash out the pattern; larger values saturate.
pub fn colour_scale(weights: &[Vec<f64>]) -> f64 {
    let mut a: Vec<f64> = weights
        .iter()
        .flatten()
        .filter(|v| v.is_finite())
        .map(|v| v.abs())
        .collect();
    if a.is_empty() {
        return f64::MIN_POSITIVE;
    }
    a.sort_by(f64::total_cmp);
    let k = ((a.len() - 1) as f64 * 0.99).round() as usize;
    a[k].max(f64::MIN_POSITIVE)
}

/// The weight map W(ω, r) of a linear model, with the mean g(r) above it and the mean D(ω) to
/// its right, so features and targets can be read against the kernel.
pub struct WeightMapFigure {
    pub r: Vec<f64>,
    pub omega: Vec<f64>,
    /// weights[k][j]: target k (ω), feature j (r)
    pub weights: Vec<Vec<f64>>,
    pub mean_g: Vec<f64>,
    pub mean_d: Vec<f64>,
    pub r_label: String,
    pub omega_label: String,
    pub title: String,
    /// |W| at which the colours saturate; `None`: [`colour_scale`] of these weights (give one
    /// value to several maps to draw them on the same scale).
    pub scale: Option<f64>,
}

impl Figure for WeightMapFigure {
    fn size(&self) -> (u32, u32) {
        (1080, 820)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let root = root.titled(&self.title, (FAMILY, 22)).map_err(plot_err)?;
        let (top, bottom) = root.split_vertically(200);
        let (map_area, side) = bottom.split_horizontally(760);
        let (rx0, rx1) = range_of(&self.r);
        let (w0, w1) = range_of(&self.omega);
        let dr = if self.r.len() > 1 {
            self.r[1] - self.r[0]
        } else {
            1.0
        };
        let dw = if self.omega.len() > 1 {
            self.omega[1] - self.omega[0]
        } else {
            1.0
        };
        let x_range = (rx0 - dr / 2.0)..(rx1 + dr / 2.0);
        let y_range = (w0 - dw / 2.0)..(w1 + dw / 2.0);
        let scale = self
            .scale
            .unwrap_or_else(|| colour_scale(&self.weights))
            .max(f64::MIN_POSITIVE);

        // g(r) on top, aligned with the map's r axis (same label-area widths)
        let (g_lo, g_hi) = range_of(&self.mean_g);
        let mut gchart = ChartBuilder::on(&top)
            .margin_left(10)
            .margin_right(330)
            .margin_top(10)
            .x_label_area_size(10)
            .y_label_area_size(70)
            .build_cartesian_2d(x_range.clone(), pad(g_lo.min(0.0), g_hi, 0.05))
            .map_err(plot_err)?;
        gchart
            .configure_mesh()
            .y_desc("mean g(r)")
            .x_labels(0)
            .label_style((FAMILY, 14))
            .axis_desc_style((FAMILY, 16))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(plot_err)?;
        gchart
            .draw_series(LineSeries::new(
                self.r.iter().cloned().zip(self.mean_g.iter().cloned()),
                TRUE_COLOR.stroke_width(2),
            ))
            .map_err(plot_err)?;

        let mut chart = ChartBuilder::on(&map_area)
            .margin_left(10)
            .margin_right(10)
            .margin_bottom(10)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(x_range, y_range.clone())
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .x_desc(&self.r_label)
            .y_desc(&self.omega_label)
            .label_style((FAMILY, 14))
            .axis_desc_style((FAMILY, 16))
            .disable_mesh()
            .draw()
            .map_err(plot_err)?;
        let cells = self
            .weights
            .iter()
            .enumerate()
            .flat_map(|(k, row)| row.iter().enumerate().map(move |(j, &v)| (j, k, v)));
        chart
            .draw_series(cells.map(|(j, k, v)| {
                let (x, y) = (self.r[j], self.omega[k]);
                Rectangle::new(
                    [(x - dr / 2.0, y - dw / 2.0), (x + dr / 2.0, y + dw / 2.0)],
                    diverging(v / scale).filled(),
                )
            }))
            .map_err(plot_err)?;

        // D(ω) and the colour bar on the right, aligned with the map's ω axis
        let (d_area, bar_area) = side.split_horizontally(160);
        let (_, d_hi) = range_of(&self.mean_d);
        let mut dchart = ChartBuilder::on(&d_area)
            .margin_bottom(10)
            .margin_right(5)
            .x_label_area_size(50)
            .y_label_area_size(5)
            .build_cartesian_2d(0.0..d_hi * 1.05, y_range.clone())
            .map_err(plot_err)?;
        dchart
            .configure_mesh()
            .x_desc("mean D(ω)")
            .y_labels(0)
            .x_labels(3)
            .label_style((FAMILY, 13))
            .axis_desc_style((FAMILY, 15))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(plot_err)?;
        dchart
            .draw_series(LineSeries::new(
                self.mean_d.iter().cloned().zip(self.omega.iter().cloned()),
                TRUE_COLOR.stroke_width(2),
            ))
            .map_err(plot_err)?;
        let mut bar = ChartBuilder::on(&bar_area)
            .margin_top(40)
            .margin_bottom(60)
            .margin_right(10)
            .y_label_area_size(0)
            .right_y_label_area_size(80)
            .x_label_area_size(0)
            .build_cartesian_2d(0.0..1.0, -scale..scale)
            .map_err(plot_err)?;
        bar.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_desc("W")
            .y_labels(5)
            .y_label_formatter(&|v| compact(*v))
            .label_style((FAMILY, 12))
            .draw()
            .map_err(plot_err)?;
        let steps = 100;
        bar.draw_series((0..steps).map(|i| {
            let a = -scale + 2.0 * scale * i as f64 / steps as f64;
            let b = a + 2.0 * scale / steps as f64;
            Rectangle::new(
                [(0.0, a), (1.0, b)],
                diverging((a + b) / (2.0 * scale)).filled(),
            )
        }))
        .map_err(plot_err)?;
        Ok(())
    }
}

/// Short tick labels: plain decimals for moderate magnitudes, scientific otherwise.
fn compact(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if (1e-3..1e4).contains(&a) {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:.1e}")
    }
}

/// Test error against training-set size, one line per model.
/// One named curve (in the legend), with a marker at each point when `markers`.
fn draw_curve<DB: DrawingBackend>(
    chart: &mut Chart2d<'_, DB>,
    name: &str,
    points: Vec<(f64, f64)>,
    color: RGBColor,
    markers: bool,
) -> Result<()> {
    chart
        .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
        .map_err(plot_err)?
        .label(name)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    if markers {
        chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 4, color.filled())),
            )
            .map_err(plot_err)?;
    }
    Ok(())
}

/// Named curves y(x) with markers, the y axis from zero (or below): learning curves, dispersion
/// curves.
pub struct LinesFigure {
    pub title: String,
    /// (name, x, y)
    pub curves: Vec<(String, Vec<f64>, Vec<f64>)>,
    pub x_label: String,
    pub y_label: String,
    /// Markers at the points (off for dense curves).
    pub markers: bool,
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];

impl Figure for LinesFigure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let (x0, x1) = range_of(self.curves.iter().flat_map(|(_, x, _)| x));
        let (y0, y1) = range_of(self.curves.iter().flat_map(|(_, _, y)| y));
        let mut chart = ChartBuilder::on(root)
            .caption(self.title.as_str(), (FAMILY, 20))
            .margin(14)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(pad(x0, x1, 0.03), pad(y0.min(0.0), y1, 0.05))
            .map_err(plot_err)?;
        draw_axes(&mut chart, &self.x_label, &self.y_label)?;
        for (k, (name, x, y)) in self.curves.iter().enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            let points: Vec<(f64, f64)> = x.iter().cloned().zip(y.iter().cloned()).collect();
            draw_curve(&mut chart, name, points, color, self.markers)?;
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}

/// One model's mean score and its standard deviation at each training size.
pub struct BandCurve {
    pub name: String,
    pub sizes: Vec<f64>,
    pub mean: Vec<f64>,
    pub sd: Vec<f64>,
}

/// Held-out score against training-set size, one line per model with a band of ± one standard
/// deviation over the random subsets.
pub struct DataEfficiencyFigure {
    pub curves: Vec<BandCurve>,
    pub score_label: String,
    /// Lowest y shown (means below it are drawn at it), so one bad small-size fit does not
    /// squash every other curve.
    pub y_floor: f64,
    /// The noise ceiling, drawn as a dashed horizontal line.
    pub ceiling: Option<f64>,
}

impl Figure for DataEfficiencyFigure {
    /// Sizes usually double from one to the next, so x is log10(size) (labelled with the size).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let logs: Vec<f64> = self
            .curves
            .iter()
            .flat_map(|c| c.sizes.iter().map(|v| v.max(1e-300).log10()))
            .collect();
        let (x0, x1) = range_of(&logs);
        let band = |sign: f64| -> Vec<f64> {
            self.curves
                .iter()
                .flat_map(|c| c.mean.iter().zip(&c.sd).map(move |(m, s)| m + sign * s))
                .collect()
        };
        let (lo, _) = range_of(&band(-1.0));
        let (_, hi) = range_of(&band(1.0));
        let hi = self.ceiling.map_or(hi, |c| hi.max(c));
        let lo = lo.max(self.y_floor);
        let y = pad(lo, hi.max(lo + 1e-3).min(1.0), 0.04);
        let clamp = |v: f64| v.clamp(y.start, y.end);
        let mut chart = ChartBuilder::on(root)
            .caption("Data efficiency", (FAMILY, 20))
            .margin(14)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(pad(x0, x1, 0.03), y.clone())
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .x_desc("training samples (log scale)")
            .y_desc(self.score_label.as_str())
            .x_label_formatter(&|v| format!("{:.0}", 10f64.powf(*v)))
            .y_label_formatter(&|v| compact(*v))
            .label_style((FAMILY, 15))
            .axis_desc_style((FAMILY, 17))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(plot_err)?;
        for (k, c) in self.curves.iter().enumerate() {
            let (name, mean, sd) = (&c.name, &c.mean, &c.sd);
            let color = PALETTE[k % PALETTE.len()];
            let lx: Vec<f64> = c.sizes.iter().map(|v| v.max(1e-300).log10()).collect();
            let upper = lx
                .iter()
                .zip(mean.iter().zip(sd))
                .map(|(&x, (m, s))| (x, clamp(m + s)));
            let lower = lx
                .iter()
                .zip(mean.iter().zip(sd))
                .map(|(&x, (m, s))| (x, clamp(m - s)));
            let band: Vec<(f64, f64)> = upper.chain(lower.rev()).collect();
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band,
                    color.mix(0.18).filled(),
                )))
                .map_err(plot_err)?;
            let points: Vec<(f64, f64)> = lx
                .iter()
                .cloned()
                .zip(mean.iter().map(|&m| clamp(m)))
                .collect();
            draw_curve(&mut chart, name, points, color, true)?;
        }
        if let Some(c) = self.ceiling {
            let style = BLACK.stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new(
                    [(x0, clamp(c)), (x1, clamp(c))],
                    8,
                    5,
                    style,
                ))
                .map_err(plot_err)?
                .label("noise ceiling")
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        }
        draw_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }
}

/// A map of values in [0, 1] over (r, ω), white at 0 to red at 1 (selection frequencies).
pub struct FrequencyMapFigure {
    pub r: Vec<f64>,
    pub omega: Vec<f64>,
    /// values[k][j]: ω bin k, r bin j.
    pub values: Vec<Vec<f64>>,
    pub r_label: String,
    pub omega_label: String,
    pub title: String,
}

impl Figure for FrequencyMapFigure {
    fn size(&self) -> (u32, u32) {
        (900, 640)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let step = |v: &[f64]| if v.len() > 1 { v[1] - v[0] } else { 1.0 };
        let (dr, dw) = (step(&self.r), step(&self.omega));
        let (r0, r1) = range_of(&self.r);
        let (w0, w1) = range_of(&self.omega);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, (FAMILY, 20))
            .margin(14)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(
                (r0 - dr / 2.0)..(r1 + dr / 2.0),
                (w0 - dw / 2.0)..(w1 + dw / 2.0),
            )
            .map_err(plot_err)?;
        draw_axes(&mut chart, &self.r_label, &self.omega_label)?;
        let cells = self.values.iter().zip(&self.omega).flat_map(|(row, &w)| {
            row.iter().zip(&self.r).map(move |(&v, &r)| {
                Rectangle::new(
                    [(r - dr / 2.0, w - dw / 2.0), (r + dr / 2.0, w + dw / 2.0)],
                    diverging(v.clamp(0.0, 1.0)).filled(),
                )
            })
        });
        chart.draw_series(cells).map_err(plot_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diverging_colours_are_white_at_zero_and_saturated_at_the_ends() {
        assert_eq!(diverging(0.0), RGBColor(255, 255, 255));
        assert_eq!(diverging(1.0), RGBColor(178, 24, 43));
        assert_eq!(diverging(-1.0), RGBColor(33, 102, 172));
        assert_eq!(diverging(-7.0), diverging(-1.0));
    }

    #[test]
    fn the_colour_scale_ignores_the_extreme_percent() {
        let mut w = vec![vec![0.0; 100]; 2];
        for (k, v) in w[0].iter_mut().enumerate() {
            *v = -(k as f64) / 100.0;
        }
        w[1][0] = 1e6;
        let s = colour_scale(&w);
        assert!(s > 0.9 && s < 1.0, "{s}");
        assert_eq!(colour_scale(&[]), f64::MIN_POSITIVE);
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(compact(10.0), "10");
        assert_eq!(compact(0.025), "0.025");
        assert_eq!(compact(0.0025), "0.0025");
        assert_eq!(compact(1e-4), "1.0e-4");
        assert_eq!(compact(0.0), "0");
    }

    #[test]
    fn figures_render_to_valid_png_and_svg() {
        let dir = tempfile::tempdir().unwrap();
        let r: Vec<f64> = (0..50).map(|k| 0.05 + 0.1 * k as f64).collect();
        let omega: Vec<f64> = (0..40).map(|k| 0.5 + k as f64).collect();
        let weights: Vec<Vec<f64>> = omega
            .iter()
            .map(|w| {
                r.iter()
                    .map(|x| (w * 0.2 - x).sin() * (-x / 3.0).exp())
                    .collect()
            })
            .collect();
        let d: Vec<f64> = omega
            .iter()
            .map(|w| (w / 40.0) * (1.0 - w / 40.0))
            .collect();
        let g: Vec<f64> = r
            .iter()
            .map(|x| 1.0 + (6.0 * x).sin() * (-x).exp())
            .collect();
        let (png, svg) = save(
            &WeightMapFigure {
                r: r.clone(),
                omega: omega.clone(),
                weights,
                mean_g: g,
                mean_d: d.clone(),
                r_label: "r (σ)".into(),
                omega_label: "ω (√(ε/mσ²))".into(),
                title: "W(ω, r)".into(),
                scale: None,
            },
            &dir.path().join("w"),
        )
        .unwrap();
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.starts_with("<svg") && text.trim_end().ends_with("</svg>"));
        let pred: Vec<f64> = d.iter().map(|x| x * 1.1).collect();
        save(
            &SpectraFigure {
                omega: omega.clone(),
                omega_label: "ω".into(),
                panels: vec![
                    ("best".into(), d.clone(), pred.clone()),
                    ("worst".into(), d.clone(), pred.clone()),
                ],
            },
            &dir.path().join("spectra"),
        )
        .unwrap();
        save(
            &ParityFigure {
                truth: d.clone(),
                predicted: pred,
                title: "parity".into(),
            },
            &dir.path().join("parity"),
        )
        .unwrap();
        save(
            &LinesFigure {
                title: "Learning curves".into(),
                curves: vec![("ridge".into(), vec![10.0, 20.0, 40.0], vec![0.3, 0.2, 0.1])],
                x_label: "training samples".into(),
                y_label: "test RMSE".into(),
                markers: true,
            },
            &dir.path().join("lc"),
        )
        .unwrap();
        if let Ok(keep) = std::env::var("VITRUM_KEEP_PLOTS") {
            for f in std::fs::read_dir(dir.path()).unwrap() {
                let f = f.unwrap().path();
                std::fs::copy(&f, Path::new(&keep).join(f.file_name().unwrap())).unwrap();
            }
        }
    }
}
