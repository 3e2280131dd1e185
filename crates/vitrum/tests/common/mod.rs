//! Helpers shared by the command-line tests.
#![allow(dead_code)]

pub mod theory_data;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A file or directory under the workspace's `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

/// The `vitrum` binary built for these tests.
pub fn vitrum() -> Command {
    Command::cargo_bin("vitrum").unwrap()
}

/// A JSON file, parsed.
pub fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Runs `cmd`, asserting success (stderr shown when it fails); returns its output.
pub fn succeed(cmd: &mut Command) -> std::process::Output {
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}
