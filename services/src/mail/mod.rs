//! Mail: messages are rendered in the recipient's language, put in the outbox
//! with the change that causes them, and delivered by [`worker`].

pub mod backend;
pub mod worker;

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};

pub use backend::Mailer;

pub const TOPIC: &str = "mail";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailMessage {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Queues a message in the caller's transaction. Delivery is scheduled on the
/// wall clock, not the business clock, so retries happen even when
/// `GONGDAO_NOW` fixes the latter.
pub async fn enqueue<C: ConnectionTrait>(conn: &C, msg: &MailMessage) -> Result<(), DbErr> {
    crate::outbox::enqueue(conn, TOPIC, msg, Utc::now()).await
}
