//! Tensors in model files: name, shape and the values as base64 of little-endian f32, so a
//! reloaded model holds exactly the trained bits (decimal JSON numbers would round) and a file
//! stays a quarter of the size of a decimal listing.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};
use vitrum_regress::{RegressError, Result};

/// One named f32 tensor as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredTensor {
    pub name: String,
    pub shape: Vec<usize>,
    /// base64 (standard alphabet, padded) of the values, row-major, little-endian f32.
    pub data: String,
}

impl StoredTensor {
    /// From a tensor's values (any dtype convertible to f32; the networks are f32 throughout).
    pub fn of(name: &str, t: &Tensor) -> Result<Self> {
        let values: Vec<f32> = t.flatten_all().and_then(|f| f.to_vec1()).map_err(candle)?;
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        Ok(StoredTensor {
            name: name.to_string(),
            shape: t.dims().to_vec(),
            data: STANDARD.encode(bytes),
        })
    }

    /// The values, checked against the shape.
    pub fn values(&self) -> Result<Vec<f32>> {
        let bytes = STANDARD.decode(&self.data).map_err(|e| {
            RegressError::BadModel(format!("tensor '{}': data is not base64: {e}", self.name))
        })?;
        let n: usize = self.shape.iter().product();
        if bytes.len() != 4 * n {
            return Err(RegressError::BadModel(format!(
                "tensor '{}' of shape {:?} needs {} bytes of f32, found {}",
                self.name,
                self.shape,
                4 * n,
                bytes.len()
            )));
        }
        let values: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(RegressError::BadModel(format!(
                "tensor '{}' holds a non-finite value at flat index {i}",
                self.name
            )));
        }
        Ok(values)
    }

    /// As a CPU tensor.
    pub fn tensor(&self) -> Result<Tensor> {
        Tensor::from_vec(self.values()?, self.shape.as_slice(), &Device::Cpu).map_err(candle)
    }
}

/// A candle error as this workspace's error type.
pub fn candle(e: candle_core::Error) -> RegressError {
    RegressError::Backend {
        backend: "candle",
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_bits_and_refuses_bad_data() {
        let v = vec![1.0f32, -0.1, f32::MIN_POSITIVE, 3.4e38, 0.0, -0.0];
        let t = Tensor::from_vec(v.clone(), (2, 3), &Device::Cpu).unwrap();
        let s = StoredTensor::of("w", &t).unwrap();
        let back = s.values().unwrap();
        assert_eq!(
            back.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            v.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
        let mut short = s.clone();
        short.shape = vec![2, 4];
        assert!(short.values().unwrap_err().to_string().contains("32 bytes"));
        let mut junk = s;
        junk.data = "*not base64*".into();
        assert!(junk.values().is_err());
    }
}
