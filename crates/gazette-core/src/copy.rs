//! Moving a newsroom from one store to another (SQLite to PostgreSQL when
//! a newsroom outgrows one machine, or back), table by table, ids kept,
//! and checked: each table's row count and a checksum of its rows, read
//! back from the target, must equal what was read from the source.
//!
//! The source should not change while it is copied (stop the site, or
//! copy a backup): rows written during the copy may or may not be in it.

use gazette_store::{CopyRow, CopyTable, CopyValue, Store, StoreError, StoreResult};

/// Rows read and written at a time.
const BATCH: u32 = 5000;

/// What was copied of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    pub table: CopyTable,
    pub rows: u64,
    /// An order-independent checksum of the rows (hex).
    pub checksum: String,
}

/// Why a copy failed.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(
        "the target already holds a newsroom ({rows} rows in {table}); copy into an empty database"
    )]
    TargetNotEmpty { table: &'static str, rows: u64 },
    #[error(
        "{table}: the target holds {target_rows} rows (checksum {target_sum}), the source {source_rows} (checksum {source_sum}); the copy is not faithful"
    )]
    Mismatch {
        table: &'static str,
        source_rows: u64,
        target_rows: u64,
        source_sum: String,
        target_sum: String,
    },
    #[error("{table}: {error}")]
    Store { table: &'static str, error: String },
}

fn at(table: CopyTable) -> impl Fn(StoreError) -> CopyError {
    move |e| CopyError::Store {
        table: table.name(),
        error: e.detail(),
    }
}

/// A checksum of a set of rows that does not depend on their order: the
/// sum of each row's BLAKE3 digest, plus the count.
#[derive(Default)]
struct Checksum {
    sum: u128,
    rows: u64,
}

impl Checksum {
    fn add(&mut self, row: &CopyRow) {
        let mut h = blake3::Hasher::new();
        for v in row {
            match v {
                CopyValue::Null => {
                    h.update(&[0]);
                }
                CopyValue::Int(n) => {
                    h.update(&[1]);
                    h.update(&n.to_le_bytes());
                }
                CopyValue::Text(s) => {
                    h.update(&[2]);
                    h.update(&(s.len() as u64).to_le_bytes());
                    h.update(s.as_bytes());
                }
                CopyValue::Bytes(b) => {
                    h.update(&[3]);
                    h.update(&(b.len() as u64).to_le_bytes());
                    h.update(b);
                }
            }
        }
        let d = h.finalize();
        let part = u128::from_le_bytes(d.as_bytes()[..16].try_into().expect("16 bytes"));
        self.sum = self.sum.wrapping_add(part);
        self.rows += 1;
    }

    fn hex(&self) -> String {
        format!("{:032x}", self.sum)
    }
}

/// Reads every row of `table` from `store` into the checksum.
async fn checksum_of(store: &dyn Store, table: CopyTable) -> StoreResult<Checksum> {
    let mut sum = Checksum::default();
    let mut last: Option<CopyRow> = None;
    loop {
        let rows = store.copy_out(table, last.as_ref(), BATCH).await?;
        let Some(tail) = rows.last() else {
            return Ok(sum);
        };
        last = Some(tail.clone());
        rows.iter().for_each(|r| sum.add(r));
    }
}

/// Copies the newsroom in `from` into the empty `to`, then reads the
/// target back and checks every table. `progress(table, done, total)` is
/// called after each batch.
pub async fn copy_newsroom(
    from: &dyn Store,
    to: &dyn Store,
    mut progress: impl FnMut(CopyTable, u64, u64),
) -> Result<Vec<TableReport>, CopyError> {
    for table in CopyTable::ALL {
        let rows = to.copy_count(table).await.map_err(at(table))?;
        if rows > 0 {
            return Err(CopyError::TargetNotEmpty {
                table: table.name(),
                rows,
            });
        }
    }
    let mut sums = Vec::new();
    for table in CopyTable::ALL {
        let total = from.copy_count(table).await.map_err(at(table))?;
        let mut sum = Checksum::default();
        let mut done = 0;
        let mut last: Option<CopyRow> = None;
        progress(table, 0, total);
        loop {
            let rows = from
                .copy_out(table, last.as_ref(), BATCH)
                .await
                .map_err(at(table))?;
            let Some(tail) = rows.last() else {
                break;
            };
            last = Some(tail.clone());
            rows.iter().for_each(|r| sum.add(r));
            to.copy_in(table, &rows).await.map_err(at(table))?;
            done += rows.len() as u64;
            progress(table, done, total.max(done));
        }
        sums.push((table, sum));
    }
    to.copy_finish().await.map_err(at(CopyTable::Articles))?;
    let mut reports = Vec::new();
    for (table, source) in sums {
        let target = checksum_of(to, table).await.map_err(at(table))?;
        if target.rows != source.rows || target.sum != source.sum {
            return Err(CopyError::Mismatch {
                table: table.name(),
                source_rows: source.rows,
                target_rows: target.rows,
                source_sum: source.hex(),
                target_sum: target.hex(),
            });
        }
        reports.push(TableReport {
            table,
            rows: source.rows,
            checksum: source.hex(),
        });
    }
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use gazette_store::{ArticleStore, testing};
    use gazette_store_sqlite::SqliteStore;

    #[test]
    fn checksums_ignore_order_but_not_content() {
        let rows: Vec<CopyRow> = vec![
            vec![CopyValue::Int(1), CopyValue::Text("a".into())],
            vec![CopyValue::Int(2), CopyValue::Null],
            vec![CopyValue::Bytes(vec![0, 1]), CopyValue::Text(String::new())],
        ];
        let (mut a, mut b) = (Checksum::default(), Checksum::default());
        rows.iter().for_each(|r| a.add(r));
        rows.iter().rev().for_each(|r| b.add(r));
        assert_eq!(a.hex(), b.hex());
        let mut c = Checksum::default();
        c.add(&vec![CopyValue::Int(1), CopyValue::Text("b".into())]);
        rows[1..].iter().for_each(|r| c.add(r));
        assert_ne!(a.hex(), c.hex());
        // A NULL is not an empty text.
        let (mut n, mut e) = (Checksum::default(), Checksum::default());
        n.add(&vec![CopyValue::Null]);
        e.add(&vec![CopyValue::Text(String::new())]);
        assert_ne!(n.hex(), e.hex());
    }

    #[tokio::test]
    async fn a_copy_is_checked_and_refuses_a_full_target() {
        let dir = tempfile::tempdir().unwrap();
        let open = |name: &str| {
            let path = dir.path().join(name);
            async move { Arc::new(SqliteStore::open(&path, true).await.unwrap()) }
        };
        let (from, to) = (open("a.db").await, open("b.db").await);
        for i in 0..30 {
            from.save_article(
                &testing::sample(
                    &format!("k{i}"),
                    &format!("Story {i}"),
                    testing::at(2025, 11, 25, 9),
                ),
                testing::now(),
            )
            .await
            .unwrap();
        }
        let mut calls = 0;
        let reports = copy_newsroom(&*from, &*to, |_, _, _| calls += 1)
            .await
            .unwrap();
        assert!(calls >= CopyTable::ALL.len());
        let articles = reports
            .iter()
            .find(|r| r.table == CopyTable::Articles)
            .unwrap();
        assert_eq!(articles.rows, 30);
        assert!(matches!(
            copy_newsroom(&*from, &*to, |_, _, _| {}).await,
            Err(CopyError::TargetNotEmpty { .. })
        ));
    }
}
