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

/// The examples of every `--help`, pasted: each runs in a scratch directory that sees
/// `fixtures/` and `examples/`, in help order (so `fit … --out ridge.json` makes the model the
/// `predict` and `evaluate` examples read). Examples whose inputs are the reader's own files
/// (`traj.lammpstrj`, `my-glass.toml`, `ka2d-data`, …) may only fail by naming that missing file;
/// `demo`, `run`, LAMMPS and 150-glass `generate` examples take minutes and are skipped (the
/// README test checks their studies).
#[test]
fn every_help_example_works_when_pasted() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(fixture(""), dir.path().join("fixtures")).unwrap();
    std::os::unix::fs::symlink(fixture("../examples"), dir.path().join("examples")).unwrap();
    let subcommands = [
        "rdf",
        "sq",
        "angles",
        "modes",
        "fit",
        "predict",
        "evaluate",
        "generate",
        "featurize",
        "dataset merge",
    ];
    let (mut ran, mut own_files) = (0, 0);
    for sub in subcommands {
        let help = vitrum()
            .args(sub.split(' '))
            .arg("--help")
            .output()
            .unwrap();
        let text = String::from_utf8(help.stdout).unwrap();
        let mut examples = Vec::new();
        let mut current = String::new();
        for line in text.lines().skip_while(|l| !l.starts_with("Examples:")) {
            let line = line.split(" # ").next().unwrap().trim_end();
            if current.is_empty() && !line.trim_start().starts_with("vitrum ") {
                continue;
            }
            match line.strip_suffix('\\') {
                Some(head) => current.push_str(head),
                None => {
                    current.push_str(line);
                    examples.push(
                        current
                            .split_whitespace()
                            .map(String::from)
                            .collect::<Vec<_>>(),
                    );
                    current.clear();
                }
            }
        }
        assert!(!examples.is_empty(), "{sub} --help has no examples");
        for words in examples {
            let line = words.join(" ");
            let slow = sub == "generate"
                && (line.contains("lammps")
                    || words
                        .windows(2)
                        .any(|w| w[0] == "--samples" && w[1].parse::<usize>().unwrap() > 8));
            if slow {
                continue;
            }
            let out = vitrum()
                .current_dir(dir.path())
                .args(&words[1..])
                .arg("-q")
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            if out.status.success() {
                ran += 1;
                continue;
            }
            // the reader's own input: the error must name it as missing
            let missing = words[2..].iter().find(|w| {
                !w.starts_with('-')
                    && !w.starts_with("fixtures/")
                    && !w.starts_with("examples/")
                    && !dir.path().join(w).exists()
                    && stderr.contains(w.as_str())
            });
            assert!(
                out.status.code() == Some(1) && missing.is_some(),
                "{line}: {stderr}"
            );
            eprintln!("needs the reader's file: {line}");
            own_files += 1;
        }
    }
    assert!(
        ran >= 10,
        "{ran} help examples ran, {own_files} need the reader's files"
    );
}
