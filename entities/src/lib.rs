//! sea-orm entities, one module per table. The schema itself is owned by the
//! `migration` crate; these mirror it for typed queries.

pub mod email_token;
pub mod merchant;
pub mod outbox;
pub mod session;
pub mod user;
