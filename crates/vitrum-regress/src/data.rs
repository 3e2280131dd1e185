//! Input checks shared by fitting, prediction and evaluation, and sample ranges (`--train 0..120`).

use crate::error::{RegressError, Result};
use ndarray::{Array2, ArrayView2, Axis};
use std::ops::Range;

/// Fails on the first NaN or infinity, naming its sample and column.
pub fn check_finite(what: &'static str, a: ArrayView2<f64>) -> Result<()> {
    for ((row, col), &value) in a.indexed_iter() {
        if !value.is_finite() {
            return Err(RegressError::NonFinite {
                what,
                row,
                col,
                value,
            });
        }
    }
    Ok(())
}

/// Fails on an array with no rows or no columns.
pub fn check_nonempty(what: &'static str, a: ArrayView2<f64>) -> Result<()> {
    if a.is_empty() {
        return Err(RegressError::EmptyArray {
            what,
            rows: a.nrows(),
            cols: a.ncols(),
        });
    }
    Ok(())
}

/// Everything a fit needs of its inputs: non-empty, finite, one row per sample in both, and at
/// least two samples (centring one sample leaves nothing to fit).
pub fn check_training_data(x: ArrayView2<f64>, y: ArrayView2<f64>) -> Result<()> {
    check_pair(x, y)?;
    if x.nrows() < 2 {
        return Err(RegressError::TooFewSamples {
            what: "fitting with an intercept",
            need: 2,
            got: x.nrows(),
        });
    }
    Ok(())
}

/// Non-empty, finite, same number of rows.
pub fn check_pair(x: ArrayView2<f64>, y: ArrayView2<f64>) -> Result<()> {
    check_nonempty("features", x)?;
    check_nonempty("targets", y)?;
    if x.nrows() != y.nrows() {
        return Err(RegressError::SampleMismatch {
            features: x.nrows(),
            targets: y.nrows(),
        });
    }
    check_finite("features", x)?;
    check_finite("targets", y)
}

/// Columns of `y` whose values are all equal (e.g. spectral bins empty in every sample).
pub fn constant_columns(y: ArrayView2<f64>) -> Vec<usize> {
    y.axis_iter(Axis(1))
        .enumerate()
        .filter(|(_, c)| c.iter().all(|&v| v == c[0]))
        .map(|(j, _)| j)
        .collect()
}

/// Rows `range` of `a`, owned.
pub fn rows(a: ArrayView2<f64>, range: &Range<usize>) -> Array2<f64> {
    a.slice(ndarray::s![range.clone(), ..]).to_owned()
}

/// Rows `idx` of `a`, owned, in that order.
pub fn take_rows(a: ArrayView2<f64>, idx: &[usize]) -> Array2<f64> {
    a.select(Axis(0), idx)
}

/// Parses a half-open sample range `START..END` (also `START:END`, `START..`, `..END`) against
/// `n_samples`; an empty or out-of-bounds range is an error, never silently clipped.
pub fn parse_range(text: &str, n_samples: usize) -> Result<Range<usize>> {
    let bad = |reason: &str| RegressError::BadRange {
        range: text.to_string(),
        reason: reason.to_string(),
    };
    let (a, b) = text
        .split_once("..")
        .or_else(|| text.split_once(':'))
        .ok_or_else(|| bad("no '..' or ':'"))?;
    let parse = |s: &str, default: usize| -> Result<usize> {
        let s = s.trim();
        if s.is_empty() {
            Ok(default)
        } else {
            s.parse::<usize>()
                .map_err(|_| bad(&format!("'{s}' is not a non-negative integer")))
        }
    };
    let start = parse(a, 0)?;
    let end = parse(b, n_samples)?;
    if end > n_samples {
        return Err(RegressError::RangeOutOfBounds {
            range: text.to_string(),
            end,
            n_samples,
        });
    }
    if start >= end {
        return Err(RegressError::EmptyRange {
            range: text.to_string(),
            n_samples,
        });
    }
    Ok(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn nan_and_inf_features_are_located() {
        let x = array![[1.0, 2.0], [3.0, f64::NAN]];
        let y = array![[1.0], [2.0]];
        let err = check_training_data(x.view(), y.view()).unwrap_err();
        assert!(
            matches!(err, RegressError::NonFinite { row: 1, col: 1, .. }),
            "{err}"
        );
        let x = array![[f64::INFINITY, 2.0], [3.0, 4.0]];
        let err = check_training_data(x.view(), y.view()).unwrap_err();
        assert!(err.to_string().contains("sample 0, column 0"), "{err}");
    }

    #[test]
    fn mismatched_sample_counts_are_an_error() {
        let x = Array2::<f64>::zeros((3, 2));
        let y = Array2::<f64>::zeros((2, 1));
        let err = check_training_data(x.view(), y.view()).unwrap_err();
        assert!(matches!(
            err,
            RegressError::SampleMismatch {
                features: 3,
                targets: 2
            }
        ));
    }

    #[test]
    fn ranges_parse_and_empty_ranges_fail() {
        assert_eq!(parse_range("0..120", 150).unwrap(), 0..120);
        assert_eq!(parse_range("120..", 150).unwrap(), 120..150);
        assert_eq!(parse_range(":30", 150).unwrap(), 0..30);
        assert!(matches!(
            parse_range("5..5", 150),
            Err(RegressError::EmptyRange { .. })
        ));
        assert!(matches!(
            parse_range("150..", 150),
            Err(RegressError::EmptyRange { .. })
        ));
        assert!(matches!(
            parse_range("0..200", 150),
            Err(RegressError::RangeOutOfBounds { .. })
        ));
        assert!(matches!(
            parse_range("abc", 150),
            Err(RegressError::BadRange { .. })
        ));
    }

    #[test]
    fn constant_columns_are_found() {
        let y = array![[0.0, 1.0, 2.0], [0.0, 2.0, 2.0]];
        assert_eq!(constant_columns(y.view()), vec![0, 2]);
    }
}
