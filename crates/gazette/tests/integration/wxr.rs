//! `gazette import wxr` through the real binary, on both engines: the real
//! WordPress 6.1 export (read from ../shared, never copied) imports with its
//! manifest's exact counts and every old link answering 200 after one
//! redirect; generated exports show that a killed import run again ends
//! right, and that bad files get a place and a reason.

use std::{path::PathBuf, time::Duration};

use gazette_domain::CommentStatus;
use gazette_store::{Page, Store};
use gazette_testkit::{Engine, engines, wxr::generate};

use crate::util::{Newsroom, Server, stderr, stdout};

fn fixture() -> Option<(PathBuf, PathBuf, serde_json::Value)> {
    let dir = gazette_testkit::shared("fixtures")?;
    let xml = gazette_testkit::shared("fixtures/wordpress-6.1-news-export.xml")?;
    let manifest = serde_json::from_str(
        &std::fs::read_to_string(dir.join("wordpress-6.1-news-export.manifest.json")).unwrap(),
    )
    .unwrap();
    Some((xml, dir.join("wordpress-6.1-news-export.uploads"), manifest))
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Follows at most one redirect; returns the statuses and where it led.
async fn one_hop(server: &Server, path: &str) -> (u16, Option<u16>, String) {
    let c = client();
    let first = c
        .get(format!("{}{path}", server.base))
        .send()
        .await
        .unwrap();
    let status = first.status().as_u16();
    if !(300..400).contains(&status) {
        return (status, None, String::new());
    }
    let to = first.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with('/'), "{path} leads off the site: {to}");
    let second = c.get(format!("{}{to}", server.base)).send().await.unwrap();
    (status, Some(second.status().as_u16()), to)
}

async fn count_comments(store: &dyn Store, status: CommentStatus) -> u64 {
    let mut n = 0;
    for page in 1.. {
        let got = store
            .comments_with_status(status, Page::new(page, 200))
            .await
            .unwrap();
        n += got.len() as u64;
        if got.len() < 200 {
            break;
        }
    }
    n
}

