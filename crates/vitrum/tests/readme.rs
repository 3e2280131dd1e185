//! The README's command-line examples, pasted as they are: every `vitrum …` line of its
//! "Command line" block runs (in a scratch directory that sees the workspace's `fixtures/`), except
//! `run` and `demo`, whose studies are checked without running them (a whole study takes minutes).

mod common;

use common::*;
use std::path::Path;

/// The `vitrum …` commands of the README's code blocks, continuation lines joined, comments cut.
fn readme_commands() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(fixture("../README.md")).unwrap();
    let mut commands = Vec::new();
    let mut current = String::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_block = line.starts_with("```sh");
            continue;
        }
        let line = line.split(" # ").next().unwrap().trim_end();
        if !in_block || current.is_empty() && !line.trim_start().starts_with("vitrum ") {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(head) => current.push_str(head),
            None => {
                current.push_str(line);
                commands.push(current.split_whitespace().map(String::from).collect());
                current.clear();
            }
        }
    }
    commands
}

#[test]
fn every_readme_command_works_when_pasted() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(fixture(""), dir.path().join("fixtures")).unwrap();
    std::os::unix::fs::symlink(fixture("../examples"), dir.path().join("examples")).unwrap();
    let commands = readme_commands();
    assert!(commands.len() >= 9, "{commands:?}");
    let mut ran = 0;
    for words in &commands {
        assert_eq!(words[0], "vitrum");
        match words[1].as_str() {
            "run" => {
                let study = vitrum::pipeline::Study::load(&dir.path().join(&words[2])).unwrap();
                assert!(study.validate().is_ok());
            }
            "demo" => {}
            _ => {
                let out = vitrum()
                    .current_dir(dir.path())
                    .args(&words[1..])
                    .arg("-q")
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}: {}",
                    words.join(" "),
                    String::from_utf8_lossy(&out.stderr)
                );
                ran += 1;
            }
        }
    }
    assert!(ran >= 7, "{ran} commands ran");
    // the outputs the README names exist
    for f in [
        "rdf.csv",
        "ev.txt",
        "vdos.csv",
        "glasses/meta.json",
        "model.json",
    ] {
        assert!(Path::new(&dir.path().join(f)).exists(), "{f}");
    }
}
