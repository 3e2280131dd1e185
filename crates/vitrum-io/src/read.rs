//! Reading configurations: LAMMPS dumps by vitrum's own reader ([`crate::lammps_dump`]), every other format
//! through chemfiles, with the checks every format shares.

use crate::cell::{Cell, Dim};
use crate::configuration::{Configuration, Species, species_order};
use crate::error::{IoError, Result};
use crate::frames::FrameSelection;
use crate::lammps_dump::DumpFile;
use std::path::{Path, PathBuf};

/// How to read a file. The default reads every frame, guesses the format from the extension and
/// the dimension from the coordinates.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// A chemfiles format name ("LAMMPS", "LAMMPS Data", "XYZ", ...) or one of vitrum's aliases
    /// (`lammps-dump`, `lammps-data`, `xyz`, `extxyz`); None guesses from the extension.
    pub format: Option<String>,
    /// None: 2D when every z coordinate of the first selected frame is equal, else 3D.
    pub dim: Option<Dim>,
    pub frames: FrameSelection,
}

/// How the dimension of a frame was decided, for reporting to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DimSource {
    Explicit,
    AutoFlatZ,
    AutoVaryingZ,
}

impl std::fmt::Display for DimSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DimSource::Explicit => "as requested",
            DimSource::AutoFlatZ => "auto: every z coordinate is equal",
            DimSource::AutoVaryingZ => "auto: z coordinates vary",
        })
    }
}

/// Extension → chemfiles format, for the extensions chemfiles does not know itself.
/// Cell widths beyond which a coordinate counts as corrupt (10⁶: a wrapped position then keeps
/// at most 10 of its 16 digits; unwrapped trajectories stay far below).
const FAR_OUTSIDE: f64 = 1e6;

const EXTENSIONS: &[(&str, &str)] = &[
    ("dump", "LAMMPS"),
    ("lammpstrj", "LAMMPS"),
    ("lammpsdump", "LAMMPS"),
    ("data", "LAMMPS Data"),
    ("lmp", "LAMMPS Data"),
    ("xyz", "XYZ"),
    ("extxyz", "XYZ"),
];

const ALIASES: &[(&str, &str)] = &[
    ("lammps-dump", "LAMMPS"),
    ("lammps", "LAMMPS"),
    ("dump", "LAMMPS"),
    ("lammps-data", "LAMMPS Data"),
    ("data", "LAMMPS Data"),
    ("xyz", "XYZ"),
    ("extxyz", "XYZ"),
];

fn known_formats_text() -> String {
    "lammps-dump, lammps-data, xyz, extxyz".to_string()
}

/// Resolves the chemfiles format name for `path`.
pub fn resolve_format(path: &Path, requested: Option<&str>) -> Result<String> {
    if let Some(req) = requested {
        let lower = req.to_ascii_lowercase();
        if let Some((_, f)) = ALIASES.iter().find(|(a, _)| *a == lower) {
            return Ok((*f).to_string());
        }
        let known = chemfiles::formats_list();
        if let Some(f) = known
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(req) && f.read)
        {
            return Ok(f.name.to_string());
        }
        return Err(IoError::UnknownFormat {
            path: path.to_path_buf(),
            found: req.to_string(),
            known: known_formats_text(),
        });
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    if let Some((_, f)) = EXTENSIONS.iter().find(|(e, _)| *e == ext) {
        return Ok((*f).to_string());
    }
    let path_str = path.to_string_lossy();
    match chemfiles::guess_format(path_str.as_ref()) {
        Ok(f) if !f.is_empty() => Ok(f),
        _ => Err(IoError::UnknownFormat {
            path: path.to_path_buf(),
            found: if ext.is_empty() {
                "(no extension)".into()
            } else {
                format!(".{ext}")
            },
            known: known_formats_text(),
        }),
    }
}

/// An open configuration file: frames are read one at a time, so long trajectories stream.
pub struct ConfigurationReader {
    path: PathBuf,
    format: String,
    source: Source,
    n_frames: usize,
    selected: Vec<usize>,
    dim: Option<Dim>,
}

/// What reads the frames: vitrum's own LAMMPS dump reader, or chemfiles for every other format.
enum Source {
    LammpsDump(DumpFile),
    Chemfiles(chemfiles::Trajectory),
}

