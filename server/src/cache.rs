//! The public page cache: what an anonymous visitor is answered on the
//! public pages and public API reads (a merchant's profile, the red and
//! black lists, public complaint records, the fund's ledger, search), kept
//! per server in memory and stored compressed, so that a hit costs no
//! database query and no rendering.
//!
//! Kept right across servers by the change log: a follower reads the log
//! every [`POLL`] and drops the entries a change touches (a merchant's own
//! pages for `Merchant(id)` and for a change of one of its cases, every
//! shared page for any change, everything for the ledger, the calendar or a
//! new merchant, which every page counts). A write answered by this server
//! makes the next lookup read the log first, so its author sees it at once;
//! another server's write shows within [`POLL`]. Pages made from the search
//! index are keyed on the index's version as well (the index follows the
//! log on its own). A render begun before a change is not stored after it
//! (the epoch check), and when the follower cannot read the log the cache
//! is not used at all.
//!
//! Answers carry a strong `ETag` (304 on `If-None-Match`) and
//! `Cache-Control: no-cache`, so browsers and proxies revalidate every
//! time; everything that is not public says `private, no-store`.

use std::collections::BTreeSet;
use std::io::Write;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use services::Services;
use services::accounts::cookies;
use services::changes::{self, Change};
use sha2::{Digest, Sha256};

/// How often the change log is read.
pub const POLL: Duration = Duration::from_millis(200);
/// The cache is used only while the follower read the log this recently.
const HEALTHY: Duration = Duration::from_secs(2);

/// Bounds of one server's cache.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub entries: usize,
    pub bytes: usize,
    /// An entry older than this is made again (times shown relative to now).
    pub max_age: Duration,
    /// Larger answers are not stored.
    pub entry_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            entries: 10_000,
            bytes: 64 << 20,
            max_age: Duration::from_secs(60),
            entry_bytes: 1 << 20,
        }
    }
}

/// What an entry shows, so that a change finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Tag {
    /// One merchant's own pages (its profile, its API answers).
    Merchant(i32),
    /// A page showing many merchants or cases (home, lists, records, search).
    Shared,
}

/// Which public answer a path is, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Route {
    tag: Tag,
    /// Made from the search index (keyed on its version).
    indexed: bool,
}

