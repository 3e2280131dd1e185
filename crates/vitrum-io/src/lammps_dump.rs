//! LAMMPS text dumps (`dump atom` / `dump custom`), read natively rather than through chemfiles.
//!
//! Why not chemfiles: its dump reader trusts the file (an atom id of 0, beyond N or not a number,
//! a huge `NUMBER OF ATOMS`, a form feed where a field is expected) and crashes the process on
//! such input (SIGSEGV, abort), which `cargo xtask fuzz` kept finding one case at a time. It also
//! takes a triclinic box's bounding box for the cell. This reader checks every field, says which
//! line is wrong and why, and never allocates more atoms than the file can hold.
//!
//! Semantics follow LAMMPS' `dump` documentation and agree with chemfiles 0.10 on valid files
//! (a test compares the two on every dump in fixtures/): atoms ordered by `id` (file order
//! without an `id` column); the coordinate columns chosen in the order unwrapped (`xu`), scaled
//! unwrapped (`xsu`), wrapped (`x`), scaled (`xs`) when several are present; wrapped and scaled
//! coordinates unwrapped with image flags (`ix iy iz`) when present; the label of an atom is its
//! `type` (else its `element`); masses only from a `mass` column. Positions keep LAMMPS'
//! coordinates (the cell's origin is not subtracted), as chemfiles did.

use crate::error::{IoError, Result};
use crate::read::RawFrame;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Where a frame starts: its `ITEM: TIMESTEP` line.
#[derive(Debug, Clone, Copy)]
struct FrameStart {
    offset: u64,
    line: u64,
}

/// An indexed dump: frames are found once when it is opened and parsed one at a time, so long
/// trajectories stream.
#[derive(Debug, Clone)]
pub(crate) struct DumpFile {
    path: PathBuf,
    len: u64,
    starts: Vec<FrameStart>,
}

/// `ITEM: NAME` → `NAME` (trimmed), as LAMMPS writes item lines.
fn item(line: &str) -> Option<&str> {
    let (head, rest) = line.split_once(':')?;
    (head.trim() == "ITEM").then(|| rest.trim())
}

/// Reads one line (without its end) into `buf`; returns the bytes consumed, 0 at the end of
/// the file.
fn read_line(
    reader: &mut impl BufRead,
    bytes: &mut Vec<u8>,
    buf: &mut String,
) -> std::io::Result<usize> {
    bytes.clear();
    let n = reader.read_until(b'\n', bytes)?;
    if n == 0 {
        return Ok(0);
    }
    while bytes.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
        bytes.pop();
    }
    buf.clear();
    buf.push_str(&String::from_utf8_lossy(bytes));
    Ok(n)
}

impl DumpFile {
    /// Finds every frame of `path` (each `ITEM: TIMESTEP`), refusing control characters.
    pub fn open(path: &Path) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(|e| IoError::os(path, e))?;
        let len = file.metadata().map_err(|e| IoError::os(path, e))?.len();
        let mut reader = BufReader::new(file);
        let (mut bytes, mut line) = (Vec::new(), String::new());
        let (mut offset, mut number) = (0u64, 0u64);
        let mut starts = Vec::new();
        loop {
            let n =
                read_line(&mut reader, &mut bytes, &mut line).map_err(|e| IoError::os(path, e))?;
            if n == 0 {
                break;
            }
            number += 1;
            control_characters(path, starts.len().saturating_sub(1), number, &line)?;
            if item(&line) == Some("TIMESTEP") {
                starts.push(FrameStart {
                    offset,
                    line: number,
                });
            }
            offset += n as u64;
        }
        if starts.is_empty() {
            return Err(IoError::Malformed {
                path: path.to_path_buf(),
                frame: 0,
                message: "no 'ITEM: TIMESTEP' line: not a LAMMPS dump (or truncated before its \
                          first frame)"
                    .into(),
            });
        }
        Ok(DumpFile {
            path: path.to_path_buf(),
            len,
            starts,
        })
    }

    pub fn n_frames(&self) -> usize {
        self.starts.len()
    }

    /// Parses frame `index` (0-based; must be below [`Self::n_frames`]).
    pub fn read(&self, index: usize) -> Result<RawFrame> {
        let start = self.starts[index];
        let mut file = std::fs::File::open(&self.path).map_err(|e| IoError::os(&self.path, e))?;
        file.seek(SeekFrom::Start(start.offset))
            .map_err(|e| IoError::os(&self.path, e))?;
        let mut parser = FrameParser {
            path: &self.path,
            frame: index,
            reader: BufReader::new(file.take(self.len - start.offset)),
            number: start.line - 1,
            remaining: self.len - start.offset,
            bytes: Vec::new(),
            line: String::new(),
        };
        parser.frame()
    }
}

