//! The search index follows the change log now: outbox rows of topic
//! `search` have no reader any more. Those left in a database are
//! superseded — an index without a change-log cursor is rebuilt, and one
//! with a cursor reads the log — so they are deleted.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DELETE FROM outbox WHERE topic = 'search'")
            .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // Nothing to restore: the rows were requests a rebuild covers.
        Ok(())
    }
}
