//! A complaint's waybill number (运单号), and the link between the two
//! cases of a complaint that names a merchant and a logistics company.
//! One column per `ALTER TABLE` (SQLite adds one at a time).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .add_column(string_len_null(Cases::Waybill, 40))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .add_column(integer_null(Cases::LinkedCaseId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_cases_linked_case_id")
                .table(Cases::Table)
                .col(Cases::LinkedCaseId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_cases_linked_case_id")
                .table(Cases::Table)
                .to_owned(),
        )
        .await?;
        for col in [Cases::LinkedCaseId, Cases::Waybill] {
            m.alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Waybill,
    LinkedCaseId,
}