engines!(
    the_wordpress_export_imports_exactly_and_no_link_breaks,
    |engine: Engine| async move {
        let Some((xml, uploads, m)) = fixture() else {
            return;
        };
        let n = Newsroom::on(engine).await;
        let args = [
            "import",
            "wxr",
            xml.to_str().unwrap(),
            "--uploads",
            uploads.to_str().unwrap(),
        ];
        let out = n.run(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let summary = stdout(&out);
        let line = |label: &str| -> u64 {
            summary
                .lines()
                .find(|l| l.trim_start().starts_with(label))
                .and_then(|l| l.split_whitespace().last())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{label} in {summary}"))
        };
        let c = &m["counts"];
        let posts = c["posts"].as_u64().unwrap();
        let pages = c["pages"].as_u64().unwrap();
        assert_eq!(line("articles"), posts + pages, "{summary}");
        assert_eq!(line("of them pages"), pages);
        assert_eq!(line("sections"), c["categories"].as_u64().unwrap());
        assert_eq!(line("tags"), c["tags"].as_u64().unwrap());
        assert_eq!(
            line("comments"),
            m["comments"]["exported_total"].as_u64().unwrap()
        );
        assert_eq!(line("attachments"), c["attachments"].as_u64().unwrap());
        assert_eq!(line("not brought in"), 0, "the uploads were given");
        assert_eq!(line("skipped"), 0, "{summary}");
        assert_eq!(
            line("scheduled"),
            m["future_posts"].as_array().unwrap().len() as u64
        );

        // Again: the same, nothing doubled.
        let again = n.run(&args);
        assert!(again.status.success(), "{}", stderr(&again));
        let store = n.store().await;
        let by_state = &m["comments"]["exported_by_state"];
        assert_eq!(
            count_comments(&*store, CommentStatus::Approved).await,
            by_state["approved"].as_u64().unwrap()
        );
        assert_eq!(
            count_comments(&*store, CommentStatus::Pending).await,
            by_state["pending"].as_u64().unwrap()
        );
        // Trashed comments are kept out of sight, as spam.
        assert_eq!(
            count_comments(&*store, CommentStatus::Spam).await,
            by_state["trash"].as_u64().unwrap() + by_state["spam"].as_u64().unwrap()
        );
        let redirects = store.count_redirects().await.unwrap();
        assert_eq!(redirects, line("redirects"), "a second run adds no address");
        store.close().await;

        let server = n.serve();
        // The sample with a byline in separate paragraphs: its permalink
        // leads to a page with the byline and dateline as Gazette shows them.
        let sample = m["samples"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == 36)
            .unwrap();
        let permalink = sample["permalink"].as_str().unwrap();
        let path = &permalink["https://mirror-fixture.example".len()..];
        let (status, then, to) = one_hop(&server, path).await;
        assert_eq!((status, then), (301, Some(200)), "{path} -> {to}");
        let (_, html) = server.get(&to).await;
        assert!(html.contains("Aram Petrosyan"), "the byline's writer");
        assert!(
            html.contains("Special to the Mirror-Spectator"),
            "the credit"
        );
        assert!(html.contains("YEREVAN"), "the dateline");
        assert!(
            html.contains("<img src=\"/media/2025/08/"),
            "pictures from the uploads"
        );
        assert!(
            !html.contains("By Aram Petrosyan</p>"),
            "the byline is off the body"
        );

        // Every <link> of the export: 200 at once or after one redirect.
        let text = std::fs::read_to_string(&xml).unwrap();
        let mut checked = 0;
        for link in text.split("<link>").skip(1) {
            let link = &link[..link.find("</link>").unwrap()];
            let path = link.trim_start_matches("https://mirror-fixture.example");
            let path = if path.is_empty() { "/" } else { path };
            let (status, then, to) = one_hop(&server, path).await;
            let ok = status == 200 || (matches!(status, 301 | 302) && then == Some(200));
            assert!(ok, "{link}: {status} -> {to} {then:?}");
            checked += 1;
        }
        assert_eq!(
            checked,
            c["items"].as_u64().unwrap() + 1,
            "every item and the site"
        );
        // Old file addresses, category pages and their page numbers.
        let (s, then, to) = one_hop(
            &server,
            "/wp-content/uploads/2021/03/choir-rehearsal-in-watertown.png",
        )
        .await;
        assert_eq!((s, then), (301, Some(200)), "{to}");
        let (s, then, to) = one_hop(&server, "/category/community/boston/page/2/").await;
        assert_eq!((s, then), (301, Some(200)), "{to}");
        assert_eq!(to, "/sections/boston/page/2");
        // The sticky post heads the front page.
        let sticky = m["counts"]["sticky_posts"][0].as_i64().unwrap();
        let title = m["samples"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == sticky)
            .map(|s| s["title"].as_str().unwrap().to_owned())
            .unwrap();
        let (_, home) = server.get("/").await;
        let pinned = &home[home.find("class=\"pinned\"").expect("a pinned section")..];
        assert!(
            pinned[..pinned.find("</section>").unwrap()].contains(&title),
            "{title}"
        );
        // Tag and author archives.
        for (from, to) in [
            ("/tag/yerevan/", "/tags/yerevan"),
            ("/author/aram-petrosyan/", "/contributors/aram-petrosyan"),
        ] {
            let (s, then, got) = one_hop(&server, from).await;
            assert_eq!((s, then, got.as_str()), (301, Some(200), to), "{from}");
        }
        let (_, html) = server.get("/tags/yerevan").await;
        let want = m["tags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["slug"] == "yerevan")
            .unwrap()["count_published"]
            .as_u64()
            .unwrap();
        assert!(want > 20, "a tag with more than one page of stories");
        assert!(html.contains("/tags/yerevan/page/2"), "paged");
        let armenian = m["samples"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["why"] == "Armenian-script post")
            .unwrap();
        let decoded = armenian["slug_decoded"].as_str().unwrap();
        let date = &armenian["permalink"].as_str().unwrap()
            ["https://mirror-fixture.example".len()..][..12];
        for path in [
            format!("{date}{decoded}/"),
            format!(
                "{date}{}/",
                armenian["slug"].as_str().unwrap().to_uppercase()
            ),
        ] {
            let (s, then, to) = one_hop(&server, &path).await;
            assert_eq!((s, then), (301, Some(200)), "{path} -> {to}");
        }
        let out = n.run(&["redirects"]);
        assert!(
            stdout(&out).lines().count() as u64 == redirects,
            "gazette redirects lists them all"
        );
    }
);

fn write_generated(dir: &std::path::Path, posts: u64) -> (PathBuf, gazette_testkit::wxr::Facts) {
    let path = dir.join("generated.xml");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let facts = generate(&mut f, posts, 3, 3, 7).unwrap();
    std::io::Write::flush(&mut f).unwrap();
    (path, facts)
}

async fn check_facts(n: &Newsroom, facts: &gazette_testkit::wxr::Facts) {
    let store = n.store().await;
    assert_eq!(
        store.count_published(jiff::Timestamp::now()).await.unwrap(),
        facts.posts
    );
    let all = count_comments(&*store, CommentStatus::Approved).await
        + count_comments(&*store, CommentStatus::Pending).await
        + count_comments(&*store, CommentStatus::Spam).await;
    assert_eq!(all, facts.comments);
    assert_eq!(
        count_comments(&*store, CommentStatus::Approved).await,
        facts.approved
    );
    let ids = store
        .live_article_ids(jiff::Timestamp::now())
        .await
        .unwrap();
    let sums = store.summaries(&ids).await.unwrap();
    let views: u64 = sums.iter().map(|s| s.counters.legacy_views).sum();
    assert_eq!(views, facts.legacy_views);
    let comments: u64 = sums.iter().map(|s| s.counters.comments).sum();
    assert_eq!(comments, facts.approved, "counts follow the comments");
    store.close().await;
}

engines!(
    an_import_killed_half_way_and_run_again_ends_right,
    |engine: Engine| async move {
        let n = Newsroom::on(engine).await;
        let (file, facts) = write_generated(n.data_dir(), 4000);
        let file = file.to_str().unwrap().to_owned();
        // The database made first, so that this test can watch it fill.
        assert!(n.run(&["migrate"]).status.success());
        let mut child = n
            .command(&["import", "wxr", &file, "--batch", "50"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Killed (SIGKILL: no goodbye) once some batches are in.
        let store = n.store().await;
        let started = std::time::Instant::now();
        loop {
            let stored = store
                .count_published(jiff::Timestamp::now())
                .await
                .unwrap_or(0);
            if stored >= 200 || started.elapsed() > Duration::from_secs(60) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let part = store.count_published(jiff::Timestamp::now()).await.unwrap();
        store.close().await;
        assert!(part > 0 && part < facts.posts, "killed half-way: {part}");
        let out = n.run(&["import", "wxr", &file]);
        assert!(out.status.success(), "{}", stderr(&out));
        check_facts(&n, &facts).await;
    }
);

engines!(
    bad_files_name_the_place_and_store_no_half_item,
    |engine: Engine| async move {
        let n = Newsroom::on(engine).await;
        let (file, facts) = write_generated(n.data_dir(), 30);
        let text = std::fs::read_to_string(&file).unwrap();
        // Cut in the middle of the 21st item.
        let cut_at = text.match_indices("<item>").nth(20).unwrap().0 + 300;
        let cut = n.data_dir().join("cut.xml");
        std::fs::write(&cut, &text[..cut_at]).unwrap();
        let cut = cut.to_str().unwrap();

        let strict = n.run(&["import", "wxr", cut, "--strict"]);
        assert!(!strict.status.success());
        let err = stderr(&strict);
        assert!(
            err.contains("cut.xml:") && err.contains("truncated"),
            "{err}"
        );
        let store = n.store().await;
        assert_eq!(
            store.count_published(jiff::Timestamp::now()).await.unwrap(),
            0,
            "strict: nothing"
        );
        store.close().await;

        let lenient = n.run(&["import", "wxr", cut]);
        assert!(
            !lenient.status.success(),
            "a truncated file is not a success"
        );
        let err = stderr(&lenient);
        let line = text[..cut_at].lines().count();
        assert!(
            err.contains(&format!("cut.xml:{line}:")),
            "line {line} in {err}"
        );
        let store = n.store().await;
        assert_eq!(
            store.count_published(jiff::Timestamp::now()).await.unwrap(),
            20,
            "the whole items before the cut, not the cut one"
        );
        store.close().await;

        // An unknown author and a bad date: skipped, named, the rest imported.
        let broken = text
            .replacen(
                "<dc:creator><![CDATA[desk]]></dc:creator>",
                "<dc:creator><![CDATA[ghost]]></dc:creator>",
                1,
            )
            .replacen("2020-01-02 14:00:00", "2020-13-45 99:00:00", 1);
        let bad = n.data_dir().join("bad.xml");
        std::fs::write(&bad, broken).unwrap();
        let out = n.run(&["import", "wxr", bad.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let report = stdout(&out);
        assert!(report.contains("\"ghost\" is not among"), "{report}");
        assert!(report.contains("cannot be read"), "{report}");
        assert!(report.contains("skipped: line "), "{report}");

        let garbage = n.data_dir().join("garbage.xml");
        std::fs::write(&garbage, "<rss><channel><title>x</title></chanel></rss>").unwrap();
        let out = n.run(&["import", "wxr", garbage.to_str().unwrap()]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains("garbage.xml:1:"), "{}", stderr(&out));
        let out = n.run(&["import", "wxr", "/nonexistent/export.xml"]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains("cannot read"), "{}", stderr(&out));
        let _ = facts;
    }
);

/// Everything a reader or editor sees of each story, by slug, names for
/// ids: two newsrooms with the same content give the same dump.
async fn dump(store: &dyn Store) -> std::collections::BTreeMap<String, String> {
    use gazette_store::{CopyTable, CopyValue};
    async fn rows(store: &dyn Store, t: CopyTable) -> Vec<Vec<CopyValue>> {
        let mut out = Vec::new();
        let mut last = None;
        loop {
            let page = store.copy_out(t, last.as_ref(), 1000).await.unwrap();
            if page.is_empty() {
                return out;
            }
            last = page.last().cloned();
            out.extend(page);
        }
    }
    let s = |v: &CopyValue| match v {
        CopyValue::Text(t) => t.clone(),
        CopyValue::Int(i) => i.to_string(),
        CopyValue::Null => String::new(),
        CopyValue::Bytes(_) => "bytes".into(),
    };
    let names = |rows: &[Vec<CopyValue>]| -> std::collections::HashMap<String, String> {
        rows.iter().map(|r| (s(&r[0]), s(&r[2]))).collect()
    };
    let sections = names(&rows(store, CopyTable::Sections).await);
    let people = names(&rows(store, CopyTable::Contributors).await);
    let wires = names(&rows(store, CopyTable::Sources).await);
    let tags = names(&rows(store, CopyTable::Tags).await);
    let mut linked: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (t, table) in [
        (CopyTable::ArticleSections, &sections),
        (CopyTable::ArticleContributors, &people),
        (CopyTable::ArticleSources, &wires),
        (CopyTable::ArticleTags, &tags),
    ] {
        let mut r = rows(store, t).await;
        r.sort_by_key(|r| {
            (
                s(&r[0]).parse::<i64>().unwrap(),
                s(&r[2]).parse::<i64>().unwrap(),
            )
        });
        for r in r {
            linked
                .entry(format!("{t:?}:{}", s(&r[0])))
                .or_default()
                .push(table[&s(&r[1])].clone());
        }
    }
    let mut comments: std::collections::HashMap<String, Vec<String>> = Default::default();
    for c in rows(store, CopyTable::Comments).await {
        comments.entry(s(&c[1])).or_default().push(format!(
            "{}|{}|{}|{}",
            s(&c[3]),
            s(&c[5]),
            s(&c[7]),
            s(&c[8])
        ));
    }
    let mut out = std::collections::BTreeMap::new();
    for a in rows(store, CopyTable::Articles).await {
        let id = s(&a[0]);
        let mut c = comments.remove(&id).unwrap_or_default();
        c.sort();
        let l = |t: CopyTable| {
            linked
                .get(&format!("{t:?}:{id}"))
                .cloned()
                .unwrap_or_default()
        };
        let views = s(&a[15]).parse::<i64>().unwrap()
            + s(&a[17]).parse::<i64>().unwrap()
            + 1_000_000_000 * s(&a[20]).parse::<i64>().unwrap();
        out.insert(
            s(&a[2]),
            format!(
                "headline {}\nstandfirst {}\nbody {}\nstatus {} at {}\ncredit {}\nplace {}\nviews {views}\nsections {:?}\nby {:?}\nsources {:?}\ntags {:?}\ncomments {c:?}",
                s(&a[3]),
                s(&a[4]),
                s(&a[5]).trim(),
                s(&a[7]),
                s(&a[8]),
                s(&a[12]),
                s(&a[13]),
                l(CopyTable::ArticleSections),
                l(CopyTable::ArticleContributors),
                l(CopyTable::ArticleSources),
                l(CopyTable::ArticleTags),
            ),
        );
    }
    out
}

engines!(
    an_export_imports_back_to_the_same_content,
    |engine: Engine| async move {
        let n = Newsroom::on(engine).await;
        let (file, _) = write_generated(n.data_dir(), 120);
        let mut inputs = vec![file];
        if let Some((xml, _, _)) = fixture() {
            inputs.push(xml);
        }
        for input in &inputs {
            assert!(
                n.run(&["import", "wxr", input.to_str().unwrap()])
                    .status
                    .success()
            );
        }
        let exported = n.data_dir().join("export.xml");
        let out = n.run(&["export", "wxr", exported.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("(WXR 1.2)"), "{}", stdout(&out));
        // What WordPress's importer (WXR_Parser_SimpleXML) reads: no DOCTYPE,
        // a `d.d` version under /rss/channel, the export namespaces, and each
        // item's fields by name, its author among the declared logins.
        let text = std::fs::read_to_string(&exported).unwrap();
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>"));
        assert!(!text.contains("<!DOCTYPE"));
        for ns in [
            r#"xmlns:wp="http://wordpress.org/export/1.2/""#,
            r#"xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/""#,
            r#"xmlns:content="http://purl.org/rss/1.0/modules/content/""#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/""#,
        ] {
            assert!(text.contains(ns), "{ns}");
        }
        assert!(text.contains("<wp:wxr_version>1.2</wp:wxr_version>"));
        let logins: Vec<&str> = text
            .split("<wp:author_login><![CDATA[")
            .skip(1)
            .map(|s| &s[..s.find("]]>").unwrap()])
            .collect();
        for item in text.split("<item>").skip(1) {
            for field in [
                "<title>",
                "<dc:creator>",
                "<guid ",
                "<content:encoded>",
                "<excerpt:encoded>",
                "<wp:post_id>",
                "<wp:post_date>",
                "<wp:post_date_gmt>",
                "<wp:post_name>",
                "<wp:status>",
                "<wp:post_type>",
                "<wp:is_sticky>",
            ] {
                assert!(
                    item.contains(field),
                    "{field} in {}",
                    &item[..200.min(item.len())]
                );
            }
            let creator = &item[item.find("<dc:creator><![CDATA[").unwrap() + 21..];
            let creator = &creator[..creator.find("]]>").unwrap()];
            assert!(logins.contains(&creator), "{creator} is a declared author");
        }

        let fresh = Newsroom::on(engine).await;
        let out = fresh.run(&["import", "wxr", exported.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let (a, b) = (n.store().await, fresh.store().await);
        let (before, after) = (dump(&*a).await, dump(&*b).await);
        assert_eq!(before.len(), after.len());
        for (slug, story) in &before {
            assert_eq!(Some(story), after.get(slug), "{slug}");
        }
    }
);
