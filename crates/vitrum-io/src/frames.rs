//! Frame selections such as `0`, `-1`, `10:`, `0:100:5` or `:` (Python slice semantics, stop exclusive).

use crate::error::{IoError, Result};
use std::path::Path;

/// Which frames of a trajectory to use. Negative values count from the end, as in Python.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameSelection {
    pub start: Option<i64>,
    pub stop: Option<i64>,
    pub step: i64,
    /// A single index (`7`) must exist; a slice (`0:10`) must overlap the file.
    pub single: bool,
}

impl Default for FrameSelection {
    fn default() -> Self {
        FrameSelection::all()
    }
}

impl FrameSelection {
    pub fn all() -> Self {
        FrameSelection {
            start: None,
            stop: None,
            step: 1,
            single: false,
        }
    }

    pub fn single(index: i64) -> Self {
        FrameSelection {
            start: Some(index),
            stop: None,
            step: 1,
            single: true,
        }
    }

    /// Parses `N`, `START:STOP`, `START:STOP:STEP`, `:` or `all`.
    pub fn parse(spec: &str) -> Result<Self> {
        let bad = |reason: &str| IoError::BadFrameSpec {
            spec: spec.to_string(),
            reason: reason.to_string(),
        };
        let s = spec.trim();
        if s.is_empty() || s == "all" || s == ":" {
            return Ok(FrameSelection::all());
        }
        let parts: Vec<&str> = s.split(':').collect();
        let num = |p: &str| -> Result<Option<i64>> {
            let p = p.trim();
            if p.is_empty() {
                Ok(None)
            } else {
                p.parse::<i64>()
                    .map(Some)
                    .map_err(|_| bad(&format!("'{p}' is not an integer")))
            }
        };
        match parts.len() {
            1 => Ok(FrameSelection::single(
                num(parts[0])?.ok_or_else(|| bad("empty"))?,
            )),
            2 | 3 => {
                let step = if parts.len() == 3 {
                    num(parts[2])?.unwrap_or(1)
                } else {
                    1
                };
                if step <= 0 {
                    return Err(bad("the step must be a positive integer"));
                }
                Ok(FrameSelection {
                    start: num(parts[0])?,
                    stop: num(parts[1])?,
                    step,
                    single: false,
                })
            }
            _ => Err(bad("too many ':'")),
        }
    }

    /// The frame indices this selection picks from a file of `available` frames.
    pub fn resolve(&self, available: usize, path: &Path) -> Result<Vec<usize>> {
        let n = available as i64;
        let out_of_range = || IoError::FrameOutOfRange {
            path: path.to_path_buf(),
            requested: self.to_string(),
            available,
        };
        let absolute = |i: i64| if i < 0 { i + n } else { i };
        if self.single {
            let i = absolute(self.start.unwrap_or(0));
            if i < 0 || i >= n {
                return Err(out_of_range());
            }
            return Ok(vec![i as usize]);
        }
        let start = self.start.map(absolute).unwrap_or(0);
        let stop = self.stop.map(absolute).unwrap_or(n);
        if start < 0 || start >= n || stop > n || stop <= start {
            return Err(out_of_range());
        }
        Ok((start..stop)
            .step_by(self.step as usize)
            .map(|i| i as usize)
            .collect())
    }
}

impl std::fmt::Display for FrameSelection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let o = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
        if self.single {
            write!(f, "{}", o(self.start))
        } else if self.step == 1 {
            write!(f, "{}:{}", o(self.start), o(self.stop))
        } else {
            write!(f, "{}:{}:{}", o(self.start), o(self.stop), self.step)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(spec: &str, n: usize) -> Result<Vec<usize>> {
        FrameSelection::parse(spec)?.resolve(n, Path::new("t.dump"))
    }

    #[test]
    fn slices_follow_python_semantics() {
        assert_eq!(pick(":", 3).unwrap(), vec![0, 1, 2]);
        assert_eq!(pick("1:", 3).unwrap(), vec![1, 2]);
        assert_eq!(pick("0:10:4", 10).unwrap(), vec![0, 4, 8]);
        assert_eq!(pick("-1", 5).unwrap(), vec![4]);
        assert_eq!(pick("-2:", 5).unwrap(), vec![3, 4]);
    }

    #[test]
    fn frames_beyond_the_file_are_an_error_that_names_the_file() {
        let err = pick("5", 3).unwrap_err().to_string();
        assert!(err.contains("t.dump") && err.contains("3 frame"), "{err}");
        assert!(pick("2:7", 3).is_err());
        assert!(pick("0:0", 3).is_err());
    }

    #[test]
    fn malformed_specs_are_rejected() {
        assert!(FrameSelection::parse("a:b").is_err());
        assert!(FrameSelection::parse("0:4:0").is_err());
        assert!(FrameSelection::parse("1:2:3:4").is_err());
    }
}
