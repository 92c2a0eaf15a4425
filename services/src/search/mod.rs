//! Search (tantivy): the merchant index and the public complaint index,
//! projections of the database.
//!
//! - `index`: the merchant documents, and the queries with ranking,
//!   filters, facets and pages.
//! - `complaints`: the public complaint records (scrubbed before indexing).
//! - `indexer`: the single writer, following the change log
//!   (`crate::changes`) from a cursor committed with the documents, so
//!   every server's index follows every server's changes.
//! - `indexer::rebuild`: a full rebuild of both into a new folder while the old index keeps
//!   serving, then one switch.

pub mod complaints;
pub mod index;
pub mod indexer;
pub mod schema;
pub mod store;
pub mod suggest;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::Utc;
use domain::AppError;

pub use complaints::{ComplaintIndex, ComplaintQuery};
pub use index::{MerchantHit, MerchantIndex, SearchPage, SearchQuery, SortBy};

/// Searches the public complaint records off the async workers.
pub async fn search_complaints(
    svc: &crate::Services,
    q: ComplaintQuery,
) -> Result<domain::search::ComplaintPage, AppError> {
    let index = svc.search.complaints();
    tokio::task::spawn_blocking(move || index.search(&q))
        .await
        .map_err(|_| AppError::Internal)?
}

/// One public complaint record, if case `id` is published.
pub async fn complaint(
    svc: &crate::Services,
    id: i32,
) -> Result<Option<domain::search::ComplaintHit>, AppError> {
    let index = svc.search.complaints();
    tokio::task::spawn_blocking(move || index.get(id))
        .await
        .map_err(|_| AppError::Internal)?
}

/// Searches merchants off the async workers (tantivy searches block).
pub async fn search(svc: &crate::Services, q: SearchQuery) -> Result<SearchPage, AppError> {
    let index = svc.search.index();
    tokio::task::spawn_blocking(move || index.search(&q))
        .await
        .map_err(|_| AppError::Internal)?
}

/// The indexes of one build, in one folder (`<root>/gen-<time>/`), switched
/// together: a rebuild makes a new generation beside the one in use.
pub struct Generation {
    pub merchants: Arc<MerchantIndex>,
    pub complaints: Arc<ComplaintIndex>,
    dir: PathBuf,
}

impl Generation {
    pub fn create(dir: &Path) -> anyhow::Result<Generation> {
        Ok(Generation {
            merchants: Arc::new(MerchantIndex::create(&dir.join("merchants"))?),
            complaints: Arc::new(ComplaintIndex::create(&dir.join("complaints"))?),
            dir: dir.to_path_buf(),
        })
    }

    pub fn open(dir: &Path) -> anyhow::Result<Generation> {
        Ok(Generation {
            merchants: Arc::new(MerchantIndex::open(&dir.join("merchants"))?),
            complaints: Arc::new(ComplaintIndex::open(&dir.join("complaints"))?),
            dir: dir.to_path_buf(),
        })
    }

    fn in_memory() -> anyhow::Result<Generation> {
        Ok(Generation {
            merchants: Arc::new(MerchantIndex::in_memory()?),
            complaints: Arc::new(ComplaintIndex::in_memory()?),
            dir: PathBuf::from(":memory:"),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The generation's change-log cursor: the lower of its two indexes'
    /// (they commit one after the other, so after a crash between the two
    /// commits the changes in between are applied again — rewrites are
    /// idempotent). `None`: it holds no cursor and must be rebuilt.
    pub fn cursor(&self) -> anyhow::Result<Option<i32>> {
        Ok(
            match (self.merchants.cursor()?, self.complaints.cursor()?) {
                (Some(m), Some(c)) => Some(m.min(c)),
                _ => None,
            },
        )
    }
}

/// The indexes the server searches, swapped whole by a rebuild — its own
/// (`indexer::rebuild`) or another process's (`gongdao reindex`), which the
/// writer notices through the `CURRENT` file (`follow`).
pub struct SearchState {
    root: PathBuf,
    current: RwLock<Arc<Generation>>,
    /// Bumped at each switch, so the writer knows to reopen.
    generation: AtomicU64,
    /// Bumped whenever what searches see changes (a commit the writer
    /// reloaded, a switch): pages made from the index are cached per version.
    version: AtomicU64,
    /// A rebuild runs in this process (another one's shows by its marker).
    pub rebuilding: AtomicBool,
    /// The index was missing or unreadable when opened (it then has no
    /// change-log cursor, and the writer rebuilds it at start).
    pub needs_rebuild: AtomicBool,
    /// This process serves searches (the server, not `gongdao reindex`):
    /// it removes the folders it stops serving.
    pub serving: AtomicBool,
}

/// A rebuild in another process touches this file at least this often; an
/// older one was left by a rebuild that died.
const MARKER_FRESH: Duration = Duration::from_secs(60);
const MARKER: &str = "REBUILDING";

impl SearchState {
    /// Opens the indexes under `root` (`<data>/search`). Missing or
    /// unreadable ones are replaced by empty ones; `needs_rebuild` then says
    /// so, and the server rebuilds them from the database at start.
    pub fn open(root: &Path) -> anyhow::Result<(SearchState, bool)> {
        std::fs::create_dir_all(root)?;
        let (gen_, fresh) = match current_dir(root) {
            Some(dir) => match Generation::open(&dir) {
                Ok(g) => (g, false),
                Err(e) => {
                    tracing::warn!(
                        "search index at {} unreadable ({e:#}); rebuilding",
                        dir.display()
                    );
                    (Generation::create(&new_dir(root))?, true)
                }
            },
            None => (Generation::create(&new_dir(root))?, true),
        };
        if fresh {
            set_current(root, gen_.dir())?;
        }
        let state = SearchState {
            root: root.to_path_buf(),
            current: RwLock::new(Arc::new(gen_)),
            generation: AtomicU64::new(0),
            version: AtomicU64::new(0),
            rebuilding: AtomicBool::new(false),
            needs_rebuild: AtomicBool::new(fresh),
            serving: AtomicBool::new(false),
        };
        state.remove_stale_folders();
        Ok((state, fresh))
    }

    /// `open`, or — when the folder cannot be used at all — indexes in
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
                let gen_ = match Generation::in_memory() {
                    Ok(g) => g,
                    Err(e) => panic!("cannot even create an index in memory: {e:#}"),
                };
                SearchState {
                    root: root.to_path_buf(),
                    current: RwLock::new(Arc::new(gen_)),
                    generation: AtomicU64::new(0),
                    version: AtomicU64::new(0),
                    rebuilding: AtomicBool::new(false),
                    needs_rebuild: AtomicBool::new(true),
                    serving: AtomicBool::new(false),
                }
            }
        }
    }