fn id(s: &str) -> Option<i32> {
    (!s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
        .filter(|n| *n > 0)
}

/// The allow-list of public answers.
fn route(path: &str) -> Option<Route> {
    let shared = Some(Route {
        tag: Tag::Shared,
        indexed: false,
    });
    let indexed = Some(Route {
        tag: Tag::Shared,
        indexed: true,
    });
    let merchant = |s: &str| {
        id(s).map(|n| Route {
            tag: Tag::Merchant(n),
            indexed: false,
        })
    };
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["fund"] | ["credit", "method"] | ["lists", "red" | "black"] => shared,
        // The home page lists the latest public complaint records.
        [""] | ["search"] | ["complaints"] => indexed,
        ["complaints", n] => id(n).and(indexed),
        ["merchants", n] => merchant(n),
        ["api", "v1", rest @ ..] => match rest {
            ["lists", "red" | "black"] | ["fund", "ledger" | "summary"] => shared,
            ["merchants"] | ["merchants", "suggest"] | ["complaints"] => indexed,
            ["complaints", n] => id(n).and(indexed),
            ["merchants", n] => merchant(n),
            ["merchants", n, "ratings" | "records"] => merchant(n),
            ["merchants", n, "complaints", "open"] => merchant(n),
            _ => None,
        },
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    path_and_query: String,
    lang: domain::Lang,
    /// The search index's version for pages made from it, else 0.
    index: u64,
}

/// One stored answer, in each encoding.
struct Entry {
    tag: Tag,
    stored: Instant,
    status: StatusCode,
    headers: HeaderMap,
    /// Hex of the body's SHA-256 (first 16 bytes): the ETag's stem.
    etag: String,
    identity: Bytes,
    gzip: Bytes,
    br: Bytes,
}

impl Entry {
    fn size(&self) -> usize {
        self.identity.len() + self.gzip.len() + self.br.len() + 512
    }
}

struct Store {
    map: lru::LruCache<Key, Arc<Entry>>,
    bytes: usize,
}

impl Store {
    fn remove_where(&mut self, drop: impl Fn(&Entry) -> bool) {
        let keys: Vec<Key> = self
            .map
            .iter()
            .filter(|(_, e)| drop(e))
            .map(|(k, _)| k.clone())
            .collect();
        for k in keys {
            if let Some(e) = self.map.pop(&k) {
                self.bytes -= e.size();
            }
        }
    }

    fn clear(&mut self) {
        self.map.clear();
        self.bytes = 0;
    }
}

/// Where the follower is in the change log.
struct Follower {
    /// `None` until the first read (and after the log could not be read).
    cursor: Option<i32>,
    /// The largest merchant id seen: a larger one is a new merchant.
    newest_merchant: i32,
}

/// One server's cache of public answers.
pub struct PageCache {
    limits: Limits,
    store: Mutex<Store>,
    /// Bumped (under `store`'s lock) whenever entries are dropped for a change.
    epoch: AtomicU64,
    /// Writes (non-GET requests) answered by this server ...
    writes: AtomicU64,
    /// ... and how many of them the log was read after.
    writes_seen: AtomicU64,
    follower: tokio::sync::Mutex<Follower>,
    started: Instant,
    /// When the log was last read, in ms since `started` (0: never).
    read_at_ms: AtomicU64,
    search: Arc<services::search::SearchState>,
}

impl PageCache {
    pub fn new(search: Arc<services::search::SearchState>, limits: Limits) -> PageCache {
        let entries = NonZeroUsize::new(limits.entries.max(1)).unwrap_or(NonZeroUsize::MIN);
        PageCache {
            limits,
            store: Mutex::new(Store {
                map: lru::LruCache::new(entries),
                bytes: 0,
            }),
            epoch: AtomicU64::new(0),
            writes: AtomicU64::new(0),
            writes_seen: AtomicU64::new(0),
            follower: tokio::sync::Mutex::new(Follower {
                cursor: None,
                newest_merchant: 0,
            }),
            started: Instant::now(),
            read_at_ms: AtomicU64::new(0),
            search,
        }
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        match self.store.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// How many answers are stored now.
    pub fn len(&self) -> usize {
        self.store().map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn healthy(&self) -> bool {
        let at = self.read_at_ms.load(Ordering::SeqCst);
        at != 0
            && (self.started.elapsed().as_millis() as u64).saturating_sub(at)
                < HEALTHY.as_millis() as u64
    }

    /// Follows the change log until the router holding this cache is gone.
    pub async fn follow(self: Arc<Self>, svc: Services) {
        loop {
            if Arc::strong_count(&self) == 1 {
                return;
            }
            if let Err(e) = self.catch_up(&svc).await {
                tracing::warn!("page cache: reading the change log: {e}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Reads the log up to its head and drops what the changes touch.
    pub async fn catch_up(&self, svc: &Services) -> Result<(), DbErr> {
        let mut f = self.follower.lock().await;
        let cursor = match f.cursor {
            // Not read for too long (the database was away, the log may be
            // pruned past the cursor): start afresh from the head.
            Some(c) if self.healthy() => c,
            _ => {
                f.cursor = None;
                let head = changes::head(&svc.db).await?;
                f.newest_merchant = newest_merchant(svc).await?;
                self.drop_all();
                f.cursor = Some(head);
                self.read_at_ms.store(self.now_ms(), Ordering::SeqCst);
                return Ok(());
            }
        };
        let mut cursor = cursor;
        loop {
            let batch = changes::after(&svc.db, cursor, 1000).await?;
            let Some(&(last, _)) = batch.last() else {
                break;
            };
            self.apply(svc, &mut f, batch.iter().map(|(_, c)| *c))
                .await?;
            cursor = last;
            f.cursor = Some(last);
            if batch.len() < 1000 {
                break;
            }
        }
        self.read_at_ms.store(self.now_ms(), Ordering::SeqCst);
        Ok(())
    }

    fn now_ms(&self) -> u64 {
        (self.started.elapsed().as_millis() as u64).max(1)
    }

    async fn apply(
        &self,
        svc: &Services,
        f: &mut Follower,
        batch: impl Iterator<Item = Change>,
    ) -> Result<(), DbErr> {
        let mut all = false;
        let mut merchants = BTreeSet::new();
        let mut cases = BTreeSet::new();
        for c in batch {
            match c {
                Change::Merchant(id) => {
                    if id > f.newest_merchant {
                        f.newest_merchant = id;
                        all = true;
                    }
                    merchants.insert(id);
                }
                Change::Case(id) => {
                    cases.insert(id);
                }
                Change::Lists => {}
                Change::Ledger | Change::Calendar => all = true,
            }
        }
        if !all && !cases.is_empty() {
            let theirs: Vec<i32> = entities::case::Entity::find()
                .select_only()
                .column(entities::case::Column::MerchantId)
                .filter(entities::case::Column::Id.is_in(cases))
                .into_tuple()
                .all(&svc.db)
                .await?;
            merchants.extend(theirs);
        }
        let mut store = self.store();
        self.epoch.fetch_add(1, Ordering::SeqCst);
        if all {
            store.clear();
        } else {
            store.remove_where(|e| match e.tag {
                Tag::Shared => true,
                Tag::Merchant(id) => merchants.contains(&id),
            });
        }
        Ok(())
    }

    fn drop_all(&self) {
        let mut store = self.store();
        self.epoch.fetch_add(1, Ordering::SeqCst);
        store.clear();
    }

    fn get(&self, key: &Key) -> Option<Arc<Entry>> {
        let mut store = self.store();
        let e = store.map.get(key)?.clone();
        if e.stored.elapsed() > self.limits.max_age {
            if let Some(e) = store.map.pop(key) {
                store.bytes -= e.size();
            }
            return None;
        }
        Some(e)
    }

    /// Stores `entry` unless a change was applied since `epoch` was read.
    fn put(&self, key: Key, entry: Arc<Entry>, epoch: u64) -> bool {
        let size = entry.size();
        if size > self.limits.entry_bytes * 2 || size > self.limits.bytes {
            return false;
        }
        let mut store = self.store();
        if self.epoch.load(Ordering::SeqCst) != epoch {
            return false;
        }
        if let Some((_, old)) = store.map.push(key, entry) {
            store.bytes -= old.size();
        }
        store.bytes += size;
        while store.bytes > self.limits.bytes {
            match store.map.pop_lru() {
                Some((_, e)) => store.bytes -= e.size(),
                None => break,
            }
        }
        true
    }
}

async fn newest_merchant(svc: &Services) -> Result<i32, DbErr> {
    let max: Option<Option<i32>> = entities::merchant::Entity::find()
        .select_only()
        .column_as(entities::merchant::Column::Id.max(), "m")
        .into_tuple()
        .one(&svc.db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// The state the layer needs (shared: the middleware clones its state on
/// every request, and `Services` is many reference counts).
pub struct Layer {
    pub cache: Arc<PageCache>,
    pub svc: Services,
}

const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const PRIVATE: HeaderValue = HeaderValue::from_static("private, no-store");
const VARY: HeaderValue = HeaderValue::from_static("accept-encoding, accept-language, cookie");
static X_CACHE: HeaderName = HeaderName::from_static("x-cache");

/// The middleware: answers public reads from the cache, and says how every
/// answer may be cached downstream.
pub async fn layer(State(l): State<Arc<Layer>>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    if method != Method::GET && method != Method::HEAD {
        let resp = next.run(req).await;
        // Read the log before the next lookup: the author sees the change.
        l.cache.writes.fetch_add(1, Ordering::SeqCst);
        return with_default_cache_control(resp, PRIVATE);
    }
    let path = req.uri().path();
    if content_addressed(path) {
        // Named by their content's hash: a new build makes new names.
        let resp = next.run(req).await;
        let value = if matches!(resp.status(), StatusCode::OK | StatusCode::NOT_MODIFIED) {
            IMMUTABLE
        } else {
            NO_CACHE
        };
        return with_default_cache_control(resp, value);
    }
    if path.starts_with("/pkg/") || !path.starts_with("/api/") && path.contains('.') {
        // Other static files: revalidated by Last-Modified.
        return with_default_cache_control(next.run(req).await, NO_CACHE);
    }
    let Some(r) = route(path) else {
        return with_default_cache_control(next.run(req).await, PRIVATE);
    };
    if cookies::credential(req.headers()).is_some() {
        return mark(
            with_default_cache_control(next.run(req).await, PRIVATE),
            "bypass",
        );
    }
    let cache = &l.cache;
    // Without a follower reading the log (not started, or the database
    // away) nothing is looked up or stored.
    if !cache.healthy() {
        return mark(
            with_default_cache_control(next.run(req).await, NO_CACHE),
            "bypass",
        );
    }
    let seen = cache.writes.load(Ordering::SeqCst);
    if cache.writes_seen.load(Ordering::SeqCst) < seen {
        if let Err(e) = cache.catch_up(&l.svc).await {
            tracing::warn!("page cache: reading the change log: {e}");
            return mark(
                with_default_cache_control(next.run(req).await, NO_CACHE),
                "bypass",
            );
        }
        cache.writes_seen.fetch_max(seen, Ordering::SeqCst);
    }
    let key = Key {
        path_and_query: req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        lang: cookies::lang_of(req.headers()),
        index: if r.indexed { cache.search.version() } else { 0 },
    };
    let encoding = Encoding::accepted(req.headers());
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(e) = cache.get(&key) {
        return answer(
            &e,
            encoding,
            if_none_match.as_ref(),
            method == Method::HEAD,
            "hit",
        );
    }
    let epoch = cache.epoch.load(Ordering::SeqCst);
    let resp = next.run(req).await;
    if resp.status() != StatusCode::OK || resp.headers().contains_key(header::SET_COOKIE) {
        return mark(with_default_cache_control(resp, NO_CACHE), "miss");
    }
    let (parts, body) = resp.into_parts();
    let bytes = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            tracing::warn!("page cache: reading an answer: {e}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let Some(entry) = Entry::make(r.tag, parts.status, parts.headers, bytes, cache.limits) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let entry = Arc::new(entry);
    if entry.identity.len() <= cache.limits.entry_bytes {
        cache.put(key, entry.clone(), epoch);
    }
    answer(
        &entry,
        encoding,
        if_none_match.as_ref(),
        method == Method::HEAD,
        "miss",
    )
}

/// `/pkg/gongdao.<hash>.<js|wasm|css>` as `cargo leptos build` names them
/// with `hash-files` (the hash is 22 characters of URL-safe base64).
fn content_addressed(path: &str) -> bool {
    let Some(name) = path.strip_prefix("/pkg/gongdao.") else {
        return false;
    };
    let Some((hash, ext)) = name.split_once('.') else {
        return false;
    };
    hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && matches!(ext, "js" | "wasm" | "css")
}

fn with_default_cache_control(mut resp: Response, value: HeaderValue) -> Response {
    resp.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(value);
    resp
}

fn mark(mut resp: Response, how: &'static str) -> Response {
    resp.headers_mut()
        .insert(X_CACHE.clone(), HeaderValue::from_static(how));
    resp
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Identity,
    Gzip,
    Br,
}

impl Encoding {
    /// The best encoding `Accept-Encoding` allows (q=0 refuses one).
    fn accepted(h: &HeaderMap) -> Encoding {
        let mut br = false;
        let mut gzip = false;
        for v in h.get_all(header::ACCEPT_ENCODING) {
            let Ok(v) = v.to_str() else { continue };
            for item in v.split(',') {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let refused = parts.any(|p| {
                    let p = p.trim();
                    p.strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                if refused {
                    continue;
                }
                match name.as_str() {
                    "br" => br = true,
                    "gzip" | "x-gzip" => gzip = true,
                    _ => {}
                }
            }
        }
        if br {
            Encoding::Br
        } else if gzip {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Encoding::Identity => "",
            Encoding::Gzip => "-gzip",
            Encoding::Br => "-br",
        }
    }
}

impl Entry {
    fn make(
        tag: Tag,
        status: StatusCode,
        mut headers: HeaderMap,
        body: Bytes,
        limits: Limits,
    ) -> Option<Entry> {
        for h in [
            header::CONTENT_LENGTH,
            header::TRANSFER_ENCODING,
            header::CONTENT_ENCODING,
            header::ETAG,
            header::CACHE_CONTROL,
            header::VARY,
            header::DATE,
            header::CONNECTION,
        ] {
            headers.remove(h);
        }
        let etag = hex::encode(&Sha256::digest(&body)[..16]);
        let (gzip, br) = if body.len() > limits.entry_bytes {
            (Bytes::new(), Bytes::new())
        } else {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            gz.write_all(&body).ok()?;
            let gzip = gz.finish().ok()?;
            let mut br = Vec::new();
            {
                let mut w = brotli::CompressorWriter::new(&mut br, 4096, 5, 22);
                w.write_all(&body).ok()?;
                w.flush().ok()?;
            }
            (Bytes::from(gzip), Bytes::from(br))
        };
        Some(Entry {
            tag,
            stored: Instant::now(),
            status,
            headers,
            etag,
            identity: body,
            gzip,
            br,
        })
    }
}

/// Does `If-None-Match` name this entry (in any encoding)?
fn matches(if_none_match: &HeaderValue, stem: &str) -> bool {
    let Ok(v) = if_none_match.to_str() else {
        return false;
    };
    v.split(',').any(|t| {
        let t = t.trim();
        if t == "*" {
            return true;
        }
        let t = t.strip_prefix("W/").unwrap_or(t).trim_matches('"');
        let t = t
            .strip_suffix("-gzip")
            .or_else(|| t.strip_suffix("-br"))
            .unwrap_or(t);
        t == stem
    })
}

fn answer(
    e: &Entry,
    wanted: Encoding,
    if_none_match: Option<&HeaderValue>,
    head: bool,
    how: &'static str,
) -> Response {
    // Encodings not made (an answer too large) fall back to identity.
    let encoding = match wanted {
        Encoding::Br if !e.br.is_empty() => Encoding::Br,
        Encoding::Gzip | Encoding::Br if !e.gzip.is_empty() => Encoding::Gzip,
        _ => Encoding::Identity,
    };
    let etag = format!("\"{}{}\"", e.etag, encoding.suffix());
    let not_modified = if_none_match.is_some_and(|v| matches(v, &e.etag));
    let body = match encoding {
        Encoding::Identity => e.identity.clone(),
        Encoding::Gzip => e.gzip.clone(),
        Encoding::Br => e.br.clone(),
    };
    let mut resp = if not_modified {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let mut r = Response::new(if head {
            Body::empty()
        } else {
            Body::from(body.clone())
        });
        *r.status_mut() = e.status;
        *r.headers_mut() = e.headers.clone();
        r.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        if encoding != Encoding::Identity {
            r.headers_mut().insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_static(if encoding == Encoding::Br {
                    "br"
                } else {
                    "gzip"
                }),
            );
        }
        r
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, NO_CACHE);
    h.insert(header::VARY, VARY);
    mark(resp, how)
}

/// Entry tags by route, for the tests of the allow-list.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allow_list_names_public_reads_only() {
        let m = |n| {
            Some(Route {
                tag: Tag::Merchant(n),
                indexed: false,
            })
        };
        assert_eq!(route("/merchants/227"), m(227));
        assert_eq!(route("/api/v1/merchants/227"), m(227));
        assert_eq!(route("/api/v1/merchants/227/complaints/open"), m(227));
        assert_eq!(route("/api/v1/merchants/227/ratings"), m(227));
        assert_eq!(route("/").map(|r| r.tag), Some(Tag::Shared));
        assert_eq!(route("/").map(|r| r.indexed), Some(true));
        assert_eq!(route("/lists/red").map(|r| r.tag), Some(Tag::Shared));
        assert_eq!(route("/complaints/3").map(|r| r.indexed), Some(true));
        assert_eq!(route("/api/v1/merchants").map(|r| r.indexed), Some(true));
        for private in [
            "/merchants/register",
            "/merchants/0",
            "/merchants/-1",
            "/merchants/99999999999",
            "/merchants/227/x",
            "/cases",
            "/cases/1",
            "/dashboard",
            "/lists/grey",
            "/api/v1/me",
            "/api/v1/cases/1",
            "/api/v1/merchants/227/deposit",
            "/api/v1/merchants/verifications",
            "/api/v1/notifications",
            "/api/v1/export/credit",
            "/fund/admin",
        ] {
            assert_eq!(route(private), None, "{private}");
        }
    }

    #[test]
    fn only_hashed_site_files_are_immutable() {
        for yes in [
            "/pkg/gongdao.AbCdEfGhIjKlMnOpQrSt-_.js",
            "/pkg/gongdao.AbCdEfGhIjKlMnOpQrSt-_.wasm",
            "/pkg/gongdao.0123456789abcdefghijkl.css",
        ] {
            assert!(content_addressed(yes), "{yes}");
        }
        for no in [
            "/pkg/gongdao.js",
            "/pkg/gongdao_bg.wasm",
            "/pkg/gongdao.css",
            "/pkg/gongdao.AbCdEfGhIjKlMnOpQrSt-_.map",
            "/pkg/gongdao.AbCdEfGhIjKlMnOpQrSt-.js",
            "/pkg/gongdao.AbCdEfGhIjKlMnOpQrSt/_.js",
            "/pkg/snippets/x/gongdao.AbCdEfGhIjKlMnOpQrSt-_.js",
            "/favicon.svg",
        ] {
            assert!(!content_addressed(no), "{no}");
        }
    }

    #[test]
    fn accept_encoding_prefers_brotli_and_honours_q0() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            m
        };
        assert_eq!(Encoding::accepted(&h("gzip, deflate, br")), Encoding::Br);
        assert_eq!(Encoding::accepted(&h("gzip, br;q=0")), Encoding::Gzip);
        assert_eq!(Encoding::accepted(&h("identity")), Encoding::Identity);
        assert_eq!(Encoding::accepted(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn if_none_match_names_the_body_in_any_encoding() {
        let v = |s: &str| HeaderValue::from_str(s).unwrap();
        assert!(matches(&v("\"abc\""), "abc"));
        assert!(matches(&v("W/\"abc-br\""), "abc"));
        assert!(matches(&v("\"x\", \"abc-gzip\""), "abc"));
        assert!(matches(&v("*"), "abc"));
        assert!(!matches(&v("\"abd\""), "abc"));
    }

    fn entry(tag: Tag, body: &'static str) -> Arc<Entry> {
        Arc::new(
            Entry::make(
                tag,
                StatusCode::OK,
                HeaderMap::new(),
                Bytes::from_static(body.as_bytes()),
                Limits::default(),
            )
            .unwrap(),
        )
    }

    fn key(p: &str) -> Key {
        Key {
            path_and_query: p.into(),
            lang: domain::Lang::Zh,
            index: 0,
        }
    }

    fn cache(limits: Limits) -> PageCache {
        let search = services::search::SearchState::open_or_memory(std::path::Path::new("\0"));
        PageCache::new(Arc::new(search), limits)
    }

    #[test]
    fn a_render_begun_before_a_change_is_not_stored() {
        let c = cache(Limits::default());
        let epoch = c.epoch.load(Ordering::SeqCst);
        c.drop_all();
        assert!(!c.put(key("/"), entry(Tag::Shared, "old"), epoch));
        assert!(c.get(&key("/")).is_none());
        let epoch = c.epoch.load(Ordering::SeqCst);
        assert!(c.put(key("/"), entry(Tag::Shared, "new"), epoch));
        assert_eq!(c.get(&key("/")).unwrap().identity, "new");
    }

    #[test]
    fn the_least_recently_used_go_when_full() {
        let c = cache(Limits {
            entries: 2,
            ..Limits::default()
        });
        for p in ["/a", "/b"] {
            c.put(key(p), entry(Tag::Shared, "x"), 0);
        }
        c.get(&key("/a"));
        c.put(key("/c"), entry(Tag::Shared, "x"), 0);
        assert!(c.get(&key("/a")).is_some());
        assert!(c.get(&key("/b")).is_none());
        let one = entry(Tag::Shared, "x").size();
        let c = cache(Limits {
            bytes: one * 2,
            ..Limits::default()
        });
        for p in ["/a", "/b", "/c"] {
            c.put(key(p), entry(Tag::Shared, "x"), 0);
        }
        assert_eq!(c.len(), 2);
        assert!(c.store().bytes <= one * 2);
    }

    #[test]
    fn compressed_copies_decode_to_the_body() {
        use std::io::Read;
        let body = "公道 ".repeat(2000);
        let e = Entry::make(
            Tag::Shared,
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from(body.clone()),
            Limits::default(),
        )
        .unwrap();
        let mut out = String::new();
        flate2::read::GzDecoder::new(&e.gzip[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, body);
        let mut out = String::new();
        brotli::Decompressor::new(&e.br[..], 4096)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, body);
        assert!(e.br.len() < body.len() / 10);
    }
}
