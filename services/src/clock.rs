//! The one clock all code reads. Fixed by `GONGDAO_NOW` for demos and
//! black-box tests; tests of rules pass `now` in directly.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Milliseconds since the epoch when fixed; `None` for the system clock.
    fixed: Option<Arc<AtomicI64>>,
}

impl Clock {
    pub fn system() -> Self {
        Clock { fixed: None }
    }

    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock {
            fixed: Some(Arc::new(AtomicI64::new(at.timestamp_millis()))),
        }
    }

    pub fn is_fixed(&self) -> bool {
        self.fixed.is_some()
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            Some(ms) => {
                DateTime::from_timestamp_millis(ms.load(Ordering::SeqCst)).unwrap_or_default()
            }
            None => Utc::now(),
        }
    }

    /// Moves a fixed clock (tests); no effect on the system clock.
    pub fn advance(&self, by: chrono::Duration) {
        if let Some(ms) = &self.fixed {
            ms.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
        }
    }
}
