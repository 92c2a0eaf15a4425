//! Bulk export of merchant credit for regulators and API-token holders:
//! every merchant, read in pages by id, each page encoded as NDJSON or CSV
//! (RFC 4180: a header row, fields quoted when needed, CRLF line ends; a
//! text cell a spreadsheet would run as a formula starts with `'`) so the
//! caller can stream it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::AppError;
use entities::{case, credit_record as cr, merchant};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

use super::records::PUBLISHED;
use crate::db::internal_error;

use crate::export::{ExportRow as Row, inert};
pub use crate::export::{Format, PAGE, authorize, inert_cell};

/// One merchant's line of the export. The CSV columns are these fields in
/// this order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRow {
    pub id: i32,
    pub uscc: String,
    pub name: String,
    pub kind: String,
    pub province: String,
    pub region: String,
    pub verified_at: Option<DateTime<Utc>>,
    pub credit_score: Option<i32>,
    pub credit_grade: Option<String>,
    pub credit_computed_at: Option<DateTime<Utc>>,
    /// On the confirmed red list.
    pub red_list: bool,
    /// On the confirmed black list.
    pub black_list: bool,
    /// Cases filed against it in the 12 months before the export.
    pub complaints_12m: u64,
    /// Credit records in public view (published, within their display period, not repaired).
    pub public_records: u64,
}

async fn counts<C: ConnectionTrait, E: EntityTrait, K: ColumnTrait + Copy>(
    conn: &C,
    q: sea_orm::Select<E>,
    by: K,
) -> Result<HashMap<i32, u64>, AppError> {
    Ok(q.select_only()
        .column(by)
        .column_as(by.count(), "n")
        .group_by(by)
        .into_tuple::<(i32, i64)>()
        .all(conn)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|(id, n)| (id, n.max(0) as u64))
        .collect())
}

/// The merchants with an id above `after`, at most `limit` of them, in id
/// order, with their figures at `now`. An empty page is the end.
pub async fn page<C: ConnectionTrait>(
    conn: &C,
    after: i32,
    limit: u64,
    now: DateTime<Utc>,
) -> Result<Vec<ExportRow>, AppError> {
    let ms = merchant::Entity::find()
        .filter(merchant::Column::Id.gt(after))
        .order_by_asc(merchant::Column::Id)
        .limit(limit)
        .all(conn)
        .await
        .map_err(internal_error)?;
    let (Some(first), Some(last)) = (ms.first().map(|m| m.id), ms.last().map(|m| m.id)) else {
        return Ok(vec![]);
    };
    let since = now - chrono::Duration::days(365);
    let complaints = counts(
        conn,
        case::Entity::find()
            .filter(case::Column::MerchantId.between(first, last))
            .filter(case::Column::CreatedAt.gte(since)),
        case::Column::MerchantId,
    )
    .await?;
    let records = counts(
        conn,
        cr::Entity::find()
            .filter(cr::Column::MerchantId.between(first, last))
            .filter(cr::Column::Status.eq(PUBLISHED))
            .filter(cr::Column::RepairedAt.is_null())
            .filter(cr::Column::DisplayUntil.gt(now)),
        cr::Column::MerchantId,
    )
    .await?;
    let ids: Vec<i32> = ms.iter().map(|m| m.id).collect();
    let lists = super::lists::statuses(conn, &ids).await?;
    Ok(ms
        .into_iter()
        .map(|m| {
            let (red_list, black_list) = lists.get(&m.id).copied().unwrap_or_default();
            ExportRow {
                complaints_12m: complaints.get(&m.id).copied().unwrap_or(0),
                public_records: records.get(&m.id).copied().unwrap_or(0),
                red_list,
                black_list,
                id: m.id,
                uscc: m.uscc,
                name: m.name,
                kind: m.kind,
                province: m.province,
                region: m.region,
                verified_at: m.verified_at,
                credit_score: m.credit_score,
                credit_grade: m.credit_grade,
                credit_computed_at: m.credit_computed_at,
            }
        })
        .collect())
}

/// Encodes one page; the CSV header row goes before the first.
pub fn encode(rows: &[ExportRow], format: Format, first: bool) -> Result<Vec<u8>, AppError> {
    crate::export::encode(rows, format, first)
}

