//! Pure Gongdao rules shared by the browser (wasm) and the server.
//!
//! Nothing here touches the network, the database or the clock: values are
//! parsed once into types that cannot hold an invalid value (`Email`, `Uscc`,
//! `Fen`), and every user-visible text lives in [`i18n`].

#[macro_use]
mod names;

pub mod accounts;
pub mod calendar;
pub mod cases;
pub mod credit;
pub mod dashboard;
pub mod email;
pub mod error;
pub mod files;
pub mod fund;
pub mod i18n;
pub mod identity;
pub mod inbox;
pub mod input;
pub mod merchant;
pub mod money;
pub mod pii;
pub mod platforms;
pub mod role;
pub mod screening;
pub mod search;
pub mod uscc;
pub mod user;
pub mod webhooks;

pub use email::Email;
pub use error::AppError;
pub use i18n::{Lang, t, tf};
pub use money::Fen;
pub use role::Role;
pub use uscc::Uscc;
pub use user::UserView;
