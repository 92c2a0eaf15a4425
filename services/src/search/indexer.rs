//! The one writer of the merchant index. It takes the outbox rows of topic
//! `search`, rewrites those merchants' documents, commits, makes the commit
//! visible, and only then deletes the rows: a crash at any point loses no
//! update (the rows are there to be done again; rewriting is idempotent).

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entities::{case, merchant};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use tantivy::IndexWriter;

use super::index::MerchantDoc;
use super::{Generation, complaints};
use crate::changes::{Reindex, SEARCH_TOPIC as TOPIC};
use crate::{Services, outbox};

/// The documents of `rows` as the database has them now (absent ids are gone).
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
    Ok(docs_from(
        rows.into_iter().map(Indexed::from).collect(),
        &lists,
        &complaints,
    ))
}

/// The columns of a merchant the index holds (a full rebuild reads only
/// these: the others — address, credit factors … — were a third of its reading).
#[derive(Debug, FromQueryResult)]
pub struct Indexed {
    id: i32,
    uscc: String,
    name: String,
    kind: String,
    business_scope: String,
    province: String,
    region: String,
    shop_names: Option<String>,
    verified_at: Option<DateTime<Utc>>,
    credit_score: Option<i32>,
    credit_grade: Option<String>,
}

impl From<merchant::Model> for Indexed {
    fn from(m: merchant::Model) -> Indexed {
        Indexed {
            id: m.id,
            uscc: m.uscc,
            name: m.name,
            kind: m.kind,
            business_scope: m.business_scope,
            province: m.province,
            region: m.region,
            shop_names: m.shop_names,
            verified_at: m.verified_at,
            credit_score: m.credit_score,
            credit_grade: m.credit_grade,
        }
    }
}

fn indexed_columns() -> sea_orm::Select<merchant::Entity> {
    use merchant::Column as C;
    merchant::Entity::find().select_only().columns([
        C::Id,
        C::Uscc,
        C::Name,
        C::Kind,
        C::BusinessScope,
        C::Province,
        C::Region,
        C::ShopNames,
        C::VerifiedAt,
        C::CreditScore,
        C::CreditGrade,
    ])
}

/// Every merchant's list status and complaints in 12 months, read once for
/// a full rebuild (per page of ids they cost ~4.5 s of a 1M rebuild).
async fn whole_table_facts<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
) -> anyhow::Result<(HashMap<i32, (bool, bool)>, HashMap<i32, u64>)> {
    let listed: Vec<i32> = entities::list_entry::Entity::find()
        .select_only()
        .column(entities::list_entry::Column::MerchantId)
        .distinct()
        .into_tuple()
        .all(conn)
        .await?;
    let lists = crate::credit::lists::statuses(conn, &listed)
        .await
        .map_err(|e| anyhow::anyhow!("list statuses: {e}"))?;
    let complaints: HashMap<i32, u64> = case::Entity::find()
        .select_only()
        .column(case::Column::MerchantId)
        .column_as(case::Column::Id.count(), "n")
        .filter(case::Column::CreatedAt.gte(now - chrono::Duration::days(365)))
        .group_by(case::Column::MerchantId)
        .into_tuple::<(i32, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(m, n)| (m, n.max(0) as u64))
        .collect();
    Ok((lists, complaints))
}

fn docs_from(
    rows: Vec<Indexed>,
    lists: &HashMap<i32, (bool, bool)>,
    complaints: &HashMap<i32, u64>,
) -> Vec<MerchantDoc> {
    rows.into_iter()
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
        .collect()
}

pub struct Indexer {
    gen_: std::sync::Arc<Generation>,
    merchants: IndexWriter,
    complaints: IndexWriter,
    generation: u64,
}

impl Indexer {
    pub fn new(svc: &Services) -> anyhow::Result<Indexer> {
        let gen_ = svc.search.current();
        Ok(Indexer {
            merchants: gen_.merchants.writer()?,
            complaints: gen_.complaints.writer()?,
            generation: svc.search.generation(),
            gen_,
        })
    }

    /// Applies what the outbox asks for; returns how many documents were rewritten.
    pub async fn apply_due(&mut self, svc: &Services, now: DateTime<Utc>) -> anyhow::Result<usize> {
        if svc.search.writer_poll() {
            return Ok(0);
        }
        // Another process's rebuild finished: serve (and write) its indexes.
        svc.search.follow()?;
        if svc.search.generation() != self.generation {
            *self = Indexer::new(svc)?;
        }
        let rows = outbox::claim_due(&svc.db, TOPIC, now, 1000).await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let (mut merchant_ids, mut case_ids) = (BTreeSet::new(), BTreeSet::new());
        for r in &rows {
            match serde_json::from_str::<Reindex>(&r.payload) {
                Ok(Reindex::Merchant { merchant_id }) => {
                    merchant_ids.insert(merchant_id);
                }
                Ok(Reindex::Case { case_id }) => {
                    case_ids.insert(case_id);
                }
                Err(e) => tracing::warn!("search: outbox row {} unreadable: {e}", r.id),
            }
        }
        // A merchant's public complaint records carry its name: rewrite them too.
        if !merchant_ids.is_empty() {
            let theirs: Vec<i32> = case::Entity::find()
                .select_only()
                .column(case::Column::Id)
                .filter(case::Column::MerchantId.is_in(merchant_ids.iter().copied()))
                .filter(case::Column::Status.eq(domain::cases::Status::Closed.as_str()))
                .filter(case::Column::PublishNarrative.eq(true))
                .into_tuple()
                .all(&svc.db)
                .await?;
            case_ids.extend(theirs);
        }
        let result = self.write(svc, &merchant_ids, &case_ids).await;
        match result {
            Ok(()) => {
                for r in &rows {
                    outbox::complete(&svc.db, r.id).await?;
                }
                Ok(merchant_ids.len() + case_ids.len())
            }
            Err(e) => {
                // Nothing half-committed stays pending in the writers.
                let _ = self.merchants.rollback();
                let _ = self.complaints.rollback();
                for r in &rows {
                    outbox::fail(&svc.db, r, &format!("{e:#}"), now).await?;
                }
                Err(e)
            }
        }
    }

