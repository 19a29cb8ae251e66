//! Writing the newsroom as a WordPress export (WXR 1.2), which WordPress's
//! own importer reads: no lock-in. The byline, credit and dateline go back
//! into the text the way WordPress sites write them ("By …", the credit on
//! its own line, "PLACE (Source) — "), so that importing the file again
//! (into Gazette or WordPress) keeps them.
//!
//! Stories are read a page at a time from the store's copy interface; what
//! they refer to (names, links between stories and sections, comments) is
//! held in memory while writing.

use std::{collections::HashMap, io::Write};

use gazette_store::{CopyRow, CopyTable, CopyValue, Store, StoreError};
use jiff::Timestamp;

/// How many stories are read at a time.
const PAGE: u32 = 500;

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSummary {
    pub articles: u64,
    pub comments: u64,
    pub sections: u64,
    pub tags: u64,
    pub authors: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn int(v: &CopyValue) -> i64 {
    match v {
        CopyValue::Int(i) => *i,
        CopyValue::Text(t) => t.parse().unwrap_or(0),
        _ => 0,
    }
}

fn text(v: &CopyValue) -> &str {
    match v {
        CopyValue::Text(t) => t,
        _ => "",
    }
}

/// All rows of a table.
async fn all(store: &dyn Store, table: CopyTable) -> Result<Vec<CopyRow>, StoreError> {
    let mut out = Vec::new();
    let mut last: Option<CopyRow> = None;
    loop {
        let rows = store.copy_out(table, last.as_ref(), 5000).await?;
        if rows.is_empty() {
            return Ok(out);
        }
        last = rows.last().cloned();
        let done = rows.len() < 5000;
        out.extend(rows);
        if done {
            return Ok(out);
        }
    }
}

/// `]]>` cannot stand inside CDATA: it is split across two sections.
fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", s.replace("]]>", "]]]]><![CDATA[>"))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn wp_date(seconds: i64, tz: &jiff::tz::TimeZone) -> (String, String) {
    let Ok(t) = Timestamp::from_second(seconds) else {
        return ("0000-00-00 00:00:00".into(), "0000-00-00 00:00:00".into());
    };
    let local = t.to_zoned_datetime(tz.clone()).datetime();
    let utc = t.to_zoned_datetime(jiff::tz::TimeZone::UTC).datetime();
    let f = |d: jiff::civil::DateTime| d.strftime("%Y-%m-%d %H:%M:%S").to_string();
    (f(local), f(utc))
}

/// Names by id of a table with `id, slug, name, ...` rows.
fn names(rows: &[CopyRow]) -> HashMap<i64, (String, String)> {
    rows.iter()
        .map(|r| (int(&r[0]), (text(&r[1]).to_owned(), text(&r[2]).to_owned())))
        .collect()
}

/// `link table` rows (`article_id, other_id, position, ...`) grouped by
/// article, in position order.
fn links(rows: &[CopyRow]) -> HashMap<i64, Vec<i64>> {
    let mut by: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    for r in rows {
        by.entry(int(&r[0]))
            .or_default()
            .push((int(&r[2]), int(&r[1])));
    }
    by.into_iter()
        .map(|(k, mut v)| {
            v.sort();
            (k, v.into_iter().map(|(_, id)| id).collect())
        })
        .collect()
}

/// The head a WordPress post would carry for this byline and dateline.
fn lead_html(
    contributors: &[String],
    credit: &str,
    place: &str,
    sources: &[String],
    body: &str,
) -> String {
    let mut out = String::new();
    if !contributors.is_empty() {
        let names = match contributors {
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            [] => String::new(),
        };
        out.push_str(&format!("<p>By {}</p>\n", esc(&names)));
    }
    if !credit.is_empty() {
        out.push_str(&format!("<p>{}</p>\n", esc(credit)));
    }
    let dateline = match (place.is_empty(), sources.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!("{} — ", esc(place)),
        (true, false) => format!("({}) — ", esc(&sources.join(" and "))),
        (false, false) => format!("{} ({}) — ", esc(place), esc(&sources.join(" and "))),
    };
    match body.strip_prefix("<p>") {
        Some(rest) if !dateline.is_empty() => {
            out.push_str("<p>");
            out.push_str(&dateline);
            out.push_str(rest);
        }
        _ => {
            if !dateline.is_empty() {
                out.push_str(&format!("<p>{dateline}</p>\n"));
            }
            out.push_str(body);
        }
    }
    out
}

/// Writes the whole newsroom to `out` as WXR 1.2.
pub async fn export_wxr(
    store: &dyn Store,
    newsroom: &gazette_domain::Newsroom,
    out: &mut dyn Write,
) -> Result<ExportSummary, ExportError> {
    let tz = &newsroom.time_zone;
    let base = newsroom.base_url.trim_end_matches('/');
    let accounts = names(&all(store, CopyTable::PostingAccounts).await?);
    let sections_rows = all(store, CopyTable::Sections).await?;
    let sections = names(&sections_rows);
    let contributors = names(&all(store, CopyTable::Contributors).await?);
    let sources = names(&all(store, CopyTable::Sources).await?);
    let tags = names(&all(store, CopyTable::Tags).await?);
    let a_sections = links(&all(store, CopyTable::ArticleSections).await?);
    let a_contributors = links(&all(store, CopyTable::ArticleContributors).await?);
    let a_sources = links(&all(store, CopyTable::ArticleSources).await?);
    let a_tags = links(&all(store, CopyTable::ArticleTags).await?);
    let mut comments: HashMap<i64, Vec<CopyRow>> = HashMap::new();
    for r in all(store, CopyTable::Comments).await? {
        comments.entry(int(&r[1])).or_default().push(r);
    }
    let mut summary = ExportSummary {
        sections: sections.len() as u64,
        tags: tags.len() as u64,
        authors: accounts.len() as u64,
        ..Default::default()
    };

    writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<!-- Written by Gazette: a WordPress eXtended RSS file (WXR 1.2). WordPress's Tools → Import → WordPress reads it. -->\n<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:wfw=\"http://wellformedweb.org/CommentAPI/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n\t<title>{}</title>\n\t<link>{}</link>\n\t<description></description>\n\t<language>{}</language>\n\t<wp:wxr_version>1.2</wp:wxr_version>\n\t<wp:base_site_url>{}</wp:base_site_url>\n\t<wp:base_blog_url>{}</wp:base_blog_url>",
        esc(&newsroom.name),
        esc(base),
        esc(&newsroom.language),
        esc(base),
        esc(base)
    )?;
    let mut ids: Vec<&i64> = accounts.keys().collect();
    ids.sort();
    for id in ids {
        let (slug, name) = &accounts[id];
        writeln!(
            out,
            "\t<wp:author><wp:author_id>{id}</wp:author_id><wp:author_login>{}</wp:author_login><wp:author_email>{}</wp:author_email><wp:author_display_name>{}</wp:author_display_name><wp:author_first_name>{}</wp:author_first_name><wp:author_last_name>{}</wp:author_last_name></wp:author>",
            cdata(slug),
            cdata(""),
            cdata(name),
            cdata(""),
            cdata("")
        )?;
    }
    // Parents first, as the store gives them.
    for r in &sections_rows {
        let (id, slug, name) = (int(&r[0]), text(&r[1]), text(&r[2]));
        let parent = match &r[3] {
            CopyValue::Int(p) => sections.get(p).map(|s| s.0.as_str()).unwrap_or(""),
            _ => "",
        };
        writeln!(
            out,
            "\t<wp:category><wp:term_id>{id}</wp:term_id><wp:category_nicename>{}</wp:category_nicename><wp:category_parent>{}</wp:category_parent><wp:cat_name>{}</wp:cat_name></wp:category>",
            cdata(slug),
            cdata(parent),
            cdata(&esc(name))
        )?;
    }
    let mut tag_ids: Vec<&i64> = tags.keys().collect();
    tag_ids.sort();
    for id in tag_ids {
        let (slug, name) = &tags[id];
        writeln!(
            out,
            "\t<wp:tag><wp:term_id>{id}</wp:term_id><wp:tag_slug>{}</wp:tag_slug><wp:tag_name>{}</wp:tag_name></wp:tag>",
            cdata(slug),
            cdata(&esc(name))
        )?;
    }

    let mut last: Option<CopyRow> = None;
    loop {
        let rows = store
            .copy_out(CopyTable::Articles, last.as_ref(), PAGE)
            .await?;
        if rows.is_empty() {
            break;
        }
        last = rows.last().cloned();
        for r in &rows {
            // id, import_key, slug, headline, standfirst, body_html,
            // language, status, published_at, time_zone, updated_at,
            // posting_account_id, credit, dateline_place, footer, views,
            // comments, legacy_views, legacy_comments, kind, pinned
            let id = int(&r[0]);
            let slug = text(&r[2]);
            let status = match text(&r[7]) {
                "published" => "publish",
                _ => "draft",
            };
            let published = match &r[8] {
                CopyValue::Int(t) => Some(*t),
                _ => None,
            };
            let status = match published {
                Some(t) if status == "publish" && t > Timestamp::now().as_second() => "future",
                _ => status,
            };
            let (date, date_gmt) = match published {
                Some(t) => wp_date(t, tz),
                None => wp_date(int(&r[10]), tz),
            };
            let names_of = |by: &HashMap<i64, Vec<i64>>, table: &HashMap<i64, (String, String)>| {
                by.get(&id)
                    .map(|v| {
                        v.iter()
                            .filter_map(|x| table.get(x).cloned())
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            };
            let people: Vec<String> = names_of(&a_contributors, &contributors)
                .into_iter()
                .map(|(_, n)| n)
                .collect();
            let wires: Vec<String> = names_of(&a_sources, &sources)
                .into_iter()
                .map(|(_, n)| n)
                .collect();
            let body = lead_html(&people, text(&r[12]), text(&r[13]), &wires, text(&r[5]));
            let author = match &r[11] {
                CopyValue::Int(a) => accounts.get(a).map(|x| x.0.clone()).unwrap_or_default(),
                _ => String::new(),
            };
            let link = format!("{base}/articles/{slug}");
            writeln!(
                out,
                "\t<item>\n\t\t<title>{}</title>\n\t\t<link>{}</link>\n\t\t<dc:creator>{}</dc:creator>\n\t\t<guid isPermaLink=\"false\">{}</guid>\n\t\t<description></description>\n\t\t<content:encoded>{}</content:encoded>\n\t\t<excerpt:encoded>{}</excerpt:encoded>\n\t\t<wp:post_id>{id}</wp:post_id>\n\t\t<wp:post_date>{}</wp:post_date>\n\t\t<wp:post_date_gmt>{}</wp:post_date_gmt>\n\t\t<wp:comment_status>{}</wp:comment_status>\n\t\t<wp:ping_status>{}</wp:ping_status>\n\t\t<wp:post_name>{}</wp:post_name>\n\t\t<wp:status>{}</wp:status>\n\t\t<wp:post_parent>0</wp:post_parent>\n\t\t<wp:menu_order>0</wp:menu_order>\n\t\t<wp:post_type>{}</wp:post_type>\n\t\t<wp:post_password>{}</wp:post_password>\n\t\t<wp:is_sticky>{}</wp:is_sticky>",
                cdata(text(&r[3])),
                esc(&link),
                cdata(&author),
                esc(&link),
                cdata(&body),
                cdata(text(&r[4])),
                cdata(&date),
                cdata(&date_gmt),
                cdata("open"),
                cdata("closed"),
                cdata(slug),
                cdata(status),
                cdata(match text(&r[19]) {
                    "page" => "page",
                    _ => "post",
                }),
                cdata(""),
                int(&r[20])
            )?;
            for (slug, name) in names_of(&a_sections, &sections) {
                writeln!(
                    out,
                    "\t\t<category domain=\"category\" nicename=\"{}\">{}</category>",
                    esc(&slug),
                    cdata(&esc(&name))
                )?;
            }
            for (slug, name) in names_of(&a_tags, &tags) {
                writeln!(
                    out,
                    "\t\t<category domain=\"post_tag\" nicename=\"{}\">{}</category>",
                    esc(&slug),
                    cdata(&esc(&name))
                )?;
            }
            // Gazette's own count and the one carried over, as the most
            // common counter plugin keeps it.
            let views = int(&r[15]) + int(&r[17]);
            writeln!(
                out,
                "\t\t<wp:postmeta><wp:meta_key>{}</wp:meta_key><wp:meta_value>{}</wp:meta_value></wp:postmeta>",
                cdata("post_views_count"),
                cdata(&views.to_string())
            )?;
            for c in comments.get(&id).map(Vec::as_slice).unwrap_or(&[]) {
                // id, article_id, parent_id, author_name, author_email,
                // body_html, fingerprint, status, created_at, import_key
                let (date, date_gmt) = wp_date(int(&c[8]), tz);
                let approved = match text(&c[7]) {
                    "approved" => "1",
                    "pending" => "0",
                    _ => "spam",
                };
                let parent = match &c[2] {
                    CopyValue::Int(p) => *p,
                    _ => 0,
                };
                writeln!(
                    out,
                    "\t\t<wp:comment><wp:comment_id>{}</wp:comment_id><wp:comment_author>{}</wp:comment_author><wp:comment_author_email>{}</wp:comment_author_email><wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP></wp:comment_author_IP><wp:comment_date>{}</wp:comment_date><wp:comment_date_gmt>{}</wp:comment_date_gmt><wp:comment_content>{}</wp:comment_content><wp:comment_approved>{}</wp:comment_approved><wp:comment_type>{}</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>",
                    int(&c[0]),
                    cdata(text(&c[3])),
                    cdata(text(&c[4])),
                    cdata(&date),
                    cdata(&date_gmt),
                    cdata(text(&c[5])),
                    cdata(approved),
                    cdata("comment"),
                )?;
                summary.comments += 1;
            }
            writeln!(out, "\t</item>")?;
            summary.articles += 1;
        }
        if rows.len() < PAGE as usize {
            break;
        }
    }
    writeln!(out, "</channel>\n</rss>")?;
    out.flush()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdata_survives_its_own_end_marker() {
        assert_eq!(cdata("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>");
    }

    #[test]
    fn bylines_go_back_into_the_text_as_wordpress_writes_them() {
        let html = lead_html(
            &["Ani Petrosyan".into(), "Aram Arkun".into()],
            "Special to the Courier",
            "YEREVAN",
            &["Azatutyun".into()],
            "<p>The council met.</p>\n",
        );
        assert_eq!(
            html,
            "<p>By Ani Petrosyan and Aram Arkun</p>\n<p>Special to the Courier</p>\n<p>YEREVAN (Azatutyun) — The council met.</p>\n"
        );
        assert_eq!(lead_html(&[], "", "", &[], "<p>x</p>"), "<p>x</p>");
    }
}
