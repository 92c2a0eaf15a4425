//! A merchant account's registration of a business (实名登记) as it arrives,
//! typed from a JSON body or built from the form, then checked once by
//! [`RegistrationInput::check`].

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use super::{LegalForm, MerchantKind};
use crate::input;
use crate::{AppError, Uscc};

/// The business's name: at least this many characters…
pub const NAME_MIN: usize = 2;
/// …and at most this many.
pub const NAME_MAX: usize = 200;
pub const ADDRESS_MIN: usize = 5;
pub const ADDRESS_MAX: usize = 500;
pub const SCOPE_MIN: usize = 2;
pub const SCOPE_MAX: usize = 2000;
/// At most this many shop names or URLs…
pub const SHOP_NAMES_MAX: usize = 20;
/// …each at most this long.
pub const SHOP_NAME_MAX: usize = 200;

/// A registration as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationInput {
    /// 18 characters, GB 32100 check character; lower case and spaces are normalised.
    #[cfg_attr(feature = "openapi", schema(min_length = 18))]
    pub uscc: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub name: String,
    /// A [`LegalForm`].
    #[cfg_attr(feature = "openapi", schema(value_type = LegalForm))]
    pub entity_type: String,
    /// A [`MerchantKind`]; absent or empty: `shop`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<MerchantKind>))]
    pub kind: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 5, max_length = 500))]
    pub registered_address: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 2000))]
    pub business_scope: String,
    /// Shop names or URLs: a list, or one text with one per line.
    #[serde(default, deserialize_with = "list_or_lines")]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub shop_names: Vec<String>,
    /// `YYYY-MM-DD`, not in the past; absent for a licence without end date.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<chrono::NaiveDate>))]
    pub licence_valid_until: Option<String>,
}

/// A registration that passed [`RegistrationInput::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub uscc: Uscc,
    pub name: String,
    pub legal_form: LegalForm,
    pub kind: MerchantKind,
    pub registered_address: String,
    pub business_scope: String,
    pub shop_names: Vec<String>,
    pub licence_valid_until: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ListOrLines {
    List(Vec<String>),
    Lines(String),
}

fn list_or_lines<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<ListOrLines>::deserialize(d)? {
        None => vec![],
        Some(ListOrLines::List(v)) => v,
        Some(ListOrLines::Lines(s)) => lines(&s),
    })
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::to_string).collect()
}

impl RegistrationInput {
    /// From the registration form: every field text, the shop names one per line.
    #[allow(clippy::too_many_arguments)]
    pub fn from_form(
        uscc: &str,
        name: &str,
        entity_type: &str,
        kind: &str,
        registered_address: &str,
        business_scope: &str,
        shop_names: &str,
        licence_valid_until: &str,
    ) -> Self {
        RegistrationInput {
            uscc: uscc.to_string(),
            name: name.to_string(),
            entity_type: entity_type.to_string(),
            kind: Some(kind.to_string()),
            registered_address: registered_address.to_string(),
            business_scope: business_scope.to_string(),
            shop_names: lines(shop_names),
            licence_valid_until: Some(licence_valid_until.to_string()),
        }
    }

    /// The registration, or the first field that fails; `today` is
    /// Beijing's date (a licence must not have expired).
    pub fn check(&self, today: NaiveDate) -> Result<Registration, AppError> {
        let text = input::bounded_text;
        if self.uscc.trim().is_empty() {
            return Err(AppError::invalid("uscc", "err.required"));
        }
        let uscc = Uscc::parse(&self.uscc).map_err(|e| AppError::invalid("uscc", e.key()))?;
        let name = text(&self.name, "name", NAME_MIN, NAME_MAX)?;
        let legal_form = LegalForm::parse(&self.entity_type)
            .ok_or_else(|| AppError::invalid("entity_type", "err.merchant.entity_type"))?;
        let kind = input::choice(
            self.kind.as_deref(),
            "kind",
            "err.merchant.kind",
            MerchantKind::parse,
        )?
        .unwrap_or(MerchantKind::Shop);
        let registered_address = text(
            &self.registered_address,
            "registered_address",
            ADDRESS_MIN,
            ADDRESS_MAX,
        )?;
        let business_scope = text(&self.business_scope, "business_scope", SCOPE_MIN, SCOPE_MAX)?;
        let shop_names: Vec<String> = self
            .shop_names
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if shop_names.len() > SHOP_NAMES_MAX
            || shop_names.iter().any(|s| s.chars().count() > SHOP_NAME_MAX)
        {
            return Err(AppError::invalid("shop_names", "err.merchant.shop_names"));
        }
        let licence_valid_until =
            input::date(self.licence_valid_until.as_deref(), "licence_valid_until")?;
        if licence_valid_until.is_some_and(|d| d < today) {
            return Err(AppError::invalid(
                "licence_valid_until",
                "err.merchant.licence_expired",
            ));
        }
        Ok(Registration {
            uscc,
            name,
            legal_form,
            kind,
            registered_address,
            business_scope,
            shop_names,
            licence_valid_until,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::from_json;
    use crate::input::testing::{assert_json_refused, assert_refused};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
    }

    const USCC: &str = "91110106102167290A";

    fn json_body(shop_names: &str) -> String {
        format!(
            r#"{{"uscc": "{USCC}", "name": "北京辉腾印刷有限公司", "entity_type": "enterprise",
            "registered_address": "北京市西城区西直门南小街1号", "business_scope": "印刷",
            "shop_names": {shop_names}, "licence_valid_until": "2040-12-31"}}"#
        )
    }