impl Row for ExportRow {
    const HEADER: &'static [&'static str] = HEADER;

    fn id(&self) -> i32 {
        self.id
    }

    /// Every text cell made inert; numbers, dates and flags are written by
    /// us and never start so.
    fn inert(&self) -> Self {
        ExportRow {
            uscc: inert(&self.uscc),
            name: inert(&self.name),
            kind: inert(&self.kind),
            province: inert(&self.province),
            region: inert(&self.region),
            credit_grade: self.credit_grade.as_deref().map(inert),
            ..self.clone()
        }
    }
}

/// The CSV header: [`ExportRow`]'s fields.
pub const HEADER: &[&str] = &[
    "id",
    "uscc",
    "name",
    "kind",
    "province",
    "region",
    "verified_at",
    "credit_score",
    "credit_grade",
    "credit_computed_at",
    "red_list",
    "black_list",
    "complaints_12m",
    "public_records",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str) -> ExportRow {
        ExportRow {
            id: 7,
            uscc: "91110106102167290A".into(),
            name: name.into(),
            kind: "shop".into(),
            province: "北京市".into(),
            region: "海淀区".into(),
            verified_at: Some("2026-11-23T02:00:00Z".parse().unwrap()),
            credit_score: Some(700),
            credit_grade: Some("B".into()),
            credit_computed_at: None,
            red_list: false,
            black_list: true,
            complaints_12m: 3,
            public_records: 1,
        }
    }

    #[test]
    fn csv_has_the_header_once_and_quotes_per_rfc_4180() {
        let first = encode(&[row("海淀\"电器\", 有限公司")], Format::Csv, true).unwrap();
        let next = encode(&[row("line\nbreak")], Format::Csv, false).unwrap();
        let text = String::from_utf8([first, next].concat()).unwrap();
        let mut lines = text.split("\r\n");
        assert_eq!(lines.next().unwrap(), HEADER.join(","));
        assert_eq!(
            lines.next().unwrap(),
            "7,91110106102167290A,\"海淀\"\"电器\"\", 有限公司\",shop,北京市,海淀区,2026-11-23T02:00:00Z,700,B,,false,true,3,1"
        );
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let back: Vec<ExportRow> = r.deserialize().map(|x| x.unwrap()).collect();
        assert_eq!(
            back,
            vec![row("海淀\"电器\", 有限公司"), row("line\nbreak")]
        );
        assert_eq!(
            String::from_utf8(encode(&[], Format::Csv, true).unwrap()).unwrap(),
            format!("{}\r\n", HEADER.join(","))
        );
        assert!(encode(&[], Format::Csv, false).unwrap().is_empty());
    }

    #[test]
    fn csv_cells_that_would_be_formulas_are_written_as_text() {
        let hostile = [
            "=cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1+1",
            "\r=1+1",
            "=HYPERLINK(\"http://evil.example\",\"点击\")",
        ];
        for name in hostile {
            let mut r = row(name);
            r.region = name.into();
            r.credit_grade = Some(name.into());
            let text =
                String::from_utf8(encode(&[r.clone()], Format::Csv, false).unwrap()).unwrap();
            let back: ExportRow = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(text.as_bytes())
                .deserialize()
                .next()
                .unwrap()
                .unwrap();
            let inert = format!("'{name}");
            assert_eq!(back.name, inert, "{text}");
            assert_eq!(back.region, inert, "{text}");
            assert_eq!(back.credit_grade.as_deref(), Some(inert.as_str()), "{text}");
            // NDJSON keeps the text as it is.
            let json = String::from_utf8(encode(&[r], Format::Ndjson, false).unwrap()).unwrap();
            assert_eq!(
                serde_json::from_str::<ExportRow>(json.trim()).unwrap().name,
                name
            );
        }
        // Ordinary names, and such characters further in, are left alone.
        for name in ["北京海淀电器有限公司", "A+B 商贸", "a=b", "3-D 打印"] {
            assert_eq!(inert_cell(name), name);
        }
    }

    #[test]
    fn ndjson_is_one_object_a_line() {
        let out = encode(&[row("a"), row("b")], Format::Ndjson, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        let back: Vec<ExportRow> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(back, vec![row("a"), row("b")]);
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn formats() {
        assert_eq!(Format::parse(None).unwrap(), Format::Ndjson);
        assert_eq!(Format::parse(Some("csv")).unwrap(), Format::Csv);
        assert_eq!(
            Format::parse(Some("xml")).unwrap_err(),
            AppError::invalid("format", "err.export.format")
        );
    }
}
