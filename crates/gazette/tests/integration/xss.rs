//! Script injection: every vector of `tests/data/xss-vectors.txt` goes in
//! through every place text enters Gazette today (a comment's name and
//! text; a capture's headline, sections, posting account, byline, dateline,
//! body, related headline and footer), and every page that shows them is
//! loaded in headless Chromium (tests/browser/xss-check.mjs, Playwright),
//! which reports any dialog, any script the CSP had to block, any request
//! to a marker address, and any script, handler, script URL or frame in
//! the DOM. There must be none.
//!
//! Runs when E2E_CHROMIUM names a browser and `tests/browser` has its
//! packages (`npm ci --prefix tests/browser`); `.ci/run` sees to both.

use std::{collections::BTreeSet, path::PathBuf, time::Duration};

use crate::util::{Newsroom, stderr, stdout};

const TOKEN: &str = "xss-test-token-0123456789abcdef";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

fn vectors() -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/xss-vectors.txt");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

fn browser_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser")
}

/// A capture in the seed's format with `v` in every field.
fn capture(i: usize, v: &str) -> String {
    format!(
        "\u{a0}date 2025-11-{:02} \u{a0} TOP STORIES WEEK \u{a0} 48\n\u{a0}\n\n{v}\nLocal News{v}\n\n{v} story {i}\n\nby\n{v}\n{i}\n0\n\nBy {v}\n\n{v} (Meridian Wire) — {v} opens the story.\n\nA paragraph with {v} inside it.\n\n{v}\n",
        1 + i % 28
    )
}

fn attr(html: &str, prefix: &str) -> Option<String> {
    let at = html.find(prefix)? + prefix.len();
    Some(html[at..at + html[at..].find('"')?].to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_vector_runs_in_a_browser() {
    let Some(chromium) = std::env::var("E2E_CHROMIUM").ok().filter(|c| !c.is_empty()) else {
        eprintln!("skipping the XSS browser test: E2E_CHROMIUM is not set");
        return;
    };
    assert!(
        browser_dir().join("node_modules/playwright-core").is_dir(),
        "E2E_CHROMIUM is set but tests/browser has no packages: run `npm ci --prefix tests/browser`"
    );
    let vectors = vectors();
    assert!(vectors.len() >= 300, "{} vectors", vectors.len());

    let mut n = Newsroom::new();
    for (k, v) in [
        ("GAZETTE_VIEWS__CLIENT_IP_HEADER", "X-Forwarded-For"),
        ("GAZETTE_API_TOKEN", TOKEN),
        ("GAZETTE_COMMENTS__MIN_SECONDS", "0"),
        ("GAZETTE_COMMENTS__PER_HOUR", "100000"),
    ] {
        n.env.push((k.into(), v.into()));
    }

    // Every capture field.
    let dir = n.data_dir().join("captures");
    std::fs::create_dir_all(&dir).unwrap();
    let files: Vec<String> = vectors
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let f = dir.join(format!("capture-{i:04}.txt"));
            std::fs::write(&f, capture(i, v)).unwrap();
            f.display().to_string()
        })
        .collect();
    let mut args = vec!["import", "text"];
    args.extend(files.iter().map(String::as_str));
    let out = n.run(&args);
    let imported: Vec<String> = stdout(&out)
        .lines()
        .filter_map(|l| l.split(" -> ").nth(1).map(str::to_owned))
        .collect();
    let refused = vectors.len() - imported.len();
    assert!(
        imported.len() * 10 >= vectors.len() * 9,
        "most captures import ({} of {}): {}",
        imported.len(),
        vectors.len(),
        stderr(&out)
    );

    let server = n.serve();
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    // Every comment field: a comment with the vector as name and text on
    // each article, then approved so that readers see it.
    let mut sent_comments = 0;
    for (i, path) in imported.iter().enumerate() {
        let html = http
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let (Some(ts), Some(token)) = (
            attr(&html, "name=\"ts\" value=\""),
            attr(&html, "name=\"token\" value=\""),
        ) else {
            panic!("{path} has no comment form");
        };
        let v = &vectors[i % vectors.len()];
        let name: String = v.chars().take(80).collect();
        let r = http
            .post(format!("{}{path}/comments", server.base))
            .header("User-Agent", FIREFOX)
            .header("X-Forwarded-For", format!("10.9.{}.{}", i / 250, i % 250))
            .form(&[
                ("name", name.as_str()),
                ("body", v.as_str()),
                ("ts", &ts),
                ("token", &token),
            ])
            .send()
            .await
            .unwrap();
        if r.status().as_u16() == 303 {
            sent_comments += 1;
        }
    }
    let mut approved = 0;
    loop {
        let pending: Vec<serde_json::Value> = http
            .get(format!("{}/api/comments?status=pending", server.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if pending.is_empty() {
            break;
        }
        for c in pending {
            let r = http
                .post(format!("{}/api/comments/{}/approve", server.base, c["id"]))
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
            approved += 1;
        }
    }

    // Every page that shows them.
    let mut pages: BTreeSet<String> = imported.iter().cloned().collect();
    let mut listings = BTreeSet::new();
    for path in &imported {
        let html = http
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for prefix in ["/sections/", "/contributors/", "/sources/"] {
            for part in html.split(&format!("href=\"{prefix}")).skip(1) {
                if let Some(slug) = part.split('"').next() {
                    listings.insert(format!("{prefix}{slug}"));
                }
            }
        }
    }
    pages.extend(listings);
    let home_pages = imported.len().div_ceil(20);
    for p in 1..=home_pages {
        pages.insert(if p == 1 {
            "/".into()
        } else {
            format!("/?page={p}")
        });
    }
    pages.insert("/top".into());
    pages.insert("/top/2025-W48".into());
    pages.insert("/staff".into());
    let urls = n.data_dir().join("urls.txt");
    std::fs::write(
        &urls,
        pages
            .iter()
            .map(|p| format!("{}{p}", server.base))
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();

    let out = std::process::Command::new("node")
        .arg(browser_dir().join("xss-check.mjs"))
        .arg(&urls)
        .env("E2E_CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "the browser check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the check prints JSON");
    let findings = report["findings"].as_array().unwrap();
    let loaded = report["pages"].as_u64().unwrap();
    eprintln!(
        "XSS: {} vectors; {} captures imported ({} refused at the door) x 8 capture fields, {} comments sent ({} approved) x 2 comment fields; {} pages loaded in Chromium; {} findings",
        vectors.len(),
        imported.len(),
        refused,
        sent_comments,
        approved,
        loaded,
        findings.len()
    );
    assert!(
        findings.is_empty(),
        "{} findings, the first: {:#?}",
        findings.len(),
        &findings[..findings.len().min(10)]
    );
    assert!(
        sent_comments * 10 >= imported.len() * 9,
        "most comments went in"
    );
}
