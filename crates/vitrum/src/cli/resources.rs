//! Resource estimates: the memory and work a command is about to need, checked against the
//! machine before any of it is allocated or started, so that a mistyped size (`--bins
//! 1000000000`, `--alphas=-6:2:1000000000000`, `--samples 1000000000000`) is an error that
//! names the flag instead of an abort, a panic or a silent hang.
//!
//! Two limits: the soft ones (half the machine's RAM; an hour of work at a nominal rate) can be
//! passed with `--force`; the hard one (more memory than RAM and swap together: the allocation
//! cannot succeed) cannot. Estimates are in f64 so that absurd sizes cannot overflow.

use anyhow::{Result, bail};
use clap::Args;

/// `--force`, shared by every command that checks its resources.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct ForceArg {
    /// Go past the soft resource limits (estimated memory above half the RAM, or more than an
    /// hour of estimated work); a size that cannot fit in RAM and swap is refused anyway.
    #[arg(long)]
    pub force: bool,
}

/// Work units per second assumed when an estimate is turned into a time: about one
/// floating-point operation per unit on one core of a 2020s machine (the demo's 150 glasses
/// estimate to ~1e12 units and take ~90 s on 2 cores).
pub const NOMINAL_RATE: f64 = 1e10;

/// Soft limit of the estimated work: one hour at [`NOMINAL_RATE`].
pub const SOFT_WORK: f64 = 3600.0 * NOMINAL_RATE;

/// What a command is about to need.
#[derive(Debug, Clone)]
pub struct Estimate {
    /// The command and what is sized (`rdf --bins 1000000000`).
    pub what: String,
    /// Peak memory in bytes.
    pub bytes: f64,
    /// Work in units of about one floating-point operation.
    pub work: f64,
    /// How to make it smaller: the flags that drive it (`lower --bins`).
    pub fix: String,
}

/// The machine's memory: RAM and swap in bytes (from /proc/meminfo; 16 GiB of RAM when unknown).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub ram: f64,
    pub swap: f64,
}

impl Limits {
    pub fn of_this_machine() -> Limits {
        let info = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let field = |name: &str| {
            info.lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
                .map(|kb| kb * 1024.0)
        };
        Limits {
            ram: field("MemTotal:").unwrap_or(16.0 * GIB),
            swap: field("SwapTotal:").unwrap_or(0.0),
        }
    }

    pub fn soft_bytes(&self) -> f64 {
        0.5 * self.ram
    }

    pub fn hard_bytes(&self) -> f64 {
        self.ram + self.swap
    }
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Bytes in human units (B, kB, MB, GB, TB, PB; powers of 1024).
pub fn bytes(b: f64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut v = b;
    let mut k = 0;
    while v >= 1024.0 && k + 1 < units.len() {
        v /= 1024.0;
        k += 1;
    }
    if k == 0 {
        format!("{v:.0} B")
    } else {
        format!("{v:.1} {}", units[k])
    }
}

/// A duration in seconds in human units.
pub fn duration(s: f64) -> String {
    if s < 120.0 {
        format!("{s:.0} s")
    } else if s < 7200.0 {
        format!("{:.0} min", s / 60.0)
    } else if s < 3.0 * 86400.0 {
        format!("{:.1} h", s / 3600.0)
    } else if s < 3.0 * 365.0 * 86400.0 {
        format!("{:.0} days", s / 86400.0)
    } else {
        format!("{:.1e} years", s / (365.0 * 86400.0))
    }
}

/// Refuses `estimate` past the hard limit always and past the soft limits unless `force`.
pub fn check(estimate: &Estimate, force: bool) -> Result<()> {
    check_against(estimate, force, &Limits::of_this_machine())
}

/// [`check`] against given limits (tests).
pub fn check_against(estimate: &Estimate, force: bool, limits: &Limits) -> Result<()> {
    let Estimate {
        what,
        bytes: b,
        work,
        fix,
    } = estimate;
    if !(b.is_finite() && *b <= limits.hard_bytes()) {
        bail!(
            "{what}: needs about {} of memory, more than this machine has ({} RAM + {} swap), \
             so it cannot succeed even with --force; {fix}",
            bytes(*b),
            bytes(limits.ram),
            bytes(limits.swap)
        );
    }
    if force {
        return Ok(());
    }
    if *b > limits.soft_bytes() {
        bail!(
            "{what}: needs about {} of memory, above the soft limit {} (half of the {} RAM); \
             {fix}, or pass --force to go ahead",
            bytes(*b),
            bytes(limits.soft_bytes()),
            bytes(limits.ram)
        );
    }
    if !(work.is_finite() && *work <= SOFT_WORK) {
        bail!(
            "{what}: estimated work {work:.1e} operations (about {} at {NOMINAL_RATE:.0e}/s), above \
             the soft limit {SOFT_WORK:.1e} (one hour); {fix}, or pass --force to go ahead",
            duration(work / NOMINAL_RATE)
        );
    }
    Ok(())
}

/// Volume of the d-ball of radius r (d = 2, 3).
pub fn ball_volume(d: usize, r: f64) -> f64 {
    if d == 3 {
        4.0 / 3.0 * std::f64::consts::PI * r.powi(3)
    } else {
        std::f64::consts::PI * r * r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MACHINE: Limits = Limits {
        ram: 16.0 * GIB,
        swap: 0.0,
    };

    fn estimate(bytes: f64, work: f64) -> Estimate {
        Estimate {
            what: "rdf --bins 7".into(),
            bytes,
            work,
            fix: "lower --bins".into(),
        }
    }

    #[test]
    fn soft_limits_yield_to_force_and_the_hard_one_does_not() {
        assert!(check_against(&estimate(1e6, 1e6), false, &MACHINE).is_ok());
        let e = check_against(&estimate(10.0 * GIB, 1e6), false, &MACHINE).unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("10.0 GB") && m.contains("8.0 GB") && m.contains("--force"),
            "{m}"
        );
        assert!(
            m.contains("rdf --bins 7") && m.contains("lower --bins"),
            "{m}"
        );
        assert!(check_against(&estimate(10.0 * GIB, 1e6), true, &MACHINE).is_ok());
        let m = check_against(&estimate(1e6, 1e20), false, &MACHINE)
            .unwrap_err()
            .to_string();
        assert!(m.contains("1.0e20") && m.contains("years"), "{m}");
        assert!(check_against(&estimate(1e6, 1e20), true, &MACHINE).is_ok());
        for b in [17.0 * GIB, f64::INFINITY, f64::NAN] {
            let m = check_against(&estimate(b, 1.0), true, &MACHINE)
                .unwrap_err()
                .to_string();
            assert!(m.contains("cannot succeed even with --force"), "{m}");
        }
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(8.0 * 1024f64.powi(4)), "8.0 TB");
        assert_eq!(duration(30.0), "30 s");
        assert_eq!(duration(86400.0 * 10.0), "10 days");
    }
}
