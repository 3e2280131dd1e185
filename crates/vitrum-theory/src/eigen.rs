//! Dense symmetric eigen-decomposition with LAPACK `dsyevd` (divide and conquer), the routine
//! numpy's `eigvalsh`/`eigh` call. ndarray-linalg's `eigh`/`eigvalsh` call `dsyev`, which is
//! slower with vectors; we call `dsyevd` through the same `lapack-sys` bindings and OpenBLAS
//! that ndarray-linalg links, and use ndarray-linalg as an independent check in the tests.

use crate::error::{Result, TheoryError};
use ndarray::Array2;
use std::os::raw::c_char;

fn dsyevd(mut a: Array2<f64>, vectors: bool) -> Result<(Vec<f64>, Option<Array2<f64>>)> {
    let n = a.nrows();
    if a.ncols() != n {
        return Err(TheoryError::Invalid(
            "eigendecomposition needs a square matrix".into(),
        ));
    }
    if n == 0 {
        return Ok((Vec::new(), vectors.then(|| Array2::zeros((0, 0)))));
    }
    let ni =
        i32::try_from(n).map_err(|_| TheoryError::Invalid("matrix too large for LAPACK".into()))?;
    if !a.is_standard_layout() {
        a = a.as_standard_layout().into_owned();
    }
    let jobz: c_char = if vectors {
        b'V' as c_char
    } else {
        b'N' as c_char
    };
    // Row-major storage of a symmetric matrix read as column-major is the same matrix; its
    // lower triangle in LAPACK's view is the upper triangle of ours (both are filled).
    let uplo = b'L' as c_char;
    let mut w = vec![0.0f64; n];
    let mut info = 0i32;
    let data = a.as_slice_mut().expect("standard layout");
    // workspace query
    let mut work_q = 0.0f64;
    let mut iwork_q = 0i32;
    let (mut lwork, mut liwork) = (-1i32, -1i32);
    unsafe {
        lapack_sys::dsyevd_(
            &jobz,
            &uplo,
            &ni,
            data.as_mut_ptr(),
            &ni,
            w.as_mut_ptr(),
            &mut work_q,
            &lwork,
            &mut iwork_q,
            &liwork,
            &mut info,
        );
    }
    if info != 0 {
        return Err(TheoryError::Lapack {
            routine: "dsyevd",
            info,
        });
    }
    lwork = work_q as i32;
    liwork = iwork_q;
    let mut work = vec![0.0f64; lwork.max(1) as usize];
    let mut iwork = vec![0i32; liwork.max(1) as usize];
    unsafe {
        lapack_sys::dsyevd_(
            &jobz,
            &uplo,
            &ni,
            data.as_mut_ptr(),
            &ni,
            w.as_mut_ptr(),
            work.as_mut_ptr(),
            &lwork,
            iwork.as_mut_ptr(),
            &liwork,
            &mut info,
        );
    }
    if info != 0 {
        return Err(TheoryError::Lapack {
            routine: "dsyevd",
            info,
        });
    }
    // LAPACK wrote eigenvectors as columns of a column-major matrix, i.e. rows of ours
    let vecs = vectors.then(|| a.reversed_axes().as_standard_layout().into_owned());
    Ok((w, vecs))
}

/// Eigenvalues of a symmetric matrix, ascending (the matrix is consumed as workspace).
pub fn eigvalsh(a: Array2<f64>) -> Result<Vec<f64>> {
    Ok(dsyevd(a, false)?.0)
}

/// Eigenvalues (ascending) and orthonormal eigenvectors as the columns of the returned matrix.
pub fn eigh(a: Array2<f64>) -> Result<(Vec<f64>, Array2<f64>)> {
    let (w, v) = dsyevd(a, true)?;
    Ok((w, v.expect("vectors requested")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray_linalg::{EigValsh, UPLO};

    fn test_matrix(n: usize) -> Array2<f64> {
        let mut m = Array2::from_shape_fn((n, n), |(i, j)| ((i * 7 + j * 3) as f64).sin());
        let t = m.t().to_owned();
        m += &t;
        m
    }

    #[test]
    fn dsyevd_agrees_with_ndarray_linalg_and_vectors_diagonalise() {
        let a = test_matrix(40);
        let w = eigvalsh(a.clone()).unwrap();
        let w_ref = a.eigvalsh(UPLO::Lower).unwrap();
        for (x, y) in w.iter().zip(w_ref.iter()) {
            assert!((x - y).abs() < 1e-12 * w_ref[39].abs().max(1.0));
        }
        let (w2, v) = eigh(a.clone()).unwrap();
        let av = a.dot(&v);
        for k in 0..40 {
            for i in 0..40 {
                assert!((av[[i, k]] - w2[k] * v[[i, k]]).abs() < 1e-11);
            }
        }
    }
}
