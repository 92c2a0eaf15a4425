//! When a case's arbitration decision deadline was found missed
//! (`Case::decision_overdue_at`, repeated here for the staff statistics).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .add_column(timestamp_with_time_zone_null(Cases::DecisionOverdueAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .drop_column(Cases::DecisionOverdueAt)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    DecisionOverdueAt,
}
