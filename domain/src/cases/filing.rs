//! A complaint (or a consumer joining one) as it arrives, typed: from the
//! JSON API or from the filing form (amounts in yuan, the merchant as its
//! number or USCC). One check turns either into what is filed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::{Category, Demand, MAX_AMOUNT, Remedy};
use crate::input::{self, max, min};
use crate::{AppError, Fen, Uscc};

/// Which merchant a complaint is against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MerchantRef {
    Id(i32),
    Uscc(Uscc),
}

/// The merchant as the API names it: its id, or as text its id or USCC.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum MerchantKey {
    Id(i32),
    Text(String),
}

impl MerchantRef {
    /// A merchant's number (digits) or USCC as typed; errors name `field`.
    pub fn parse(text: &str, field: &str) -> Result<MerchantRef, AppError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(AppError::invalid(field, "err.required"));
        }
        if let Ok(id) = t.parse::<i32>() {
            return Ok(MerchantRef::Id(id));
        }
        Uscc::parse(t)
            .map(MerchantRef::Uscc)
            .map_err(|e| AppError::invalid(field, e.key()))
    }
}

/// What an order looks like in a complaint or a joining: checked once for both.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub order_ref: String,
    /// `YYYY-MM-DD`, Beijing date, not in the future.
    #[cfg_attr(feature = "openapi", schema(value_type = chrono::NaiveDate))]
    pub order_date: String,
    /// Whole fen (分).
    #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = 0, maximum = 10_000_000_000_i64))]
    pub amount_paid_fen: Fen,
    #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = 0, maximum = 10_000_000_000_i64))]
    pub amount_claimed_fen: Fen,
}

/// An order that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Upper-cased, so `tb-1` and `TB-1` are the same order.
    pub order_ref: String,
    pub order_date: NaiveDate,
    pub paid: Fen,
    pub claimed: Fen,
}

impl OrderInput {
    /// The form's fields (amounts in yuan).
    pub fn from_form(
        order_ref: &str,
        order_date: &str,
        amount_paid: &str,
        amount_claimed: &str,
    ) -> Result<OrderInput, AppError> {
        let yuan = |v: &str, field: &str| {
            input::yuan(Some(v), field)?.ok_or_else(|| AppError::invalid(field, "err.required"))
        };
        Ok(OrderInput {
            order_ref: order_ref.to_string(),
            order_date: order_date.to_string(),
            amount_paid_fen: yuan(amount_paid, "amount_paid_fen")?,
            amount_claimed_fen: yuan(amount_claimed, "amount_claimed_fen")?,
        })
    }

    pub fn check(&self, now: DateTime<Utc>) -> Result<Order, AppError> {
        Ok(Order {
            order_ref: input::bounded_text(&self.order_ref, "order_ref", 1, max::ORDER_REF)?
                .to_uppercase(),
            order_date: order_date(&self.order_date, now)?,
            paid: amount(self.amount_paid_fen, "amount_paid_fen")?,
            claimed: amount(self.amount_claimed_fen, "amount_claimed_fen")?,
        })
    }
}

/// A whole, non-negative amount no larger than any case takes.
fn amount(v: Fen, field: &str) -> Result<Fen, AppError> {
    if v.0 < 0 {
        return Err(AppError::invalid(field, "err.amount_negative"));
    }
    if v > MAX_AMOUNT {
        return Err(AppError::invalid(field, "err.amount_too_large"));
    }
    Ok(v)
}

/// An order date: a real date (`2026-12-01`, `2026/12/1`, `2026年12月1日`:
/// [`input::chinese_date`]), not in the future (Beijing), not before 2000.
fn order_date(v: &str, now: DateTime<Utc>) -> Result<NaiveDate, AppError> {
    let d = input::chinese_date(Some(v), "order_date")?
        .ok_or_else(|| AppError::invalid("order_date", "err.date_invalid"))?;
    let earliest = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN);
    if d > crate::calendar::local_date(now) || d < earliest {
        return Err(AppError::invalid("order_date", "err.date_out_of_range"));
    }
    Ok(d)
}

/// The shortest and longest waybill number (运单号) taken, in characters.
pub const WAYBILL_MIN: usize = 6;
pub const WAYBILL_MAX: usize = 40;

