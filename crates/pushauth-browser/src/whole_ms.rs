//! Rounding a non-negative `f64` to a whole `u32`, and a capped geometric series, without
//! std: `core` has no `round`, `ceil` or `powi` on stable Rust, and the shipped SDK is built
//! without std (see `lib.rs`). Every value here is a delay or a position in pixels: never
//! negative, far below 2^32 (a NaN reads as 0, a negative value as 0, a huge one as `u32::MAX`,
//! as `as u32` does).

#[cfg(test)]
mod tests;

/// `x` rounded half up, as a `u32`. For `x ≥ 0.5` this equals `f64::round` (adding 0.5 to a
/// number of at least 0.5 and below 2^52 is exact, so `floor(x + 0.5)` is the rounded value).
pub fn round(x: f64) -> u32 {
    (x + 0.5) as u32
}

/// The smallest whole number not below `x`, as a `u32`.
pub fn ceil(x: f64) -> u32 {
    let truncated = x as u32;
    if f64::from(truncated) < x {
        truncated.saturating_add(1)
    } else {
        truncated
    }
}

/// `min(first × factor^n, max)` for `factor ≥ 1`: multiplied step by step, stopping at `max`
/// (for the schedules here every step is exact: 1,000 × 1.25^n below 2,000, and 1,000 × 2^n).
pub fn grown(first: f64, factor: f64, n: u32, max: f64) -> f64 {
    let mut value = first.min(max);
    for _ in 0..n {
        if value >= max {
            break;
        }
        value = (value * factor).min(max);
    }
    value
}