    pub fn current(&self) -> Arc<Generation> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// The merchant index now searched.
    pub fn index(&self) -> Arc<MerchantIndex> {
        self.current().merchants.clone()
    }

    /// The public complaint index now searched.
    pub fn complaints(&self) -> Arc<ComplaintIndex> {
        self.current().complaints.clone()
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Changes whenever searches may answer differently.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    /// The writer committed and reloaded: searches may answer differently.
    pub fn changed(&self) {
        self.version.fetch_add(1, Ordering::SeqCst);
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Makes `gen_` the one searched, and remembers it across restarts.
    pub fn switch(&self, gen_: Generation) -> anyhow::Result<()> {
        set_current(&self.root, gen_.dir())?;
        self.serve(gen_);
        Ok(())
    }

    fn serve(&self, gen_: Generation) {
        let old = {
            let mut g = match self.current.write() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            std::mem::replace(&mut *g, Arc::new(gen_))
        };
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.changed();
        // The old folder goes now; searches still running on it keep their
        // open files (deleted files stay readable while open). Another
        // process's rebuild leaves it to the server that may still use it.
        let old_dir = old.dir().to_path_buf();
        drop(old);
        if self.serving.load(Ordering::SeqCst)
            && old_dir.is_dir()
            && let Err(e) = std::fs::remove_dir_all(&old_dir)
        {
            tracing::debug!("old search index {} left behind: {e}", old_dir.display());
        }
    }

    /// Another process (`gongdao reindex`) switched `CURRENT` to a new
    /// generation: serve that one. Returns whether it switched.
    pub fn follow(&self) -> anyhow::Result<bool> {
        let Some(dir) = current_dir(&self.root) else {
            return Ok(false);
        };
        if dir == self.current().dir() {
            return Ok(false);
        }
        let gen_ = Generation::open(&dir)?;
        tracing::info!("search: now serving {}", dir.display());
        self.serve(gen_);
        Ok(true)
    }

    /// A rebuild is running here or in another process.
    pub fn paused(&self) -> bool {
        self.rebuilding.load(Ordering::SeqCst) || marker_fresh(&self.root)
    }

    /// Folders of earlier generations that nothing serves (a rebuild that
    /// died, or one another process switched away from) are removed.
    fn remove_stale_folders(&self) {
        if marker_fresh(&self.root) {
            return;
        }
        let current = self.current().dir().to_path_buf();
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() && p != current {
                let _ = std::fs::remove_dir_all(&p);
            }
        }
    }
}

/// Says "a rebuild is running" to other processes until dropped: a server
/// starting meanwhile leaves the new folder alone, and a writer that finds
/// its own index too far behind waits for this rebuild instead of starting
/// another. Writers go on applying the change log to the generation they
/// serve: the rebuild reads the log's head before the database, so its
/// generation starts from there and nothing in between is lost.
pub(crate) struct RebuildMarker {
    path: PathBuf,
    nonce: String,
}

impl RebuildMarker {
    pub(crate) fn set(root: &Path) -> anyhow::Result<RebuildMarker> {
        let nonce = format!(
            "{}-{}",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        );
        let path = root.join(MARKER);
        std::fs::write(&path, &nonce)?;
        Ok(RebuildMarker { path, nonce })
    }

    /// Shows the rebuild is alive (called as it makes progress).
    pub(crate) fn touch(&self) {
        let _ = std::fs::write(&self.path, &self.nonce);
    }
}

impl Drop for RebuildMarker {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn fresh(path: &Path, within: Duration) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age < within)
}

fn marker_fresh(root: &Path) -> bool {
    fresh(&root.join(MARKER), MARKER_FRESH)
}

fn current_dir(root: &Path) -> Option<PathBuf> {
    let name = std::fs::read_to_string(root.join("CURRENT")).ok()?;
    let dir = root.join(name.trim());
    dir.is_dir().then_some(dir)
}

pub(crate) fn new_dir(root: &Path) -> PathBuf {
    root.join(format!(
        "gen-{}",
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
