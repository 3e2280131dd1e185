//! Atomic output: a file is written next to its destination and renamed into place only when
//! complete, so an interrupted run or a failed write never leaves a half-written or corrupted file.

use crate::error::{IoError, Result};
use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes `path` through `fill`; the destination changes only if `fill` and the flush succeed.
pub fn write_atomically<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.exists() {
        std::fs::create_dir_all(dir).map_err(|e| IoError::os(dir, e))?;
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".vitrum-partial-");
    // Temporary files are private (0600) by default; an output file should get the permissions
    // any new file gets (0666 less the umask), as if written directly.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir).map_err(|e| IoError::os(dir, e))?;
    {
        let mut writer = BufWriter::new(tmp.as_file());
        fill(&mut writer).map_err(|e| IoError::os(path, e))?;
        writer.flush().map_err(|e| IoError::os(path, e))?;
    }
    tmp.as_file().sync_all().map_err(|e| IoError::os(path, e))?;
    tmp.persist(path).map_err(|e| IoError::os(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_untouched_and_no_debris() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old\n").unwrap();
        let result = write_atomically(&path, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_atomically(&path, |w| w.write_all(b"new\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
    }

    #[cfg(unix)]
    #[test]
    fn outputs_get_the_permissions_of_a_directly_written_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let direct = dir.path().join("direct");
        std::fs::write(&direct, "x").unwrap();
        let atomic = dir.path().join("atomic");
        write_atomically(&atomic, |w| w.write_all(b"x")).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&atomic), mode(&direct));
    }
}
