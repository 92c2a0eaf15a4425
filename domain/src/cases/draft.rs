//! A filing in two steps: the filing form kept as a draft (投诉草稿) on the
//! server while it is written, and a review (核对) of everything in plain
//! words before it is submitted. What the form posts, which of its fields a
//! draft keeps, and what the review and the draft look like to their pages
//! and the API.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Category, Complaint, ComplaintForm, Demand, Remedy};
use crate::merchant::{MerchantKind, MerchantStats};
use crate::{AppError, Fen, Lang};

/// The text fields of the filing form, as [`ComplaintForm`] names them: the
/// fields a draft keeps.
pub const FILING_FORM_FIELDS: [&str; 15] = [
    "merchant",
    "category",
    "title",
    "narrative",
    "order_ref",
    "order_date",
    "amount_paid",
    "amount_claimed",
    "remedy",
    "demand",
    "publish_narrative",
    "waybill",
    "logistics_merchant",
    "logistics_amount_claimed",
    "logistics_narrative",
];

/// How long a draft is kept after it was last saved: then it is deleted,
/// with its files (a half-written complaint holds personal data, and is
/// kept no longer than the consumer is likely to come back to it).
pub const DRAFT_KEEP_DAYS: i64 = 30;

/// When a draft last saved at `saved` is deleted.
pub fn draft_expires_at(saved: DateTime<Utc>) -> DateTime<Utc> {
    saved + chrono::Duration::days(DRAFT_KEEP_DAYS)
}

/// The longest text field read from the form, in bytes (the longest field,
/// the narrative, is 5000 characters: 15000 bytes of UTF-8); longer is
/// refused before it is kept.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

named_enum! {
    /// What a post of the filing form asks for (its `step`; none: file at
    /// once, as API clients do).
    FilingStep {
        /// Keep the form as the consumer's draft and show it again.
        Save = "save",
        /// Keep the draft, check everything, and show it in plain words.
        Review = "review",
        /// File the reviewed draft.
        Confirm = "confirm",
        /// Drop one file of the draft (`file` names it).
        Remove = "remove",
        /// Drop the whole draft.
        Discard = "discard",
    }
}

impl ComplaintForm {
    /// The form from its fields by name (absent: blank; the checkbox
    /// `publish_narrative` absent: not ticked).
    pub fn from_values(v: &BTreeMap<String, String>) -> ComplaintForm {
        let get = |k: &str| v.get(k).cloned().unwrap_or_default();
        ComplaintForm {
            merchant: get("merchant"),
            category: get("category"),
            title: get("title"),
            narrative: get("narrative"),
            order_ref: get("order_ref"),
            order_date: get("order_date"),
            amount_paid: get("amount_paid"),
            amount_claimed: get("amount_claimed"),
            remedy: get("remedy"),
            demand: get("demand"),
            publish_narrative: v.get("publish_narrative").cloned(),
            waybill: get("waybill"),
            logistics_merchant: get("logistics_merchant"),
            logistics_amount_claimed: get("logistics_amount_claimed"),
            logistics_narrative: get("logistics_narrative"),
        }
    }
}

/// What a draft keeps of posted text fields: the form's fields only, each
/// at most [`MAX_FIELD_BYTES`] (longer is refused, naming the field).
pub fn draft_values(v: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>, AppError> {
    let mut kept = BTreeMap::new();
    for (k, text) in v {
        if !FILING_FORM_FIELDS.contains(&k.as_str()) {
            continue;
        }
        if text.len() > MAX_FIELD_BYTES {
            return Err(AppError::invalid(k, "err.text_too_long"));
        }
        kept.insert(k.clone(), text.clone());
    }
    Ok(kept)
}

/// A file kept with a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftFileView {
    pub id: i32,
    /// As sent, cleaned (no folders, no invisible characters).
    pub file_name: String,
    /// As recognised from the bytes.
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

/// A consumer's filing kept half done (one per consumer): the form's text
/// fields as typed and the files added so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilingDraftView {
    /// The form's text fields by name, as typed (`merchant`, `title`,
    /// `amount_paid` in yuan …).
    pub values: BTreeMap<String, String>,
    /// In the order they were added.
    pub files: Vec<DraftFileView>,
    /// Moves on each change; a confirmation may name the version it
    /// reviewed, and a draft changed since is not filed.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    /// When it was last saved.
    pub updated_at: DateTime<Utc>,
}

impl FilingDraftView {
    /// The files' sizes, for [`crate::files::check_filing`].
    pub fn sizes(&self) -> Vec<usize> {
        self.files
            .iter()
            .map(|f| usize::try_from(f.size).unwrap_or(usize::MAX))
            .collect()
    }
}

/// A merchant as a consumer sees it while complaining: its name, credit
/// grade and the figures of its last 12 months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantStanding {
    pub id: i32,
    pub name: String,
    pub kind: MerchantKind,
    /// A+ … D; none until first computed.
    pub grade: Option<String>,
    pub stats: MerchantStats,
}

