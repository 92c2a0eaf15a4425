//! Searching merchants: the query (words of the name, shop names and scope;
//! characters of the name for one- and two-character queries; an exact USCC,
//! also typed in lower case or with spaces), the filters, the ranking and
//! the facets.
//!
//! **Ranking.** Relevance is tantivy's BM25 over name (×3), shop names (×2)
//! and business scope (×1), plus name characters for short queries; then a
//! red-listed merchant's score is multiplied by 1.5 and a black-listed one's
//! by 0.5 (documented boost and demotion). `sort=credit` orders by the
//! credit score, `sort=complaints` by complaints in 12 months (most first).

use std::path::Path;

use domain::AppError;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, TantivyDocument, Value};
use tantivy::tokenizer::TokenizerManager;
use tantivy::{DocAddress, Order, Score, Searcher, Term, doc};

use super::schema::{Fields, chars_analyser, schema, tokens, zh_analyser};
use super::store::Store;

/// Red-listed merchants' relevance is multiplied by this…
pub const RED_BOOST: f32 = 1.5;
/// …and black-listed ones' by this.
pub const BLACK_DEMOTION: f32 = 0.5;
/// A query word in more than this share of the merchants' documents (in
/// that field) is generic — 有限公司 is in about 60 % of names, 公司 in 80 % —
/// and is left out of a query that has other words.
pub const GENERIC_SHARE: f64 = 0.05;
/// …but never counts as generic in an index this small or smaller.
const MIN_GENERIC_DOCS: u64 = 1000;

/// What the index holds of one merchant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantDoc {
    pub id: i32,
    pub name: String,
    pub shop_names: Vec<String>,
    pub scope: String,
    pub uscc: String,
    pub province: String,
    pub region: String,
    pub kind: String,
    pub grade: Option<String>,
    pub score: Option<i32>,
    pub red: bool,
    pub black: bool,
    pub verified: bool,
    pub complaints_12m: u64,
}

pub use domain::search::{Facets, MerchantHit, SearchPage};
/// A checked merchant search (checked by `domain::search::SearchParams`,
/// which the page and the API share) and its orders.
pub use domain::search::{MerchantQuery as SearchQuery, MerchantSort as SortBy};

pub struct MerchantIndex {
    pub(super) store: Store,
    pub(super) fields: Fields,
    /// The facets of browsing without words or filters (every merchant):
    /// the same for each such request until the next commit, so kept per
    /// searcher generation. At 1M merchants counting them is 5–8 ms.
    browse_facets: std::sync::Mutex<Option<(u64, Facets)>>,
}

fn err(e: impl std::fmt::Display) -> AppError {
    tracing::error!("search: {e}");
    AppError::Internal
}

impl MerchantIndex {
    fn with(store: Store) -> MerchantIndex {
        MerchantIndex {
            store,
            fields: schema().1,
            browse_facets: std::sync::Mutex::new(None),
        }
    }

    pub fn create(dir: &Path) -> anyhow::Result<MerchantIndex> {
        Store::create(dir, schema().0).map(Self::with)
    }

    pub fn in_memory() -> anyhow::Result<MerchantIndex> {
        Store::in_memory(schema().0).map(Self::with)
    }

    /// Opens an existing index; refuses one whose schema is not ours.
    pub fn open(dir: &Path) -> anyhow::Result<MerchantIndex> {
        Store::open(dir, schema().0).map(Self::with)
    }

    pub fn dir(&self) -> &Path {
        self.store.dir()
    }

    pub fn writer(&self) -> anyhow::Result<tantivy::IndexWriter> {
        self.store.writer(50_000_000)
    }

    /// A writer with larger buffers for a full rebuild (fewer, larger
    /// segments to merge afterwards).
    pub fn bulk_writer(&self) -> anyhow::Result<tantivy::IndexWriter> {
        self.store.writer(200_000_000)
    }

    /// Makes what the last commit wrote visible to searches.
    pub fn reload(&self) -> anyhow::Result<()> {
        self.store.reload()
    }

    pub fn num_docs(&self) -> u64 {
        self.store.num_docs()
    }

    /// The change-log cursor committed with the documents (`Store::cursor`).
    pub fn cursor(&self) -> anyhow::Result<Option<i32>> {
        self.store.cursor()
    }

    pub fn fields(&self) -> Fields {
        self.fields
    }

    pub fn document(&self, m: &MerchantDoc) -> TantivyDocument {
        let f = &self.fields;
        let list = if m.black {
            "black"
        } else if m.red {
            "red"
        } else {
            "none"
        };
        let mut d = doc!(
            f.id => m.id as u64,
            f.name => m.name.clone(),
            f.name_chars => m.name.clone(),
            f.scope => m.scope.clone(),
            f.uscc => m.uscc.clone(),
            f.province => m.province.clone(),
            f.region => m.region.clone(),
            f.kind => m.kind.clone(),
            f.grade => m.grade.clone().unwrap_or_else(|| "none".into()),
            f.score => i64::from(m.score.unwrap_or(-1)),
            f.list => list,
            f.list_code => match list { "red" => 1u64, "black" => 2, _ => 0 },
            f.verified => if m.verified { "yes" } else { "no" },
            f.complaints => m.complaints_12m,
        );
        for s in &m.shop_names {
            d.add_text(f.shop_names, s);
        }
        d
    }

