//! The consumer-protection fund (消费者权益保护基金): its double-entry books
//! and what the public sees of them. First compensation's case-side rules
//! live with the case machine (`cases::FirstCompensation`).

mod appeals;
mod input;
pub mod ledger;
mod view;

pub use appeals::{AppealRow, RefusalCategory, RefusalCount, RefusalFigures};
pub use input::{KEY_MAX, MovementInput, REASON_MAX, Reason, check_amount};
pub use ledger::{Account, AccountKind, Books, EntryKind, LedgerError, Line, Operation};
pub use view::*;
