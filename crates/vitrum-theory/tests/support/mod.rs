//! Shared by the integration tests: LAMMPS `pair_style table` files sampled from a function.

use std::fmt::Write as _;

/// A table section `key` of φ(r) (`f` gives [φ, φ′]) at `n` points from `lo` to `hi`, with the
/// `R lo hi` keyword (r computed as LAMMPS does) and LAMMPS's force column −φ′.
pub fn section(key: &str, lo: f64, hi: f64, n: usize, f: impl Fn(f64) -> [f64; 2]) -> String {
    let mut s = format!("\n{key}\nN {n} R {lo} {hi}\n\n");
    for k in 0..n {
        let r = lo + (hi - lo) * k as f64 / (n - 1) as f64;
        let [e, d1] = f(r);
        let _ = writeln!(s, "{} {r:.17e} {e:.17e} {:.17e}", k + 1, -d1);
    }
    s
}

/// Lennard-Jones φ, φ′.
pub fn lj(eps: f64, sigma: f64) -> impl Fn(f64) -> [f64; 2] {
    move |r| {
        let s6 = (sigma / r).powi(6);
        [
            4.0 * eps * (s6 * s6 - s6),
            4.0 * eps * (-12.0 * s6 * s6 + 6.0 * s6) / r,
        ]
    }
}

/// A file in a fresh temporary directory (kept alive by the returned guard).
pub fn write_temp(name: &str, text: &str) -> (std::path::PathBuf, TempDir) {
    let dir = TempDir::new();
    let path = dir.0.join(name);
    std::fs::write(&path, text).unwrap();
    (path, dir)
}

/// A temporary directory removed on drop (no dependency needed).
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    fn new() -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "vitrum-theory-test-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