/// A waybill number (运单号) as given: absent is none; given, it is trimmed
/// and must then be 6–40 of `A–Z a–z 0–9 -` (`err.waybill.invalid`, naming
/// `waybill`; blank too — the form leaves a blank field out before). The
/// spaces trimmed are those the API document's pattern allows around it
/// (JSON Schema's `\s`, so not U+0085), so whatever the document refuses is
/// refused here too.
pub fn waybill(v: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(v) = v else {
        return Ok(None);
    };
    let t = v.trim_matches(|c: char| c.is_whitespace() && c != '\u{85}');
    let n = t.chars().count();
    if !(WAYBILL_MIN..=WAYBILL_MAX).contains(&n)
        || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(AppError::invalid("waybill", "err.waybill.invalid"));
    }
    Ok(Some(t.to_string()))
}

/// The delivery part of a complaint that also names a logistics company
/// (寄递物流企业): the company (`merchant_id`, or `merchant_uscc`), what is
/// claimed from it and its share of the story (lost parcel, damaged in
/// transit …). Filed as a second case, category `delivery`, remedy
/// compensation, linked to the case against the merchant.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogisticsInput {
    /// The logistics company's id, or as text its id or USCC (one of this
    /// and `merchant_uscc` is required; it must be a merchant of kind
    /// `logistics`, not the merchant complained about).
    #[serde(default)]
    pub merchant_id: Option<MerchantKey>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 18, max_length = 18))]
    pub merchant_uscc: Option<String>,
    /// Whole fen claimed from the logistics company; with the merchant's
    /// part at most `amount_paid_fen`.
    #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = 0, maximum = 10_000_000_000_i64))]
    pub amount_claimed_fen: Fen,
    /// The delivery part of the story.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 5000))]
    pub narrative: String,
}

/// The delivery part that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogisticsPart {
    pub merchant: MerchantRef,
    pub claimed: Fen,
    pub narrative: String,
}

/// The field names of the logistics part's errors: the API's
/// (`logistics.merchant_id` …) or the form's (`logistics_merchant` …).
pub struct LogisticsFields {
    pub merchant: &'static str,
    pub amount_claimed: &'static str,
    pub narrative: &'static str,
}

impl LogisticsFields {
    pub const API: LogisticsFields = LogisticsFields {
        merchant: "logistics.merchant_id",
        amount_claimed: "logistics.amount_claimed_fen",
        narrative: "logistics.narrative",
    };
    pub const FORM: LogisticsFields = LogisticsFields {
        merchant: "logistics_merchant",
        amount_claimed: "logistics_amount_claimed",
        narrative: "logistics_narrative",
    };
}

impl LogisticsInput {
    fn check(&self, f: &LogisticsFields) -> Result<LogisticsPart, AppError> {
        Ok(LogisticsPart {
            merchant: merchant_ref(&self.merchant_id, &self.merchant_uscc, f.merchant)?,
            claimed: amount(self.amount_claimed_fen, f.amount_claimed)?,
            narrative: input::bounded_text(
                &self.narrative,
                f.narrative,
                min::NARRATIVE,
                max::NARRATIVE,
            )?,
        })
    }
}

/// The merchant named by id (or id / USCC as text) or by USCC.
fn merchant_ref(
    id: &Option<MerchantKey>,
    uscc: &Option<String>,
    field: &str,
) -> Result<MerchantRef, AppError> {
    match (id, uscc) {
        (Some(MerchantKey::Id(id)), _) => Ok(MerchantRef::Id(*id)),
        (Some(MerchantKey::Text(t)), _) if !t.trim().is_empty() => MerchantRef::parse(t, field),
        (_, Some(u)) if !u.trim().is_empty() => MerchantRef::parse(u, field),
        _ => Err(AppError::invalid(field, "err.required")),
    }
}

