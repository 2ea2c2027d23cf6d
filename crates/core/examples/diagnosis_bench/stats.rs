//! Mean and percentiles of repeated timings: one diagnosis is too short and too noisy on a
//! shared machine to read from a single run.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::Serialize;

/// Summary of the durations of one operation, in microseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Summary {
    pub mean: f64,
    pub p50: f64,
    pub p99: f64,
    pub iterations: usize,
}

impl Summary {
    /// Nearest-rank percentiles, so that every reported figure is a measured one.
    pub fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        let micros = |d: Duration| d.as_secs_f64() * 1e6;
        let rank = |p: f64| {
            let n = samples.len();
            let i = ((p * n as f64).ceil() as usize).clamp(1, n.max(1)) - 1;
            samples.get(i).copied().map_or(f64::NAN, micros)
        };
        let total: Duration = samples.iter().sum();
        Self {
            mean: micros(total) / samples.len().max(1) as f64,
            p50: rank(0.50),
            p99: rank(0.99),
            iterations: samples.len(),
        }
    }
}

/// At least this many timed runs, whatever the time budget.
const MIN_ITERATIONS: usize = 5;

/// Runs `operation` a few times untimed (caches, branch predictors, allocator), then times
/// each run separately: `iterations` of them, or fewer when they would take longer than
/// `budget` (a diagnosis that must consider every question can take far longer than one
/// that has little left to ask).
pub fn measure<T>(
    iterations: usize,
    budget: Duration,
    mut operation: impl FnMut() -> T,
) -> Summary {
    let began = Instant::now();
    for _ in 0..iterations.div_ceil(10).min(20) {
        black_box(operation());
        if began.elapsed() > budget / 10 {
            break;
        }
    }
    let began = Instant::now();
    let mut samples = Vec::with_capacity(iterations);
    while samples.len() < iterations && (samples.len() < MIN_ITERATIONS || began.elapsed() < budget)
    {
        let start = Instant::now();
        black_box(operation());
        samples.push(start.elapsed());
    }
    Summary::of(samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_measured_samples_by_nearest_rank() {
        let samples = (1..=100).map(Duration::from_micros).collect();
        let summary = Summary::of(samples);
        assert_eq!(summary.p50, 50.0);
        assert_eq!(summary.p99, 99.0);
        assert_eq!(summary.mean, 50.5);
    }
}
