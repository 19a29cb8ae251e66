//! Readers comment without an account; editors moderate.

use gazette_testkit::{Engine, engines};
use std::collections::HashMap;

use crate::util::{FIREFOX, TOKEN, TestApp, days_ago, test_config};

/// The comment form's hidden fields, as a reader's browser would send them.
pub(crate) fn form_fields(html: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for name in ["ts", "token", "reply_to"] {
        let key = format!("name=\"{name}\" value=\"");
        let at = html.find(&key).unwrap() + key.len();
        out.insert(
            name.to_owned(),
            html[at..at + html[at..].find('"').unwrap()].to_owned(),
        );
    }
    out
}

/// The form posted by another site's page, with a valid token.
async fn from_another_site(
    app: &TestApp,
    path: &str,
    fields: &HashMap<String, String>,
) -> reqwest::Response {
    app.http
        .post(app.url(&format!("{path}/comments")))
        .header("Origin", "https://evil.example")
        .form(&[
            ("name", "x"),
            ("body", "cross site"),
            ("ts", &fields["ts"]),
            ("token", &fields["token"]),
        ])
        .send()
        .await
        .unwrap()
}

pub(crate) async fn post(
    app: &TestApp,
    path: &str,
    fields: &HashMap<String, String>,
    extra: &[(&str, &str)],
    ip: &str,
) -> reqwest::Response {
    let mut form: Vec<(String, String)> =
        fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    for (k, v) in extra {
        form.retain(|(fk, _)| fk != k);
        form.push(((*k).to_owned(), (*v).to_owned()));
    }
    app.http
        .post(app.url(&format!("{path}/comments")))
        .header("User-Agent", FIREFOX)
        .header("X-Forwarded-For", ip)
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn approve_all(app: &TestApp) -> Vec<serde_json::Value> {
    let pending: Vec<serde_json::Value> = app
        .http
        .get(app.url("/api/comments?status=pending"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for c in &pending {
        let r = app
            .http
            .post(app.url(&format!("/api/comments/{}/approve", c["id"])))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    pending
}

engines!(
    a_comment_waits_for_approval_then_shows_and_counts,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (_, path) = app.story("a", "Discussed", days_ago(1)).await;
        let fields = form_fields(&app.text(&path).await);
        let resp = post(
        &app,
        &path,
        &fields,
        &[("name", "Ani"), ("email", "ani@example.org"), ("body", "Thank you <script>alert(1)</script>for this <a href=\"https://example.org\">report</a>.")],
        "192.0.2.1",
    )
    .await;
        assert_eq!(resp.status().as_u16(), 303);
        let back = resp.headers()["location"].to_str().unwrap().to_owned();
        assert!(back.ends_with("?comment=pending#comments"), "{back}");
        assert!(
            app.text(&back)
                .await
                .contains("will appear once an editor has approved it")
        );

        let page = app.text(&path).await;
        assert!(
            !page.contains("Thank you"),
            "pending comments are not shown"
        );
        assert!(
            page.contains("<h2 id=\"comments-title\">4 comments</h2>"),
            "legacy 4, none approved yet"
        );

        let approved = approve_all(&app).await;
        assert_eq!(approved.len(), 1);
        assert!(
            approved[0].get("author_email").is_some(),
            "editors see the address"
        );
        let page = app.text(&path).await;
        assert!(page.contains("<h2 id=\"comments-title\">5 comments</h2>"));
        assert!(
            page.contains(
                r#"<a href="https://example.org" rel="nofollow ugc noopener noreferrer">report</a>"#
            ),
            "{page}"
        );
        assert!(!page.contains("<script>alert(1)"), "sanitized");
        assert!(
            !page.contains("ani@example.org"),
            "addresses are never shown"
        );
    }
);

engines!(
    replies_thread_under_their_parent,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (_, path) = app.story("a", "Discussed", days_ago(1)).await;
        let fields = form_fields(&app.text(&path).await);
        post(
            &app,
            &path,
            &fields,
            &[("name", "First"), ("body", "The parent comment.")],
            "192.0.2.1",
        )
        .await;
        let parent = approve_all(&app).await[0]["id"].as_i64().unwrap();
        let reply_page = app.text(&format!("{path}?reply_to={parent}")).await;
        assert!(reply_page.contains("Reply to First"));
        let fields = form_fields(&reply_page);
        assert_eq!(fields["reply_to"], parent.to_string());
        post(
            &app,
            &path,
            &fields,
            &[("name", "Second"), ("body", "A reply to it.")],
            "192.0.2.2",
        )
        .await;
        approve_all(&app).await;
        let page = app.text(&path).await;
        let parent_at = page.find(&format!("id=\"comment-{parent}\"")).unwrap();
        let nested = page[parent_at..].find("<ol class=\"thread\">").unwrap();
        let reply_at = page[parent_at..].find("A reply to it.").unwrap();
        assert!(nested < reply_at, "the reply sits in the parent's thread");
    }
);

engines!(spam_defences, |engine: Engine| async move {
    let mut config = test_config();
    config.comment_min_seconds = 2;
    let core = gazette_core::CoreConfig {
        comments_per_hour: 3,
        ..Default::default()
    };
    let app = TestApp::build(
        engine,
        config,
        core,
        std::sync::Arc::new(gazette_core::SystemClock),
    )
    .await;
    let (_, path) = app.story("a", "Discussed", days_ago(1)).await;
    let fields = form_fields(&app.text(&path).await);

    // Too fast after loading the form.
    let r = post(
        &app,
        &path,
        &fields,
        &[("name", "Bot"), ("body", "fast fast")],
        "192.0.2.9",
    )
    .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("faster than anyone"));
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;

    // The honeypot: looks accepted, keeps nothing.
    let r = post(
        &app,
        &path,
        &fields,
        &[
            ("name", "Bot"),
            ("body", "buy now"),
            ("website", "http://spam.example"),
        ],
        "192.0.2.10",
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    // Too many links.
    let r = post(
        &app,
        &path,
        &fields,
        &[
            ("name", "Bot"),
            ("body", "http://a.example http://b.example http://c.example"),
        ],
        "192.0.2.11",
    )
    .await;
    assert_eq!(r.status().as_u16(), 400);
    // A forged or altered token.
    let r = post(
        &app,
        &path,
        &fields,
        &[("name", "Bot"), ("body", "hello there"), ("token", "00")],
        "192.0.2.12",
    )
    .await;
    assert_eq!(r.status().as_u16(), 400);
    // Another site posting the form.
    let r = from_another_site(&app, &path, &fields).await;
    assert_eq!(r.status().as_u16(), 403);
    // A genuine comment, then the same again.
    let r = post(
        &app,
        &path,
        &fields,
        &[("name", "Ani"), ("body", "A fair point.")],
        "192.0.2.13",
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = post(
        &app,
        &path,
        &fields,
        &[("name", "Ani"), ("body", "a  FAIR point.")],
        "192.0.2.14",
    )
    .await;
    assert_eq!(r.status().as_u16(), 409);
    // One client posting too often.
    let mut limited = false;
    for i in 0..5 {
        let r = post(
            &app,
            &path,
            &fields,
            &[("name", "Ani"), ("body", &format!("note {i}"))],
            "192.0.2.15",
        )
        .await;
        limited |= r.status().as_u16() == 429;
    }
    assert!(limited, "the per-client limit applies");
    let pending: Vec<serde_json::Value> = app
        .http
        .get(app.url("/api/comments"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bodies: Vec<&str> = pending
        .iter()
        .map(|c| c["body_html"].as_str().unwrap())
        .collect();
    assert!(
        !bodies.iter().any(|b| b.contains("buy now")),
        "the honeypot kept nothing: {bodies:?}"
    );
    assert_eq!(
        bodies.iter().filter(|b| b.contains("fair point")).count(),
        1
    );
});

engines!(
    moderation_api_needs_the_token,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let r = app.http.get(app.url("/api/comments")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["status"], 401);
        let r = app
            .http
            .get(app.url("/api/comments"))
            .bearer_auth("wrong-token-000000000")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401);
        let r = app
            .http
            .post(app.url("/api/comments/1/approve"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401);
        let r = app
            .http
            .post(app.url("/api/comments/424242/approve"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404);
    }
);

engines!(
    a_refused_comment_comes_back_with_its_text_and_the_reason,
    |engine: Engine| async move {
        let mut hy = crate::util::newsroom();
        hy.language = "hy".into();
        let app = TestApp::in_newsroom(engine, hy).await;
        let (_, path) = app.story("a", "Discussed", days_ago(1)).await;
        let fields = form_fields(&app.text(&path).await);
        let body = "Երեք հղում՝ http://a.example http://b.example http://c.example <b>\"x\"</b>";
        let r = post(
            &app,
            &path,
            &fields,
            &[
                ("name", "Անի"),
                ("email", "ani@example.org"),
                ("body", body),
            ],
            "192.0.2.20",
        )
        .await;
        assert_eq!(r.status().as_u16(), 400);
        assert_eq!(r.headers()["cache-control"], "no-store");
        let html = r.text().await.unwrap();
        // The reason, in the newsroom's language, next to the comment.
        assert!(
            html.contains("Ձեր մեկնաբանությունը չհրապարակվեց։ Մեկնաբանությունը կարող է ունենալ առավելագույնը 2 հղում։"),
            "{html}"
        );
        assert!(!html.contains("Your comment was not posted"), "{html}");
        assert!(
            html.contains(
                r#"rows="6" aria-invalid="true" aria-describedby="comment-error" autofocus>"#
            ),
            "the body is the field at fault: {html}"
        );
        // What the reader typed is kept, escaped.
        assert!(html.contains(r#"value="Անի""#), "{html}");
        assert!(html.contains(r#"value="ani@example.org""#), "{html}");
        assert!(
            html.contains("http://c.example &lt;b&gt;&quot;x&quot;&lt;/b&gt;</textarea>"),
            "{html}"
        );
        assert!(!html.contains("data-hit"), "a refusal counts no view");
        // With a fresh token the corrected comment goes through.
        let again = form_fields(&html);
        let r = post(
            &app,
            &path,
            &again,
            &[("name", "Անի"), ("body", "Մեկ հղում՝ http://a.example")],
            "192.0.2.20",
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        // A name too long, and an altered form: each named in Armenian.
        let long = "Ա".repeat(81);
        let kept = format!(r#"value="{}" aria-invalid="true""#, "Ա".repeat(80));
        for (extra, says, field) in [
            (
                vec![("name", long.as_str()), ("body", "Բարև")],
                "Գրեք անուն՝ 1-ից 80 նիշ։",
                kept.as_str(),
            ),
            (
                vec![("name", "Ani"), ("body", "Բարև ձեզ"), ("token", "00")],
                "Ձևաթուղթը հնացել է",
                r#"aria-describedby="comment-error" autofocus>"#,
            ),
        ] {
            let r = post(&app, &path, &fields, &extra, "192.0.2.21").await;
            assert_eq!(r.status().as_u16(), 400);
            let html = r.text().await.unwrap();
            assert!(html.contains(says), "{says}: {html}");
            assert!(html.contains(field), "{field}: {html}");
        }
        // Another site posting the form: refused, said in Armenian.
        let r = from_another_site(&app, &path, &fields).await;
        assert_eq!(r.status().as_u16(), 403);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Այս ձևաթուղթն ուղարկվել է այլ կայքից։")
        );
    }
);