impl MerchantStanding {
    /// `信用等级 A · 按时回应率 87% · 近12个月投诉 3 件`.
    pub fn line(&self, lang: Lang) -> String {
        let grade = self
            .grade
            .clone()
            .unwrap_or_else(|| crate::t(lang, "filing.no_data").to_string());
        let rate = match self.stats.response_rate_bp {
            Some(bp) => format!("{}%", (bp + 50) / 100),
            None => crate::t(lang, "filing.no_data").to_string(),
        };
        crate::tf(
            lang,
            "filing.standing",
            &[&grade, &rate, &self.stats.complaints_12m.to_string()],
        )
    }
}

/// What the filing form's page loads: the consumer's draft (none for
/// anyone else), and the merchant the form names — chosen in the picker, as
/// posted, or the draft's — with its standing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingFormData {
    pub draft: Option<FilingDraftView>,
    pub merchant: Option<MerchantStanding>,
}

/// Everything the review page shows: the complaint as it will be filed,
/// checked, with the merchants' names and standing, and the draft's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingReview {
    pub draft: FilingDraftView,
    pub merchant: MerchantStanding,
    pub category: Category,
    pub title: String,
    pub narrative: String,
    pub order_ref: String,
    pub order_date: NaiveDate,
    pub amount_paid: Fen,
    pub amount_claimed: Fen,
    pub remedy: Remedy,
    pub demand: Demand,
    pub waybill: Option<String>,
    pub publish_narrative: bool,
    pub logistics: Option<LogisticsReview>,
}

/// The delivery part of a reviewed complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogisticsReview {
    pub merchant: MerchantStanding,
    pub amount_claimed: Fen,
    pub narrative: String,
}

impl FilingReview {
    /// The review of `complaint` (checked) kept as `draft`, against
    /// `merchant` (and `logistics`, the company of its delivery part).
    pub fn new(
        draft: FilingDraftView,
        complaint: &Complaint,
        merchant: MerchantStanding,
        logistics: Option<MerchantStanding>,
    ) -> FilingReview {
        FilingReview {
            draft,
            merchant,
            category: complaint.category,
            title: complaint.title.clone(),
            narrative: complaint.narrative.clone(),
            order_ref: complaint.order.order_ref.clone(),
            order_date: complaint.order.order_date,
            amount_paid: complaint.order.paid,
            amount_claimed: complaint.order.claimed,
            remedy: complaint.remedy,
            demand: complaint.demand,
            waybill: complaint.waybill.clone(),
            publish_narrative: complaint.publish_narrative,
            logistics: match (&complaint.logistics, logistics) {
                (Some(part), Some(m)) => Some(LogisticsReview {
                    merchant: m,
                    amount_claimed: part.claimed,
                    narrative: part.narrative.clone(),
                }),
                _ => None,
            },
        }
    }
}

/// A date as people read it: `2026年11月1日` in Chinese, `1 Nov 2026` in English.
pub fn format_date(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Zh => d.format("%Y年%-m月%-d日").to_string(),
        Lang::En => d.format("%-d %b %Y").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_keeps_the_form_fields_only_and_refuses_a_huge_one() {
        let mut v = BTreeMap::new();
        v.insert("title".to_string(), "洗衣机漏水".to_string());
        v.insert("step".to_string(), "save".to_string());
        v.insert("evil".to_string(), "x".to_string());
        let kept = draft_values(&v).unwrap();
        assert_eq!(kept.keys().collect::<Vec<_>>(), ["title"]);
        v.insert("narrative".to_string(), "长".repeat(MAX_FIELD_BYTES));
        let e = draft_values(&v).unwrap_err();
        assert_eq!(e.field(), Some("narrative"));
    }

    #[test]
    fn the_form_reads_its_fields_by_name() {
        let mut v = BTreeMap::new();
        v.insert("merchant".to_string(), "7".to_string());
        v.insert("publish_narrative".to_string(), "on".to_string());
        let f = ComplaintForm::from_values(&v);
        assert_eq!(f.merchant, "7");
        assert_eq!(f.publish_narrative.as_deref(), Some("on"));
        assert_eq!(f.title, "");
        assert_eq!(
            ComplaintForm::from_values(&BTreeMap::new()).publish_narrative,
            None
        );
    }

    #[test]
    fn dates_and_standing_read_as_people_write_them() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(format_date(Lang::Zh, d), "2026年11月1日");
        assert_eq!(format_date(Lang::En, d), "1 Nov 2026");
        let mut m = MerchantStanding {
            id: 1,
            name: "华奈".into(),
            kind: MerchantKind::Shop,
            grade: Some("A".into()),
            stats: MerchantStats {
                complaints_12m: 3,
                response_rate_bp: Some(8750),
                ..Default::default()
            },
        };
        assert_eq!(
            m.line(Lang::Zh),
            "信用等级 A · 按时回应率 88% · 近12个月投诉 3 件"
        );
        m.stats.response_rate_bp = None;
        m.grade = None;
        assert_eq!(
            m.line(Lang::Zh),
            "信用等级 暂无数据 · 按时回应率 暂无数据 · 近12个月投诉 3 件"
        );
        assert!(m.line(Lang::En).contains("no data"));
    }
}
