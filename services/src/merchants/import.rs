//! `gongdao import merchants FILE.csv`: loads the enterprise registry layout
//! (name, uscc, registered_on, entity_type, registered_capital,
//! business_scope, province, region, address). The USCC is the key: a
//! re-import updates, never duplicates. A bad row is reported and skipped;
//! it never stops the import.

use std::collections::HashMap;
use std::io::Read;

use chrono::{NaiveDate, Utc};
use domain::Uscc;
use entities::merchant;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set, sea_query::OnConflict};
use serde::Deserialize;

use crate::Services;
use crate::changes::Change;

const BATCH: usize = 500;

#[derive(Debug, Deserialize)]
struct Row {
    name: String,
    uscc: String,
    registered_on: String,
    entity_type: String,
    registered_capital: String,
    business_scope: String,
    province: String,
    region: String,
    address: String,
}

/// One row that was not imported, and why (in English, for the operator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// 1-based line number in the file, the header being line 1.
    pub line: u64,
    pub uscc: String,
    pub reason: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub read: u64,
    /// New merchants.
    pub imported: u64,
    /// Rows whose USCC was already known (earlier import or earlier row): updated in place.
    pub updated: u64,
    pub rejected: Vec<Rejected>,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for r in &self.rejected {
            writeln!(f, "rejected line {}: {:?}: {}", r.line, r.uscc, r.reason)?;
        }
        write!(
            f,
            "rows read: {}, imported: {}, updated: {}, rejected: {}",
            self.read,
            self.imported,
            self.updated,
            self.rejected.len()
        )
    }
}

