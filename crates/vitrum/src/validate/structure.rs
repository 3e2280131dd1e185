//! vitrum-descriptors and the dataset targets against numpy: g(r) and every partial of the four
//! structure fixtures (brute-force float64 minimum image, cross-checked with ASE to 1e-14), and
//! the 150 × 100 VDOS histograms of fixtures/dataset-ka2d from its eigenvalues.

use super::{Fixtures, Row, max_abs};
use anyhow::{Context, Result, bail};
use vitrum_descriptors::{RdfParams, rdf};
use vitrum_io::{ReadOptions, read_configuration};
use vitrum_theory::spectrum::{dataset_frequencies, histogram_density};

pub fn rows(fx: &Fixtures, rows: &mut Vec<Row>) -> Result<()> {
    for name in ["ka3d", "ka2d", "yukawa3d", "asi-sw"] {
        let meta = format!("{name}/meta.json");
        let r_max = fx.number(&meta, "/r_max")?;
        let bins = fx.number(&meta, "/n_bins")? as usize;
        let config = read_configuration(
            fx.path(&format!("{name}/config.dump")),
            &ReadOptions::default(),
        )?;
        let ours = rdf(&config, &RdfParams::new(r_max, bins)?)?;
        let table = vitrum_io::read_csv(&fx.path(&format!("{name}/rdf.csv")))?;
        let column = |c: &str| -> Result<Vec<f64>> {
            table
                .column(c)
                .map(<[f64]>::to_vec)
                .with_context(|| format!("{name}/rdf.csv: no column {c}"))
        };
        // round-off only: a misplaced pair moves g by ≥ 1e-3
        rows.push(Row::new(
            "vitrum-descriptors",
            format!("{name}: total g(r), {bins} bins to r = {r_max}"),
            format!("numpy brute force ({name}/rdf.csv)"),
            "max |Δg|",
            max_abs(&ours.g, &column("g")?),
            1e-9,
        ));
        for p in &ours.partials {
            let c = format!("g_{}_{}", p.label_a, p.label_b);
            if table.column(&c).is_none() {
                continue;
            }
            rows.push(Row::new(
                "vitrum-descriptors",
                format!("{name}: partial {c}(r)"),
                format!("numpy brute force ({name}/rdf.csv)"),
                "max |Δg|",
                max_abs(&p.g, &column(&c)?),
                1e-9,
            ));
        }
    }
    let ds = "dataset-ka2d";
    let eig = vitrum_io::read_npy_2d(&fx.path(&format!("{ds}/eigenvalues.npy")))?;
    let targets = vitrum_io::read_npy_2d(&fx.path(&format!("{ds}/targets.npy")))?;
    let omega_max = fx.number(&format!("{ds}/meta.json"), "/grid_omega/omega_max")?;
    let dim = fx.number(&format!("{ds}/meta.json"), "/dim")? as usize;
    if eig.nrows() != targets.nrows() {
        bail!("{ds}: eigenvalues.npy and targets.npy disagree on the sample count");
    }
    let mut worst: f64 = 0.0;
    for (e, t) in eig.rows().into_iter().zip(targets.rows()) {
        let h = histogram_density(&dataset_frequencies(&e.to_vec(), dim), omega_max, t.len());
        worst = worst.max(max_abs(&h, &t.to_vec()));
    }
    // the same binning rule as numpy.histogram: only the density's rounding differs
    rows.push(Row::new(
        "vitrum-theory",
        format!(
            "{ds}: {} × {} VDOS histograms from the eigenvalues",
            targets.nrows(),
            targets.ncols()
        ),
        format!("numpy.histogram(density=True) ({ds}/targets.npy)"),
        "max |ΔD|",
        worst,
        1e-12,
    ));
    Ok(())
}
