//! A merchant's reply templates (回复模板): texts the business keeps for the
//! answers it gives again and again (a refund's timeline, where to send a
//! return), shared by its main account and staff, and put into a case's
//! message field from the case page. The rules and the bodies as typed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AppError, input};

/// The most templates one business keeps.
pub const MAX_TEMPLATES: u64 = 50;
/// A template's title, in characters.
pub const TITLE_MAX: usize = 50;

/// `POST /merchants/templates`, `PUT /merchants/templates/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateInput {
    /// How the team finds it (1–50 characters).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            required = true,
            nullable = false,
            min_length = 1,
            max_length = 50,
            pattern = r"\S"
        )
    )]
    pub title: Option<String>,
    /// The text put into the message (1–5,000 characters, as a message).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            required = true,
            nullable = false,
            min_length = 1,
            max_length = 5000,
            pattern = r"\S"
        )
    )]
    pub text: Option<String>,
}

impl TemplateInput {
    /// The title and the text, trimmed; errors name their field.
    pub fn check(&self) -> Result<(String, String), AppError> {
        let title = input::required_text(self.title.as_deref(), "title", TITLE_MAX)?;
        let text = input::required_text(self.text.as_deref(), "text", input::max::MESSAGE)?;
        Ok((title, text))
    }
}

/// A template as the team reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyTemplate {
    pub id: i32,
    pub title: String,
    pub text: String,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(title: &str, body: &str) -> TemplateInput {
        TemplateInput {
            title: Some(title.into()),
            text: Some(body.into()),
        }
    }

    #[test]
    fn title_and_text_are_required_and_bounded() {
        assert_eq!(
            input(" 退款时限 ", " 退款将在3个工作日内原路退回。 ")
                .check()
                .unwrap(),
            (
                "退款时限".to_string(),
                "退款将在3个工作日内原路退回。".to_string()
            )
        );
        let field = |i: TemplateInput| i.check().unwrap_err().field().map(str::to_string);
        assert_eq!(field(input("  ", "正文")), Some("title".into()));
        assert_eq!(field(input(&"题".repeat(51), "正文")), Some("title".into()));
        assert_eq!(field(input("标题", "")), Some("text".into()));
        assert_eq!(
            field(input("标题", &"字".repeat(5001))),
            Some("text".into())
        );
        assert!(input(&"题".repeat(50), &"字".repeat(5000)).check().is_ok());
        let missing = TemplateInput {
            title: None,
            text: Some("正文".into()),
        };
        assert_eq!(field(missing), Some("title".into()));
    }
}
