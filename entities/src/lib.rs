//! sea-orm entities, one module per table. The schema itself is owned by the
//! `migration` crate; these mirror it for typed queries.

pub mod api_key;
pub mod api_key_call;
pub mod case;
pub mod case_member;
pub mod case_reminder;
pub mod case_trail;
pub mod change_log;
pub mod consumer_identity;
pub mod credit_commitment;
pub mod credit_record;
pub mod email_token;
pub mod evidence;
pub mod fc_contest;
pub mod fc_refusal;
pub mod holiday;
pub mod ledger_entry;
pub mod ledger_line;
pub mod list_entry;
pub mod merchant;
pub mod merchant_verification;
pub mod notification;
pub mod organisation;
pub mod outbox;
pub mod pii_access;
pub mod pii_key_check;
pub mod rating;
pub mod record_request;
pub mod risk_warning;
pub mod screening_case;
pub mod screening_flag;
pub mod session;
pub mod signing_key;
pub mod staff_admin_log;
pub mod user;
