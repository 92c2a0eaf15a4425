//! Merchant credit (信用评分): the published formula that turns a merchant's
//! last 12 months and its credit file into a score of 0–1000 and a grade
//! A+/A/B/C/D, with every factor shown.
//!
//! Gongdao publishes the whole method (`method.md` in this folder, and the
//! `/credit/method` page from [`method_params_table`]); a merchant sees each
//! factor's points and the numbers behind them. The formula is pure: `now`
//! comes in, integers only, and records in any order give the same result,
//! so anyone can recompute a published score.
//!
//! # The formula
//!
//! `score = clamp(base + Σ factor points, 0, 1000)`, base 600. The factors,
//! always all ten, in this order (defaults in brackets):
//!
//! | factor | points |
//! |---|---|
//! | `verification` | real-name verified: +100 |
//! | `commitment` | current credit commitment signed: +30 |
//! | `complaint_rate` | complaints per order, smoothed: −200 … +100 |
//! | `response_rate` | first responses in time, smoothed: −120 … +60 |
//! | `resolution_rate` | ended cases resolved with the consumer, smoothed: −100 … +60 |
//! | `arbitration` | decisions against the merchant, smoothed: −80 … +20 |
//! | `non_compliance` | settlements/awards not honoured: −50 each, at most −200 |
//! | `first_compensation` | unrecovered first compensation: −30 − 1 per ¥100, at most −150 |
//! | `adverse_records` | misconduct and broken commitments on display, decayed: at most −600 |
//! | `commendations` | commendations on display: +15 each, at most +45 |
//!
//! **Rates with a prior.** A rate `x/n` is first pulled towards the
//! platform's prior with a pseudo-count `k`:
//! `smoothed = (x + prior·k) / (n + k)`. A merchant with one complaint and
//! no declared volume is therefore judged as having one complaint more than
//! the prior expects of 2 000 orders (2.50‰ against 2.00‰, −6), not as if
//! every order were a complaint. The smoothed rate gives 0 points at the
//! prior, rising linearly to `+up` at the best rate and falling to `−down` at
//! the worst (and no further).
//!
//! **Adverse records decay.** A misconduct record (or a broken commitment)
//! takes off its severity's weight (minor 30, serious 100, severe 250) when
//! new, linearly less with age down to 25 % on the last instant of its display
//! period, and nothing from `display_until` on or once repaired (信用修复).
//!
//! **Grades.** A+ ≥ 900, A ≥ 800, B ≥ 650, C ≥ 500, else D; an unverified
//! merchant is at most B, one with a severe adverse record on display at
//! most C.
//!
//! **Rounding.** Everything is integer: rates in parts per million, each
//! factor (and each record) rounded once to the nearest point with halves
//! away from zero, and the score is exactly `base + Σ points` clamped.
//!
//! Case outcomes (`settled`, `decided_against`, `fc_paid`, …) are records
//! too, for the public file, but the score counts them only through the
//! 12-month counters of [`CreditInputs`], never twice.

mod formula;
mod input;
mod kinds;
mod lists;
mod params;
mod rating;
pub mod risk;
#[cfg(test)]
mod tests;

pub use formula::*;
pub use input::*;
pub use kinds::*;
pub use lists::*;
pub use params::{CreditParams, DisplayPeriods, ParamRow, RateParams, method_params_table};
pub use rating::*;