/// A text line with a control character (form feed, NUL, ...) other than tab and carriage
/// return: a dump is plain text, and such a byte is a corrupt file, refused naming the line.
fn control_characters(path: &Path, frame: usize, number: u64, line: &str) -> Result<()> {
    match line
        .bytes()
        .find(|&b| (b < 0x20 && b != b'\t' && b != b'\r') || b == 0x7f)
    {
        None => Ok(()),
        Some(b) => Err(IoError::Malformed {
            path: path.to_path_buf(),
            frame,
            message: format!(
                "line {number}: control character 0x{b:02x}; a LAMMPS dump is plain text"
            ),
        }),
    }
}

/// Which columns hold the coordinates (LAMMPS' four kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coordinates {
    Wrapped,
    Scaled,
    Unwrapped,
    ScaledUnwrapped,
}

impl Coordinates {
    fn names(self) -> [&'static str; 3] {
        match self {
            Coordinates::Wrapped => ["x", "y", "z"],
            Coordinates::Scaled => ["xs", "ys", "zs"],
            Coordinates::Unwrapped => ["xu", "yu", "zu"],
            Coordinates::ScaledUnwrapped => ["xsu", "ysu", "zsu"],
        }
    }

    /// The kind to read when several are dumped: unwrapped first, then scaled unwrapped, wrapped
    /// and scaled, each only when it has at least as many columns as the later ones (chemfiles'
    /// rule, so both readers pick the same columns).
    fn choose(columns: &[&str]) -> Option<Self> {
        let count = |c: Coordinates| c.names().iter().filter(|n| columns.contains(n)).count();
        let (w, s, u, su) = (
            count(Coordinates::Wrapped),
            count(Coordinates::Scaled),
            count(Coordinates::Unwrapped),
            count(Coordinates::ScaledUnwrapped),
        );
        if w + s + u + su == 0 {
            None
        } else if u >= su && u >= w && u >= s {
            Some(Coordinates::Unwrapped)
        } else if su >= w && su >= s {
            Some(Coordinates::ScaledUnwrapped)
        } else if w >= s {
            Some(Coordinates::Wrapped)
        } else {
            Some(Coordinates::Scaled)
        }
    }

    fn scaled(self) -> bool {
        matches!(self, Coordinates::Scaled | Coordinates::ScaledUnwrapped)
    }

    fn uses_images(self) -> bool {
        matches!(self, Coordinates::Wrapped | Coordinates::Scaled)
    }
}

/// Column positions of the fields vitrum reads.
struct Columns {
    count: usize,
    id: Option<usize>,
    label: Option<usize>,
    mass: Option<usize>,
    coordinates: Coordinates,
    xyz: [usize; 3],
    images: Option<[usize; 3]>,
}

struct FrameParser<'a, R> {
    path: &'a Path,
    frame: usize,
    reader: R,
    number: u64,
    remaining: u64,
    bytes: Vec<u8>,
    line: String,
}

