//! Measured diffraction curves: PDF files (`.gr`: r and G(r) as PDFgetX3 and PDFgui write them)
//! and two-column S(q) files. Both are text: a header (PDFgetX3's `[DEFAULT]` block, PDFgui's
//! history, `#` comments) ending at a `start data` marker when there is one, then rows of at
//! least two numbers (x, y, and optionally uncertainties, which are ignored).

use crate::atomic::write_atomically;
use crate::error::{IoError, Result};
use std::io::Write;
use std::path::Path;

/// A measured curve y(x) on strictly increasing, finite x.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredCurve {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

/// The two leading numbers of a data row, or None when the line is not one.
fn data_row(line: &str) -> Option<(f64, f64)> {
    let mut words = line.split_whitespace();
    let x = words.next()?.parse::<f64>().ok()?;
    let y = words.next()?.parse::<f64>().ok()?;
    Some((x, y))
}

/// Reads a `.gr` or two-column S(q) file. Rows before a `start data` marker (or, without one,
/// before the first row of two numbers) are header; after it every line that is not blank or a
/// `#` comment must be a row, with x strictly increasing and every value finite.
pub fn read_measured(path: &Path) -> Result<MeasuredCurve> {
    let text = std::fs::read_to_string(path).map_err(|e| IoError::os(path, e))?;
    let table_error = |line: usize, message: String| IoError::Table {
        path: path.to_path_buf(),
        line,
        message,
    };
    let lines: Vec<&str> = text.lines().collect();
    let start = match lines
        .iter()
        .position(|l| l.to_ascii_lowercase().contains("start data"))
    {
        Some(marker) => marker + 1,
        None => lines
            .iter()
            .position(|l| !l.trim_start().starts_with('#') && data_row(l).is_some())
            .ok_or_else(|| {
                table_error(
                    lines.len(),
                    "no data: expected rows of at least two numbers (r G(r) for a .gr file, q S(q) \
                     for a structure factor)"
                        .into(),
                )
            })?,
    };
    let mut curve = MeasuredCurve {
        x: Vec::new(),
        y: Vec::new(),
    };
    for (k, line) in lines.iter().enumerate().skip(start) {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let (x, y) = data_row(t).ok_or_else(|| {
            table_error(k + 1, format!("'{t}' is not a row of at least two numbers"))
        })?;
        if !x.is_finite() || !y.is_finite() {
            return Err(table_error(k + 1, format!("non-finite value in '{t}'")));
        }
        if let Some(&last) = curve.x.last()
            && x <= last
        {
            return Err(table_error(
                k + 1,
                format!("x = {x} does not increase (previous row {last}); sort the file"),
            ));
        }
        curve.x.push(x);
        curve.y.push(y);
    }
    if curve.x.len() < 2 {
        return Err(table_error(
            lines.len(),
            format!("{} data row(s); a curve needs at least two", curve.x.len()),
        ));
    }
    Ok(curve)
}

/// Writes r, G(r) as a `.gr` file PDFgetX3 and PDFgui read: `#` header lines, a `start data`
/// marker, a column label and rows at full precision (shortest round-trip form), atomically.
pub fn write_gr(path: &Path, r: &[f64], pdf: &[f64], header: &[String]) -> Result<()> {
    write_atomically(path, |w: &mut dyn Write| {
        for h in header {
            writeln!(w, "# {h}")?;
        }
        writeln!(w, "#### start data")?;
        writeln!(w, "#L r(Å) G(Å^-2)")?;
        for (r, g) in r.iter().zip(pdf) {
            writeln!(w, "{r:e} {g:e}")?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_is_exact() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.gr");
        let r = vec![0.01, 0.02, 1.0 / 3.0];
        let g = vec![-0.1, 1e-300, std::f64::consts::PI];
        write_gr(&p, &r, &g, &["made by a test".into()]).unwrap();
        let c = read_measured(&p).unwrap();
        assert_eq!(c.x, r);
        assert_eq!(c.y, g);
    }

    /// PDFgetX3's layout: an ini-style header with numbers in it, then the marker.
    #[test]
    fn pdfgetx3_header_and_extra_columns() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.gr");
        std::fs::write(
            &p,
            "[DEFAULT]\nversion = 2.1\nqmax = 25 30\n\n#### start data\n#S 1 - PDF from PDFgetX3\n\
             #L r($\\AA$)  G($\\AA^{-2}$)\n0.01 0.5 0.01 0.02\n0.02 0.6 0.01 0.02\n",
        )
        .unwrap();
        let c = read_measured(&p).unwrap();
        assert_eq!(c.x, vec![0.01, 0.02]);
        assert_eq!(c.y, vec![0.5, 0.6]);
    }

    #[test]
    fn bad_files_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.gr");
        std::fs::write(&p, "# h\n1 2\n2 3\nthree 4\n").unwrap();
        let e = read_measured(&p).unwrap_err().to_string();
        assert!(e.contains("line 4") && e.contains("b.gr"), "{e}");
        std::fs::write(&p, "1 2\n1 3\n").unwrap();
        let e = read_measured(&p).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("increase"), "{e}");
        std::fs::write(&p, "just words\n").unwrap();
        let e = read_measured(&p).unwrap_err().to_string();
        assert!(e.contains("no data"), "{e}");
        std::fs::write(&p, "1 nan\n2 3\n").unwrap();
        assert!(
            read_measured(&p)
                .unwrap_err()
                .to_string()
                .contains("non-finite")
        );
        let e = read_measured(&dir.path().join("missing.gr")).unwrap_err();
        assert!(e.to_string().contains("no such file"), "{e}");
    }
}
