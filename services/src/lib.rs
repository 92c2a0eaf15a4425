//! Server-only services. HTTP handlers and server functions stay thin and call
//! into here; everything that touches the database, the clock or the mail
//! server lives in this crate.
//!
//! Error policy: functions a user reaches return `domain::AppError` (typed,
//! localised at the edge); start-up, CLI and background jobs use `anyhow`.

pub mod accounts;
pub mod blobs;
pub mod cases;
pub mod changes;
pub mod clock;
pub mod config;
pub mod credit;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod export;
pub mod fund;
pub mod inbox;
pub mod lease;
pub mod mail;
pub mod merchants;
pub mod outbox;
pub mod platforms;
pub mod rate_limit;
pub mod record;
pub mod search;
pub mod settings;
pub mod signing;
pub mod state;
pub mod webhooks;

pub use clock::Clock;
pub use config::Config;
pub use state::Services;
