//! Mutual ratings (信用互评): one rating per side (consumer, merchant) per
//! case, each with at most one follow-up review (追评). Ratings are never
//! deleted: a regulator may hide one (hidden_at, hidden_by, hidden_reason),
//! and a trigger refuses any DELETE on both databases.
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Ratings::Table)
                .col(pk_auto(Ratings::Id))
                .col(integer(Ratings::CaseId))
                .col(integer(Ratings::MerchantId))
                .col(integer(Ratings::AuthorId))
                // `consumer` or `merchant`.
                .col(string_len(Ratings::Side, 10))
                // 1–5 on the consumer's side, NULL on the merchant's.
                .col(integer_null(Ratings::Stars))
                .col(boolean(Ratings::FlagMalicious))
                .col(text(Ratings::Text))
                .col(text_null(Ratings::FollowUpText))
                .col(timestamp_with_time_zone_null(Ratings::FollowUpAt))
                .col(timestamp_with_time_zone_null(Ratings::HiddenAt))
                .col(integer_null(Ratings::HiddenBy))
                .col(text_null(Ratings::HiddenReason))
                // For the regulators' brushing (刷单炒信) signals.
                .col(string_len(Ratings::AuthorIp, 64))
                .col(timestamp_with_time_zone(Ratings::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Ratings::Table, Ratings::CaseId)
                        .to(Cases::Table, Cases::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Ratings::Table, Ratings::MerchantId)
                        .to(Merchants::Table, Merchants::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Ratings::Table, Ratings::AuthorId)
                        .to(Users::Table, Users::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Ratings::Table, Ratings::HiddenBy)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        // One rating per side per case.
        m.create_index(
            Index::create()
                .name("idx_ratings_case_side")
                .table(Ratings::Table)
                .col(Ratings::CaseId)
                .col(Ratings::Side)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_ratings_merchant")
                .table(Ratings::Table)
                .col(Ratings::MerchantId)
                .col(Ratings::Side)
                .col(Ratings::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_ratings_author_ip")
                .table(Ratings::Table)
                .col(Ratings::AuthorIp)
                .to_owned(),
        )
        .await?;
        // Nobody deletes a rating, not even by hand in SQL.
        let conn = m.get_connection();
        match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                conn.execute_unprepared(
                    "CREATE FUNCTION ratings_no_delete() RETURNS trigger AS $$ \
                     BEGIN RAISE EXCEPTION 'ratings are never deleted; a regulator may hide one'; END; \
                     $$ LANGUAGE plpgsql",
                )
                .await?;
                conn.execute_unprepared(
                    "CREATE TRIGGER ratings_no_delete BEFORE DELETE ON ratings \
                     FOR EACH ROW EXECUTE FUNCTION ratings_no_delete()",
                )
                .await?;
            }
            _ => {
                conn.execute_unprepared(
                    "CREATE TRIGGER ratings_no_delete BEFORE DELETE ON ratings \
                     BEGIN SELECT RAISE(ABORT, 'ratings are never deleted; a regulator may hide one'); END",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Ratings::Table).to_owned())
            .await?;
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS ratings_no_delete()")
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Merchants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Ratings {
    Table,
    Id,
    CaseId,
    MerchantId,
    AuthorId,
    Side,
    Stars,
    FlagMalicious,
    Text,
    FollowUpText,
    FollowUpAt,
    HiddenAt,
    HiddenBy,
    HiddenReason,
    AuthorIp,
    CreatedAt,
}
