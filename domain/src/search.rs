//! What merchant search takes and returns (wasm-safe: the search page uses it).

use serde::{Deserialize, Serialize};

use crate::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facets {
    pub province: Vec<(String, u64)>,
    pub grade: Vec<(String, u64)>,
    pub list: Vec<(String, u64)>,
    pub verified: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchPage {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<MerchantHit>,
    pub facets: Facets,
}

/// One public complaint record: a closed case whose consumer allowed its
/// narrative to be published, with personal data scrubbed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintHit {
    pub id: i32,
    pub number: String,
    pub merchant_id: i32,
    pub merchant_name: String,
    /// A `cases::Category` name.
    pub category: String,
    pub title: String,
    /// The narrative (scrubbed), cut to an excerpt in result lists.
    pub narrative: String,
    /// A `cases::Outcome` name.
    pub outcome: String,
    pub filed_on: chrono::NaiveDate,
    pub closed_on: chrono::NaiveDate,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintFacets {
    pub category: Vec<(String, u64)>,
    pub outcome: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintPage {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<ComplaintHit>,
    pub facets: ComplaintFacets,
}

/// The query as typed in a URL (API and page share it).
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct ComplaintParams {
    /// Words of the merchant's name, the title or the narrative.
    #[cfg_attr(feature = "openapi", param(max_length = 200))]
    pub q: Option<String>,
    /// A merchant's id.
    #[cfg_attr(feature = "openapi", param(value_type = Option<i32>, minimum = 1))]
    pub merchant: Option<String>,
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::cases::Category>, inline))]
    pub category: Option<String>,
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::cases::Outcome>, inline))]
    pub outcome: Option<String>,
    /// Closed on or after (Asia/Shanghai date).
    #[cfg_attr(feature = "openapi", param(value_type = Option<chrono::NaiveDate>))]
    pub from: Option<String>,
    /// Closed on or before (not before `from`).
    #[cfg_attr(feature = "openapi", param(value_type = Option<chrono::NaiveDate>))]
    pub to: Option<String>,
    #[cfg_attr(feature = "openapi", param(value_type = Option<u64>, minimum = 1, maximum = 10000))]
    pub page: Option<String>,
    #[cfg_attr(feature = "openapi", param(value_type = Option<u64>, minimum = 1, maximum = 100))]
    pub per_page: Option<String>,
}

/// A checked search of the public complaint records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplaintQuery {
    pub q: String,
    pub merchant_id: Option<i32>,
    /// A `cases::Category` name.
    pub category: Option<String>,
    /// A `cases::Outcome` name.
    pub outcome: Option<String>,
    /// Closed on or after / on or before (inclusive, Asia/Shanghai dates).
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub page: u64,
    pub per_page: u64,
}

impl ComplaintParams {
    /// Checks every parameter (by the same rules as the merchant search where
    /// they share one); the first wrong one is named in the error.
    pub fn parse(&self) -> Result<ComplaintQuery, AppError> {
        let q = query_text(self.q.as_deref())?.to_string();
        let named =
            |v: &Option<String>, field: &str, known: fn(&str) -> bool, key: &str| match given(v) {
                None => Ok(None),
                Some(s) if known(s) => Ok(Some(s.to_string())),
                Some(_) => Err(AppError::invalid(field, key)),
            };
        let category = named(
            &self.category,
            "category",
            |s| crate::cases::Category::parse(s).is_some(),
            "err.category_unknown",
        )?;
        let outcome = named(
            &self.outcome,
            "outcome",
            |s| crate::cases::Outcome::parse(s).is_some(),
            "err.search.outcome",
        )?;
        let date = |v: &Option<String>, field: &str| match given(v) {
            None => Ok(None),
            Some(s) => s
                .parse::<chrono::NaiveDate>()
                .map(Some)
                .map_err(|_| AppError::invalid(field, "err.search.date_invalid")),
        };
        let (from, to) = (date(&self.from, "from")?, date(&self.to, "to")?);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(AppError::invalid("to", "err.search.date_order"));
        }
        let merchant_id = id_param(&self.merchant, "merchant")?;
        let (page, per_page) = paging(&self.page, &self.per_page, DEFAULT_PER_PAGE)?;
        Ok(ComplaintQuery {
            q,
            merchant_id,
            category,
            outcome,
            from,
            to,
            page,
            per_page,
        })
    }
}

// ------------------------------------------------- merchant search parameters

named_enum! {
    /// How merchant results are ordered: by relevance to the words typed
    /// (credit score when there are none), by credit score, or by complaints
    /// in the last 12 months (most first).
    #[derive(Default)]
    MerchantSort {
        #[default]
        Relevance = "relevance",
        Credit = "credit",
        Complaints = "complaints",
    }
}

