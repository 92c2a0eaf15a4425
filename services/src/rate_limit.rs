//! Fixed-window attempt counters, per key (`login-ip:1.2.3.4`,
//! `login-account:a@b.cn`, …). In memory: a restart forgives everyone,
//! which is acceptable for throttling guesses.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Default, Debug)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    /// Counts one attempt for `key`; false when the key already used `max`
    /// attempts in the current `window`.
    pub fn allow(&self, key: &str, max: u32, window: Duration) -> bool {
        let now = Instant::now();
        let mut map = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(3600));
        }
        let entry = map.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        if entry.1 >= max {
            return false;
        }
        entry.1 += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_max_in_window_and_keys_are_separate() {
        let l = RateLimiter::default();
        let w = Duration::from_secs(60);
        assert!((0..3).all(|_| l.allow("a", 3, w)));
        assert!(!l.allow("a", 3, w));
        assert!(l.allow("b", 3, w));
    }

    #[test]
    fn a_new_window_starts_over() {
        let l = RateLimiter::default();
        assert!(l.allow("a", 1, Duration::from_millis(1)));
        std::thread::sleep(Duration::from_millis(5));
        assert!(l.allow("a", 1, Duration::from_millis(1)));
    }
}
