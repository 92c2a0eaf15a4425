//! Case pages: file a complaint, my cases and the staff queues, the case page.

mod api;
mod detail;
mod list;
mod new;
mod review;
mod workload;

#[cfg(feature = "ssr")]
pub use api::*;
pub use detail::CasePage;
pub use list::CasesPage;
pub use new::{FilingDraft, NewCasePage};
pub use review::FilingReviewPage;
pub use workload::WorkloadPage;
