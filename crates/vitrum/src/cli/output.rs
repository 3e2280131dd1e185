//! Where a command's table goes: a CSV file (written atomically) or standard output.

use anyhow::Result;
use std::io::Write;
use std::path::Path;
use vitrum_io::Table;

/// Writes `table` to `out`, or as CSV to standard output when `out` is None.
pub fn emit(table: &Table, out: Option<&Path>, quiet: bool) -> Result<()> {
    match out {
        Some(path) => {
            vitrum_io::write_csv(path, table)?;
            if !quiet {
                eprintln!(
                    "wrote {} ({} rows: {})",
                    path.display(),
                    table.n_rows(),
                    table.header.join(",")
                );
            }
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            vitrum_io::write_csv_to(&mut w, table)?;
            w.flush()?;
        }
    }
    Ok(())
}
