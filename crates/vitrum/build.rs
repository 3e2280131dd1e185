//! Records, for reports, the versions of the libraries that decide vitrum's numbers (from the
//! workspace's Cargo.lock) and of the compiler, so a report says exactly what made it.

use std::path::Path;

const LIBRARIES: &[&str] = &[
    "chemfiles",
    "linfa",
    "linfa-elasticnet",
    "linfa-linear",
    "ndarray",
    "ndarray-linalg",
    "openblas-src",
    "plotters",
    "rayon",
    "smartcore",
];

fn main() {
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let text = std::fs::read_to_string(&lock).unwrap_or_default();
    let mut found: Vec<String> = Vec::new();
    let mut name: Option<&str> = None;
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("name = \"") {
            name = n.strip_suffix('"');
        } else if let (Some(n), Some(v)) = (name, line.strip_prefix("version = \"")) {
            if LIBRARIES.contains(&n) {
                let v = v.trim_end_matches('"');
                let entry = format!("{n} {v}");
                if !found.contains(&entry) {
                    found.push(entry);
                }
            }
            name = None;
        }
    }
    println!(
        "cargo:rustc-env=VITRUM_LIBRARY_VERSIONS={}",
        found.join(";")
    );
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .unwrap_or_else(|| "rustc (unknown)".into());
    println!("cargo:rustc-env=VITRUM_RUSTC_VERSION={}", version.trim());
}
