//! Rendering an article page (deciding whether a view counts is
//! benchmarked in gazette-core).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use gazette_web::Templates;

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
            "today": {"iso": "2026-11-27T08:00:00-05:00", "long": "Friday, November 27, 2026", "short": "Nov 27, 2026", "week": 48, "week_id": "2026-W48", "top_href": "/top/2026-W48"},
            "week": 48, "week_id": "2026-W48", "top_href": "/top/2026-W48", "year": 2026, "css_href": "/static/gazette.css?v=1",
            "top": top,
            "sections": nav,
        },
        "title": "Council Approves New Harbour Wall",
        "article": {
            "id": 42, "headline": "Council Approves New Harbour Wall", "standfirst": "A vote of 7 to 2.",
            "href": "/articles/council-approves-new-harbour-wall",
            "beacon_href": "/hit/42?t=2941200.00ff", "pixel_href": "/hit/42.gif?t=2941200.00ff",
            "comments_action": "/articles/council-approves-new-harbour-wall/comments",
            "sections": [{"href": "/sections/local-news", "name": "Local News"}],
            "account": "The Meridian Desk", "views": 1204, "comments": 3,
            "contributors": [{"href": "/contributors/ani-hakobyan", "name": "Ani Hakobyan"}],
            "credit": null,
            "edition": {"iso": "2025-03-04T00:00:00-05:00", "long": "Tuesday, March 4, 2025", "short": "Mar 4, 2025", "week": 10, "week_id": "2025-W10", "top_href": "/top/2025-W10"},
            "updated": {"iso": "2025-03-04T00:00:00-05:00", "long": "Tuesday, March 4, 2025", "short": "Mar 4, 2025", "week": 10, "week_id": "2025-W10", "top_href": "/top/2025-W10"},
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
