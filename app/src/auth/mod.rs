//! Sign-up, email verification, sign-in and -out, password reset.

mod api;
mod pages;

pub use api::*;
pub use pages::*;