    async fn write(
        &mut self,
        svc: &Services,
        merchant_ids: &BTreeSet<i32>,
        case_ids: &BTreeSet<i32>,
    ) -> anyhow::Result<()> {
        if !merchant_ids.is_empty() {
            let found = merchant::Entity::find()
                .filter(merchant::Column::Id.is_in(merchant_ids.iter().copied()))
                .all(&svc.db)
                .await?;
            let docs = load_docs(&svc.db, found, svc.clock.now()).await?;
            let index = &self.gen_.merchants;
            for id in merchant_ids {
                self.merchants.delete_term(index.id_term(*id));
            }
            for d in &docs {
                self.merchants.add_document(index.document(d))?;
            }
            self.merchants.commit()?;
            index.reload()?;
        }
        if !case_ids.is_empty() {
            let found = case::Entity::find()
                .filter(case::Column::Id.is_in(case_ids.iter().copied()))
                .all(&svc.db)
                .await?;
            let docs = complaints::load_docs(&svc.db, found).await?;
            let index = &self.gen_.complaints;
            for id in case_ids {
                self.complaints.delete_term(index.id_term(*id));
            }
            for d in &docs {
                self.complaints.add_document(index.document(d))?;
            }
            self.complaints.commit()?;
            index.reload()?;
        }
        Ok(())
    }
}

/// Builds both indexes anew from the database beside the ones in use
/// (which keep serving), then switches to them. Updates that arrive
/// meanwhile wait in the outbox and are applied to the new indexes after.
/// Another process's server sees the `REBUILDING` marker, leaves the outbox
/// alone meanwhile, and follows `CURRENT` once the marker is gone.
/// `progress(done, total)` is called after each batch and at the end.
pub async fn rebuild(svc: &Services, progress: impl Fn(u64, u64)) -> anyhow::Result<u64> {
    svc.search.rebuilding.store(true, Ordering::SeqCst);
    let result = async {
        let marker = super::RebuildMarker::set(svc.search.root()).await?;
        let gen_ = build(svc, &marker, progress).await?;
        svc.search.switch(gen_)?;
        drop(marker);
        anyhow::Ok(())
    }
    .await;
    svc.search.rebuilding.store(false, Ordering::SeqCst);
    result.map(|()| svc.search.index().num_docs() + svc.search.complaints().num_docs())
}

async fn build(
    svc: &Services,
    marker: &super::RebuildMarker,
    progress: impl Fn(u64, u64),
) -> anyhow::Result<Generation> {
    use sea_orm::PaginatorTrait;
    let published = || {
        case::Entity::find()
            .filter(case::Column::Status.eq(domain::cases::Status::Closed.as_str()))
            .filter(case::Column::PublishNarrative.eq(true))
    };
    let total = merchant::Entity::find().count(&svc.db).await? + published().count(&svc.db).await?;
    let gen_ = Generation::create(&super::new_dir(svc.search.root()))?;
    let now = svc.clock.now();
    let mut done = 0u64;
    // The database is read here while another thread hands the documents
    // to tantivy (whose own threads analyse them): on 2 cores the reading
    // and the indexing overlap instead of taking turns.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<MerchantDoc>>(4);
    let index = gen_.merchants.clone();
    let indexing = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut writer = index.bulk_writer()?;
        while let Some(docs) = rx.blocking_recv() {
            for d in &docs {
                writer.add_document(index.document(d))?;
            }
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        index.reload()
    });
    let (lists, complaints) = whole_table_facts(&svc.db, now).await?;
    let mut after = 0i32;
    let read = async {
        loop {
            let rows = indexed_columns()
                .filter(merchant::Column::Id.gt(after))
                .order_by_asc(merchant::Column::Id)
                .limit(5000)
                .into_model::<Indexed>()
                .all(&svc.db)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            done += rows.len() as u64;
            let docs = docs_from(rows, &lists, &complaints);
            // The indexing thread stopped: its error is the one to report.
            if tx.send(docs).await.is_err() {
                break;
            }
            marker.touch();
            progress(done, total);
        }
        drop(tx);
        anyhow::Ok(())
    }
    .await;
    indexing.await??;
    read?;
    let mut writer = gen_.complaints.writer()?;
    let mut after = 0i32;
    loop {
        let rows = published()
            .filter(case::Column::Id.gt(after))
            .order_by_asc(case::Column::Id)
            .limit(2000)
            .all(&svc.db)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        done += rows.len() as u64;
        for d in complaints::load_docs(&svc.db, rows).await? {
            writer.add_document(gen_.complaints.document(&d))?;
        }
        marker.touch();
        progress(done, total);
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    gen_.complaints.reload()?;
    progress(done, total);
    Ok(gen_)
}

/// Runs forever: wakes when poked and every 200 ms, so a change is
/// searchable well within 2 seconds.
pub async fn run(svc: Services) {
    svc.search.serving.store(true, Ordering::SeqCst);
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
        svc.search.heartbeat();
        if let Err(e) = indexer.apply_due(&svc, Utc::now()).await {
            tracing::error!("search indexer: {e:#}");
        }
        tokio::select! {
            _ = svc.outbox_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
        }
    }
}
