//! One tantivy index of ours, on disk or in memory: our analysers
//! registered, a reader reloaded by hand after each commit (so a search sees
//! exactly what the writer committed), and an index whose schema is not
//! this version's refused when opened. The merchant and complaint indexes
//! are each a `Store` with their own schema and documents.

use std::path::{Path, PathBuf};

use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher};

use super::schema::register_analysers;

pub struct Store {
    index: Index,
    reader: IndexReader,
    dir: PathBuf,
}

impl Store {
    fn with(index: Index, dir: &Path) -> anyhow::Result<Store> {
        register_analysers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Store {
            index,
            reader,
            dir: dir.to_path_buf(),
        })
    }

    pub fn create(dir: &Path, schema: Schema) -> anyhow::Result<Store> {
        std::fs::create_dir_all(dir)?;
        Self::with(Index::create_in_dir(dir, schema)?, dir)
    }

    pub fn in_memory(schema: Schema) -> anyhow::Result<Store> {
        Self::with(Index::create_in_ram(schema), Path::new(":memory:"))
    }

    /// Opens an existing index; refuses one whose schema is not `schema`.
    pub fn open(dir: &Path, schema: Schema) -> anyhow::Result<Store> {
        let index = Index::open_in_dir(dir)?;
        if index.schema() != schema {
            anyhow::bail!(
                "the index schema at {} differs from this version's",
                dir.display()
            );
        }
        let store = Self::with(index, dir)?;
        // Reading every segment's metadata proves the files are there.
        store.searcher().num_docs();
        Ok(store)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The index's one writer, with `heap` bytes for its buffers.
    pub fn writer(&self, heap: usize) -> anyhow::Result<IndexWriter> {
        Ok(self.index.writer(heap)?)
    }

    /// Makes what the last commit wrote visible to searches.
    pub fn reload(&self) -> anyhow::Result<()> {
        Ok(self.reader.reload()?)
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub fn num_docs(&self) -> u64 {
        self.searcher().num_docs()
    }

    /// The change-log cursor of the last commit (its payload): every change
    /// up to it is in the documents. `None` for an index never committed
    /// through `commit_at` (new, or written by an older version).
    pub fn cursor(&self) -> anyhow::Result<Option<i32>> {
        let metas = self.index.load_metas()?;
        Ok(metas.payload.as_deref().and_then(|p| p.trim().parse().ok()))
    }
}

/// Commits what `writer` holds together with the change-log `cursor` it
/// reflects, in one tantivy commit: a crash keeps both or neither. Every
/// commit of ours goes through here (a plain `commit` clears the payload;
/// tantivy's merges keep it).
pub fn commit_at(writer: &mut IndexWriter, cursor: i32) -> anyhow::Result<()> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&cursor.to_string());
    prepared.commit()?;
    Ok(())
}