impl<R: BufRead> FrameParser<'_, R> {
    fn error(&self, message: String) -> IoError {
        IoError::Malformed {
            path: self.path.to_path_buf(),
            frame: self.frame,
            message: format!("line {}: {message}", self.number),
        }
    }

    /// The next line, or an error saying what was expected where the file ends.
    fn next(&mut self, expected: &str) -> Result<String> {
        let n = read_line(&mut self.reader, &mut self.bytes, &mut self.line)
            .map_err(|e| IoError::os(self.path, e))?;
        self.number += 1;
        if n == 0 {
            return Err(self.error(format!(
                "the file ends inside the frame, where {expected} should be (truncated?)"
            )));
        }
        self.remaining = self.remaining.saturating_sub(n as u64);
        Ok(std::mem::take(&mut self.line))
    }

    /// The next line, which must be `ITEM: <name>...`; returns what follows `ITEM:`.
    fn item(&mut self, name: &str) -> Result<String> {
        let line = self.next(&format!("'ITEM: {name}'"))?;
        match item(&line) {
            Some(found) if found.starts_with(name) => Ok(found.to_string()),
            _ => Err(self.error(format!(
                "expected 'ITEM: {name}', found '{}'",
                shorten(&line)
            ))),
        }
    }

    fn number<T: std::str::FromStr>(&self, token: &str, what: &str) -> Result<T> {
        token.parse().map_err(|_| {
            self.error(format!(
                "{what} '{}' is not a number of the right kind",
                shorten(token)
            ))
        })
    }

    fn frame(&mut self) -> Result<RawFrame> {
        self.item("TIMESTEP")?;
        let step_line = self.next("the timestep")?;
        let step: u64 = self.number(step_line.trim(), "the timestep")?;

        self.item("NUMBER OF ATOMS")?;
        let n_line = self.next("the number of atoms")?;
        let n: u64 = self.number(n_line.trim(), "NUMBER OF ATOMS")?;
        if n == 0 {
            return Err(self.error("NUMBER OF ATOMS is 0; a frame needs atoms".into()));
        }

        let (matrix, origin) = self.cell()?;
        let columns = self.columns()?;
        // every atom row holds at least one character and a separator per column: a count the
        // rest of the file cannot hold is corrupt, refused before allocating for it
        let most = self.remaining / (2 * columns.count as u64);
        if n > most {
            return Err(self.error(format!(
                "NUMBER OF ATOMS is {n} but the {} bytes left in the file hold at most {most} \
                 rows of {} columns (truncated or corrupt file)",
                self.remaining, columns.count
            )));
        }
        self.atoms(n as usize, &columns, (matrix, origin), step)
    }

    /// `ITEM: BOX BOUNDS` and its three lines → the cell matrix and the box's lower corner
    /// (LAMMPS' `xlo_bound` etc. turned back into the box for a triclinic cell).
    fn cell(&mut self) -> Result<([[f64; 3]; 3], [f64; 3])> {
        let header = self.item("BOX BOUNDS")?;
        let triclinic = header.split_ascii_whitespace().any(|t| t == "xy");
        let want = if triclinic { 3 } else { 2 };
        let mut bounds = [[0.0f64; 3]; 3];
        for (axis, row) in bounds.iter_mut().enumerate() {
            let line = self.next("a line of BOX BOUNDS")?;
            let tokens: Vec<&str> = line.split_ascii_whitespace().collect();
            if tokens.len() != want {
                return Err(self.error(format!(
                    "{} values on BOX BOUNDS line {} where {want} are expected ({})",
                    tokens.len(),
                    axis + 1,
                    if triclinic { "lo hi tilt" } else { "lo hi" }
                )));
            }
            for (k, token) in tokens.iter().enumerate() {
                let value: f64 = self.number(token, "a box bound")?;
                if !value.is_finite() {
                    return Err(self.error(format!("box bound {token} is not finite")));
                }
                row[k] = value;
            }
        }
        let [[xlo_b, xhi_b, xy], [ylo_b, yhi_b, xz], [zlo, zhi, yz]] = bounds;
        let (mut xlo, mut xhi, mut ylo, mut yhi) = (xlo_b, xhi_b, ylo_b, yhi_b);
        if triclinic {
            // LAMMPS writes the bounding box: xlo_bound = xlo + min(0, xy, xz, xy + xz), ...
            let spread = [0.0, xy, xz, xy + xz];
            xlo -= spread.iter().cloned().fold(f64::MAX, f64::min);
            xhi -= spread.iter().cloned().fold(f64::MIN, f64::max);
            ylo -= yz.min(0.0);
            yhi -= yz.max(0.0);
        }
        let matrix = [
            [xhi - xlo, xy, xz],
            [0.0, yhi - ylo, yz],
            [0.0, 0.0, zhi - zlo],
        ];
        Ok((matrix, [xlo, ylo, zlo]))
    }

    fn columns(&mut self) -> Result<Columns> {
        let header = self.item("ATOMS")?;
        let names: Vec<&str> = header.split_ascii_whitespace().skip(1).collect();
        if names.is_empty() {
            return Err(self.error("'ITEM: ATOMS' names no columns".into()));
        }
        let find = |name: &str| names.iter().position(|n| *n == name);
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                return Err(self.error(format!("column '{name}' appears twice in ITEM: ATOMS")));
            }
        }
        let Some(coordinates) = Coordinates::choose(&names) else {
            return Err(self.error(format!(
                "ITEM: ATOMS has no coordinate columns (x y z, xu yu zu, xs ys zs or xsu ysu \
                 zsu); found: {}",
                shorten(&names.join(" "))
            )));
        };
        let mut xyz = [0usize; 3];
        for (k, name) in coordinates.names().iter().enumerate() {
            xyz[k] = find(name).ok_or_else(|| {
                self.error(format!(
                    "ITEM: ATOMS has {} but no '{name}' column",
                    coordinates
                        .names()
                        .iter()
                        .filter(|n| find(n).is_some())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" ")
                ))
            })?;
        }
        let images = match (find("ix"), find("iy"), find("iz")) {
            (Some(x), Some(y), Some(z)) => Some([x, y, z]),
            (None, None, None) => None,
            _ => {
                return Err(self.error(
                    "ITEM: ATOMS has some of the image flags ix iy iz but not all three".into(),
                ));
            }
        };
        Ok(Columns {
            count: names.len(),
            id: find("id"),
            label: find("type").or_else(|| find("element")),
            mass: find("mass"),
            coordinates,
            xyz,
            images,
        })
    }

    fn atoms(
        &mut self,
        n: usize,
        columns: &Columns,
        (matrix, origin): ([[f64; 3]; 3], [f64; 3]),
        step: u64,
    ) -> Result<RawFrame> {
        let mut positions = vec![[0.0f64; 3]; n];
        let mut labels = vec![String::new(); n];
        let mut masses = vec![None; n];
        let mut seen = vec![false; n];
        for row in 0..n {
            let line = self.next(&format!("atom row {} of {n}", row + 1))?;
            let tokens: Vec<&str> = line.split_ascii_whitespace().collect();
            if tokens.len() != columns.count {
                return Err(self.error(format!(
                    "{} values for the {} columns of ITEM: ATOMS",
                    tokens.len(),
                    columns.count
                )));
            }
            let atom = match columns.id {
                None => row,
                Some(c) => {
                    let id: u64 = tokens[c].parse().map_err(|_| {
                        self.error(format!(
                            "atom id '{}' is not a positive whole number; ids must number the \
                             atoms from 1",
                            shorten(tokens[c])
                        ))
                    })?;
                    if !(1..=n as u64).contains(&id) {
                        return Err(self.error(format!(
                            "atom id {id} is outside 1..={n} (the frame's NUMBER OF ATOMS); ids \
                             must number the atoms from 1"
                        )));
                    }
                    let atom = (id - 1) as usize;
                    if std::mem::replace(&mut seen[atom], true) {
                        return Err(self.error(format!("atom id {id} appears twice")));
                    }
                    atom
                }
            };
            for k in 0..3 {
                positions[atom][k] = self.number(tokens[columns.xyz[k]], "a coordinate")?;
            }
            if let Some(c) = columns.label {
                labels[atom] = tokens[c].to_string();
            }
            if let Some(c) = columns.mass {
                masses[atom] = Some(self.number(tokens[c], "a mass")?);
            }
            if columns.coordinates.scaled() {
                // x = xlo + xs·lx + ys·xy + zs·xz, and so on (LAMMPS' definition), so scaled
                // and Cartesian columns give the same positions
                let s = mat_vec(&matrix, positions[atom]);
                positions[atom] = std::array::from_fn(|k| origin[k] + s[k]);
            }
            if let Some(c) = columns.images
                && columns.coordinates.uses_images()
            {
                let mut image = [0.0f64; 3];
                for k in 0..3 {
                    let flag: i64 = self.number(tokens[c[k]], "an image flag")?;
                    image[k] = flag as f64;
                }
                let shift = mat_vec(&matrix, image);
                for k in 0..3 {
                    positions[atom][k] += shift[k];
                }
            }
        }
        Ok(RawFrame {
            step,
            positions,
            labels,
            masses,
            matrix,
        })
    }
}

fn mat_vec(m: &[[f64; 3]; 3], v: [f64; 3]) -> [f64; 3] {
    std::array::from_fn(|i| m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2])
}

/// A field quoted in an error, cut to a readable length.
fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}
