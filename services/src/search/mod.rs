//! Search (tantivy): the merchant index, a projection of the database.
//!
//! - `index`: opening (a missing or unreadable index is rebuilt), the
//!   documents, and the queries with ranking, filters, facets and pages.
//! - `indexer`: the single writer, fed from the outbox (topic `search`); an
//!   outbox row is deleted only after the commit that contains its change.
//! - `rebuild`: a full rebuild into a new folder while the old index keeps
//!   serving, then one switch.

pub mod index;
pub mod indexer;
pub mod schema;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use domain::AppError;
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

pub use index::{MerchantHit, MerchantIndex, SearchPage, SearchQuery, SortBy};

use crate::accounts::internal_error;

/// The outbox topic of index updates.
pub const TOPIC: &str = "search";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reindex {
    pub merchant_id: i32,
}

/// Asks for `merchant_id`'s document to be refreshed once this transaction commits.
pub async fn reindex_later<C: ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    crate::outbox::enqueue(conn, TOPIC, &Reindex { merchant_id }, now)
        .await
        .map_err(internal_error)
}

/// Searches merchants off the async workers (tantivy searches block).
pub async fn search(svc: &crate::Services, q: SearchQuery) -> Result<SearchPage, AppError> {
    let index = svc.search.index();
    tokio::task::spawn_blocking(move || index.search(&q))
        .await
        .map_err(|_| AppError::Internal)?
}

/// The index the server searches, swapped whole by a rebuild.
pub struct SearchState {
    root: PathBuf,
    current: RwLock<Arc<MerchantIndex>>,
    /// Bumped at each switch, so the writer knows to reopen.
    generation: AtomicU64,
    /// While a rebuild runs the writer leaves the outbox alone (its rows
    /// wait for the new index, so no update is lost).
    pub rebuilding: AtomicBool,
    /// The index was missing or unreadable when opened: rebuild at start.
    pub needs_rebuild: AtomicBool,
}

impl SearchState {
    /// Opens the index under `root` (`<data>/search`). A missing or
    /// unreadable index is replaced by an empty one; `needs_rebuild` then
    /// says so, and the server rebuilds it from the database at start.
    pub fn open(root: &Path) -> anyhow::Result<(SearchState, bool)> {
        std::fs::create_dir_all(root)?;
        let (index, fresh) = match current_dir(root) {
            Some(dir) => match MerchantIndex::open(&dir) {
                Ok(i) => (i, false),
                Err(e) => {
                    tracing::warn!(
                        "search index at {} unreadable ({e:#}); rebuilding",
                        dir.display()
                    );
                    (MerchantIndex::create(&new_dir(root))?, true)
                }
            },
            None => (MerchantIndex::create(&new_dir(root))?, true),
        };
        if fresh {
            set_current(root, index.dir())?;
        }
        Ok((
            SearchState {
                root: root.to_path_buf(),
                current: RwLock::new(Arc::new(index)),
                generation: AtomicU64::new(0),
                rebuilding: AtomicBool::new(false),
                needs_rebuild: AtomicBool::new(fresh),
            },
            fresh,
        ))
    }

    /// `open`, or — when the folder cannot be used at all — an index in
    /// memory, rebuilt from the database at start, with the error logged.
    pub fn open_or_memory(root: &Path) -> SearchState {
        match Self::open(root) {
            Ok((s, fresh)) => {
                s.needs_rebuild.store(fresh, Ordering::SeqCst);
                s
            }
            Err(e) => {
                tracing::error!(
                    "search index folder {}: {e:#}; using memory",
                    root.display()
                );
                let index = match MerchantIndex::in_memory() {
                    Ok(i) => i,
                    Err(e) => panic!("cannot even create an index in memory: {e:#}"),
                };
                SearchState {
                    root: root.to_path_buf(),
                    current: RwLock::new(Arc::new(index)),
                    generation: AtomicU64::new(0),
                    rebuilding: AtomicBool::new(false),
                    needs_rebuild: AtomicBool::new(true),
                }
            }
        }
    }

    pub fn index(&self) -> Arc<MerchantIndex> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Makes `index` the one searched, and remembers it across restarts.
    pub fn switch(&self, index: MerchantIndex) -> anyhow::Result<()> {
        set_current(&self.root, index.dir())?;
        let old = {
            let mut g = match self.current.write() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            std::mem::replace(&mut *g, Arc::new(index))
        };
        self.generation.fetch_add(1, Ordering::SeqCst);
        // The old folder goes once nobody searches it any more.
        let old_dir = old.dir().to_path_buf();
        drop(old);
        if let Err(e) = std::fs::remove_dir_all(&old_dir) {
            tracing::debug!("old search index {} left behind: {e}", old_dir.display());
        }
        Ok(())
    }
}

fn current_dir(root: &Path) -> Option<PathBuf> {
    let name = std::fs::read_to_string(root.join("CURRENT")).ok()?;
    let dir = root.join(name.trim());
    dir.is_dir().then_some(dir)
}

pub(crate) fn new_dir(root: &Path) -> PathBuf {
    root.join(format!(
        "merchants-{}",
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ))
}

/// Points `CURRENT` at `dir` atomically (write a temporary file, rename).
fn set_current(root: &Path, dir: &Path) -> anyhow::Result<()> {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| anyhow::anyhow!("bad index folder {}", dir.display()))?;
    let tmp = root.join("CURRENT.tmp");
    std::fs::write(&tmp, name)?;
    std::fs::rename(&tmp, root.join("CURRENT"))?;
    Ok(())
}