    pub fn id_term(&self, id: i32) -> Term {
        Term::from_field_u64(self.fields.id, id as u64)
    }

    pub fn search(&self, sq: &SearchQuery) -> Result<SearchPage, AppError> {
        let searcher = self.store.searcher();
        let q = sq.q.trim();
        let Some(query) = build_query(&self.fields, &searcher, sq) else {
            // Nothing searchable in it (only punctuation): nothing found.
            return Ok(SearchPage {
                total: 0,
                page: sq.page.max(1),
                per_page: sq.per_page,
                items: vec![],
                facets: Facets::default(),
            });
        };
        let per_page = sq.per_page.clamp(1, domain::search::MAX_PER_PAGE);
        let page = sq.page.clamp(1, 10_000);
        let offset = ((page - 1) * per_page) as usize;
        let top = TopDocs::with_limit(per_page as usize).and_offset(offset);
        let browse = q.is_empty()
            && [&sq.province, &sq.grade, &sq.list]
                .iter()
                .all(|v| v.as_deref().is_none_or(str::is_empty))
            && sq.verified.is_none()
            && sq.kind.is_none();
        let generation = searcher.generation().generation_id();
        let cached: Option<Facets> = if browse {
            self.browse_facets.lock().ok().and_then(|g| {
                g.as_ref()
                    .filter(|(n, _)| *n == generation)
                    .map(|(_, f)| f.clone())
            })
        } else {
            None
        };
        // Collected only when no cached copy fits (`Option<C>` is a collector).
        let facets = match cached {
            Some(_) => None,
            None => Some(facet_collector()?),
        };
        let (addresses, total, facets): (Vec<DocAddress>, usize, _) = match (sq.sort, q.is_empty())
        {
            (SortBy::Relevance, false) => {
                let ranked = top.tweak_score(|segment: &tantivy::SegmentReader| {
                    let list = segment
                        .fast_fields()
                        .u64("list_code")
                        .ok()
                        .map(|c| c.first_or_default_col(0));
                    move |doc: tantivy::DocId, score: Score| match list
                        .as_ref()
                        .map(|c| c.get_val(doc))
                    {
                        Some(1) => score * RED_BOOST,
                        Some(2) => score * BLACK_DEMOTION,
                        _ => score,
                    }
                });
                let (docs, n, fc) = searcher
                    .search(&query, &(ranked, Count, facets))
                    .map_err(err)?;
                (docs.into_iter().map(|(_, a)| a).collect(), n, fc)
            }
            (SortBy::Complaints, _) => {
                let ranked = top.order_by_fast_field::<u64>("complaints", Order::Desc);
                let (docs, n, fc) = searcher
                    .search(&query, &(ranked, Count, facets))
                    .map_err(err)?;
                (docs.into_iter().map(|(_, a)| a).collect(), n, fc)
            }
            // By credit, also for browsing without words.
            _ => {
                let ranked = top.order_by_fast_field::<i64>("score", Order::Desc);
                let (docs, n, fc) = searcher
                    .search(&query, &(ranked, Count, facets))
                    .map_err(err)?;
                (docs.into_iter().map(|(_, a)| a).collect(), n, fc)
            }
        };
        let facets = match (cached, facets) {
            (Some(f), _) => f,
            (None, Some(r)) => {
                let f = read_facets(r)?;
                if browse && let Ok(mut g) = self.browse_facets.lock() {
                    *g = Some((generation, f.clone()));
                }
                f
            }
            (None, None) => Facets::default(),
        };
        let mut items = Vec::with_capacity(addresses.len());
        for a in addresses {
            let d: TantivyDocument = searcher.doc(a).map_err(err)?;
            items.push(self.hit(&d));
        }
        Ok(SearchPage {
            total: total as u64,
            page,
            per_page,
            items,
            facets,
        })
    }