    #[test]
    fn a_registration_from_json_checks_out() {
        let names = r#"[" 辉腾旗舰店 ", "", "https://huiteng.example.cn"]"#;
        let r: RegistrationInput = from_json(json_body(names).as_bytes()).unwrap();
        let r = r.check(today()).unwrap();
        assert_eq!(r.uscc.as_str(), USCC);
        assert_eq!(
            (r.legal_form, r.kind),
            (LegalForm::Enterprise, MerchantKind::Shop)
        );
        assert_eq!(r.shop_names, ["辉腾旗舰店", "https://huiteng.example.cn"]);
        assert_eq!(r.licence_valid_until, NaiveDate::from_ymd_opt(2040, 12, 31));
        // One text, one name per line; or none at all.
        let r: RegistrationInput = from_json(json_body(r#""甲店\n乙店""#).as_bytes()).unwrap();
        assert_eq!(r.shop_names, ["甲店", "乙店"]);
        let r: RegistrationInput = from_json(json_body("null").as_bytes()).unwrap();
        assert!(r.shop_names.is_empty());
        assert_json_refused::<RegistrationInput>(&[
            (&json_body("5"), "shop_names", "err.field_invalid"),
            (r#"{"uscc": "x"}"#, "name", "err.required"),
        ]);
    }

    #[test]
    fn each_bad_field_is_named() {
        let good = RegistrationInput::from_form(
            USCC,
            "北京辉腾印刷有限公司",
            "enterprise",
            "",
            "北京市西城区西直门南小街1号",
            "印刷",
            "辉腾旗舰店\n",
            "",
        );
        let ok = good.check(today()).unwrap();
        assert_eq!(
            (ok.kind, ok.licence_valid_until),
            (MerchantKind::Shop, None)
        );
        assert_eq!(ok.shop_names, ["辉腾旗舰店"]);
        let (shops, until) = ("err.merchant.shop_names", "licence_valid_until");
        assert_refused(
            &good,
            &[
                (|r| r.uscc = " ".into(), "uscc", "err.required"),
                (|r| r.uscc = "12345".into(), "uscc", "err.uscc_length"),
                (|r| r.name = "".into(), "name", "err.required"),
                (|r| r.name = "京".into(), "name", "err.text_too_short"),
                (
                    |r| r.name = "京".repeat(NAME_MAX + 1),
                    "name",
                    "err.text_too_long",
                ),
                (
                    |r| r.entity_type = "company".into(),
                    "entity_type",
                    "err.merchant.entity_type",
                ),
                (
                    |r| r.kind = Some("bank".into()),
                    "kind",
                    "err.merchant.kind",
                ),
                (
                    |r| r.registered_address = "北京".into(),
                    "registered_address",
                    "err.text_too_short",
                ),
                (
                    |r| r.business_scope = "印".repeat(SCOPE_MAX + 1),
                    "business_scope",
                    "err.text_too_long",
                ),
                (
                    |r| r.shop_names = vec!["店".into(); SHOP_NAMES_MAX + 1],
                    "shop_names",
                    shops,
                ),
                (
                    |r| r.shop_names = vec!["店".repeat(SHOP_NAME_MAX + 1)],
                    "shop_names",
                    shops,
                ),
                (
                    |r| r.licence_valid_until = Some("2040/12/31".into()),
                    until,
                    "err.date_invalid",
                ),
                (
                    |r| r.licence_valid_until = Some("2026-12-03".into()),
                    until,
                    "err.merchant.licence_expired",
                ),
            ],
            |r| r.check(today()),
        );
    }
}
