//! Autocomplete on merchant names: what to offer while a name is typed.
//!
//! **Matching.** Every letter and digit typed must be in the name (one
//! character at a time, `name_chars`), so 海淀电 offers 北京海淀电器有限公司
//! and so does 北京电器 (characters apart). Names holding the text in one
//! piece score higher (a phrase over `name_chars`), and so do names sharing
//! its words (jieba, `name`). Twelve or more letters and digits also match
//! the start of a unified social credit code.
//!
//! **Order.** Of the best-scoring candidates, names that start with the text
//! come first, then names that contain it in one piece, then the rest;
//! within each, the higher credit score first (ungraded last), then the
//! score of the match, then the shorter name.

use std::cmp::Reverse;

use domain::AppError;
use domain::search::{MAX_SUGGESTIONS, Suggestion};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, TantivyDocument, Value};
use tantivy::{Score, Term};

use super::index::MerchantIndex;
use super::schema::{chars_analyser, tokens, zh_analyser};

/// Only this much of what is typed counts (a name is rarely longer).
const MAX_TYPED_CHARS: usize = 40;
/// How many best-scoring names are ordered for the answer.
const CANDIDATES: usize = 64;
/// From this many letters and digits, a USCC prefix is looked for too.
const USCC_PREFIX_MIN: usize = 12;

fn err(e: impl std::fmt::Display) -> AppError {
    tracing::error!("suggest: {e}");
    AppError::Internal
}

/// How well a name fits the text typed; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    Starts,
    Contains,
    Scattered,
}

impl MerchantIndex {
    /// Up to `limit` (at most [`MAX_SUGGESTIONS`]) merchants whose names fit
    /// `prefix`, best first; none for text without letters or digits.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>, AppError> {
        let limit = limit.min(MAX_SUGGESTIONS);
        let typed: String = prefix.chars().take(MAX_TYPED_CHARS).collect();
        let chars = tokens(&mut chars_analyser(), &typed);
        if chars.is_empty() || limit == 0 {
            return Ok(vec![]);
        }
        let f = &self.fields;
        let char_term = |c: &String| Term::from_field_text(f.name_chars, c);
        let mut distinct = chars.clone();
        distinct.sort();
        distinct.dedup();
        let mut name: Vec<(Occur, Box<dyn Query>)> = distinct
            .iter()
            .map(|c| {
                let t = TermQuery::new(char_term(c), IndexRecordOption::WithFreqs);
                (Occur::Must, Box::new(t) as Box<dyn Query>)
            })
            .collect();
        if chars.len() > 1 {
            let phrase = PhraseQuery::new(chars.iter().map(char_term).collect());
            name.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(phrase), 4.0)),
            ));
        }
        for w in tokens(&mut zh_analyser(), &typed) {
            let t = TermQuery::new(
                Term::from_field_text(f.name, &w),
                IndexRecordOption::WithFreqs,
            );
            name.push((Occur::Should, Box::new(t)));
        }
        let mut either: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Should, Box::new(BooleanQuery::new(name)))];
        let code = uscc_prefix(&typed);
        if let Some(code) = &code {
            let q = RegexQuery::from_pattern(&format!("{code}.*"), f.uscc).map_err(err)?;
            either.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), 8.0))));
        }
        let query = BooleanQuery::new(either);

        let searcher = self.store.searcher();
        let found = searcher
            .search(
                &query,
                &TopDocs::with_limit(CANDIDATES.max(limit)).order_by_score(),
            )
            .map_err(err)?;
        let wanted: String = chars.concat();
        let mut ranked: Vec<(Fit, Reverse<i64>, Score, usize, Suggestion)> =
            Vec::with_capacity(found.len());
        for (score, address) in found {
            let d: TantivyDocument = searcher.doc(address).map_err(err)?;
            let text = |field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let name = text(f.name);
            let plain: String = tokens(&mut chars_analyser(), &name).concat();
            let uscc_fits = code.as_deref().is_some_and(|c| text(f.uscc).starts_with(c));
            let fit = if uscc_fits || plain.starts_with(&wanted) {
                Fit::Starts
            } else if plain.contains(&wanted) {
                Fit::Contains
            } else {
                Fit::Scattered
            };
            let credit = d.get_first(f.score).and_then(|v| v.as_i64()).unwrap_or(-1);
            let grade = text(f.grade);
            let list = text(f.list);
            ranked.push((
                fit,
                Reverse(credit),
                score,
                name.chars().count(),
                Suggestion {
                    id: d.get_first(f.id).and_then(|v| v.as_u64()).unwrap_or(0) as i32,
                    name,
                    grade: (!grade.is_empty() && grade != "none").then_some(grade),
                    red_list: list == "red",
                    black_list: list == "black",
                },
            ));
        }
        ranked.sort_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| b.2.total_cmp(&a.2))
                .then_with(|| (a.3, a.4.id).cmp(&(b.3, b.4.id)))
        });
        Ok(ranked.into_iter().take(limit).map(|(.., s)| s).collect())
    }
}

/// The text as the start of a USCC (spaces dropped, upper case), when it
/// has enough letters and digits to be one and nothing else.
fn uscc_prefix(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    (code.len() >= USCC_PREFIX_MIN
        && code.len() <= 18
        && code.chars().all(|c| c.is_ascii_alphanumeric()))
    .then_some(code)
}

/// Suggestions off the async workers (tantivy searches block).
pub async fn suggest(
    svc: &crate::Services,
    prefix: String,
    limit: usize,
) -> Result<Vec<Suggestion>, AppError> {
    let index = svc.search.index();
    tokio::task::spawn_blocking(move || index.suggest(&prefix, limit))
        .await
        .map_err(|_| AppError::Internal)?
}
