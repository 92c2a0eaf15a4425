//! The public complaint index: closed cases whose consumer allowed the
//! narrative to be published, with personal data scrubbed *before* the text
//! is indexed (`domain::pii::scrub_public`: phones, ID numbers, emails, the
//! consumer's name and names the text introduces). Nothing unscrubbed is
//! ever stored in it.
//!
//! Search by words of the merchant's name (×2), the title (×2) and the
//! narrative (×1); filter by merchant, category, outcome and closing date;
//! newest first when no words are given. Facets: category and outcome.

use std::collections::HashMap;
use std::ops::Bound;
use std::path::Path;

use chrono::NaiveDate;
use domain::AppError;
use domain::search::{ComplaintFacets, ComplaintHit, ComplaintPage};
pub use domain::search::{ComplaintParams, ComplaintQuery};
use entities::{case, merchant};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TantivyDocument,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::TokenizerManager;
use tantivy::{DocAddress, Order, Term, doc};

use super::schema::{ZH, tokens, zh_analyser};
use super::store::Store;

/// Result lists show this much of a narrative.
pub const EXCERPT_CHARS: usize = 160;

/// What the index holds of one public complaint (already scrubbed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintDoc {
    pub id: i32,
    pub number: String,
    pub merchant_id: i32,
    pub merchant_name: String,
    pub category: String,
    pub title: String,
    pub narrative: String,
    pub outcome: String,
    pub filed_on: NaiveDate,
    pub closed_on: NaiveDate,
}

#[derive(Clone, Copy)]
pub struct ComplaintFields {
    pub id: Field,
    pub number: Field,
    pub merchant_id: Field,
    pub merchant_name: Field,
    pub category: Field,
    pub title: Field,
    pub narrative: Field,
    pub outcome: Field,
    pub filed_on: Field,
    pub closed_on: Field,
    /// Days since 1970-01-01 of `closed_on`: range filters and newest-first.
    pub closed_day: Field,
}

pub fn complaint_schema() -> (Schema, ComplaintFields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ZH)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = ComplaintFields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        number: b.add_text_field("number", STRING | STORED),
        merchant_id: b.add_u64_field("merchant_id", INDEXED | STORED),
        merchant_name: b.add_text_field("merchant_name", text.clone() | STORED),
        category: b.add_text_field("category", STRING | STORED | FAST),
        title: b.add_text_field("title", text.clone() | STORED),
        narrative: b.add_text_field("narrative", text | STORED),
        outcome: b.add_text_field("outcome", STRING | STORED | FAST),
        filed_on: b.add_text_field("filed_on", STRING | STORED),
        closed_on: b.add_text_field("closed_on", STRING | STORED),
        closed_day: b.add_i64_field("closed_day", INDEXED | FAST),
    };
    (b.build(), fields)
}

pub struct ComplaintIndex {
    store: Store,
    fields: ComplaintFields,
}

fn err(e: impl std::fmt::Display) -> AppError {
    tracing::error!("complaint search: {e}");
    AppError::Internal
}

fn day_number(d: NaiveDate) -> i64 {
    d.signed_duration_since(NaiveDate::default()).num_days()
}

impl ComplaintIndex {
    fn with(store: Store) -> ComplaintIndex {
        ComplaintIndex {
            store,
            fields: complaint_schema().1,
        }
    }

    pub fn create(dir: &Path) -> anyhow::Result<ComplaintIndex> {
        Store::create(dir, complaint_schema().0).map(Self::with)
    }

    pub fn in_memory() -> anyhow::Result<ComplaintIndex> {
        Store::in_memory(complaint_schema().0).map(Self::with)
    }

    /// Opens an existing index; refuses one whose schema is not ours.
    pub fn open(dir: &Path) -> anyhow::Result<ComplaintIndex> {
        Store::open(dir, complaint_schema().0).map(Self::with)
    }

    pub fn dir(&self) -> &Path {
        self.store.dir()
    }

    pub fn writer(&self) -> anyhow::Result<tantivy::IndexWriter> {
        self.store.writer(20_000_000)
    }

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