/// The longest search text accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The longest province name accepted, in characters.
pub const MAX_PROVINCE_CHARS: usize = 50;
/// Results per page unless asked otherwise, and the most a page holds.
pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 100;
/// The index serves at most this many pages.
pub const MAX_PAGE: u64 = 10_000;
/// Suggestions unless asked otherwise, and the most given.
pub const DEFAULT_SUGGESTIONS: usize = 8;
pub const MAX_SUGGESTIONS: usize = 20;

/// A merchant search as it arrives, unchecked: the query string of the
/// `/search` page and of `GET /api/v1/merchants` (the same names and values,
/// so the page and the API refuse the same things).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct SearchParams {
    #[cfg_attr(feature = "openapi", param(max_length = 200))]
    pub q: Option<String>,
    /// `relevance`, `credit` or `complaints`.
    #[cfg_attr(feature = "openapi", param(value_type = Option<MerchantSort>, inline))]
    pub sort: Option<String>,
    #[cfg_attr(feature = "openapi", param(max_length = 50))]
    pub province: Option<String>,
    /// `A+`, `A`, `B`, `C`, `D`, or `none` (not graded yet).
    #[cfg_attr(feature = "openapi", param(pattern = r"^(A\+|A|B|C|D|none)$"))]
    pub grade: Option<String>,
    /// `red`, `black`, or `none` (on neither list).
    #[cfg_attr(feature = "openapi", param(pattern = "^(red|black|none)$"))]
    pub list: Option<String>,
    /// `true` or `false`.
    #[cfg_attr(feature = "openapi", param(value_type = Option<bool>))]
    pub verified: Option<String>,
    /// What kind of business: `shop`, `platform` or `logistics` (寄递物流企业).
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::merchant::MerchantKind>, inline))]
    #[serde(default)]
    pub kind: Option<String>,
    #[cfg_attr(feature = "openapi", param(value_type = Option<u64>, minimum = 1, maximum = 10000))]
    pub page: Option<String>,
    #[cfg_attr(feature = "openapi", param(value_type = Option<u64>, minimum = 1, maximum = 100))]
    pub per_page: Option<String>,
}

/// A checked merchant search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MerchantQuery {
    pub q: String,
    pub sort: MerchantSort,
    pub province: Option<String>,
    /// A grade (`A+` … `D`) or `none`.
    pub grade: Option<String>,
    /// `red`, `black` or `none`.
    pub list: Option<String>,
    pub verified: Option<bool>,
    /// One kind of business only.
    pub kind: Option<crate::merchant::MerchantKind>,
    /// From 1.
    pub page: u64,
    pub per_page: u64,
}

/// A value given and not blank, trimmed.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A whole number in `1..=max`, `default` when blank.
fn number(
    v: &Option<String>,
    field: &str,
    key: &str,
    max: u64,
    default: u64,
) -> Result<u64, AppError> {
    match given(v) {
        None => Ok(default),
        Some(s) => s
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| AppError::invalid(field, key)),
    }
}

/// The search text, trimmed, at most [`MAX_QUERY_CHARS`].
fn query_text(q: Option<&str>) -> Result<&str, AppError> {
    let q = q.unwrap_or("").trim();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::invalid("q", "err.search.q_too_long"));
    }
    Ok(q)
}

/// The page (1 to [`MAX_PAGE`]) and page size (1 to [`MAX_PER_PAGE`]).
/// `page` (1 to [`MAX_PAGE`], default 1) and `per_page` (1 to
/// [`MAX_PER_PAGE`], default `default_per_page`): the paging of every
/// public list (searches, the fund's ledger).
pub fn paging(
    page: &Option<String>,
    per_page: &Option<String>,
    default_per_page: u64,
) -> Result<(u64, u64), AppError> {
    Ok((
        number(page, "page", "err.search.page", MAX_PAGE, 1)?,
        number(
            per_page,
            "per_page",
            "err.search.per_page",
            MAX_PER_PAGE,
            default_per_page,
        )?,
    ))
}

/// An id given as a parameter (`merchant=12`): a whole number from 1;
/// blank is none.
pub fn id_param(v: &Option<String>, field: &str) -> Result<Option<i32>, AppError> {
    match given(v) {
        None => Ok(None),
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|n| *n >= 1)
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, "err.whole_number")),
    }
}