/// `POST /api/v1/cases`: a complaint (the merchant as `merchant_id`, or
/// `merchant_uscc`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintInput {
    /// The merchant's id, or as text its id or USCC (one of this and
    /// `merchant_uscc` is required).
    #[serde(default)]
    pub merchant_id: Option<MerchantKey>,
    /// The merchant's unified social credit code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 18, max_length = 18))]
    pub merchant_uscc: Option<String>,
    pub category: Category,
    #[cfg_attr(feature = "openapi", schema(min_length = 4, max_length = 100))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 5000))]
    pub narrative: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub order_ref: String,
    /// `YYYY-MM-DD`, Beijing date, not in the future.
    #[cfg_attr(feature = "openapi", schema(value_type = chrono::NaiveDate))]
    pub order_date: String,
    /// Whole fen (分).
    #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = 0, maximum = 10_000_000_000_i64))]
    pub amount_paid_fen: Fen,
    #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = 0, maximum = 10_000_000_000_i64))]
    pub amount_claimed_fen: Fen,
    pub remedy: Remedy,
    /// What the consumer demands; absent (or null), the remedy. `punitive_3x`
    /// (退一赔三, 消费者权益保护法 第55条) and `punitive_10x` (退一赔十,
    /// 食品安全法 第148条) claim punitive damages.
    #[serde(default)]
    pub demand: Option<Demand>,
    #[serde(default)]
    pub publish_narrative: bool,
    /// The waybill number (运单号): 6–40 of `A–Z a–z 0–9 -`. Required when
    /// the merchant is a logistics company or `logistics` is given.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\s*[A-Za-z0-9-]{6,40}\s*$"))]
    pub waybill: Option<String>,
    /// Also against a logistics company, for the delivery part: filed as a
    /// second, linked case (both or neither). `amount_claimed_fen` is then
    /// the merchant's part; at most `amount_paid_fen`, and with the merchant's
    /// part together at most that too unless the merchant's part demands
    /// punitive damages.
    #[serde(default)]
    pub logistics: Option<LogisticsInput>,
}

/// A complaint that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    pub merchant: MerchantRef,
    pub category: Category,
    pub title: String,
    pub narrative: String,
    pub order: Order,
    pub remedy: Remedy,
    pub demand: Demand,
    pub publish_narrative: bool,
    pub waybill: Option<String>,
    /// The delivery part against a logistics company, if named.
    pub logistics: Option<LogisticsPart>,
}

/// The filing form's text fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplaintForm {
    /// The merchant's number or USCC.
    pub merchant: String,
    pub category: String,
    pub title: String,
    pub narrative: String,
    pub order_ref: String,
    pub order_date: String,
    /// Yuan, as typed.
    pub amount_paid: String,
    pub amount_claimed: String,
    pub remedy: String,
    /// Empty: the remedy.
    pub demand: String,
    /// A checkbox: `on` when ticked.
    pub publish_narrative: Option<String>,
    pub waybill: String,
    /// The logistics company's number or USCC; blank: none named (then the
    /// other two logistics fields must be blank too).
    pub logistics_merchant: String,
    /// Yuan, as typed.
    pub logistics_amount_claimed: String,
    pub logistics_narrative: String,
}

impl ComplaintInput {
    /// The filing form's fields; errors name the form's fields (`merchant`).
    pub fn from_form(f: &ComplaintForm) -> Result<ComplaintInput, AppError> {
        let order = OrderInput::from_form(
            &f.order_ref,
            &f.order_date,
            &f.amount_paid,
            &f.amount_claimed,
        )?;
        Ok(ComplaintInput {
            merchant_id: Some(MerchantKey::Text(f.merchant.clone())),
            merchant_uscc: None,
            category: Category::parse(&f.category)
                .ok_or_else(|| AppError::invalid("category", "err.category_unknown"))?,
            title: f.title.clone(),
            narrative: f.narrative.clone(),
            order_ref: order.order_ref,
            order_date: order.order_date,
            amount_paid_fen: order.amount_paid_fen,
            amount_claimed_fen: order.amount_claimed_fen,
            remedy: Remedy::parse(&f.remedy)
                .ok_or_else(|| AppError::invalid("remedy", "err.remedy_unknown"))?,
            demand: match f.demand.trim() {
                "" => None,
                d => Some(
                    Demand::parse(d)
                        .ok_or_else(|| AppError::invalid("demand", "err.demand_unknown"))?,
                ),
            },
            publish_narrative: input::flag(f.publish_narrative.as_deref(), "publish_narrative")?
                .unwrap_or(false),
            waybill: Some(f.waybill.clone()).filter(|w| !w.trim().is_empty()),
            logistics: Self::logistics_from_form(f)?,
        })
    }

