//! Schema migrations. Each runs on SQLite and PostgreSQL; the test suites of
//! `services` and `server` apply them to both.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_accounts;
mod m20261122_000002_outbox;
mod m20261122_000003_merchants;
mod m20261122_000004_cases;
mod m20261122_000005_case_members;
mod m20261201_000006_fund;
mod m20261201_000007_credit;
mod m20261201_000008_ratings;
mod m20261201_000009_lists;
mod m20261201_000010_due_process;
mod m20261201_000011_pii_log;
mod m20261204_000012_change_log;
mod m20261204_000013_search_log;
mod m20261204_000014_cluster;
mod m20261206_000015_decision_overdue;
mod m20261206_000016_identity;
mod m20261206_000017_bundles;
mod m20261206_000018_screening;
mod m20261207_000019_waybill_links;
mod m20261207_000020_fund_appeals;
mod m20261207_000021_risk_warnings;
mod m20261207_000022_account_admin;
mod m20261207_000023_platforms;
mod m20261207_000026_merchant_staff;
mod m20261207_000027_webhooks;
mod m20261207_000029_case_reads;
mod m20261207_000030_reply_templates;
mod m20261207_000031_filing_drafts;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_accounts::Migration),
            Box::new(m20261122_000002_outbox::Migration),
            Box::new(m20261122_000003_merchants::Migration),
            Box::new(m20261122_000004_cases::Migration),
            Box::new(m20261122_000005_case_members::Migration),
            Box::new(m20261201_000006_fund::Migration),
            Box::new(m20261201_000007_credit::Migration),
            Box::new(m20261201_000008_ratings::Migration),
            Box::new(m20261201_000009_lists::Migration),
            Box::new(m20261201_000010_due_process::Migration),
            Box::new(m20261201_000011_pii_log::Migration),
            Box::new(m20261204_000012_change_log::Migration),
            Box::new(m20261204_000013_search_log::Migration),
            Box::new(m20261204_000014_cluster::Migration),
            Box::new(m20261206_000015_decision_overdue::Migration),
            Box::new(m20261206_000016_identity::Migration),
            Box::new(m20261206_000017_bundles::Migration),
            Box::new(m20261206_000018_screening::Migration),
            Box::new(m20261207_000019_waybill_links::Migration),
            Box::new(m20261207_000020_fund_appeals::Migration),
            Box::new(m20261207_000021_risk_warnings::Migration),
            Box::new(m20261207_000022_account_admin::Migration),
            Box::new(m20261207_000023_platforms::Migration),
            Box::new(m20261207_000026_merchant_staff::Migration),
            Box::new(m20261207_000027_webhooks::Migration),
            Box::new(m20261207_000029_case_reads::Migration),
            Box::new(m20261207_000030_reply_templates::Migration),
            Box::new(m20261207_000031_filing_drafts::Migration),
        ]
    }
}
