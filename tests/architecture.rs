//! The one-way arrows between the workspace's crates (docs/architecture.md), checked from the
//! manifests: io at the bottom, regress on ndarray alone, the facade on top. A dependency that
//! points the wrong way (or a cycle through a new crate) fails here before it spreads.

use std::collections::BTreeMap;
use std::path::Path;

/// Which workspace crates each crate may depend on (normal dependencies; dev-dependencies are
/// free, since tests may compose anything).
const ALLOWED: &[(&str, &[&str])] = &[
    ("vitrum-io", &[]),
    ("vitrum-descriptors", &["vitrum-io"]),
    ("vitrum-theory", &["vitrum-io", "vitrum-descriptors"]),
    (
        "vitrum-sim",
        &["vitrum-io", "vitrum-descriptors", "vitrum-theory"],
    ),
    ("vitrum-regress", &[]),
    // the neural baselines extend regress's traits; regress never names them (the facade
    // composes both registries)
    ("vitrum-neural", &["vitrum-regress"]),
    (
        "vitrum",
        &[
            "vitrum-io",
            "vitrum-descriptors",
            "vitrum-theory",
            "vitrum-sim",
            "vitrum-regress",
            "vitrum-neural",
        ],
    ),
    // the Python bindings: a layer over the facade, like the command line
    (
        "vitrum-py",
        &[
            "vitrum",
            "vitrum-io",
            "vitrum-descriptors",
            "vitrum-theory",
            "vitrum-regress",
        ],
    ),
];

/// The workspace crates named in the `[dependencies]` table of a manifest.
fn workspace_dependencies(manifest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_deps = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if !in_deps {
            continue;
        }
        let name = line.split(['=', '.', ' ']).next().unwrap_or("").trim();
        if name.starts_with("vitrum") {
            out.push(name.to_string());
        }
    }
    out
}

#[test]
fn crate_dependencies_point_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let manifest = dir.join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let may = allowed.get(name.as_str()).unwrap_or_else(|| {
            panic!(
                "crates/{name} is not in tests/architecture.rs: add it to ALLOWED with the \
                 crates it may depend on, and to docs/architecture.md"
            )
        });
        let text = std::fs::read_to_string(&manifest).unwrap();
        for dep in workspace_dependencies(&text) {
            assert!(
                may.contains(&dep.as_str()),
                "crates/{name} depends on {dep}, which docs/architecture.md does not allow \
                 (allowed: {may:?})"
            );
        }
        seen.push(name);
    }
    // The check must have read the real manifests (a moved directory would make it vacuous).
    for (name, _) in ALLOWED {
        assert!(seen.iter().any(|s| s == name), "crates/{name} not found");
    }
}

#[test]
fn regress_sees_arrays_never_atoms() {
    // vitrum-regress depends on ndarray and numerics alone: no chemfiles, no configuration types.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/vitrum-regress/Cargo.toml"),
    )
    .unwrap();
    assert!(workspace_dependencies(&text).is_empty());
    assert!(!text.contains("chemfiles"));
}

#[test]
fn the_dependency_reader_finds_what_it_should() {
    let manifest = "[package]\nname = \"x\"\n[dependencies]\nvitrum-io.workspace = true\n\
                    vitrum-theory = { path = \"../t\" }\nndarray = \"1\"\n[dev-dependencies]\n\
                    vitrum-sim.workspace = true\n";
    assert_eq!(
        workspace_dependencies(manifest),
        ["vitrum-io", "vitrum-theory"]
    );
}
