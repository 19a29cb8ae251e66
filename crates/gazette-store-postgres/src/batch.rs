//! Saving many stories in a handful of round trips: names resolved one
//! statement per table, new stories inserted in one statement, their links
//! in one statement per table. An import of 10,000 stories would otherwise
//! spend its time waiting on some fifteen round trips per story.
//!
//! Anything unusual (a slug already taken, two stories of the batch
//! wanting one slug, a concurrent writer) goes through the careful path of
//! `articles::save_in`, story by story, inside the same transaction: the
//! result is the same, only slower.

use std::collections::{HashMap, HashSet};

use gazette_domain::{ArticleInput, Slug};
use gazette_store::{Saved, StoreError, StoreResult};
use jiff::Timestamp;
use sqlx::{Postgres, Transaction};

use crate::db_err;

/// Names of one table, resolved to ids by slug in one statement.
async fn ensure_names(
    tx: &mut Transaction<'_, Postgres>,
    table: &'static str,
    names: &[&str],
) -> StoreResult<HashMap<String, i64>> {
    let mut slugs = Vec::new();
    let mut shown = Vec::new();
    let mut seen = HashSet::new();
    for n in names {
        let slug = Slug::from_text(n)?;
        if seen.insert(slug.to_string()) {
            slugs.push(slug.to_string());
            shown.push(n.trim().to_owned());
        }
    }
    if slugs.is_empty() {
        return Ok(HashMap::new());
    }
    // One fixed statement per table: the table name is never input.
    let sql = match table {
        "posting_accounts" => {
            "INSERT INTO posting_accounts (slug, name) SELECT * FROM UNNEST($1::text[], $2::text[]) \
             ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING slug, id"
        }
        "sections" => {
            "INSERT INTO sections (slug, name) SELECT * FROM UNNEST($1::text[], $2::text[]) \
             ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING slug, id"
        }
        "contributors" => {
            "INSERT INTO contributors (slug, name) SELECT * FROM UNNEST($1::text[], $2::text[]) \
             ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING slug, id"
        }
        "tags" => {
            "INSERT INTO tags (slug, name) SELECT * FROM UNNEST($1::text[], $2::text[]) \
             ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING slug, id"
        }
        _ => unreachable!("a table of names"),
    };
    let rows: Vec<(String, i64)> = sqlx::query_as(sql)
        .bind(&slugs)
        .bind(&shown)
        .fetch_all(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(rows.into_iter().collect())
}

/// Sources, with their sites: a site given now fills one not known before.
async fn ensure_sources(
    tx: &mut Transaction<'_, Postgres>,
    inputs: &[&ArticleInput],
) -> StoreResult<HashMap<String, i64>> {
    let mut by_slug: HashMap<String, (String, Option<String>)> = HashMap::new();
    let mut order = Vec::new();
    for s in inputs.iter().flat_map(|i| &i.sources) {
        let slug = Slug::from_text(&s.name)?.to_string();
        match by_slug.get_mut(&slug) {
            Some(e) => {
                if e.1.is_none() {
                    e.1 = s.url.clone();
                }
            }
            None => {
                order.push(slug.clone());
                by_slug.insert(slug, (s.name.trim().to_owned(), s.url.clone()));
            }
        }
    }
    if order.is_empty() {
        return Ok(HashMap::new());
    }
    let names: Vec<String> = order.iter().map(|s| by_slug[s].0.clone()).collect();
    let urls: Vec<Option<String>> = order.iter().map(|s| by_slug[s].1.clone()).collect();
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "INSERT INTO sources (slug, name, url) SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[]) \
         ON CONFLICT (slug) DO UPDATE SET url = COALESCE(sources.url, EXCLUDED.url) RETURNING slug, id",
    )
    .bind(&order)
    .bind(&names)
    .bind(&urls)
    .fetch_all(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(rows.into_iter().collect())
}

fn id_of(map: &HashMap<String, i64>, name: &str) -> StoreResult<i64> {
    let slug = Slug::from_text(name)?;
    map.get(slug.as_str()).copied().ok_or(StoreError::Conflict(
        "a name changed while the batch was saved; save again",
    ))
}

/// Saves `inputs` in `tx`; returns what each became, in order.
pub(crate) async fn save_batch(
    tx: &mut Transaction<'_, Postgres>,
    inputs: &[ArticleInput],
    now: Timestamp,
) -> StoreResult<Vec<Saved>> {
    for input in inputs {
        input.validate()?;
    }
    let refs: Vec<&ArticleInput> = inputs.iter().collect();
    let accounts: Vec<&str> = inputs
        .iter()
        .filter_map(|i| i.posting_account.as_deref())
        .collect();
    let accounts = ensure_names(tx, "posting_accounts", &accounts).await?;
    let sections = ensure_names(
        tx,
        "sections",
        &inputs
            .iter()
            .flat_map(|i| i.sections.iter().map(String::as_str))
            .collect::<Vec<_>>(),
    )
    .await?;
    let contributors = ensure_names(
        tx,
        "contributors",
        &inputs
            .iter()
            .flat_map(|i| i.contributors.iter().map(String::as_str))
            .collect::<Vec<_>>(),
    )
    .await?;
    let tags = ensure_names(
        tx,
        "tags",
        &inputs
            .iter()
            .flat_map(|i| i.tags.iter().map(String::as_str))
            .collect::<Vec<_>>(),
    )
    .await?;
    let sources = ensure_sources(tx, &refs).await?;

    // Which stories exist already (by import key), and which wanted slugs
    // are taken.
    let keys: Vec<String> = inputs.iter().filter_map(|i| i.import_key.clone()).collect();
    let existing: HashMap<String, (i64, String)> = if keys.is_empty() {
        HashMap::new()
    } else {
        let rows: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT import_key, id, slug FROM articles WHERE import_key = ANY($1)")
                .bind(&keys)
                .fetch_all(&mut **tx)
                .await
                .map_err(db_err)?;
        rows.into_iter().map(|(k, id, s)| (k, (id, s))).collect()
    };
    let mut bases = Vec::with_capacity(inputs.len());
    for i in inputs {
        bases.push(match &i.slug {
            Some(s) => s.clone(),
            None => Slug::from_text(&i.headline)?,
        });
    }
    let wanted: Vec<String> = bases.iter().map(|b| b.to_string()).collect();
    let taken: HashSet<String> =
        sqlx::query_scalar::<_, String>("SELECT slug FROM articles WHERE slug = ANY($1)")
            .bind(&wanted)
            .fetch_all(&mut **tx)
            .await
            .map_err(db_err)?
            .into_iter()
            .collect();

    // The plain new stories go in together; the rest one by one.
    let mut out: Vec<Option<Saved>> = vec![None; inputs.len()];
    let mut fast = Vec::new();
    let mut slow = Vec::new();
    let mut claimed = HashSet::new();
    let mut keys_seen = HashSet::new();
    for (n, i) in inputs.iter().enumerate() {
        let new = i
            .import_key
            .as_ref()
            .is_none_or(|k| !existing.contains_key(k));
        let key_once = i
            .import_key
            .as_ref()
            .is_none_or(|k| keys_seen.insert(k.clone()));
        if new
            && key_once
            && !taken.contains(bases[n].as_str())
            && claimed.insert(bases[n].to_string())
        {
            fast.push(n);
        } else {
            slow.push(n);
        }
    }
    if !fast.is_empty() {
        let col = |f: &dyn Fn(&ArticleInput) -> Option<String>| -> Vec<Option<String>> {
            fast.iter().map(|&n| f(&inputs[n])).collect()
        };
        let mut published = Vec::new();
        let mut zones = Vec::new();
        let mut account_ids = Vec::new();
        let mut legacy_views = Vec::new();
        let mut legacy_comments = Vec::new();
        for &n in &fast {
            let i = &inputs[n];
            published.push(i.published_at.as_ref().map(|z| z.timestamp().as_second()));
            zones.push(
                i.published_at
                    .as_ref()
                    .and_then(|z| z.time_zone().iana_name().map(str::to_owned))
                    .unwrap_or_else(|| "UTC".to_owned()),
            );
            account_ids.push(match &i.posting_account {
                Some(a) => Some(id_of(&accounts, a)?),
                None => None,
            });
            legacy_views.push(i64::try_from(i.legacy_views).map_err(|_| too_big())?);
            legacy_comments.push(i64::try_from(i.legacy_comments).map_err(|_| too_big())?);
        }
        let slugs: Vec<String> = fast.iter().map(|&n| bases[n].to_string()).collect();
        // A unique clash with a concurrent writer (slug or key) inserts
        // nothing for that row; it is saved the careful way below.
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "INSERT INTO articles (import_key, slug, headline, standfirst, body_html, language, \
             status, published_at, time_zone, updated_at, posting_account_id, credit, \
             dateline_place, footer, legacy_views, legacy_comments, kind, pinned, canonical_url) \
             SELECT k, s, h, sf, b, l, st, p, z, $10, a, c, d, f, lv, lc, kd, pn, cu FROM UNNEST( \
               $1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
               $7::text[], $8::bigint[], $9::text[], $11::bigint[], $12::text[], $13::text[], \
               $14::text[], $15::bigint[], $16::bigint[], $17::text[], $18::bigint[], $19::text[]) \
               AS t(k, s, h, sf, b, l, st, p, z, a, c, d, f, lv, lc, kd, pn, cu) \
             ON CONFLICT DO NOTHING RETURNING id, slug",
        )
        .bind(col(&|i| i.import_key.clone()))
        .bind(&slugs)
        .bind(col(&|i| Some(i.headline.trim().to_owned())))
        .bind(col(&|i| i.standfirst.clone()))
        .bind(col(&|i| Some(i.body_html.clone())))
        .bind(col(&|i| Some(i.language.clone())))
        .bind(col(&|i| Some(i.status.as_str().to_owned())))
        .bind(&published)
        .bind(&zones)
        .bind(now.as_second())
        .bind(&account_ids)
        .bind(col(&|i| i.credit.clone()))
        .bind(col(&|i| i.dateline_place.clone()))
        .bind(col(&|i| i.footer.clone()))
        .bind(&legacy_views)
        .bind(&legacy_comments)
        .bind(col(&|i| Some(i.kind.as_str().to_owned())))
        .bind(
            fast.iter()
                .map(|&n| i64::from(inputs[n].pinned))
                .collect::<Vec<_>>(),
        )
        .bind(col(&|i| i.canonical_url.clone()))
        .fetch_all(&mut **tx)
        .await
        .map_err(db_err)?;
        let by_slug: HashMap<String, i64> = rows.into_iter().map(|(id, s)| (s, id)).collect();
        let mut links = Links::default();
        for &n in &fast {
            match by_slug.get(bases[n].as_str()) {
                Some(&id) => {
                    links.add(id, &inputs[n], &sections, &contributors, &sources, &tags)?;
                    out[n] = Some(Saved {
                        id: gazette_domain::ArticleId(id),
                        slug: bases[n].clone(),
                        created: true,
                    });
                }
                None => slow.push(n),
            }
        }
        links.insert(tx).await?;
    }
    slow.sort_unstable();
    for n in slow {
        out[n] = Some(crate::articles::save_in(tx, &inputs[n], now).await?);
    }
    Ok(out
        .into_iter()
        .map(|s| s.expect("every story saved"))
        .collect())
}