    /// The form's logistics fieldset: all blank is none; otherwise the
    /// company is required and the amount is in yuan.
    fn logistics_from_form(f: &ComplaintForm) -> Result<Option<LogisticsInput>, AppError> {
        let fields = LogisticsFields::FORM;
        let blank = |s: &str| s.trim().is_empty();
        if blank(&f.logistics_merchant)
            && blank(&f.logistics_amount_claimed)
            && blank(&f.logistics_narrative)
        {
            return Ok(None);
        }
        if blank(&f.logistics_merchant) {
            return Err(AppError::invalid(fields.merchant, "err.required"));
        }
        let claimed = input::yuan(Some(&f.logistics_amount_claimed), fields.amount_claimed)?
            .ok_or_else(|| AppError::invalid(fields.amount_claimed, "err.required"))?;
        Ok(Some(LogisticsInput {
            merchant_id: Some(MerchantKey::Text(f.logistics_merchant.clone())),
            merchant_uscc: None,
            amount_claimed_fen: claimed,
            narrative: f.logistics_narrative.clone(),
        }))
    }

    /// Checks every field; the merchant's errors name `merchant_field`
    /// (`merchant_id` in the API, `merchant` in the form).
    ///
    /// The logistics part's errors name `logistics.merchant_id`,
    /// `logistics.amount_claimed_fen` and `logistics.narrative` in the API,
    /// `logistics_merchant`, `logistics_amount_claimed` and
    /// `logistics_narrative` in the form.
    pub fn check(&self, now: DateTime<Utc>, merchant_field: &str) -> Result<Complaint, AppError> {
        let merchant = match (&self.merchant_id, &self.merchant_uscc) {
            (Some(MerchantKey::Id(id)), _) => MerchantRef::Id(*id),
            (Some(MerchantKey::Text(t)), _) if !t.trim().is_empty() => {
                MerchantRef::parse(t, merchant_field)?
            }
            (_, Some(u)) => MerchantRef::parse(u, merchant_field)?,
            _ => return Err(AppError::invalid(merchant_field, "err.required")),
        };
        let lf = if merchant_field == "merchant" {
            LogisticsFields::FORM
        } else {
            LogisticsFields::API
        };
        let complaint = self.check_fields(now, merchant)?;
        let waybill = waybill(self.waybill.as_deref())?;
        let logistics = match &self.logistics {
            None => None,
            Some(l) => {
                let part = l.check(&lf)?;
                if part.merchant == complaint.merchant {
                    return Err(AppError::invalid(
                        lf.merchant,
                        "err.logistics.same_merchant",
                    ));
                }
                // The delivery part never claims more than was paid; the two
                // parts together neither, unless the merchant's part claims
                // punitive damages (which stand on their own).
                let paid = complaint.order.paid.0;
                let together = complaint.order.claimed.0 + part.claimed.0;
                if part.claimed.0 > paid || (!complaint.demand.is_punitive() && together > paid) {
                    return Err(AppError::invalid(
                        lf.amount_claimed,
                        "err.logistics.parts_exceed_paid",
                    ));
                }
                if waybill.is_none() {
                    return Err(AppError::invalid("waybill", "err.waybill.required"));
                }
                Some(part)
            }
        };
        Ok(Complaint {
            waybill,
            logistics,
            ..complaint
        })
    }

    /// The checks of a complaint against one merchant (no waybill, no
    /// logistics part yet).
    fn check_fields(
        &self,
        now: DateTime<Utc>,
        merchant: MerchantRef,
    ) -> Result<Complaint, AppError> {
        Ok(Complaint {
            merchant,
            category: self.category,
            title: input::bounded_text(&self.title, "title", min::TITLE, max::TITLE)?,
            narrative: input::bounded_text(
                &self.narrative,
                "narrative",
                min::NARRATIVE,
                max::NARRATIVE,
            )?,
            order: OrderInput {
                order_ref: self.order_ref.clone(),
                order_date: self.order_date.clone(),
                amount_paid_fen: self.amount_paid_fen,
                amount_claimed_fen: self.amount_claimed_fen,
            }
            .check(now)?,
            remedy: self.remedy,
            demand: self.demand.unwrap_or(Demand::of_remedy(self.remedy)),
            publish_narrative: self.publish_narrative,
            waybill: None,
            logistics: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-12-04T08:00:00Z".parse().unwrap()
    }

    fn body(extra: &str) -> Vec<u8> {
        format!(
            r#"{{"category": "quality", "title": "洗衣机漏水", "narrative": "第一次使用就漏水，客服拒绝退货。",
               "order_ref": "tb-1", "order_date": "2026-11-01", "amount_paid_fen": 259900,
               "amount_claimed_fen": 259900, "remedy": "refund"{extra}}}"#
        )
        .into_bytes()
    }