    fn hit(&self, d: &TantivyDocument) -> MerchantHit {
        let f = &self.fields;
        let s = |field| {
            d.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let u = |field| d.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
        let grade = s(f.grade);
        let score = d.get_first(f.score).and_then(|v| v.as_i64()).unwrap_or(-1);
        let list = s(f.list);
        MerchantHit {
            id: u(f.id) as i32,
            name: s(f.name),
            uscc: s(f.uscc),
            province: s(f.province),
            region: s(f.region),
            kind: s(f.kind),
            grade: (grade != "none").then_some(grade),
            score: (score >= 0).then_some(score),
            red_list: list == "red",
            black_list: list == "black",
            verified: s(f.verified) == "yes",
            complaints_12m: u(f.complaints),
        }
    }
}

fn facet_collector() -> Result<AggregationCollector, AppError> {
    let req: Aggregations = serde_json::from_value(serde_json::json!({
        "province": {"terms": {"field": "province", "size": 50}},
        "grade": {"terms": {"field": "grade", "size": 10}},
        "list": {"terms": {"field": "list", "size": 5}},
        "verified": {"terms": {"field": "verified", "size": 5}},
    }))
    .map_err(err)?;
    Ok(AggregationCollector::from_aggs(
        req,
        AggContextParams::new(
            AggregationLimitsGuard::default(),
            TokenizerManager::default(),
        ),
    ))
}

fn read_facets(
    r: tantivy::aggregation::agg_result::AggregationResults,
) -> Result<Facets, AppError> {
    let v = serde_json::to_value(&r).map_err(err)?;
    Ok(Facets {
        province: buckets(&v, "province"),
        grade: buckets(&v, "grade"),
        list: buckets(&v, "list"),
        verified: buckets(&v, "verified"),
    })
}

/// The (key, count) pairs of terms aggregation `name` in results `v`.
pub(super) fn buckets(v: &serde_json::Value, name: &str) -> Vec<(String, u64)> {
    v[name]["buckets"]
        .as_array()
        .map(|b| {
            b.iter()
                .filter_map(|b| {
                    let key = match &b["key"] {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    Some((key, b["doc_count"].as_u64()?))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The query `MerchantIndex::search` runs for `sq` (the benchmark runs the
/// same): the text (a USCC, or words and name characters, see
/// [`text_query`]) and the filters; `None` when the text has nothing
/// searchable in it (only punctuation).
pub fn build_query(f: &Fields, searcher: &Searcher, sq: &SearchQuery) -> Option<BooleanQuery> {
    let q = sq.q.trim();
    let text = if q.is_empty() {
        Box::new(AllQuery)
    } else if let Some(u) = uscc_query(f, q) {
        u
    } else {
        text_query(f, searcher, q)?
    };
    let mut must: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
    for (field, value) in [
        (f.province, sq.province.clone()),
        (f.grade, sq.grade.clone()),
        (f.list, sq.list.clone()),
        (
            f.verified,
            sq.verified
                .map(|v| if v { "yes" } else { "no" }.to_string()),
        ),
        (f.kind, sq.kind.map(|k| k.as_str().to_string())),
    ] {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            must.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &v),
                    IndexRecordOption::Basic,
                )),
            ));
        }
    }
    Some(BooleanQuery::new(must))
}

/// The words of `q` over name (×3), shop names (×2) and scope (×1),
/// without the generic ones (see [`GENERIC_SHARE`]); for one or two
/// characters, every character in the name; for three to six, the
/// characters in one piece in the name (华奈工 finds 上海华奈工贸).
fn text_query(f: &Fields, searcher: &Searcher, q: &str) -> Option<Box<dyn Query>> {
    let generic = (searcher.num_docs() as f64 * GENERIC_SHARE) as u64;
    let df = |t: &Term| searcher.doc_freq(t).unwrap_or(0);
    let mut terms: Vec<(Term, f32, u64)> = vec![];
    for w in tokens(&mut zh_analyser(), q) {
        for (field, boost) in [(f.name, 3.0), (f.shop_names, 2.0), (f.scope, 1.0)] {
            let t = Term::from_field_text(field, &w);
            let n = df(&t);
            if n > 0 {
                terms.push((t, boost, n));
            }
        }
    }
    // Words nearly every merchant has (有限, 公司, 有限公司 …) add little
    // to the ranking and much to the work: left out when the query has
    // others, kept when it has nothing else.
    if terms
        .iter()
        .any(|(_, _, n)| *n <= generic.max(MIN_GENERIC_DOCS))
    {
        terms.retain(|(_, _, n)| *n <= generic.max(MIN_GENERIC_DOCS));
    }
    let mut parts: Vec<(Occur, Box<dyn Query>)> = terms
        .into_iter()
        .map(|(t, boost, _)| {
            let q = TermQuery::new(t, IndexRecordOption::WithFreqs);
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), boost)) as Box<dyn Query>,
            )
        })
        .collect();
    let chars: Vec<Term> = tokens(&mut chars_analyser(), q)
        .iter()
        .map(|c| Term::from_field_text(f.name_chars, c))
        .collect();
    match chars.len() {
        // One or two characters: every character must be in the name.
        1 | 2 => {
            let all: Vec<(Occur, Box<dyn Query>)> = chars
                .into_iter()
                .map(|t| {
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            parts.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(BooleanQuery::new(all)), 2.0)),
            ));
        }
        // A fragment of a name: its characters in one piece, unless all
        // of them are common (then the words above do better, cheaper).
        3..=6 if chars.iter().any(|t| df(t) <= generic.max(MIN_GENERIC_DOCS)) => {
            parts.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(PhraseQuery::new(chars)), 2.0)),
            ));
        }
        _ => {}
    }
    (!parts.is_empty()).then(|| Box::new(BooleanQuery::new(parts)) as Box<dyn Query>)
}

/// The query as typed is a USCC (case and spaces aside)?
fn uscc_query(f: &Fields, q: &str) -> Option<Box<dyn Query>> {
    let code: String = q
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    domain::Uscc::parse(&code).ok().map(|u| {
        Box::new(TermQuery::new(
            Term::from_field_text(f.uscc, u.as_str()),
            IndexRecordOption::Basic,
        )) as Box<dyn Query>
    })
}
