//! The merchant pages: the public profile (`/merchants/:id`: who the
//! business is, its credit with the factors behind it, commitments, the
//! public credit file, ratings, complaints others may join, what the fund
//! paid), the merchant's own panel on it, and `/merchants/register` where a
//! merchant account registers a business and follows its verification.

mod api;
mod manage;
pub(crate) mod profile;
mod register;
mod team;
mod templates;

pub use api::*;
pub use profile::MerchantPage;
pub(crate) use profile::{RatingItem, stars};
pub use register::MyBusinessPage;
pub use team::{JoinTeamPage, TeamPage};
pub use templates::TemplatesPage;
