//! The one writer of this server's indexes. It reads the change log
//! (`crate::changes`) after the generation's cursor, rewrites the documents
//! of the merchants and cases named there, and commits them together with
//! the new cursor (a tantivy commit payload): a crash keeps both or neither,
//! and rewriting is idempotent, so nothing is lost or done wrong twice. The
//! log is never consumed, so every server's index follows every change.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use entities::{case, merchant};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use tantivy::IndexWriter;

use super::index::MerchantDoc;
use super::store::commit_at;
use super::{Generation, complaints};
use crate::Services;
use crate::changes::{self, Change};

/// Changes read from the log at a time (one commit each).
const BATCH: u64 = 1000;
/// More pending changes than this are not replayed one by one: a rebuild
/// is faster (an import of a million merchants logs a million changes).
pub const REPLAY_LIMIT: i32 = 50_000;
/// How long changes stay in the log: a server stopped for longer rebuilds.
pub const KEEP_LOG: chrono::Duration = chrono::Duration::days(7);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

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
    gen_: Arc<Generation>,
    merchants: IndexWriter,
    complaints: IndexWriter,
    generation: u64,
    /// The change-log cursor committed with this generation's documents;
    /// `None`: it has none (new, or from an older version) and is rebuilt.
    cursor: Option<i32>,
    /// Whether this generation was checked for being too far behind.
    checked: bool,
}

impl Indexer {
    pub fn new(svc: &Services) -> anyhow::Result<Indexer> {
        let gen_ = svc.search.current();
        Ok(Indexer {
            merchants: gen_.merchants.writer()?,
            complaints: gen_.complaints.writer()?,
            generation: svc.search.generation(),
            cursor: gen_.cursor()?,
            checked: false,
            gen_,
        })
    }

    /// The change-log id up to which the documents are written.
    pub fn cursor(&self) -> Option<i32> {
        self.cursor
    }