fn too_big() -> StoreError {
    StoreError::Invalid(gazette_domain::DomainError::Invalid {
        what: "count",
        value: "a number above 9223372036854775807".into(),
        why: "counts that large cannot be stored".into(),
    })
}

/// Link rows of new stories, gathered to go in one statement per table.
#[derive(Default)]
struct Links {
    sections: (Vec<i64>, Vec<i64>, Vec<i32>, Vec<i64>),
    contributors: (Vec<i64>, Vec<i64>, Vec<i32>, Vec<i64>),
    sources: (Vec<i64>, Vec<i64>, Vec<i32>, Vec<i64>),
    tags: (Vec<i64>, Vec<i64>, Vec<i32>, Vec<i64>),
    related: (Vec<i64>, Vec<i32>, Vec<String>),
}

type LinkCols = (Vec<i64>, Vec<i64>, Vec<i32>, Vec<i64>);

fn push(
    cols: &mut LinkCols,
    seen: &mut HashSet<i64>,
    article: i64,
    other: i64,
    pos: usize,
    when: i64,
) {
    // The same name twice links once, as ON CONFLICT DO NOTHING would.
    if seen.insert(other) {
        cols.0.push(article);
        cols.1.push(other);
        cols.2.push(pos as i32);
        cols.3.push(when);
    }
}