    pub fn id_term(&self, id: i32) -> Term {
        Term::from_field_u64(self.fields.id, id as u64)
    }

    pub fn document(&self, c: &ComplaintDoc) -> TantivyDocument {
        let f = &self.fields;
        doc!(
            f.id => c.id as u64,
            f.number => c.number.clone(),
            f.merchant_id => c.merchant_id as u64,
            f.merchant_name => c.merchant_name.clone(),
            f.category => c.category.clone(),
            f.title => c.title.clone(),
            f.narrative => c.narrative.clone(),
            f.outcome => c.outcome.clone(),
            f.filed_on => c.filed_on.to_string(),
            f.closed_on => c.closed_on.to_string(),
            f.closed_day => day_number(c.closed_on),
        )
    }

    fn text_query(&self, q: &str) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![];
        for w in tokens(&mut zh_analyser(), q) {
            for (field, boost) in [(f.merchant_name, 2.0), (f.title, 2.0), (f.narrative, 1.0)] {
                let t = TermQuery::new(
                    Term::from_field_text(field, &w),
                    IndexRecordOption::WithFreqs,
                );
                parts.push((Occur::Should, Box::new(BoostQuery::new(Box::new(t), boost))));
            }
        }
        (!parts.is_empty()).then(|| Box::new(BooleanQuery::new(parts)) as Box<dyn Query>)
    }

    pub fn search(&self, cq: &ComplaintQuery) -> Result<ComplaintPage, AppError> {
        let f = &self.fields;
        let q = cq.q.trim();
        let per_page = cq.per_page.clamp(1, domain::search::MAX_PER_PAGE);
        let page = cq.page.clamp(1, 10_000);
        let empty = || ComplaintPage {
            total: 0,
            page,
            per_page,
            items: vec![],
            facets: ComplaintFacets::default(),
        };
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![];
        if q.is_empty() {
            must.push((Occur::Must, Box::new(AllQuery)));
        } else {
            match self.text_query(q) {
                Some(t) => must.push((Occur::Must, t)),
                None => return Ok(empty()),
            }
        }
        let term = |field: Field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, v),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(m) = cq.merchant_id {
            must.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.merchant_id, m as u64),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(c) = &cq.category {
            must.push((Occur::Must, term(f.category, c)));
        }
        if let Some(o) = &cq.outcome {
            must.push((Occur::Must, term(f.outcome, o)));
        }
        if cq.from.is_some() || cq.to.is_some() {
            let bound = |d: Option<NaiveDate>| match d {
                Some(d) => Bound::Included(Term::from_field_i64(f.closed_day, day_number(d))),
                None => Bound::Unbounded,
            };
            must.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(cq.from), bound(cq.to))),
            ));
        }
        let query = BooleanQuery::new(must);
        let top =
            TopDocs::with_limit(per_page as usize).and_offset(((page - 1) * per_page) as usize);
        let searcher = self.store.searcher();
        let facets = facet_collector()?;
        let addresses: Vec<DocAddress>;
        let (total, facets) = if q.is_empty() {
            let ranked = top.order_by_fast_field::<i64>("closed_day", Order::Desc);
            let (docs, n, fc) = searcher
                .search(&query, &(ranked, Count, facets))
                .map_err(err)?;
            addresses = docs.into_iter().map(|(_, a)| a).collect();
            (n, fc)
        } else {
            let (docs, n, fc) = searcher
                .search(&query, &(top.order_by_score(), Count, facets))
                .map_err(err)?;
            addresses = docs.into_iter().map(|(_, a)| a).collect();
            (n, fc)
        };
        let mut items = Vec::with_capacity(addresses.len());
        for a in addresses {
            let d: TantivyDocument = searcher.doc(a).map_err(err)?;
            let mut hit = self.hit(&d);
            if hit.narrative.chars().count() > EXCERPT_CHARS {
                hit.narrative = hit
                    .narrative
                    .chars()
                    .take(EXCERPT_CHARS)
                    .collect::<String>()
                    + "…";
            }
            items.push(hit);
        }
        let v = serde_json::to_value(&facets).map_err(err)?;
        Ok(ComplaintPage {
            total: total as u64,
            page,
            per_page,
            items,
            facets: ComplaintFacets {
                category: super::index::buckets(&v, "category"),
                outcome: super::index::buckets(&v, "outcome"),
            },
        })
    }

    /// One public complaint in full (its record page), if it is published.
    pub fn get(&self, id: i32) -> Result<Option<ComplaintHit>, AppError> {
        let searcher = self.store.searcher();
        let found = searcher
            .search(
                &TermQuery::new(self.id_term(id), IndexRecordOption::Basic),
                &TopDocs::with_limit(1).order_by_score(),
            )
            .map_err(err)?;
        match found.first() {
            Some((_, a)) => {
                let d: TantivyDocument = searcher.doc(*a).map_err(err)?;
                Ok(Some(self.hit(&d)))
            }
            None => Ok(None),
        }
    }

    fn hit(&self, d: &TantivyDocument) -> ComplaintHit {
        let f = &self.fields;
        let s = |field| {
            d.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let u = |field| d.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
        let date = |field| s(field).parse::<NaiveDate>().unwrap_or_default();
        ComplaintHit {
            id: u(f.id) as i32,
            number: s(f.number),
            merchant_id: u(f.merchant_id) as i32,
            merchant_name: s(f.merchant_name),
            category: s(f.category),
            title: s(f.title),
            narrative: s(f.narrative),
            outcome: s(f.outcome),
            filed_on: date(f.filed_on),
            closed_on: date(f.closed_on),
        }
    }
}