/// A frame as read, before the checks every format shares: what both the LAMMPS dump reader and
/// the chemfiles adapter produce.
pub(crate) struct RawFrame {
    pub step: u64,
    pub positions: Vec<[f64; 3]>,
    /// Cell vectors as columns: a = (lx, 0, 0), b = (xy, ly, 0), c = (xz, yz, lz) for LAMMPS.
    pub matrix: [[f64; 3]; 3],
    pub labels: Vec<String>,
    pub masses: Vec<Option<f64>>,
}

impl RawFrame {
    fn from_chemfiles(frame: &chemfiles::Frame) -> Self {
        let n = frame.size();
        let (mut labels, mut masses) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for i in 0..n {
            let atom = frame.atom(i);
            let t = atom.atomic_type();
            labels.push(if t.is_empty() { atom.name() } else { t });
            masses.push(Some(atom.mass()));
        }
        RawFrame {
            step: frame.step() as u64,
            positions: frame.positions().to_vec(),
            matrix: frame.cell().matrix(),
            labels,
            masses,
        }
    }
}

impl std::fmt::Debug for ConfigurationReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigurationReader")
            .field("path", &self.path)
            .field("format", &self.format)
            .field("n_frames", &self.n_frames)
            .finish()
    }
}

/// Formats that are text: their bytes must be UTF-8, which chemfiles' Rust binding assumes of
/// every message quoting the file (a stray byte there is a panic, not an error).
const TEXT_FORMATS: &[&str] = &[
    "LAMMPS",
    "LAMMPS Data",
    "XYZ",
    "PDB",
    "GRO",
    "CIF",
    "mmCIF",
    "MOL2",
    "SDF",
    "SMI",
    "CML",
];

enum Utf8Check {
    Os(std::io::Error),
    Invalid { offset: u64, line: u64 },
}

/// Streams the file once, checking that it is UTF-8 (sequences split across reads carried over).
fn check_utf8(path: &Path) -> std::result::Result<(), Utf8Check> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(Utf8Check::Os)?;
    let mut buf = vec![0u8; 1 << 20];
    let (mut carry, mut offset, mut line) = (0usize, 0u64, 1u64);
    loop {
        let n = file.read(&mut buf[carry..]).map_err(Utf8Check::Os)?;
        let len = carry + n;
        let chunk = &buf[..len];
        let valid = match std::str::from_utf8(chunk) {
            Ok(_) => len,
            Err(e) if e.error_len().is_none() && n > 0 => e.valid_up_to(),
            Err(e) => {
                let bad = e.valid_up_to();
                let lines = chunk[..bad].iter().filter(|&&b| b == b'\n').count() as u64;
                return Err(Utf8Check::Invalid {
                    offset: offset + bad as u64,
                    line: line + lines,
                });
            }
        };
        line += chunk[..valid].iter().filter(|&&b| b == b'\n').count() as u64;
        offset += valid as u64;
        if n == 0 {
            return Ok(());
        }
        buf.copy_within(valid..len, 0);
        carry = len - valid;
    }
}

/// Runs a chemfiles call, turning a panic of its Rust binding (it panics where the C++ library
/// reports some failures) into the panic's message.
fn catch_chemfiles<T>(call: impl FnOnce() -> T) -> std::result::Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unreadable file".into())
            .replace("unexpected failure: ", "")
    })
}

/// chemfiles reports some problems both as a warning and as an error; warnings are held here and
/// printed only when no error repeats them.
static WARNINGS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn install_warning_sink() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        chemfiles::set_warning_callback(|message: &str| {
            if let Ok(mut w) = WARNINGS.lock() {
                w.push(message.to_string());
            }
        });
    });
}

/// Prints the held warnings that `error` (if any) does not already say.
fn flush_warnings(error: Option<&str>) {
    let held = WARNINGS
        .lock()
        .map(|mut w| std::mem::take(&mut *w))
        .unwrap_or_default();
    for message in held {
        if error.is_none_or(|e| !e.contains(&message)) {
            eprintln!("warning (chemfiles): {message}");
        }
    }
}

