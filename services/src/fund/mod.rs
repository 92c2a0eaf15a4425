//! The consumer-protection fund (消费者权益保护基金): its books in the
//! database, the administrators' movements, first compensation's postings,
//! the public ledger, and reconciliation. The accounting rules themselves
//! are pure and live in `domain::fund`.

pub mod appeals;
pub mod books;
pub mod check;
mod compensation;
pub mod operations;
pub mod public;

pub use check::{FundCheck, check};
pub use compensation::{CaseFigures, Moved, case_figures, case_figures_many, on_case_step};
pub use operations::{CaseMovement, Direction};
