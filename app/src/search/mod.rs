//! Search pages: `/search`, merchants with filters, facets, sort and pages;
//! the merchant name box with suggestions (autocomplete) that the home page
//! uses too.

pub mod merchants;
pub mod suggest;

pub use merchants::{SearchPage, search_merchants};
pub use suggest::{MerchantInput, SearchBox, suggest_merchants};