impl SearchParams {
    /// Checks every parameter; the first wrong one is named in the error.
    /// Blank values count as not given.
    pub fn parse(&self) -> Result<MerchantQuery, AppError> {
        let q = query_text(self.q.as_deref())?.to_string();
        let sort = match given(&self.sort) {
            None => MerchantSort::default(),
            Some(s) => MerchantSort::parse(s)
                .ok_or_else(|| AppError::invalid("sort", "err.search.sort"))?,
        };
        let province = match given(&self.province) {
            Some(p) if p.chars().count() > MAX_PROVINCE_CHARS => {
                return Err(AppError::invalid("province", "err.text_too_long"));
            }
            p => p.map(String::from),
        };
        let grade = match given(&self.grade) {
            None => None,
            Some(g) if g == "none" || crate::credit::Grade::parse(g).is_some() => {
                Some(g.to_string())
            }
            Some(_) => return Err(AppError::invalid("grade", "err.search.grade")),
        };
        let list = match given(&self.list) {
            None => None,
            Some(l @ ("red" | "black" | "none")) => Some(l.to_string()),
            Some(_) => return Err(AppError::invalid("list", "err.search.list")),
        };
        let verified = match given(&self.verified) {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(_) => return Err(AppError::invalid("verified", "err.search.verified")),
        };
        let kind = match given(&self.kind) {
            None => None,
            Some(k) => Some(
                crate::merchant::MerchantKind::parse(k)
                    .ok_or_else(|| AppError::invalid("kind", "err.search.kind"))?,
            ),
        };
        let (page, per_page) = paging(&self.page, &self.per_page, DEFAULT_PER_PAGE)?;
        Ok(MerchantQuery {
            q,
            sort,
            province,
            grade,
            list,
            verified,
            kind,
            page,
            per_page,
        })
    }
}

/// One merchant offered while a name is typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    pub id: i32,
    pub name: String,
    pub grade: Option<String>,
    pub red_list: bool,
    pub black_list: bool,
}

/// Checks the parameters of `GET /api/v1/merchants/suggest` and of the
/// page's suggestion function: the text typed (trimmed; at most
/// [`MAX_QUERY_CHARS`]) and how many to return (1 to [`MAX_SUGGESTIONS`]).
pub fn parse_suggest(q: Option<&str>, limit: Option<&str>) -> Result<(String, usize), AppError> {
    let q = query_text(q)?;
    let limit = number(
        &limit.map(String::from),
        "limit",
        "err.search.limit",
        MAX_SUGGESTIONS as u64,
        DEFAULT_SUGGESTIONS as u64,
    )?;
    Ok((q.to_string(), limit as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> SearchParams {
        let v: serde_json::Map<String, serde_json::Value> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
            .collect();
        serde_json::from_value(serde_json::Value::Object(v)).unwrap()
    }

    #[test]
    fn blank_parameters_are_defaults() {
        let q = params(&[("q", "  "), ("sort", ""), ("grade", " "), ("page", "")])
            .parse()
            .unwrap();
        assert_eq!(
            q,
            MerchantQuery {
                page: 1,
                per_page: DEFAULT_PER_PAGE,
                ..Default::default()
            }
        );
    }

    #[test]
    fn good_values_are_kept() {
        let q = params(&[
            ("q", " 电器 "),
            ("sort", "credit"),
            ("province", "北京"),
            ("grade", "A+"),
            ("list", "none"),
            ("verified", "false"),
            ("kind", " logistics "),
            ("page", "3"),
            ("per_page", "100"),
        ])
        .parse()
        .unwrap();
        assert_eq!(q.q, "电器");
        assert_eq!(q.sort, MerchantSort::Credit);
        assert_eq!(q.province.as_deref(), Some("北京"));
        assert_eq!(q.grade.as_deref(), Some("A+"));
        assert_eq!(q.list.as_deref(), Some("none"));
        assert_eq!(q.verified, Some(false));
        assert_eq!(q.kind, Some(crate::merchant::MerchantKind::Logistics));
        assert_eq!((q.page, q.per_page), (3, 100));
        let ungraded = params(&[("grade", "none")]).parse().unwrap();
        assert_eq!(ungraded.grade.as_deref(), Some("none"));
    }

    #[test]
    fn each_wrong_parameter_is_named() {
        let long = "长".repeat(MAX_QUERY_CHARS + 1);
        for (k, v) in [
            ("q", long.as_str()),
            ("sort", "best"),
            ("province", &"省".repeat(MAX_PROVINCE_CHARS + 1)),
            ("grade", "Z"),
            ("list", "grey"),
            ("verified", "yes"),
            ("kind", "courier"),
            ("kind", "Logistics"),
            ("page", "0"),
            ("page", "x"),
            ("page", "10001"),
            ("per_page", "101"),
        ] {
            let e = params(&[(k, v)]).parse().unwrap_err();
            assert_eq!(e.field(), Some(k), "{k}={v}");
        }
        assert!(
            params(&[("q", &"长".repeat(MAX_QUERY_CHARS))])
                .parse()
                .is_ok()
        );
    }

    #[test]
    fn suggest_parameters() {
        assert_eq!(
            parse_suggest(None, None).unwrap(),
            (String::new(), DEFAULT_SUGGESTIONS)
        );
        assert_eq!(
            parse_suggest(Some(" 海淀 "), Some("3")).unwrap(),
            ("海淀".into(), 3)
        );
        for limit in ["0", "21", "x", "-1"] {
            let e = parse_suggest(Some("海淀"), Some(limit)).unwrap_err();
            assert_eq!(e.field(), Some("limit"), "{limit}");
        }
        let e = parse_suggest(Some(&"长".repeat(201)), None).unwrap_err();
        assert_eq!(e.field(), Some("q"));
    }
}