/// Runs a chemfiles call and prints the warnings it raised that its error does not repeat.
fn with_warnings<T>(call: impl FnOnce() -> Result<T>) -> Result<T> {
    let result = call();
    let text = result.as_ref().err().map(|e| e.to_string());
    flush_warnings(text.as_deref());
    result
}

impl ConfigurationReader {
    /// Opens `path`, counts its frames and resolves the frame selection.
    pub fn open(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Self> {
        install_warning_sink();
        let path = path.as_ref().to_path_buf();
        with_warnings(|| Self::open_inner(path, options))
    }

    fn open_inner(path: PathBuf, options: &ReadOptions) -> Result<Self> {
        let meta = std::fs::metadata(&path).map_err(|e| IoError::os(&path, e))?;
        if meta.is_dir() {
            return Err(IoError::Malformed {
                path,
                frame: 0,
                message: "is a directory, not a configuration file".into(),
            });
        }
        let format = resolve_format(&path, options.format.as_deref())?;
        let malformed = |message: String| IoError::Malformed {
            path: path.clone(),
            frame: 0,
            message,
        };
        if meta.len() == 0 {
            return Err(malformed("the file is empty".into()));
        }
        if TEXT_FORMATS.contains(&format.as_str()) {
            check_utf8(&path).map_err(|e| match e {
                Utf8Check::Os(e) => IoError::os(&path, e),
                Utf8Check::Invalid { offset, line } => malformed(format!(
                    "byte {offset} (line {line}) is not UTF-8 text: a binary or corrupt file, \
                     not {format}"
                )),
            })?;
        }
        let (source, n_frames) = if format == "LAMMPS" {
            let dump = DumpFile::open(&path)?;
            let n = dump.n_frames();
            (Source::LammpsDump(dump), n)
        } else {
            let path_str = path.to_string_lossy().to_string();
            let mut trajectory = catch_chemfiles(|| {
                chemfiles::Trajectory::open_with_format(&path_str, 'r', format.as_str())
            })
            .map_err(malformed)?
            .map_err(|e| malformed(e.message))?;
            // chemfiles' Rust binding panics where the C++ library reports a scanning error;
            // turn that into an error that names the file.
            let n = catch_chemfiles(|| trajectory.nsteps()).map_err(malformed)?;
            (Source::Chemfiles(trajectory), n)
        };
        if n_frames == 0 {
            return Err(malformed(
                "no frame could be read (is the file truncated?)".into(),
            ));
        }
        let selected = options.frames.resolve(n_frames, &path)?;
        Ok(ConfigurationReader {
            path,
            format,
            source,
            n_frames,
            selected,
            dim: options.dim,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The chemfiles format name in use.
    pub fn format(&self) -> &str {
        &self.format
    }

    /// Frames in the file.
    pub fn n_frames(&self) -> usize {
        self.n_frames
    }

    /// Indices of the selected frames, in reading order.
    pub fn selected(&self) -> &[usize] {
        &self.selected
    }

    /// Reads frame `index` of the file (any index, not only selected ones).
    pub fn read_frame(&mut self, index: usize) -> Result<(Configuration, DimSource)> {
        with_warnings(|| self.read_frame_inner(index))
    }

    fn read_frame_inner(&mut self, index: usize) -> Result<(Configuration, DimSource)> {
        let malformed = |message: String| IoError::Malformed {
            path: self.path.clone(),
            frame: index,
            message,
        };
        let raw = match &mut self.source {
            Source::LammpsDump(dump) => dump.read(index)?,
            Source::Chemfiles(trajectory) => {
                let mut frame = chemfiles::Frame::new();
                catch_chemfiles(|| trajectory.read_step(index, &mut frame))
                    .map_err(malformed)?
                    .map_err(|e| malformed(e.message))?;
                catch_chemfiles(|| RawFrame::from_chemfiles(&frame)).map_err(malformed)?
            }
        };
        self.convert(raw, index)
    }

    /// Reads every selected frame.
    pub fn read_selected(&mut self) -> Result<Vec<(Configuration, DimSource)>> {
        let selected = self.selected.clone();
        selected.into_iter().map(|i| self.read_frame(i)).collect()
    }

    /// The checks every format shares: finite coordinates, the dimension, a cell with a
    /// positive measure, no coordinate absurdly far outside it; then species in order.
    fn convert(&self, raw: RawFrame, index: usize) -> Result<(Configuration, DimSource)> {
        let path = &self.path;
        let RawFrame {
            step,
            positions,
            matrix,
            labels,
            masses,
        } = raw;
        for (atom, p) in positions.iter().enumerate() {
            if let Some(&value) = p.iter().find(|v| !v.is_finite()) {
                return Err(IoError::NonFinite {
                    path: path.clone(),
                    frame: index,
                    atom,
                    id: atom + 1,
                    value,
                });
            }
        }
        let cell = Cell {
            matrix,
            origin: [0.0; 3],
        };

        let (dim, source) = match self.dim {
            Some(d) => (d, DimSource::Explicit),
            None => {
                let z0 = positions.first().map(|p| p[2]).unwrap_or(0.0);
                if positions.iter().all(|p| p[2] == z0) {
                    (Dim::Two, DimSource::AutoFlatZ)
                } else {
                    (Dim::Three, DimSource::AutoVaryingZ)
                }
            }
        };
        let check_dim = |message: String| IoError::BadDimension {
            path: path.clone(),
            message: format!("frame {index}: {message}"),
        };
        if dim == Dim::Two {
            let m = &cell.matrix;
            if m[2][0] != 0.0 || m[2][1] != 0.0 || m[0][2] != 0.0 || m[1][2] != 0.0 {
                return Err(check_dim(
                    "a 2D configuration needs cell vectors a, b in the xy plane and c along z \
                     (found a tilt involving z); use --dim 3"
                        .into(),
                ));
            }
            let z0 = positions.first().map(|p| p[2]).unwrap_or(0.0);
            if positions.iter().any(|p| p[2] != z0) {
                return Err(check_dim(
                    "--dim 2 was requested but the z coordinates vary; use --dim 3".into(),
                ));
            }
        }
        let measure = cell.measure(dim);
        if !(measure.is_finite() && measure > 0.0) {
            return Err(IoError::BadCell {
                path: path.clone(),
                frame: index,
                what: if dim == Dim::Two { "area" } else { "volume" },
                value: measure,
            });
        }
        // a coordinate a million cell widths away (1e308 in a cell of 10) wraps to a position
        // with no significant digit left: refused, not silently wrapped
        let width = cell
            .perpendicular_widths(dim)
            .into_iter()
            .fold(f64::INFINITY, f64::min);
        for (atom, p) in positions.iter().enumerate() {
            if let Some(&value) = p.iter().find(|v| v.abs() > FAR_OUTSIDE * width) {
                return Err(IoError::FarOutside {
                    path: path.clone(),
                    frame: index,
                    atom,
                    id: atom + 1,
                    value,
                    cells: value.abs() / width,
                });
            }
        }

        let order = species_order(&labels);
        let types: Vec<usize> = labels
            .iter()
            .map(|l| {
                order
                    .iter()
                    .position(|o| o == l)
                    .expect("label is in the order")
            })
            .collect();
        let species = order
            .iter()
            .enumerate()
            .map(|(s, label)| {
                let mass = types
                    .iter()
                    .position(|&t| t == s)
                    .and_then(|i| masses[i])
                    .filter(|m| m.is_finite() && *m > 0.0);
                Species {
                    label: label.clone(),
                    mass,
                }
            })
            .collect();
        let config = Configuration {
            positions,
            types,
            species,
            cell,
            dim,
            frame: index,
            step: Some(step),
        };
        Ok((config, source))
    }
}

/// Reads the selected frames of `path` in one call.
pub fn read_configurations(
    path: impl AsRef<Path>,
    options: &ReadOptions,
) -> Result<Vec<Configuration>> {
    let mut reader = ConfigurationReader::open(path, options)?;
    Ok(reader
        .read_selected()?
        .into_iter()
        .map(|(c, _)| c)
        .collect())
}

/// Reads one frame (the first selected one) of `path`.
pub fn read_configuration(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Configuration> {
    let mut reader = ConfigurationReader::open(path, options)?;
    let first = reader.selected()[0];
    Ok(reader.read_frame(first)?.0)
}
