//! Settings the browser needs, sent by the server inside the page.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientConfig {
    /// Every call gives up after this long.
    pub request_timeout_ms: u64,
    /// Extra attempts after the first, for transient failures.
    pub retries: u32,
    /// First back-off delay; doubled per attempt, with jitter.
    pub retry_base_ms: u64,
    /// IANA time zone of the plant, e.g. `Africa/Johannesburg`.
    pub plant_time_zone: String,
    pub plant_name: String,
}

/// The defaults of the settings the browser sees: the one place they are
/// written. The server's configuration starts from these.
impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            request_timeout_ms: 10_000,
            retries: 3,
            retry_base_ms: 300,
            plant_time_zone: "Africa/Johannesburg".into(),
            plant_name: "Shopfloor demo plant".into(),
        }
    }
}

/// Delay before retry number `attempt` (1-based): base × 2^(attempt-1), capped
/// at 8 s, scaled by a jitter factor in [0.5, 1.0] so clients do not retry in step.
pub fn backoff_ms(base_ms: u64, attempt: u32, jitter_unit: f64) -> u64 {
    let exp = base_ms
        .saturating_mul(1u64 << attempt.saturating_sub(1).min(16))
        .min(8_000);
    let j = 0.5 + 0.5 * jitter_unit.clamp(0.0, 1.0);
    (exp as f64 * j) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        assert_eq!(backoff_ms(300, 1, 1.0), 300);
        assert_eq!(backoff_ms(300, 2, 1.0), 600);
        assert_eq!(backoff_ms(300, 3, 0.0), 600);
        assert_eq!(backoff_ms(300, 20, 1.0), 8_000);
    }
}