impl Links {
    fn add(
        &mut self,
        id: i64,
        i: &ArticleInput,
        sections: &HashMap<String, i64>,
        contributors: &HashMap<String, i64>,
        sources: &HashMap<String, i64>,
        tags: &HashMap<String, i64>,
    ) -> StoreResult<()> {
        let when = gazette_store_sql::listed_at(
            i.status,
            i.kind,
            i.published_at.as_ref().map(|z| z.timestamp().as_second()),
        );
        let mut seen = HashSet::new();
        for (p, n) in i.sections.iter().enumerate() {
            push(
                &mut self.sections,
                &mut seen,
                id,
                id_of(sections, n)?,
                p,
                when,
            );
        }
        let mut seen = HashSet::new();
        for (p, n) in i.contributors.iter().enumerate() {
            push(
                &mut self.contributors,
                &mut seen,
                id,
                id_of(contributors, n)?,
                p,
                when,
            );
        }
        let mut seen = HashSet::new();
        for (p, s) in i.sources.iter().enumerate() {
            push(
                &mut self.sources,
                &mut seen,
                id,
                id_of(sources, &s.name)?,
                p,
                when,
            );
        }
        let mut seen = HashSet::new();
        for (p, n) in i.tags.iter().enumerate() {
            push(&mut self.tags, &mut seen, id, id_of(tags, n)?, p, when);
        }
        for (p, h) in i.related_headlines.iter().enumerate() {
            self.related.0.push(id);
            self.related.1.push(p as i32);
            self.related.2.push(h.clone());
        }
        Ok(())
    }

