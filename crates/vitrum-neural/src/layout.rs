//! How the CNN reads the feature columns as channels. The facade stores what the columns
//! measure in [`FittedAxes::features`] (its `FeatureDescription`), whose `channels` lists the
//! species pairs when the feature block is the partials g_ab side by side (`["A-A", "A-B",
//! "B-B"]`, each on the same r points). So:
//!
//! 1. `features.channels` with C ≥ 2 names that divide the columns evenly → C channels;
//! 2. else a feature grid that starts again C times (r restarts at the first point: partials
//!    concatenated by a caller that gave no description) → C channels;
//! 3. else one channel (the total g(r), or any other feature vector).
//!
//! The MLP ignores the layout (it sees every column at once).

use vitrum_regress::FittedAxes;

/// Channels of the feature columns (see the module doc); always divides `n_features`.
pub fn channels(axes: &FittedAxes, n_features: usize) -> usize {
    let described = axes
        .features
        .as_ref()
        .and_then(|f| f.get("channels"))
        .and_then(|c| c.as_array())
        .map_or(0, |c| c.len());
    if described >= 2 && n_features.is_multiple_of(described) {
        return described;
    }
    if let Some(grid) = &axes.feature {
        let first = grid.first().copied();
        let restarts = grid
            .iter()
            .skip(1)
            .zip(grid.iter())
            .filter(|(now, before)| now < before)
            .count();
        let c = restarts + 1;
        if c >= 2 && n_features.is_multiple_of(c) && first.is_some() {
            let len = n_features / c;
            let same = (1..c).all(|k| {
                grid.slice(ndarray::s![k * len..(k + 1) * len]) == grid.slice(ndarray::s![..len])
            });
            if same {
                return c;
            }
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    #[test]
    fn reads_channels_from_the_description_or_a_restarting_grid() {
        let plain = FittedAxes::default();
        assert_eq!(channels(&plain, 200), 1);
        let described = FittedAxes {
            features: Some(
                serde_json::json!({"kind": "partial-rdf", "channels": ["A-A", "A-B", "B-B"]}),
            ),
            ..Default::default()
        };
        assert_eq!(channels(&described, 600), 3);
        // 3 names that do not divide the columns: not trusted
        assert_eq!(channels(&described, 200), 1);
        let r: Vec<f64> = (0..4).map(|i| i as f64).collect();
        let repeated = FittedAxes {
            feature: Some(Array1::from_iter(r.iter().chain(&r).copied())),
            ..Default::default()
        };
        assert_eq!(channels(&repeated, 8), 2);
        let monotone = FittedAxes {
            feature: Some(Array1::linspace(0.0, 1.0, 8)),
            ..Default::default()
        };
        assert_eq!(channels(&monotone, 8), 1);
    }
}
