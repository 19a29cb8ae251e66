//! The WXR reader and mapper on the export a real WordPress 6.1 wrote
//! (`../shared/fixtures/`, read there, never copied), against the facts of
//! its manifest: every count, and every post's byline, credit, dateline,
//! sources, first words and view count. Runs when `../shared/` is beside
//! the repository; `.ci/run` requires it (`GAZETTE_TEST_REQUIRE_SEED=1`).

use std::{collections::BTreeMap, path::PathBuf};

use gazette_domain::ArticleStatus;
use gazette_ingest::wxr::{Entry, ImportItem, Mapper, WxrReader, content::text_of};
use serde_json::Value;

fn fixture() -> Option<(PathBuf, Value)> {
    let dir = gazette_testkit::shared("fixtures")?;
    let xml = gazette_testkit::shared("fixtures/wordpress-6.1-news-export.xml")?;
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("wordpress-6.1-news-export.manifest.json")).unwrap(),
    )
    .unwrap();
    Some((xml, manifest))
}

struct Read {
    mapper: Mapper,
    items: Vec<ImportItem>,
    by_type: BTreeMap<(String, String), u64>,
    categories: u64,
    tags: u64,
}

fn read(xml: &PathBuf) -> Read {
    let mut r = WxrReader::new(std::fs::File::open(xml).unwrap());
    let mut mapper = None;
    let mut entries = Vec::new();
    while let Some(e) = r.next_entry().unwrap() {
        match e {
            Entry::Site(s) => {
                mapper = Some(Mapper::new(
                    s,
                    jiff::tz::TimeZone::get("America/New_York").unwrap(),
                ))
            }
            e => entries.push(e),
        }
    }
    let mut mapper = mapper.expect("the site comes first");
    let (mut categories, mut tags) = (0, 0);
    let mut by_type = BTreeMap::new();
    for e in &entries {
        mapper.learn(e);
        match e {
            Entry::Category(_) => categories += 1,
            Entry::Tag(_) => tags += 1,
            Entry::Item(i) => {
                *by_type
                    .entry((i.post_type.clone(), i.status.clone()))
                    .or_default() += 1
            }
            _ => {}
        }
    }
    let mut items = Vec::new();
    for e in &entries {
        if let Entry::Item(i) = e
            && let Some(m) = mapper.item(i).unwrap()
        {
            items.push(m);
        }
    }
    Read {
        mapper,
        items,
        by_type,
        categories,
        tags,
    }
}

#[test]
fn the_wordpress_export_reads_with_its_manifests_counts() {
    let Some((xml, m)) = fixture() else { return };
    let r = read(&xml);
    let c = &m["counts"];
    assert_eq!(
        r.mapper.site.wxr_version,
        m["file"]["wxr_version"].as_str().unwrap()
    );
    assert_eq!(
        r.mapper.authors.len() as u64,
        c["authors"].as_u64().unwrap()
    );
    assert_eq!(r.categories, c["categories"].as_u64().unwrap());
    assert_eq!(r.tags, c["tags"].as_u64().unwrap());
    assert_eq!(
        r.mapper.attachments.len() as u64,
        c["attachments"].as_u64().unwrap()
    );
    for (ty, statuses) in c["by_post_type_and_status"].as_object().unwrap() {
        for (status, n) in statuses.as_object().unwrap() {
            assert_eq!(
                r.by_type
                    .get(&(ty.clone(), status.clone()))
                    .copied()
                    .unwrap_or(0),
                n.as_u64().unwrap(),
                "{ty}/{status}"
            );
        }
    }
    let posts = r
        .items
        .iter()
        .filter(|i| i.kind == gazette_ingest::wxr::ItemKind::Post)
        .count();
    assert_eq!(posts as u64, c["posts"].as_u64().unwrap());
    let published = r
        .items
        .iter()
        .filter(|i| i.kind == gazette_ingest::wxr::ItemKind::Post && i.wp_status == "publish")
        .count();
    assert_eq!(published as u64, c["published_posts"].as_u64().unwrap());

    let comments: usize = r
        .items
        .iter()
        .map(|i| i.comments.len() + i.skipped_comments.len())
        .sum();
    assert_eq!(
        comments as u64,
        m["comments"]["exported_total"].as_u64().unwrap()
    );
    let approved: usize = r
        .items
        .iter()
        .flat_map(|i| &i.comments)
        .filter(|c| c.status == gazette_domain::CommentStatus::Approved)
        .count();
    assert_eq!(
        approved as u64,
        m["comments"]["exported_by_state"]["approved"]
            .as_u64()
            .unwrap()
    );
    let replies = r
        .items
        .iter()
        .flat_map(|i| &i.comments)
        .filter(|c| c.parent_wp_id.is_some())
        .count();
    assert_eq!(
        replies as u64,
        m["comments"]["exported_replies"].as_u64().unwrap()
    );

    let views: u64 = r.items.iter().map(|i| i.article.legacy_views).sum();
    assert_eq!(views, m["views"]["sum_all_keys"].as_u64().unwrap());
}

