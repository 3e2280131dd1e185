//! OpenBLAS threads against rayon's. Commands that run many small LAPACK calls in parallel (one
//! eigendecomposition per glass, one factorisation per fold) already keep every core busy with
//! rayon; OpenBLAS threads on top of that only oversubscribe the cores (measured: the demo's 150
//! glasses took 53 s with OpenBLAS's default threads against 40 s with one, on 2 cores).

use std::os::raw::c_int;

unsafe extern "C" {
    /// From the system OpenBLAS that vitrum links (openblas-src, feature `system`).
    fn openblas_set_num_threads(n: c_int);
}

/// One OpenBLAS thread, unless the user chose a number with `OPENBLAS_NUM_THREADS`.
pub fn single_threaded_unless_set() {
    if std::env::var_os("OPENBLAS_NUM_THREADS").is_none() {
        // SAFETY: a plain setter of OpenBLAS's thread count, called before any parallel work.
        unsafe { openblas_set_num_threads(1) };
    }
}
