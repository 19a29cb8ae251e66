//! Rendering an article page and deciding whether a view counts.

use std::{hint::black_box, net::IpAddr};

use criterion::{Criterion, criterion_group, criterion_main};
use gazette_domain::ArticleId;
use gazette_web::{
    Templates,
    counter::{Hit, ViewCounter},
};
use jiff::tz::TimeZone;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

fn bench(c: &mut Criterion) {
    let templates = Templates::new(None).unwrap();
    let body: String = (0..9)
        .map(|i| format!("<p>Paragraph {i} of the story, long enough to look like news copy and to be escaped properly by nobody, since it is already safe.</p>\n"))
        .collect();
    let top: Vec<serde_json::Value> = (1..=5)
        .map(|i| serde_json::json!({"rank": i, "href": format!("/articles/s{i}"), "headline": format!("Top story {i}")}))
        .collect();
    let nav: Vec<serde_json::Value> = [
        "Local News",
        "Community",
        "Politics",
        "International",
        "Business",
        "Sports",
    ]
    .iter()
    .map(|s| serde_json::json!({"href": "/sections/x", "name": s, "current": false}))
    .collect();
    let ctx = serde_json::json!({
        "layout": {
            "site_name": "The Meridian Courier", "lang": "en", "base_url": "http://127.0.0.1:8080",
            "today": {"iso": "2026-11-27T08:00:00-05:00", "long": "Friday, November 27, 2026", "short": "Nov 27, 2026", "week": 48, "week_id": "2026-W48"},
            "week": 48, "week_id": "2026-W48", "year": 2026, "css_href": "/static/gazette.css?v=1",
            "top": top,
            "sections": nav,
        },
        "title": "Council Approves New Harbour Wall",
        "article": {
            "id": 42, "headline": "Council Approves New Harbour Wall", "standfirst": "A vote of 7 to 2.",
            "href": "/articles/council-approves-new-harbour-wall",
            "sections": [{"href": "/sections/local-news", "name": "Local News"}],
            "account": "The Meridian Desk", "views": 1204, "comments": 3,
            "contributors": [{"href": "/contributors/ani-hakobyan", "name": "Ani Hakobyan"}],
            "credit": null,
            "edition": {"iso": "2025-03-04T00:00:00-05:00", "long": "Tuesday, March 4, 2025", "short": "Mar 4, 2025", "week": 10, "week_id": "2025-W10"},
            "updated": {"iso": "2025-03-04T00:00:00-05:00", "long": "Tuesday, March 4, 2025", "short": "Mar 4, 2025", "week": 10, "week_id": "2025-W10"},
            "body_html": body, "related": ["Ferry timetable changes"], "footer": "The Meridian Courier", "tags": [], "language": "en"
        },
        "comments": [],
        "reply_to": null,
        "pending_notice": false,
        "form": {"ts": 1764000000, "token": "00ff"},
    });
    c.bench_function("render/article_page", |b| {
        b.iter(|| {
            templates
                .render("pages/article.html", black_box(&ctx))
                .unwrap()
        })
    });

    let counter = ViewCounter::new(TimeZone::get("America/New_York").unwrap(), u32::MAX);
    let mut n: u32 = 0;
    c.bench_function("views/record_new_reader", |b| {
        b.iter(|| {
            n = n.wrapping_add(1);
            let hit = Hit {
                article: ArticleId(i64::from(n % 100_000)),
                client: IpAddr::from(n.to_be_bytes()),
                user_agent: FIREFOX,
                prefetch: false,
                staff: false,
            };
            black_box(counter.record(&hit))
        })
    });
    let repeat = Hit {
        article: ArticleId(1),
        client: "192.0.2.1".parse().unwrap(),
        user_agent: FIREFOX,
        prefetch: false,
        staff: false,
    };
    counter.record(&repeat);
    c.bench_function("views/record_duplicate", |b| {
        b.iter(|| black_box(counter.record(black_box(&repeat))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