    async fn insert(&self, tx: &mut Transaction<'_, Postgres>) -> StoreResult<()> {
        for (sql, cols) in [
            (
                "INSERT INTO article_sections (article_id, section_id, position, published_at) \
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::int[], $4::bigint[])",
                &self.sections,
            ),
            (
                "INSERT INTO article_contributors (article_id, contributor_id, position, published_at) \
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::int[], $4::bigint[])",
                &self.contributors,
            ),
            (
                "INSERT INTO article_sources (article_id, source_id, position, published_at) \
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::int[], $4::bigint[])",
                &self.sources,
            ),
            (
                "INSERT INTO article_tags (article_id, tag_id, position, published_at) \
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::int[], $4::bigint[])",
                &self.tags,
            ),
        ] {
            if cols.0.is_empty() {
                continue;
            }
            sqlx::query(sql)
                .bind(&cols.0)
                .bind(&cols.1)
                .bind(&cols.2)
                .bind(&cols.3)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
        }
        if !self.related.0.is_empty() {
            sqlx::query(
                "INSERT INTO article_related (article_id, position, headline) \
                 SELECT * FROM UNNEST($1::bigint[], $2::int[], $3::text[])",
            )
            .bind(&self.related.0)
            .bind(&self.related.1)
            .bind(&self.related.2)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
        }
        Ok(())
    }
}