    /// Applies the changes logged after the cursor (up to a batch), or
    /// rebuilds when the index has no cursor or is too far behind. Returns
    /// the work done: changes applied, or documents a rebuild wrote; 0 when
    /// there was nothing to do. (`_now` is the time of the call; the
    /// documents' 12-month figures follow `svc.clock`.)
    pub async fn apply_due(
        &mut self,
        svc: &Services,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<usize> {
        // Another process's rebuild finished: serve (and write) its indexes,
        // from the cursor it committed.
        svc.search.follow()?;
        if svc.search.generation() != self.generation {
            *self = Indexer::new(svc)?;
        }
        let Some(cursor) = self.cursor else {
            return self.rebuild_instead(svc).await;
        };
        let batch = changes::after(&svc.db, cursor, BATCH).await?;
        // Checked when this generation is opened (a late start, a crash)
        // and whenever a full batch says much may be waiting.
        if (!self.checked || batch.len() as u64 == BATCH) && too_far_behind(svc, cursor).await? {
            return self.rebuild_instead(svc).await;
        }
        self.checked = true;
        let Some(&(last, _)) = batch.last() else {
            return Ok(0);
        };
        let (mut merchant_ids, mut case_ids) = (BTreeSet::new(), BTreeSet::new());
        for (_, change) in &batch {
            match *change {
                Change::Merchant(id) => {
                    merchant_ids.insert(id);
                }
                Change::Case(id) => {
                    case_ids.insert(id);
                }
                // Not the index's business: a list decision also logs each
                // merchant it changes (`credit::lists`).
                Change::Lists | Change::Ledger | Change::Calendar => {}
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
        match self.write(svc, &merchant_ids, &case_ids, last).await {
            Ok(()) => {
                self.cursor = Some(last);
                Ok(batch.len())
            }
            Err(e) => {
                // Nothing half-committed stays pending in the writers.
                let _ = self.merchants.rollback();
                let _ = self.complaints.rollback();
                if svc.search.generation() != self.generation {
                    // A rebuild switched (and removed) the folder under us:
                    // the next call writes the new generation.
                    return Ok(0);
                }
                Err(e)
            }
        }
    }

    /// Rebuilds from the database, unless a rebuild already runs (here or
    /// in another process): then this generation waits for it to switch.
    async fn rebuild_instead(&mut self, svc: &Services) -> anyhow::Result<usize> {
        if svc.search.paused() {
            return Ok(0);
        }
        let n = rebuild(svc, |_, _| {}).await?;
        *self = Indexer::new(svc)?;
        Ok(n as usize)
    }

    /// Rewrites the documents and commits each index with `cursor` (both,
    /// also without documents, so that neither lags behind the log).
    async fn write(
        &mut self,
        svc: &Services,
        merchant_ids: &BTreeSet<i32>,
        case_ids: &BTreeSet<i32>,
        cursor: i32,
    ) -> anyhow::Result<()> {
        let docs = if merchant_ids.is_empty() {
            vec![]
        } else {
            let found = merchant::Entity::find()
                .filter(merchant::Column::Id.is_in(merchant_ids.iter().copied()))
                .all(&svc.db)
                .await?;
            load_docs(&svc.db, found, svc.clock.now()).await?
        };
        let index = &self.gen_.merchants;
        for id in merchant_ids {
            self.merchants.delete_term(index.id_term(*id));
        }
        for d in &docs {
            self.merchants.add_document(index.document(d))?;
        }
        commit_at(&mut self.merchants, cursor)?;
        index.reload()?;
        let docs = if case_ids.is_empty() {
            vec![]
        } else {
            let found = case::Entity::find()
                .filter(case::Column::Id.is_in(case_ids.iter().copied()))
                .all(&svc.db)
                .await?;
            complaints::load_docs(&svc.db, found).await?
        };
        let index = &self.gen_.complaints;
        for id in case_ids {
            self.complaints.delete_term(index.id_term(*id));
        }
        for d in &docs {
            self.complaints.add_document(index.document(d))?;
        }
        commit_at(&mut self.complaints, cursor)?;
        index.reload()?;
        svc.search.changed();
        Ok(())
    }
}

/// Replaying from `cursor` would be wrong or slow: rows after it were pruned
/// (the oldest row left is past the next id; a gap left by a rolled-back
/// transaction can also look like that, and then costs one needless
/// rebuild), or more than `REPLAY_LIMIT` changes wait.
async fn too_far_behind(svc: &Services, cursor: i32) -> anyhow::Result<bool> {
    let head = changes::head(&svc.db).await?;
    if head <= cursor {
        return Ok(false);
    }
    if head - cursor > REPLAY_LIMIT {
        tracing::info!(
            cursor,
            head,
            "search: too far behind the change log; rebuilding"
        );
        return Ok(true);
    }
    let pruned = changes::oldest(&svc.db)
        .await?
        .is_some_and(|oldest| oldest > cursor + 1);
    if pruned {
        tracing::info!(
            cursor,
            "search: the change log was pruned past the index; rebuilding"
        );
    }
    Ok(pruned)
}

/// Builds both indexes anew from the database beside the ones in use
/// (which keep serving, and their writer keeps following the log), then
/// switches to them. The log's head is read before the database, and the new
/// generation's cursor is that head: whatever the rebuild read is at or
/// below it, and changes made meanwhile are applied after the switch
/// (rewrites are idempotent). So an import followed by a rebuild leaves
/// nothing to replay. Another process's server follows `CURRENT` and takes
/// the new cursor. `progress(done, total)` is called after each batch and at
/// the end.
pub async fn rebuild(svc: &Services, progress: impl Fn(u64, u64)) -> anyhow::Result<u64> {
    svc.search.rebuilding.store(true, Ordering::SeqCst);
    let result = async {
        let marker = super::RebuildMarker::set(svc.search.root())?;
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
    // Before anything is read: every change up to here is committed, so
    // the reading below sees it (on PostgreSQL the log's ids follow commit
    // order, see `changes`).
    let cursor = changes::head(&svc.db).await?;
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
        commit_at(&mut writer, cursor)?;
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
    commit_at(&mut writer, cursor)?;
    writer.wait_merging_threads()?;
    gen_.complaints.reload()?;
    progress(done, total);
    Ok(gen_)
}

/// The pause after a failed write, growing with each failure in a row up
/// to `RETRY_MAX`: a full disk is not hammered, and once it has room again
/// the index catches up within about a second.
const RETRY_MIN: Duration = Duration::from_millis(200);
const RETRY_MAX: Duration = Duration::from_secs(1);

/// Runs forever: wakes when poked (a change made by this process) and
/// every 200 ms (a change made by another server), so a change is
/// searchable on every server well within 2 seconds; with a backlog it
/// goes on at once. A missing index, or one too far behind, is rebuilt here.
/// It also prunes the change log, at most once an hour.
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
    let mut pruned_at: Option<Instant> = None;
    // Failures in a row (a full disk, the database away): the next try
    // waits longer, up to `RETRY_MAX`, and the log says so once, not five
    // times a second.
    let mut failures: u32 = 0;
    loop {
        let busy = match indexer.apply_due(&svc, Utc::now()).await {
            Ok(n) => {
                if failures > 0 {
                    tracing::warn!("search indexer: writing again after {failures} failed tries");
                    failures = 0;
                }
                n > 0
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                if failures == 1 || failures.is_power_of_two() {
                    tracing::error!("search indexer (failed {failures} times in a row): {e:#}");
                }
                let wait = RETRY_MIN.saturating_mul(failures.min(10)).min(RETRY_MAX);
                tokio::time::sleep(wait).await;
                continue;
            }
        };
        if pruned_at.is_none_or(|t| t.elapsed() >= PRUNE_EVERY) {
            pruned_at = Some(Instant::now());
            // Every server prunes; deleting what another server already
            // deleted deletes nothing, so no lease is needed.
            match changes::prune(&svc.db, svc.clock.now() - KEEP_LOG).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("change log: pruned {n} entries older than 7 days"),
                Err(e) => tracing::warn!("change log prune: {e}"),
            }
        }
        if busy {
            continue;
        }
        tokio::select! {
            _ = svc.outbox_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
        }
    }
}
