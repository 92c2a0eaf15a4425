//! What merchant search returns (wasm-safe: the search page uses it).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MerchantHit {
    pub id: i32,
    pub name: String,
    pub uscc: String,
    pub province: String,
    pub region: String,
    pub kind: String,
    pub grade: Option<String>,
    pub score: Option<i64>,
    pub red_list: bool,
    pub black_list: bool,
    pub verified: bool,
    pub complaints_12m: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    pub province: Vec<(String, u64)>,
    pub grade: Vec<(String, u64)>,
    pub list: Vec<(String, u64)>,
    pub verified: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<MerchantHit>,
    pub facets: Facets,
}
