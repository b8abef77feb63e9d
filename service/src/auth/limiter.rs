//! Counting failed sign-ins.

use domain::AppError;
use std::collections::HashMap;
use std::sync::Mutex;

/// Counts failed sign-ins per username and per client address in a sliding
/// window, refusing further attempts once over the limit.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, i64)>>,
}

impl LoginLimiter {
    const WINDOW_MS: i64 = 15 * 60_000;
    const PER_USER: u32 = 5;
    const PER_ADDR: u32 = 20;

    fn keys(username: &str, addr: &str) -> [(String, u32); 2] {
        [
            (format!("u:{username}"), Self::PER_USER),
            (format!("a:{addr}"), Self::PER_ADDR),
        ]
    }

    pub fn check(&self, username: &str, addr: &str, now: i64) -> Result<(), AppError> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, limit) in Self::keys(username, addr) {
            if let Some((count, start)) = map.get(&key) {
                if *count >= limit && now - start < Self::WINDOW_MS {
                    let retry_after_s = ((start + Self::WINDOW_MS - now) / 1000).max(1) as u64;
                    return Err(AppError::RateLimited { retry_after_s });
                }
            }
        }
        Ok(())
    }

    pub fn record_failure(&self, username: &str, addr: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in Self::keys(username, addr) {
            let e = map.entry(key).or_insert((0, now));
            if now - e.1 >= Self::WINDOW_MS {
                *e = (0, now);
            }
            e.0 += 1;
        }
        if map.len() > 100_000 {
            map.retain(|_, (_, start)| now - *start < Self::WINDOW_MS);
        }
    }

    pub fn record_success(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("u:{username}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_blocks_after_five_failures_per_user_then_recovers() {
        let l = LoginLimiter::default();
        for _ in 0..5 {
            assert!(l.check("op", "1.2.3.4", 0).is_ok());
            l.record_failure("op", "1.2.3.4", 0);
        }
        assert!(matches!(
            l.check("op", "9.9.9.9", 1000),
            Err(AppError::RateLimited { .. })
        ));
        assert!(l.check("other", "9.9.9.9", 1000).is_ok());
        assert!(l.check("op", "1.2.3.4", 16 * 60_000).is_ok());
    }
}
