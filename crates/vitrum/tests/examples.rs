//! Every study in `examples/` parses and passes the checks that need no data, so the files the
//! documentation points to keep working as the study format and the presets evolve.

use std::path::Path;
use vitrum::pipeline::Study;

#[test]
fn every_example_study_is_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let study = Study::load(&path).unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
            assert!(!study.name.is_empty());
            if let Some(d) = &study.data.dataset {
                assert!(
                    d.join("features.npy").exists(),
                    "{}: {}",
                    path.display(),
                    d.display()
                );
            }
            n += 1;
        }
    }
    assert!(n >= 6, "{n} examples");
}