    fn field(e: AppError) -> String {
        crate::input::testing::field_error(e).0
    }

    #[test]
    fn the_api_and_the_form_file_the_same_complaint() {
        let json: ComplaintInput = input::from_json(&body(r#", "merchant_id": 7"#)).unwrap();
        let form = ComplaintInput::from_form(&ComplaintForm {
            merchant: "7".into(),
            category: "quality".into(),
            title: "洗衣机漏水".into(),
            narrative: "第一次使用就漏水，客服拒绝退货。".into(),
            order_ref: "tb-1".into(),
            order_date: "2026-11-01".into(),
            amount_paid: "2599".into(),
            amount_claimed: "2599.00".into(),
            remedy: "refund".into(),
            demand: String::new(),
            publish_narrative: None,
            ..Default::default()
        })
        .unwrap();
        let (a, b) = (
            json.check(now(), "merchant_id").unwrap(),
            form.check(now(), "merchant").unwrap(),
        );
        assert_eq!(a, b);
        assert_eq!(a.merchant, MerchantRef::Id(7));
        assert_eq!(a.order.order_ref, "TB-1");
        assert_eq!(a.order.paid, Fen(259_900));
        assert_eq!(a.demand, Demand::Refund, "no demand: the remedy");
    }

    #[test]
    fn a_demand_is_optional_and_named_when_wrong() {
        let c: ComplaintInput =
            input::from_json(&body(r#", "merchant_id": 1, "demand": "punitive_3x""#)).unwrap();
        assert_eq!(
            c.check(now(), "merchant_id").unwrap().demand,
            Demand::Punitive3x
        );
        let c: ComplaintInput =
            input::from_json(&body(r#", "merchant_id": 1, "demand": null"#)).unwrap();
        assert_eq!(
            c.check(now(), "merchant_id").unwrap().demand,
            Demand::Refund
        );
        assert_eq!(
            field(
                input::from_json::<ComplaintInput>(&body(r#", "merchant_id": 1, "demand": "x""#))
                    .unwrap_err()
            ),
            "demand"
        );
        let form = ComplaintForm {
            merchant: "7".into(),
            category: "quality".into(),
            title: "洗衣机漏水".into(),
            narrative: "第一次使用就漏水，客服拒绝退货。".into(),
            order_ref: "tb-1".into(),
            order_date: "2026-11-01".into(),
            amount_paid: "2599".into(),
            amount_claimed: "2599".into(),
            remedy: "refund".into(),
            demand: "punitive_10x".into(),
            publish_narrative: None,
            ..Default::default()
        };
        let c = ComplaintInput::from_form(&form).unwrap();
        assert_eq!(c.demand, Some(Demand::Punitive10x));
        let bad = ComplaintForm {
            demand: "triple".into(),
            ..form
        };
        assert_eq!(
            field(ComplaintInput::from_form(&bad).unwrap_err()),
            "demand"
        );
    }

    #[test]
    fn the_merchant_comes_as_an_id_or_a_uscc() {
        let uscc = "91330106MA2GL3QX1X";
        for extra in [
            format!(r#", "merchant_uscc": "{uscc}""#),
            format!(r#", "merchant_id": "{uscc}""#),
        ] {
            let c: ComplaintInput = input::from_json(&body(&extra)).unwrap();
            match c.check(now(), "merchant_id") {
                Ok(c) => assert!(matches!(c.merchant, MerchantRef::Uscc(_))),
                // The sample USCC's check digit may not hold: then it is named.
                Err(e) => assert_eq!(field(e), "merchant_id"),
            }
        }
        let none: ComplaintInput = input::from_json(&body("")).unwrap();
        assert_eq!(
            field(none.check(now(), "merchant_id").unwrap_err()),
            "merchant_id"
        );
        let bad: ComplaintInput = input::from_json(&body(r#", "merchant_id": "x""#)).unwrap();
        assert_eq!(
            field(bad.check(now(), "merchant_id").unwrap_err()),
            "merchant_id"
        );
    }

    #[test]
    fn each_wrong_field_is_named() {
        for (extra, want) in [
            (r#", "merchant_id": true"#, "merchant_id"),
            (
                r#", "merchant_id": 1, "publish_narrative": "yes""#,
                "publish_narrative",
            ),
        ] {
            assert_eq!(
                field(input::from_json::<ComplaintInput>(&body(extra)).unwrap_err()),
                want
            );
        }
        let ok: ComplaintInput = input::from_json(&body(r#", "merchant_id": 1"#)).unwrap();
        type Spoil = fn(&mut ComplaintInput);
        let cases: [(Spoil, &str); 6] = [
            (|c| c.title = "短".into(), "title"),
            (
                |c| c.narrative = "长".repeat(max::NARRATIVE + 1),
                "narrative",
            ),
            (|c| c.order_date = "2026-13-01".into(), "order_date"),
            (|c| c.order_date = "2027-01-01".into(), "order_date"),
            (|c| c.amount_claimed_fen = Fen(-1), "amount_claimed_fen"),
            (|c| c.order_ref = " ".into(), "order_ref"),
        ];
        for (spoil, want) in cases {
            let mut c = ok.clone();
            spoil(&mut c);
            assert_eq!(field(c.check(now(), "merchant_id").unwrap_err()), want);
        }
        assert_eq!(
            field(OrderInput::from_form("A", "2026-11-01", "12.345", "1").unwrap_err()),
            "amount_paid_fen"
        );
    }

    #[test]
    fn a_waybill_is_trimmed_and_checked() {
        assert_eq!(waybill(None).unwrap(), None);
        assert_eq!(field(waybill(Some("  ")).unwrap_err()), "waybill");
        assert_eq!(
            field(waybill(Some("\u{85}SF1234567")).unwrap_err()),
            "waybill"
        );
        assert_eq!(
            waybill(Some(" SF-1234567890 ")).unwrap().as_deref(),
            Some("SF-1234567890")
        );
        assert!(waybill(Some("abc123")).is_ok(), "6 characters");
        assert!(waybill(Some(&"9".repeat(WAYBILL_MAX))).is_ok());
        for bad in [
            "abc12",
            "SF 12345678",
            "SF_1234567",
            "顺丰1234567",
            "SF1234567#",
        ] {
            assert_eq!(field(waybill(Some(bad)).unwrap_err()), "waybill", "{bad}");
        }
        assert_eq!(
            field(waybill(Some(&"9".repeat(WAYBILL_MAX + 1))).unwrap_err()),
            "waybill"
        );
        let c: ComplaintInput =
            input::from_json(&body(r#", "merchant_id": 1, "waybill": "SF!""#)).unwrap();
        assert_eq!(field(c.check(now(), "merchant_id").unwrap_err()), "waybill");
        let c: ComplaintInput =
            input::from_json(&body(r#", "merchant_id": 1, "waybill": " YT9988776655 ""#)).unwrap();
        assert_eq!(
            c.check(now(), "merchant_id").unwrap().waybill.as_deref(),
            Some("YT9988776655")
        );
    }

    fn linked(logistics: &str, waybill: &str) -> ComplaintInput {
        let extra = format!(r#", "merchant_id": 1{waybill}, "logistics": {logistics}"#);
        input::from_json(&body(&extra)).unwrap()
    }

    #[test]
    fn a_logistics_part_is_checked_field_by_field() {
        let part = r#"{"merchant_id": 2, "amount_claimed_fen": 0, "narrative": "快递丢件，物流公司拒绝赔偿。"}"#;
        let wb = r#", "waybill": "SF1234567890""#;
        let ok = linked(part, wb).check(now(), "merchant_id").unwrap();
        let l = ok.logistics.unwrap();
        assert_eq!(l.merchant, MerchantRef::Id(2));
        assert_eq!(ok.waybill.as_deref(), Some("SF1234567890"));
        // Without a waybill: named.
        assert_eq!(
            field(linked(part, "").check(now(), "merchant_id").unwrap_err()),
            "waybill"
        );
        for (logistics, want) in [
            (
                r#"{"amount_claimed_fen": 0, "narrative": "快递丢件，物流公司拒绝赔偿。"}"#,
                "logistics.merchant_id",
            ),
            (
                r#"{"merchant_id": 1, "amount_claimed_fen": 0, "narrative": "快递丢件，物流公司拒绝赔偿。"}"#,
                "logistics.merchant_id",
            ),
            (
                r#"{"merchant_id": 2, "amount_claimed_fen": -5, "narrative": "快递丢件，物流公司拒绝赔偿。"}"#,
                "logistics.amount_claimed_fen",
            ),
            (
                // 259900 claimed from the merchant already: any more is over the price.
                r#"{"merchant_id": 2, "amount_claimed_fen": 1, "narrative": "快递丢件，物流公司拒绝赔偿。"}"#,
                "logistics.amount_claimed_fen",
            ),
            (
                r#"{"merchant_id": 2, "amount_claimed_fen": 0, "narrative": "丢了"}"#,
                "logistics.narrative",
            ),
        ] {
            assert_eq!(
                field(
                    linked(logistics, wb)
                        .check(now(), "merchant_id")
                        .unwrap_err()
                ),
                want,
                "{logistics}"
            );
        }
    }

    #[test]
    fn a_punitive_merchant_part_stands_beside_a_delivery_part() {
        // The body claims 259900 of the 259900 paid from the merchant.
        let wb = r#", "waybill": "SF1234567890""#;
        let part = |fen: i64| {
            format!(
                r#"{{"merchant_id": 2, "amount_claimed_fen": {fen}, "narrative": "外箱破损，机器在运输中摔坏。"}}"#
            )
        };
        let punitive = |fen: i64| -> ComplaintInput {
            let extra = format!(
                r#", "merchant_id": 1, "demand": "punitive_3x"{wb}, "logistics": {}"#,
                part(fen)
            );
            input::from_json(&body(&extra)).unwrap()
        };
        // 退一赔三 from the merchant and the parcel's damage from the carrier.
        let c = punitive(50_000).check(now(), "merchant_id").unwrap();
        assert_eq!(c.logistics.unwrap().claimed, Fen(50_000));
        // Still: the carrier is never asked for more than was paid.
        assert_eq!(
            field(punitive(259_901).check(now(), "merchant_id").unwrap_err()),
            "logistics.amount_claimed_fen"
        );
        // Without a punitive demand the two parts share the price.
        assert_eq!(
            field(
                linked(&part(1), wb)
                    .check(now(), "merchant_id")
                    .unwrap_err()
            ),
            "logistics.amount_claimed_fen"
        );
    }

    #[test]
    fn the_form_names_the_logistics_fields() {
        let form = ComplaintForm {
            merchant: "7".into(),
            category: "quality".into(),
            title: "洗衣机漏水".into(),
            narrative: "第一次使用就漏水，客服拒绝退货。".into(),
            order_ref: "tb-1".into(),
            order_date: "2026-11-01".into(),
            amount_paid: "2599".into(),
            amount_claimed: "2000".into(),
            remedy: "refund".into(),
            waybill: "SF1234567890".into(),
            logistics_merchant: "8".into(),
            logistics_amount_claimed: "599".into(),
            logistics_narrative: "外箱破损，机器在运输中摔坏。".into(),
            ..Default::default()
        };
        let c = ComplaintInput::from_form(&form)
            .unwrap()
            .check(now(), "merchant")
            .unwrap();
        let l = c.logistics.unwrap();
        assert_eq!((l.merchant, l.claimed), (MerchantRef::Id(8), Fen(59_900)));
        let none = ComplaintForm {
            logistics_merchant: " ".into(),
            logistics_amount_claimed: String::new(),
            logistics_narrative: String::new(),
            waybill: String::new(),
            ..form.clone()
        };
        let c = ComplaintInput::from_form(&none).unwrap();
        assert_eq!((c.logistics, c.waybill), (None, None));
        let no_company = ComplaintForm {
            logistics_merchant: String::new(),
            ..form.clone()
        };
        assert_eq!(
            field(ComplaintInput::from_form(&no_company).unwrap_err()),
            "logistics_merchant"
        );
        let too_much = ComplaintForm {
            logistics_amount_claimed: "600".into(),
            ..form.clone()
        };
        assert_eq!(
            field(
                ComplaintInput::from_form(&too_much)
                    .unwrap()
                    .check(now(), "merchant")
                    .unwrap_err()
            ),
            "logistics_amount_claimed"
        );
    }
}
