//! The one writer of the merchant index. It takes the outbox rows of topic
//! `search`, rewrites those merchants' documents, commits, makes the commit
//! visible, and only then deletes the rows: a crash at any point loses no
//! update (the rows are there to be done again; rewriting is idempotent).

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entities::{case, merchant};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tantivy::IndexWriter;

use super::index::{MerchantDoc, MerchantIndex};
use super::{Reindex, TOPIC};
use crate::{Services, outbox};

/// The documents of `ids` as the database has them now (absent ids are gone).
pub async fn load_docs<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<merchant::Model>,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<MerchantDoc>> {
    let ids: Vec<i32> = rows.iter().map(|m| m.id).collect();
    let lists = crate::credit::lists::statuses(conn, &ids)
        .await
        .map_err(|e| anyhow::anyhow!("list statuses: {e}"))?;
    let filed: Vec<i32> = case::Entity::find()
        .select_only()
        .column(case::Column::MerchantId)
        .filter(case::Column::MerchantId.is_in(ids.clone()))
        .filter(case::Column::CreatedAt.gte(now - chrono::Duration::days(365)))
        .into_tuple()
        .all(conn)
        .await?;
    let mut complaints: HashMap<i32, u64> = HashMap::new();
    for m in filed {
        *complaints.entry(m).or_default() += 1;
    }
    Ok(rows
        .into_iter()
        .map(|m| {
            let (red, black) = lists.get(&m.id).copied().unwrap_or_default();
            MerchantDoc {
                id: m.id,
                shop_names: m
                    .shop_names
                    .as_deref()
                    .and_then(|s| serde_json::from_str(s).ok())
                    .unwrap_or_default(),
                scope: m.business_scope,
                uscc: m.uscc,
                province: m.province,
                region: m.region,
                kind: m.kind,
                grade: m.credit_grade,
                score: m.credit_score,
                red,
                black,
                verified: m.verified_at.is_some(),
                complaints_12m: complaints.get(&m.id).copied().unwrap_or(0),
                name: m.name,
            }
        })
        .collect())
}

pub struct Indexer {
    index: std::sync::Arc<MerchantIndex>,
    writer: IndexWriter,
    generation: u64,
}

impl Indexer {
    pub fn new(svc: &Services) -> anyhow::Result<Indexer> {
        let index = svc.search.index();
        Ok(Indexer {
            writer: index.writer()?,
            generation: svc.search.generation(),
            index,
        })
    }

    /// Applies what the outbox asks for; returns how many merchants were rewritten.
    pub async fn apply_due(&mut self, svc: &Services, now: DateTime<Utc>) -> anyhow::Result<usize> {
        if svc.search.rebuilding.load(Ordering::SeqCst) {
            return Ok(0);
        }
        // A rebuild switched the index: write to the new one.
        if svc.search.generation() != self.generation {
            *self = Indexer::new(svc)?;
        }
        let rows = outbox::claim_due(&svc.db, TOPIC, now, 1000).await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let ids: BTreeSet<i32> = rows
            .iter()
            .filter_map(|r| serde_json::from_str::<Reindex>(&r.payload).ok())
            .map(|r| r.merchant_id)
            .collect();
        let result: anyhow::Result<()> = async {
            let found = merchant::Entity::find()
                .filter(merchant::Column::Id.is_in(ids.iter().copied()))
                .all(&svc.db)
                .await?;
            let docs = load_docs(&svc.db, found, svc.clock.now()).await?;
            for id in &ids {
                self.writer.delete_term(self.index.id_term(*id));
            }
            for d in &docs {
                self.writer.add_document(self.index.document(d))?;
            }
            self.writer.commit()?;
            self.index.reload()?;
            Ok(())
        }
        .await;
        match result {
            Ok(()) => {
                for r in &rows {
                    outbox::complete(&svc.db, r.id).await?;
                }
                Ok(ids.len())
            }
            Err(e) => {
                // Nothing half-committed stays pending in the writer.
                let _ = self.writer.rollback();
                for r in &rows {
                    outbox::fail(&svc.db, r, &format!("{e:#}"), now).await?;
                }
                Err(e)
            }
        }
    }
}

/// Builds a complete new index from the database beside the one in use
/// (which keeps serving), then switches to it. Updates that arrive
/// meanwhile wait in the outbox and are applied to the new index after.
/// `progress(done, total)` is called every 10,000 merchants and at the end.
pub async fn rebuild(svc: &Services, progress: impl Fn(u64, u64)) -> anyhow::Result<u64> {
    use sea_orm::PaginatorTrait;
    svc.search.rebuilding.store(true, Ordering::SeqCst);
    let result = async {
        let total = merchant::Entity::find().count(&svc.db).await?;
        let index = MerchantIndex::create(&super::new_dir(svc.search.root()))?;
        let mut writer = index.writer()?;
        let now = svc.clock.now();
        let (mut done, mut after) = (0u64, 0i32);
        loop {
            let rows = merchant::Entity::find()
                .filter(merchant::Column::Id.gt(after))
                .order_by_asc(merchant::Column::Id)
                .limit(2000)
                .all(&svc.db)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            for d in load_docs(&svc.db, rows, now).await? {
                writer.add_document(index.document(&d))?;
                done += 1;
                if done % 10_000 == 0 {
                    progress(done, total);
                }
            }
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        index.reload()?;
        progress(done, total);
        svc.search.switch(index)?;
        Ok(done)
    }
    .await;
    svc.search.rebuilding.store(false, Ordering::SeqCst);
    result
}

/// Runs forever: wakes when poked and every 200 ms, so a change is
/// searchable well within 2 seconds.
pub async fn run(svc: Services) {
    let mut indexer = loop {
        match Indexer::new(&svc) {
            Ok(i) => break i,
            Err(e) => {
                tracing::error!("search writer: {e:#}");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    };
    loop {
        if let Err(e) = indexer.apply_due(&svc, Utc::now()).await {
            tracing::error!("search indexer: {e:#}");
        }
        tokio::select! {
            _ = svc.outbox_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
        }
    }
}