/// Imports every valid row of `input`. Fails only when the file itself cannot
/// be read as CSV with the expected header, when reading it fails, or when
/// the database fails: every row read is counted as imported, updated or
/// rejected (with its line and reason).
pub async fn import_merchants(svc: &Services, input: impl Read) -> anyhow::Result<ImportReport> {
    let mut reader = csv::ReaderBuilder::new()
        // Rows end at LF only (a CR before it is trimmed with the last
        // field's other spaces), and every row ends with one (see
        // `FinalNewline`): a row's first line is then the reader's line after
        // it, less its own line breaks. (The reader's own idea of where a row
        // starts is where it began reading it: before the blank lines it
        // skipped and, after a CRLF, on the LF — lines too early.)
        .terminator(csv::Terminator::Any(b'\n'))
        // Column counts are checked below, so that a blank line ("\r" in a
        // CRLF file) is skipped rather than refused.
        .flexible(true)
        .from_reader(FinalNewline::new(input));
    // The names as the rows are read by: byte-order marks (csv strips only
    // one, at the very start) and spaces around a name do not count.
    let headers: csv::StringRecord = reader
        .headers()?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim())
        .collect();
    for want in [
        "name",
        "uscc",
        "registered_on",
        "entity_type",
        "registered_capital",
        "business_scope",
        "province",
        "region",
        "address",
    ] {
        if !headers.iter().any(|h| h == want) {
            anyhow::bail!(
                "the CSV header lacks the column {want:?} (found: {})",
                headers.iter().collect::<Vec<_>>().join(",")
            );
        }
    }
    let mut report = ImportReport::default();
    let mut batch: Vec<(u64, merchant::ActiveModel)> = Vec::with_capacity(BATCH);
    let mut raw = csv::ByteRecord::new();
    // Only reading the file can fail here (the reader is flexible and
    // returns bytes).
    while reader.read_byte_record(&mut raw)? {
        if raw.len() == 1 && raw[0].trim_ascii().is_empty() {
            continue;
        }
        report.read += 1;
        // The reader's line is the one after this row's LF, unless an open
        // quote ran the row to the end of the file.
        let breaks: usize = raw
            .iter()
            .map(|f| f.iter().filter(|&&b| b == b'\n').count())
            .sum();
        let at = reader.position();
        let ended_by_lf = !reader.get_ref().read_to_end(at.byte());
        let line = at
            .line()
            .saturating_sub(breaks as u64 + u64::from(ended_by_lf))
            .max(2);
        let code = String::from_utf8_lossy(raw.get(1).unwrap_or(b""))
            .trim()
            .to_string();
        if raw.len() != headers.len() {
            report.rejected.push(Rejected {
                line,
                uscc: code,
                reason: format!(
                    "unreadable row: {} fields where the header has {}",
                    raw.len(),
                    headers.len()
                ),
            });
            continue;
        }
        let rec = match csv::StringRecord::from_byte_record(std::mem::take(&mut raw)) {
            Ok(r) => r,
            Err(e) => {
                let field = e.utf8_error().field();
                report.rejected.push(Rejected {
                    line,
                    uscc: code,
                    reason: format!(
                        "unreadable row: {} is not valid UTF-8",
                        headers.get(field).unwrap_or("a field")
                    ),
                });
                continue;
            }
        };
        let row: Row = match rec.deserialize(Some(&headers)) {
            Ok(r) => r,
            Err(e) => {
                report.rejected.push(Rejected {
                    line,
                    uscc: rec.get(1).unwrap_or("").into(),
                    reason: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        match to_model(row) {
            Ok(m) => batch.push((line, m)),
            Err((uscc, reason)) => report.rejected.push(Rejected { line, uscc, reason }),
        }
        if batch.len() >= BATCH {
            write_batch(svc, std::mem::take(&mut batch), &mut report).await?;
        }
    }
    write_batch(svc, batch, &mut report).await?;
    Ok(report)
}

/// `inner`, then a blank line: an LF ends its last line if it did not, and
/// one more follows. So every row ends with an LF, and a row the reader
/// took up to the very end can only be one whose quote never closed (it
/// swallowed the rest of the file, the last LF included).
struct FinalNewline<R> {
    inner: R,
    last: Option<u8>,
    /// Read to its end; `tail` is what is left to add.
    ended: bool,
    tail: &'static [u8],
    /// Bytes handed out, the tail's included.
    delivered: u64,
}

impl<R> FinalNewline<R> {
    fn new(inner: R) -> Self {
        FinalNewline {
            inner,
            last: None,
            ended: false,
            tail: b"",
            delivered: 0,
        }
    }

    /// Whether a reader that consumed `consumed` bytes has read it all.
    fn read_to_end(&self, consumed: u64) -> bool {
        self.ended && self.tail.is_empty() && consumed >= self.delivered
    }
}

impl<R: Read> Read for FinalNewline<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if !self.ended {
            let n = self.inner.read(buf)?;
            if n > 0 {
                self.last = Some(buf[n - 1]);
                self.delivered += n as u64;
                return Ok(n);
            }
            self.ended = true;
            self.tail = if self.last == Some(b'\n') {
                b"\n"
            } else {
                b"\n\n"
            };
        }
        let n = self.tail.len().min(buf.len());
        buf[..n].copy_from_slice(&self.tail[..n]);
        self.tail = &self.tail[n..];
        self.delivered += n as u64;
        Ok(n)
    }
}

/// Characters that reorder the text after them (bidirectional embeddings,
/// overrides and isolates): a name holding one can display as another.
fn reorders(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn to_model(row: Row) -> Result<merchant::ActiveModel, (String, String)> {
    // Neither database stores a NUL alike (PostgreSQL refuses it, failing
    // the whole batch), and no registry field holds one.
    let fields = [
        ("name", &row.name),
        ("uscc", &row.uscc),
        ("registered_on", &row.registered_on),
        ("entity_type", &row.entity_type),
        ("registered_capital", &row.registered_capital),
        ("business_scope", &row.business_scope),
        ("province", &row.province),
        ("region", &row.region),
        ("address", &row.address),
    ];
    if let Some(field) = fields
        .iter()
        .find(|(_, v)| v.contains('\0'))
        .map(|(f, _)| *f)
    {
        return Err((row.uscc, format!("{field} contains a NUL character")));
    }
    let uscc = Uscc::parse(&row.uscc).map_err(|e| {
        let reason = match e {
            domain::uscc::UsccError::Legacy => "legacy 15-digit registration number, not a USCC",
            domain::uscc::UsccError::Length => "USCC must have 18 characters",
            domain::uscc::UsccError::Charset => "USCC contains a character outside GB 32100",
            domain::uscc::UsccError::Checksum => "USCC check character does not match",
        };
        (row.uscc.clone(), reason.to_string())
    })?;
    let name = row.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err((
            row.uscc,
            "name is empty or longer than 200 characters".into(),
        ));
    }
    if name.chars().any(|c| c.is_control() || reorders(c)) {
        return Err((
            row.uscc,
            "name contains a control or text-direction character".into(),
        ));
    }
    let registered_on = match row.registered_on.trim() {
        "" | "N/A" => None,
        d => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            (
                row.uscc.clone(),
                format!("registered_on {d:?} is not a YYYY-MM-DD date"),
            )
        })?),
    };
    let na = |s: String| {
        if s.trim() == "N/A" {
            String::new()
        } else {
            s.trim().to_string()
        }
    };
    let now = Utc::now();
    Ok(merchant::ActiveModel {
        uscc: Set(uscc.to_string()),
        name: Set(name.to_string()),
        kind: Set("shop".into()),
        entity_type: Set(na(row.entity_type).chars().take(100).collect()),
        registered_on: Set(registered_on),
        registered_capital: Set(na(row.registered_capital).chars().take(100).collect()),
        business_scope: Set(na(row.business_scope)),
        province: Set(na(row.province).chars().take(20).collect()),
        region: Set(na(row.region).chars().take(50).collect()),
        address: Set(na(row.address)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
}

/// Upserts one batch in one transaction. A USCC repeated inside the batch
/// keeps its last row (counted as an update), because one statement may not
/// touch a row twice.
async fn write_batch(
    svc: &Services,
    batch: Vec<(u64, merchant::ActiveModel)>,
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut by_uscc: HashMap<String, merchant::ActiveModel> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for (_, m) in batch {
        let key = match &m.uscc {
            sea_orm::ActiveValue::Set(k) => k.clone(),
            _ => continue,
        };
        if by_uscc.insert(key.clone(), m).is_some() {
            report.updated += 1;
        } else {
            order.push(key);
        }
    }
    let txn = crate::db::begin(&svc.db).await?;
    let existing: Vec<String> = merchant::Entity::find()
        .select_only()
        .column(merchant::Column::Uscc)
        .filter(merchant::Column::Uscc.is_in(order.clone()))
        .into_tuple()
        .all(&txn)
        .await?;
    report.updated += existing.len() as u64;
    report.imported += (order.len() - existing.len()) as u64;
    let models: Vec<merchant::ActiveModel> =
        order.iter().filter_map(|k| by_uscc.remove(k)).collect();
    merchant::Entity::insert_many(models)
        .on_conflict(
            OnConflict::column(merchant::Column::Uscc)
                .update_columns([
                    merchant::Column::Name,
                    merchant::Column::EntityType,
                    merchant::Column::RegisteredOn,
                    merchant::Column::RegisteredCapital,
                    merchant::Column::BusinessScope,
                    merchant::Column::Province,
                    merchant::Column::Region,
                    merchant::Column::Address,
                    merchant::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    // Every server's search index learns of them through the change log,
    // in this transaction: one insert per batch. (A large import is not
    // replayed row by row: a writer that far behind rebuilds instead.)
    let ids: Vec<i32> = merchant::Entity::find()
        .select_only()
        .column(merchant::Column::Id)
        .filter(merchant::Column::Uscc.is_in(order))
        .into_tuple()
        .all(&txn)
        .await?;
    let changes: Vec<Change> = ids.into_iter().map(Change::Merchant).collect();
    crate::changes::record_many(&txn, &changes, svc.clock.now())
        .await
        .map_err(|e| anyhow::anyhow!("change log: {e:?}"))?;
    txn.commit().await?;
    Ok(())
}