fn facet_collector() -> Result<AggregationCollector, AppError> {
    let req: Aggregations = serde_json::from_value(serde_json::json!({
        "category": {"terms": {"field": "category", "size": 20}},
        "outcome": {"terms": {"field": "outcome", "size": 10}},
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

/// The public documents of the cases `ids` as the database has them now:
/// closed, published cases only (the others are absent, so their documents
/// are deleted). Texts are scrubbed here, before anything is indexed.
pub async fn load_docs<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<case::Model>,
) -> anyhow::Result<Vec<ComplaintDoc>> {
    let rows: Vec<case::Model> = rows
        .into_iter()
        .filter(|c| c.publish_narrative && c.status == domain::cases::Status::Closed.as_str())
        .collect();
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i32> = rows.iter().map(|c| c.id).collect();
    let merchant_ids: Vec<i32> = rows.iter().map(|c| c.merchant_id).collect();
    let consumer_ids: Vec<i32> = rows.iter().map(|c| c.consumer_id).collect();
    let merchants: HashMap<i32, String> = merchant::Entity::find()
        .select_only()
        .column(merchant::Column::Id)
        .column(merchant::Column::Name)
        .filter(merchant::Column::Id.is_in(merchant_ids))
        .into_tuple::<(i32, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let consumers = crate::record::names_and_emails(conn, consumer_ids).await?;
    let closed = crate::record::trail::closing_times(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|c| {
            let state: domain::cases::Case = serde_json::from_str(&c.state).ok()?;
            let outcome = state.outcome()?;
            let (name, email) = consumers.get(&c.consumer_id).cloned().unwrap_or_default();
            let local = email.split('@').next().unwrap_or_default().to_string();
            let names = [name.as_str(), local.as_str()];
            let closed_at = closed.get(&c.id).copied().unwrap_or(c.updated_at);
            Some(ComplaintDoc {
                id: c.id,
                number: c.number,
                merchant_id: c.merchant_id,
                merchant_name: merchants.get(&c.merchant_id).cloned().unwrap_or_default(),
                category: c.category,
                title: domain::pii::scrub_public(&c.title, &names),
                narrative: domain::pii::scrub_public(&c.narrative, &names),
                outcome: outcome.as_str().into(),
                filed_on: domain::calendar::local_date(c.created_at),
                closed_on: domain::calendar::local_date(closed_at),
            })
        })
        .collect())
}