#[test]
fn every_post_gets_the_byline_and_dateline_of_its_text() {
    let Some((xml, m)) = fixture() else { return };
    let r = read(&xml);
    let by_id: BTreeMap<i64, &ImportItem> = r.items.iter().map(|i| (i.wp_id, i)).collect();
    let mut wrong = Vec::new();
    for p in m["posts"].as_array().unwrap() {
        let id = p["id"].as_i64().unwrap();
        let item = by_id[&id];
        let b = &p["byline"];
        let a = &item.article;
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect()
        };
        let opt = |v: &Value| Some(v.as_str().unwrap().to_owned()).filter(|s| !s.is_empty());
        let sources: Vec<String> = a.sources.iter().map(|s| s.name.clone()).collect();
        // The featured image the importer puts first is not the text.
        let body = match a.body_html.strip_prefix("<figure class=\"featured\">") {
            Some(rest) => rest.split_once("</figure>").map_or(rest, |(_, b)| b),
            None => &a.body_html,
        };
        let body_text = text_of(body);
        let starts = b["body_starts"].as_str().unwrap();
        let body_ok = body_text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .starts_with(starts);
        let got = (
            a.contributors.clone(),
            a.credit.clone(),
            a.dateline_place.clone(),
            sources,
        );
        let want = (
            strings(&b["contributors"]),
            opt(&b["credit"]),
            opt(&b["place"]),
            strings(&b["sources"]),
        );
        if got != want || !body_ok {
            wrong.push(format!(
                "post {id} ({}): got {got:?}, want {want:?}; body starts {:?}",
                b["form"],
                body_text.chars().take(60).collect::<String>()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} posts wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn statuses_samples_and_old_addresses_follow_wordpress() {
    let Some((xml, m)) = fixture() else { return };
    let r = read(&xml);
    let by_id: BTreeMap<i64, &ImportItem> = r.items.iter().map(|i| (i.wp_id, i)).collect();
    for s in m["samples"].as_array().unwrap() {
        let id = s["id"].as_i64().unwrap();
        let item = by_id[&id];
        let a = &item.article;
        assert_eq!(a.headline, s["title"].as_str().unwrap(), "{id}");
        let cats: Vec<String> = s["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(a.sections, cats, "{id}");
        let mut tags = a.tags.clone();
        tags.sort();
        let mut want: Vec<String> = s["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        want.sort();
        assert_eq!(tags, want, "{id}");
        assert_eq!(item.sticky, s["sticky"].as_bool().unwrap(), "{id}");
        assert_eq!(a.pinned, s["sticky"].as_bool().unwrap(), "{id}");
        assert_eq!(a.language, s["lang"].as_str().unwrap(), "{id}");
        let status = s["status"].as_str().unwrap();
        let want_status = if matches!(status, "publish" | "future") {
            ArticleStatus::Published
        } else {
            ArticleStatus::Draft
        };
        assert_eq!(a.status, want_status, "{id}");
        let gmt = s["post_date_gmt"].as_str().unwrap().replace(' ', "T");
        let want_at: jiff::Timestamp = format!("{gmt}Z").parse().unwrap();
        assert_eq!(
            a.published_at.as_ref().map(|z| z.timestamp()),
            Some(want_at),
            "{id}"
        );
        let permalink = r.mapper.old_url(s["permalink"].as_str().unwrap()).unwrap();
        assert!(
            item.old_urls.contains(&permalink),
            "{id}: {permalink:?} in {:?}",
            item.old_urls
        );
        if !s["featured_image"].is_null() {
            let att = &r.mapper.attachments[&s["featured_image"].as_i64().unwrap()];
            assert!(
                a.body_html.contains(&att.url),
                "{id}: featured image in the body"
            );
        }
    }
}
