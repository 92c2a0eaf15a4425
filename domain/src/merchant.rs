//! What the public sees of merchants.

use serde::{Deserialize, Serialize};

/// A merchant in a list of results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MerchantSummary {
    pub id: i32,
    pub name: String,
    pub uscc: String,
    pub province: String,
    pub region: String,
}
