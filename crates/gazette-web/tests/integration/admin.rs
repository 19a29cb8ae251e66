//! The admin over HTTP: sign-in, sessions in the store, lockout, CSRF,
//! the role matrix on every route, moderation and the audit log.

use gazette_core::accounts::{Permission, can};
use gazette_domain::{ArticleStatus, Role};
use gazette_testkit::{Engine, engines};
use reqwest::{StatusCode, header};

use crate::util::{TestApp, days_ago};

pub(crate) const PASSWORD: &str = "correct horse battery";

/// The value of `<input name="NAME" value="...">` in `html`.
pub(crate) fn input(html: &str, name: &str) -> String {
    let at = html
        .find(&format!(r#"name="{name}" value=""#))
        .unwrap_or_else(|| panic!("no {name} field in {html}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// Signs in from `ip`; the answer, and the session cookie when one was set.
async fn try_sign_in(
    app: &TestApp,
    email: &str,
    password: &str,
    ip: &str,
) -> (StatusCode, String, Option<String>) {
    let form = app.text("/admin/sign-in").await;
    let r = app
        .http
        .post(app.url("/admin/sign-in"))
        .header("X-Forwarded-For", ip)
        .form(&[
            ("email", email),
            ("password", password),
            ("ts", &input(&form, "ts")),
            ("token", &input(&form, "token")),
            ("next", "/admin/comments"),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status();
    let cookie = r
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gazette_session=") && !v.starts_with("gazette_session=;"))
        .map(str::to_owned);
    let location = r
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_owned());
    let body = r.text().await.unwrap();
    (status, location.unwrap_or(body), cookie)
}

/// A signed-in session's cookie (`name=value`).
pub(crate) async fn signed_in(app: &TestApp, email: &str) -> String {
    let (status, _, cookie) = try_sign_in(app, email, PASSWORD, "192.0.2.9").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{email} signs in");
    cookie.unwrap().split(';').next().unwrap().to_owned()
}

pub(crate) async fn get_as(app: &TestApp, cookie: Option<&str>, path: &str) -> reqwest::Response {
    let mut r = app.http.get(app.url(path));
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.send().await.unwrap()
}

pub(crate) async fn post_as(
    app: &TestApp,
    cookie: Option<&str>,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut r = app.http.post(app.url(path)).form(form);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.send().await.unwrap()
}

/// The CSRF token of the session behind `cookie`.
pub(crate) async fn csrf(app: &TestApp, cookie: &str) -> String {
    let html = get_as(app, Some(cookie), "/admin")
        .await
        .text()
        .await
        .unwrap();
    input(&html, "csrf")
}

pub(crate) async fn add(app: &TestApp, email: &str, role: Role) -> gazette_domain::User {
    app.core
        .add_user(None, email, "", role, PASSWORD)
        .await
        .unwrap()
}

engines!(
    signing_in_sessions_and_lockout,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        add(&app, "ani@example.org", Role::Editor).await;
        // Signed out: pages lead to the sign-in form, forms are refused.
        let r = get_as(&app, None, "/admin/comments?status=spam").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers()[header::LOCATION],
            "/admin/sign-in?next=%2Fadmin%2Fcomments%3Fstatus%3Dspam"
        );
        // A wrong password: the form again, the address kept, the problem named.
        let (status, body, cookie) =
            try_sign_in(&app, "Ani@Example.org", "wrong password!", "192.0.2.1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(cookie.is_none());
        assert!(body.contains(r#"value="Ani@Example.org""#), "{body}");
        assert!(body.contains("do not match an account"), "{body}");
        // The right one, in another case: a session cookie and the page asked for.
        let (status, location, cookie) =
            try_sign_in(&app, "ANI@example.org", PASSWORD, "192.0.2.1").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, "/admin/comments");
        let set = cookie.unwrap();
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(set.contains(flag), "{flag} in {set}");
        }
        assert!(!set.contains("Secure"), "plain http here: {set}");
        let cookie = set.split(';').next().unwrap().to_owned();
        let r = get_as(&app, Some(&cookie), "/admin").await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store");
        // The session lives in the store: another node (or this one after
        // a restart) knows it.
        let other = app.another_node().await;
        assert_eq!(get_as(&other, Some(&cookie), "/admin").await.status(), 200);
        // A forged or stale cookie is nobody.
        let forged = format!("gazette_session={}", "ab".repeat(32));
        assert_eq!(
            get_as(&app, Some(&forged), "/admin").await.status(),
            StatusCode::SEE_OTHER
        );
        // Signing out ends the session on every node.
        let token = csrf(&app, &cookie).await;
        let r = post_as(&app, Some(&cookie), "/admin/sign-out", &[("csrf", &token)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            get_as(&other, Some(&cookie), "/admin").await.status(),
            StatusCode::SEE_OTHER
        );
        // Five wrong passwords from five addresses lock the account on
        // every node, even for the right password...
        for i in 0..5 {
            let (status, _, _) = try_sign_in(
                &app,
                "ani@example.org",
                "guess guess guess",
                &format!("198.51.100.{i}"),
            )
            .await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, body, cookie) =
            try_sign_in(&other, "ani@example.org", PASSWORD, "203.0.113.7").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(cookie.is_none());
        assert!(body.contains("too many failed sign-ins"), "{body}");
        // ...until a password reset (the command line's) lifts it.
        app.core
            .reset_password("ani@example.org", "another good password")
            .await
            .unwrap();
        let (status, _, _) = try_sign_in(
            &other,
            "ani@example.org",
            "another good password",
            "203.0.113.7",
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        // One address guessing at many accounts is slowed too.
        for i in 0..5 {
            try_sign_in(
                &app,
                &format!("x{i}@example.org"),
                "nope nope nope",
                "192.0.2.200",
            )
            .await;
        }
        let (status, _, _) = try_sign_in(
            &app,
            "ani@example.org",
            "another good password",
            "192.0.2.200",
        )
        .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    }
);

/// What a route needs, and a form that would change something.
struct Route {
    method: &'static str,
    path: String,
    needs: Permission,
    form: Vec<(&'static str, String)>,
}

engines!(
    every_admin_route_by_every_role,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (story, _) = app.story("a", "A Story", days_ago(1)).await;
        let target = add(&app, "target@example.org", Role::Contributor).await;
        let mut sessions = vec![(None, None)];
        for role in Role::ALL {
            let email = format!("{role}@example.org");
            add(&app, &email, role).await;
            sessions.push((Some(role), Some(signed_in(&app, &email).await)));
        }
        for (role, cookie) in &sessions {
            let comment = app.pending_comment(story).await;
            let newest = app
                .store
                .revisions(story, 1)
                .await
                .unwrap()
                .first()
                .map_or(0, |r| r.number);
            let routes = [
                Route {
                    method: "GET",
                    path: "/admin".into(),
                    needs: Permission::Dashboard,
                    form: vec![],
                },
                Route {
                    method: "GET",
                    path: "/admin/account".into(),
                    needs: Permission::Dashboard,
                    form: vec![],
                },
                Route {
                    method: "GET",
                    path: "/admin/comments".into(),
                    needs: Permission::ModerateComments,
                    form: vec![],
                },
                Route {
                    method: "GET",
                    path: "/admin/comments?status=spam&page=2".into(),
                    needs: Permission::ModerateComments,
                    form: vec![],
                },
                Route {
                    method: "GET",
                    path: "/admin/users".into(),
                    needs: Permission::ManageAccounts,
                    form: vec![],
                },
                Route {
                    method: "GET",
                    path: "/admin/audit".into(),
                    needs: Permission::ReadAudit,
                    form: vec![],
                },
                Route {
                    method: "GET",
                    path: "/admin/stories?status=draft&q=story&section=harbour-coast&page=2".into(),
                    needs: Permission::WriteDrafts,
                    form: vec![],
                },
                Route {
                    method: "POST",
                    path: "/admin/account/tokens".into(),
                    needs: Permission::Dashboard,
                    form: vec![("name", format!("token of {role:?}"))],
                },
                Route {
                    method: "GET",
                    path: "/admin/newsroom".into(),
                    needs: Permission::ManageNewsroom,
                    form: vec![],
                },
                Route {
                    method: "GET",
                    path: "/admin/media?q=market&page=2".into(),
                    needs: Permission::WriteDrafts,
                    form: vec![],
                },
                Route {
                    method: "GET",
                    path: "/admin/stories/new".into(),
                    needs: Permission::WriteDrafts,
                    form: vec![],
                },
                Route {
                    method: "POST",
                    path: "/admin/stories/new".into(),
                    needs: Permission::WriteDrafts,
                    form: vec![
                        ("headline", format!("Draft By {role:?}")),
                        ("body", "Words.".into()),
                        ("action", "draft".into()),
                    ],
                },
                Route {
                    method: "POST",
                    path: "/admin/stories/new".into(),
                    needs: Permission::PublishOwn,
                    form: vec![
                        ("headline", format!("Published By {role:?}")),
                        ("body", "Words.".into()),
                        ("action", "publish".into()),
                    ],
                },
                Route {
                    method: "GET",
                    path: format!("/admin/stories/{story}"),
                    needs: Permission::EditAny,
                    form: vec![],
                },
                Route {
                    method: "GET",
                    path: format!("/admin/stories/{story}/revisions"),
                    needs: Permission::EditAny,
                    form: vec![],
                },
                Route {
                    method: "POST",
                    path: format!("/admin/stories/{story}"),
                    needs: Permission::EditAny,
                    form: vec![
                        ("headline", format!("A Story, Edited By {role:?}")),
                        ("body", "Words.".into()),
                        ("action", "keep".into()),
                        ("revision", newest.to_string()),
                    ],
                },
                Route {
                    method: "POST",
                    path: "/admin/stories/preview".into(),
                    needs: Permission::WriteDrafts,
                    form: vec![
                        ("headline", "Only A Preview".into()),
                        ("body", "Words.".into()),
                    ],
                },
                Route {
                    method: "POST",
                    path: "/admin/comments".into(),
                    needs: Permission::ModerateComments,
                    form: vec![("action", "approve".into()), ("id", comment.id.to_string())],
                },
                Route {
                    method: "POST",
                    path: "/admin/users".into(),
                    needs: Permission::ManageAccounts,
                    form: vec![
                        (
                            "email",
                            format!("new-{}@example.org", role.map_or("none", Role::as_str)),
                        ),
                        ("role", "author".into()),
                        ("password", PASSWORD.into()),
                    ],
                },
                Route {
                    method: "POST",
                    path: format!("/admin/users/{}/byline", target.id),
                    needs: Permission::ManageAccounts,
                    form: vec![("byline", "Target Writer".into())],
                },
                Route {
                    method: "POST",
                    path: format!("/admin/users/{}/role", target.id),
                    needs: Permission::ManageAccounts,
                    form: vec![("role", "author".into())],
                },
                Route {
                    method: "POST",
                    path: "/admin/account/password".into(),
                    needs: Permission::Dashboard,
                    form: vec![
                        ("current", "not it at all".into()),
                        ("new", "x".into()),
                        ("again", "x".into()),
                    ],
                },
            ];
            let token = match cookie {
                Some(c) => Some(csrf(&app, c).await),
                None => None,
            };
            for route in &routes {
                let allowed = role.is_some_and(|r| can(r, route.needs));
                let who = format!("{role:?} {} {}", route.method, route.path);
                if route.method == "GET" {
                    let r = get_as(&app, cookie.as_deref(), &route.path).await;
                    let want = match (role, allowed) {
                        (None, _) => StatusCode::SEE_OTHER,
                        (_, true) => StatusCode::OK,
                        (_, false) => StatusCode::FORBIDDEN,
                    };
                    assert_eq!(r.status(), want, "{who}");
                    continue;
                }
                // Without the CSRF token: refused, for every role.
                let bare: Vec<(&str, &str)> =
                    route.form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let r = post_as(&app, cookie.as_deref(), &route.path, &bare).await;
                assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who} without a token");
                let mut wrong = bare.clone();
                wrong.push(("csrf", "0123456789abcdef"));
                let r = post_as(&app, cookie.as_deref(), &route.path, &wrong).await;
                assert_eq!(
                    r.status(),
                    StatusCode::FORBIDDEN,
                    "{who} with a wrong token"
                );
                // With it: allowed or forbidden by the matrix.
                let mut full = bare.clone();
                if let Some(t) = &token {
                    full.push(("csrf", t));
                }
                let r = post_as(&app, cookie.as_deref(), &route.path, &full).await;
                if allowed {
                    assert!(
                        [
                            StatusCode::OK,
                            StatusCode::SEE_OTHER,
                            StatusCode::UNPROCESSABLE_ENTITY
                        ]
                        .contains(&r.status()),
                        "{who}: {}",
                        r.status()
                    );
                } else {
                    assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
                }
            }
            // What the refused requests did not change.
            let still = app
                .store
                .comments_with_status(
                    gazette_domain::CommentStatus::Pending,
                    gazette_store::Page::new(1, 100),
                )
                .await
                .unwrap()
                .iter()
                .any(|c| c.id == comment.id);
            let may_moderate = role.is_some_and(|r| can(r, Permission::ModerateComments));
            assert_eq!(
                still, !may_moderate,
                "{role:?}: the comment was approved only by a moderator"
            );
            let added = app
                .store
                .credentials(&format!(
                    "new-{}@example.org",
                    role.map_or("none", Role::as_str)
                ))
                .await
                .is_ok();
            assert_eq!(
                added,
                role == &Some(Role::Admin),
                "{role:?} adding an account"
            );
            let edited = app.store.articles_by_ids(&[story]).await.unwrap()[0]
                .headline
                .ends_with(&format!("By {role:?}"));
            assert_eq!(
                edited,
                role.is_some_and(|r| can(r, Permission::EditAny)),
                "{role:?}: only editors change a story they did not write"
            );
        }
        assert_eq!(app.store.user(target.id).await.unwrap().role, Role::Author);
        // Signing out and out everywhere: any role, with the token only.
        for role in Role::ALL {
            let email = format!("{role}@example.org");
            let cookie = signed_in(&app, &email).await;
            let second = signed_in(&app, &email).await;
            for path in ["/admin/sign-out", "/admin/account/sign-out-everywhere"] {
                assert_eq!(
                    post_as(&app, Some(&cookie), path, &[]).await.status(),
                    StatusCode::FORBIDDEN
                );
                assert_eq!(
                    post_as(&app, None, path, &[("csrf", "x")]).await.status(),
                    StatusCode::FORBIDDEN
                );
            }
            let token = csrf(&app, &cookie).await;
            let r = post_as(
                &app,
                Some(&cookie),
                "/admin/account/sign-out-everywhere",
                &[("csrf", &token)],
            )
            .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{role}");
            for c in [&cookie, &second] {
                assert_eq!(
                    get_as(&app, Some(c), "/admin").await.status(),
                    StatusCode::SEE_OTHER,
                    "{role}: every session ended"
                );
            }
        }
        // A form from another site is refused even with the token.
        let cookie = signed_in(&app, "admin@example.org").await;
        let token = csrf(&app, &cookie).await;
        let r = app
            .http
            .post(app.url("/admin/users"))
            .header(header::COOKIE, &cookie)
            .header(header::ORIGIN, "https://evil.example")
            .form(&[
                ("csrf", token.as_str()),
                ("email", "evil@example.org"),
                ("role", "admin"),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(app.store.credentials("evil@example.org").await.is_err());
    }
);

engines!(
    moderating_in_bulk_counts_at_once_and_is_audited,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let mut input = gazette_store::testing::sample("a", "Discussed Story", days_ago(1));
        input.legacy_comments = 0;
        input.status = ArticleStatus::Published;
        let saved = app.core.save_article(&input).await.unwrap();
        let path = format!("/articles/{}", saved.slug);
        let c1 = app.pending_comment(saved.id).await;
        let c2 = app.pending_comment(saved.id).await;
        let c3 = app.pending_comment(saved.id).await;
        add(&app, "ed@example.org", Role::Editor).await;
        let cookie = signed_in(&app, "ed@example.org").await;
        let queue = get_as(&app, Some(&cookie), "/admin/comments")
            .await
            .text()
            .await
            .unwrap();
        assert!(queue.contains("Discussed Story"), "{queue}");
        assert_eq!(queue.matches(r#"name="id""#).count(), 3);
        let token = csrf(&app, &cookie).await;
        let (a, b, c) = (c1.id.to_string(), c2.id.to_string(), c3.id.to_string());
        let r = post_as(
            &app,
            Some(&cookie),
            "/admin/comments",
            &[
                ("csrf", &token),
                ("status", "pending"),
                ("action", "approve"),
                ("id", &a),
                ("id", &b),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers()[header::LOCATION],
            "/admin/comments?status=pending"
        );
        // The story page counts them at once.
        let page = app.text(&path).await;
        assert!(page.contains("2 comments"), "{page}");
        let r = post_as(
            &app,
            Some(&cookie),
            "/admin/comments",
            &[("csrf", &token), ("action", "spam"), ("id", &c)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // Bad bulk requests are named, not guessed at.
        for (form, why) in [
            (
                vec![("csrf", token.as_str()), ("action", "approve")],
                "at least one",
            ),
            (
                vec![
                    ("csrf", token.as_str()),
                    ("action", "burn"),
                    ("id", a.as_str()),
                ],
                "choose approve",
            ),
            (
                vec![("csrf", token.as_str()), ("action", "approve"), ("id", "x")],
                "not a number",
            ),
        ] {
            let r = post_as(&app, Some(&cookie), "/admin/comments", &form).await;
            assert_eq!(r.status(), StatusCode::BAD_REQUEST);
            assert!(r.text().await.unwrap().contains(why), "{why}");
        }
        // The audit log: who approved what, filterable.
        let log = get_as(&app, Some(&cookie), "/admin/audit?action=comment.approve")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(log.matches("<td>comment.approve</td>").count(), 2, "{log}");
        assert!(log.contains("ed@example.org"));
        assert!(!log.contains("<td>comment.spam</td>"));
        let spam = get_as(&app, Some(&cookie), "/admin/audit?action=comment.spam")
            .await
            .text()
            .await
            .unwrap();
        assert!(spam.contains(&format!("comment {c}")), "{spam}");
        assert_eq!(
            get_as(&app, Some(&cookie), "/admin/audit?user=abc")
                .await
                .status(),
            StatusCode::BAD_REQUEST
        );
    }
);

engines!(
    account_forms_keep_input_and_name_the_problem,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let admin = add(&app, "boss@example.org", Role::Admin).await;
        let cookie = signed_in(&app, "boss@example.org").await;
        let token = csrf(&app, &cookie).await;
        let r = post_as(
            &app,
            Some(&cookie),
            "/admin/users",
            &[
                ("csrf", &token),
                ("email", "not-an-address"),
                ("name", "Mher <b>Sargsyan</b>"),
                ("role", "editor"),
                ("password", "short"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains(r#"value="not-an-address""#), "{html}");
        assert!(
            html.contains("Mher &lt;b&gt;Sargsyan&lt;/b&gt;"),
            "escaped, kept: {html}"
        );
        assert!(html.contains(r#"<option value="editor" selected>"#));
        assert!(html.contains(r#"id="u-email-error""#) && html.contains("name@example.org"));
        assert!(html.contains(r#"id="u-password-error""#) && html.contains("at least 10"));
        assert!(
            !html.contains(r#"value="short""#),
            "the password is never sent back"
        );
        // Taken address.
        let r = post_as(
            &app,
            Some(&cookie),
            "/admin/users",
            &[
                ("csrf", &token),
                ("email", "BOSS@example.org"),
                ("role", "author"),
                ("password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("already exists"));
        // The last admin keeps the role.
        let r = post_as(
            &app,
            Some(&cookie),
            &format!("/admin/users/{}/role", admin.id),
            &[("csrf", &token), ("role", "editor")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(app.store.user(admin.id).await.unwrap().role, Role::Admin);
        // A password change ends the other sessions, keeps this one.
        let other = signed_in(&app, "boss@example.org").await;
        let r = post_as(
            &app,
            Some(&cookie),
            "/admin/account/password",
            &[
                ("csrf", &token),
                ("current", PASSWORD),
                ("new", "a brand new secret"),
                ("again", "a different one!!"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("differ"));
        let r = post_as(
            &app,
            Some(&cookie),
            "/admin/account/password",
            &[
                ("csrf", &token),
                ("current", PASSWORD),
                ("new", "a brand new secret"),
                ("again", "a brand new secret"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let renewed = r
            .headers()
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        assert_eq!(
            get_as(&app, Some(&other), "/admin").await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            get_as(&app, Some(&cookie), "/admin").await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            get_as(&app, Some(&renewed), "/admin/account?done=password")
                .await
                .status(),
            200
        );
        let (status, _, _) =
            try_sign_in(&app, "boss@example.org", "a brand new secret", "192.0.2.50").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
);

engines!(
    sessions_end_after_fourteen_days_and_the_job_sweeps_them,
    |engine: Engine| async move {
        let clock = std::sync::Arc::new(gazette_core::ManualClock::new(jiff::Timestamp::now()));
        let app = TestApp::build(
            engine,
            crate::util::test_config(),
            gazette_core::CoreConfig::default(),
            clock.clone(),
        )
        .await;
        add(&app, "ani@example.org", Role::Author).await;
        let cookie = signed_in(&app, "ani@example.org").await;
        let token = cookie.trim_start_matches("gazette_session=").to_owned();
        let hash = gazette_core::accounts::token_hash(&token);
        let started = app.core.now();
        clock.advance(jiff::SignedDuration::from_hours(13 * 24));
        assert_eq!(get_as(&app, Some(&cookie), "/admin").await.status(), 200);
        clock.advance(jiff::SignedDuration::from_hours(2 * 24));
        assert_eq!(
            get_as(&app, Some(&cookie), "/admin").await.status(),
            StatusCode::SEE_OTHER,
            "expired after 14 days"
        );
        assert!(
            app.store.session(&hash, started).await.is_ok(),
            "still stored"
        );
        assert!(app.core.run_leased_jobs().await.unwrap());
        assert!(
            app.store.session(&hash, started).await.is_err(),
            "the job removed it"
        );
    }
);

engines!(
    the_story_list_filters_every_status,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        add(&app, "writer@example.org", Role::Contributor).await;
        let cookie = signed_in(&app, "writer@example.org").await;
        app.story("a", "Harbour Wall Repaired", days_ago(2)).await;
        let mut draft = gazette_store::testing::sample("b", "Harbour <Plan> Draft", days_ago(1));
        draft.status = ArticleStatus::Draft;
        app.core.save_article(&draft).await.unwrap();
        let mut later =
            gazette_store::testing::sample("c", "Tomorrow's Harbour Story", days_ago(-1));
        later.status = ArticleStatus::Published;
        app.core.save_article(&later).await.unwrap();
        let html = get_as(&app, Some(&cookie), "/admin/stories")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("<td>scheduled</td>"), "{html}");
        assert!(html.contains("<td>draft</td>"));
        assert!(html.contains("Harbour &lt;Plan&gt; Draft"), "escaped");
        assert!(html.contains(r#"<a href="/articles/harbour-wall-repaired">"#));
        let drafts = get_as(&app, Some(&cookie), "/admin/stories?status=draft&q=HARBOUR")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(drafts.matches("<tr><td>").count(), 1, "{drafts}");
        assert!(drafts.contains("Harbour &lt;Plan&gt; Draft"));
        // By byline, source and publish day, kept in the pager's links.
        let mut wired = gazette_store::testing::sample("w", "Wire Copy From Yerevan", days_ago(5));
        wired.contributors = vec!["Lilit Avetisyan".into()];
        wired.sources = vec![gazette_domain::SourceInput::named("Armenpress")];
        app.core.save_article(&wired).await.unwrap();
        let rows_of = |html: &str| html.matches("<tr><td>").count();
        let by = get_as(
            &app,
            Some(&cookie),
            "/admin/stories?contributor=lilit+avetisyan",
        )
        .await
        .text()
        .await
        .unwrap();
        assert_eq!(rows_of(&by), 1, "{by}");
        assert!(by.contains("Wire Copy From Yerevan"));
        assert!(
            by.contains(r#"value="Lilit Avetisyan""#),
            "the filter shown: {by}"
        );
        let from = get_as(&app, Some(&cookie), "/admin/stories?source=Armenpress")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(rows_of(&from), 1, "{from}");
        let day = days_ago(5).date().to_string();
        let on_day = get_as(
            &app,
            Some(&cookie),
            &format!("/admin/stories?from={day}&to={day}"),
        )
        .await
        .text()
        .await
        .unwrap();
        assert_eq!(rows_of(&on_day), 1, "{on_day}");
        assert!(on_day.contains("Wire Copy From Yerevan"));
        // Nonsense is named, never an error.
        let r = get_as(
            &app,
            Some(&cookie),
            "/admin/stories?contributor=Nobody+Here&source=%3Cb%3E&from=yesterday",
        )
        .await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("no contributor is named “Nobody Here”"),
            "{html}"
        );
        assert!(
            html.contains("no source is named “&lt;b&gt;”"),
            "escaped: {html}"
        );
        assert!(html.contains("“yesterday” is not a day"), "{html}");
        let r = get_as(
            &app,
            Some(&cookie),
            &format!(
                "/admin/stories?status=lost&section=nope&q={}",
                "x".repeat(300)
            ),
        )
        .await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("use draft, published or withdrawn"), "{html}");
        assert!(html.contains("there is no section “nope”"));
        assert!(html.contains("cut to its first 200"));
        assert!(html.contains("No story matches."));
        // 52 stories: page 1 shows 50, page 2 the other two, none lost
        // between them.
        let more: Vec<_> = (0..48)
            .map(|i| {
                gazette_store::testing::sample(
                    &format!("m{i}"),
                    &format!("Filler Story {i}"),
                    days_ago(3),
                )
            })
            .collect();
        app.core.save_articles(&more).await.unwrap();
        let page = |n: u32| {
            let app = &app;
            let cookie = cookie.clone();
            async move {
                let html = get_as(app, Some(&cookie), &format!("/admin/stories?page={n}"))
                    .await
                    .text()
                    .await
                    .unwrap();
                html.split("<tr><td>")
                    .skip(1)
                    .map(|r| r.split("</td>").next().unwrap().to_owned())
                    .collect::<Vec<_>>()
            }
        };
        let (one, two) = (page(1).await, page(2).await);
        assert_eq!((one.len(), two.len()), (50, 2));
        let mut all: Vec<_> = one.into_iter().chain(two).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 52, "every story on one page or the other");
    }
);

engines!(
    the_dashboard_charts_views_per_day,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (id, _) = app.story("a", "Much Read", days_ago(3)).await;
        let today = app.core.now_zoned();
        let mut rows = Vec::new();
        for (back, n) in [(0, 5u64), (2, 40), (40, 1000)] {
            let day = today.checked_sub(jiff::Span::new().days(back)).unwrap();
            rows.push(gazette_store::DailyViews {
                article: id,
                day: day.date(),
                week: gazette_domain::IsoWeek::of_zoned(&day).unwrap(),
                views: n,
            });
        }
        app.store.add_views(&rows).await.unwrap();
        add(&app, "author@example.org", Role::Author).await;
        let cookie = signed_in(&app, "author@example.org").await;
        let html = get_as(&app, Some(&cookie), "/admin")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("<svg"), "{html}");
        assert!(
            html.contains("45 counted views"),
            "the last 30 days only: {html}"
        );
        assert!(
            html.contains(&format!("<td>{}</td><td>5</td>", today.date())),
            "{html}"
        );
        assert_eq!(
            html.matches("<tr><td>").count(),
            30,
            "every day, none left out"
        );
    }
);

engines!(
    writing_a_story_drafts_publishes_and_schedules_by_role,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        add(&app, "cub@example.org", Role::Contributor).await;
        add(&app, "pen@example.org", Role::Author).await;
        let cub = signed_in(&app, "cub@example.org").await;
        let pen = signed_in(&app, "pen@example.org").await;
        let form = get_as(&app, Some(&cub), "/admin/stories/new")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            !form.contains(r#"value="publish""#),
            "a contributor is not offered publishing"
        );
        let cub_csrf = csrf(&app, &cub).await;
        let pen_csrf = csrf(&app, &pen).await;
        let story = |csrf: &str, headline: &str, action: &str, at: &str| {
            vec![
                ("csrf", csrf.to_owned()),
                ("headline", headline.to_owned()),
                ("standfirst", "What happened.".to_owned()),
                (
                    "body",
                    "The council met *late*.\n\n<script>alert(1)</script>Second paragraph."
                        .to_owned(),
                ),
                ("contributors", "Shoghik Galstian, Ani Hakobyan".to_owned()),
                ("sections", "Armenia & Karabakh, International".to_owned()),
                ("dateline_place", "Yerevan".to_owned()),
                ("sources", "Azatutyun".to_owned()),
                ("tags", "council".to_owned()),
                ("action", action.to_owned()),
                ("publish_at", at.to_owned()),
            ]
        };
        let send = |cookie: &str, fields: Vec<(&'static str, String)>| {
            let app = &app;
            let cookie = cookie.to_owned();
            async move {
                let pairs: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                post_as(app, Some(&cookie), "/admin/stories/new", &pairs).await
            }
        };
        // A contributor saves a draft; publishing is not theirs to do.
        let r = send(&cub, story(&cub_csrf, "Council Meets Late", "draft", "")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.get("/articles/council-meets-late").await.status(),
            404,
            "a draft is not on the site"
        );
        let r = send(&cub, story(&cub_csrf, "Council Meets Again", "publish", "")).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // An author publishes now: the page has the byline, the dateline with
        // its source, the Markdown as HTML and no script.
        let r = send(
            &pen,
            story(&pen_csrf, "Council Votes At Night", "publish", ""),
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = app.text("/articles/council-votes-at-night").await;
        assert!(page.contains("<em>late</em>"), "{page}");
        assert!(!page.contains("alert(1)</script>"), "cleaned");
        assert!(
            page.contains(r#"href="/contributors/shoghik-galstian""#),
            "a guest contributor made on the spot"
        );
        assert!(page.contains("YEREVAN"), "{page}");
        assert!(page.contains(r#"href="/sources/azatutyun""#));
        assert!(page.contains("Armenia &amp; Karabakh"));
        assert_eq!(
            app.get("/contributors/shoghik-galstian").await.status(),
            200
        );
        // A time in the past is named next to its field, the input kept.
        let r = send(
            &pen,
            story(&pen_csrf, "Budget Hearing", "schedule", "2001-01-01T09:00"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"id="publish_at-error""#) && html.contains("in the future"),
            "{html}"
        );
        assert!(html.contains(r#"value="Budget Hearing""#));
        let r = send(
            &pen,
            story(&pen_csrf, "Budget Hearing", "schedule", "next tuesday"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = send(&pen, story(&pen_csrf, "  ", "draft", "")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("write a headline"));
        // A future time: scheduled, not yet on the site.
        let later = app
            .core
            .now_zoned()
            .checked_add(jiff::Span::new().days(2))
            .unwrap()
            .datetime()
            .strftime("%Y-%m-%dT%H:%M")
            .to_string();
        let r = send(&pen, story(&pen_csrf, "Budget Hearing", "schedule", &later)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.get("/articles/budget-hearing").await.status(), 404);
        let list = get_as(&app, Some(&pen), "/admin/stories")
            .await
            .text()
            .await
            .unwrap();
        for want in [
            "Budget Hearing</a></td><td>scheduled",
            "Council Votes At Night</a> (<a href=\"/articles/council-votes-at-night\">on the site</a>)</td><td>published",
            "Council Meets Late</a></td><td>draft",
        ] {
            assert!(list.contains(want), "{want} in {list}");
        }
        // Without the token nothing is saved.
        let mut bare = story("", "Sneaky Story", "draft", "");
        bare.retain(|(k, _)| *k != "csrf");
        assert_eq!(send(&pen, bare).await.status(), StatusCode::FORBIDDEN);
        let all = app
            .store
            .staff_stories(
                &gazette_store::StoryFilter::default(),
                gazette_store::Page::new(1, 50),
            )
            .await
            .unwrap();
        assert_eq!(all.len(), 3, "draft, published, scheduled; nothing else");
        // The audit log says who did what.
        add(&app, "ed@example.org", Role::Editor).await;
        let ed = signed_in(&app, "ed@example.org").await;
        let log = get_as(&app, Some(&ed), "/admin/audit")
            .await
            .text()
            .await
            .unwrap();
        for action in ["story.draft", "story.publish", "story.schedule"] {
            assert!(
                log.contains(&format!("<td>{action}</td>")),
                "{action}: {log}"
            );
        }
    }
);

engines!(
    a_signed_in_admins_reading_is_not_counted,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (id, path) = app.story("a", "Read By Staff", days_ago(1)).await;
        add(&app, "ed@example.org", Role::Editor).await;
        let cookie = signed_in(&app, "ed@example.org").await;
        let hit = |cookie: Option<String>| {
            let app = &app;
            async move {
                let mut r = app
                    .http
                    .post(app.url(&format!("/hit/{}?t={}", id.0, app.token(id))))
                    .header("User-Agent", crate::util::FIREFOX)
                    .header("X-Forwarded-For", "203.0.113.20");
                if let Some(c) = cookie {
                    r = r.header(header::COOKIE, c);
                }
                r.send().await.unwrap()
            }
        };
        let r = hit(Some(cookie.clone())).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(r.headers()["gazette-hit"], "staff");
        let forged = format!("gazette_session={}", "cd".repeat(32));
        assert_eq!(
            hit(Some(forged)).await.status(),
            StatusCode::ACCEPTED,
            "a forged session is a reader"
        );
        assert_eq!(app.counted(&path).await, 1);
    }
);

engines!(
    personal_api_tokens_act_with_their_role_until_revoked,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (story, _) = app.story("a", "Discussed", days_ago(1)).await;
        let c = app.pending_comment(story).await;
        add(&app, "ed@example.org", Role::Editor).await;
        add(&app, "cub@example.org", Role::Contributor).await;
        let make = |cookie: String, name: &'static str| {
            let app = &app;
            async move {
                let token = csrf(app, &cookie).await;
                let r = post_as(
                    app,
                    Some(&cookie),
                    "/admin/account/tokens",
                    &[("csrf", &token), ("name", name)],
                )
                .await;
                assert_eq!(r.status(), 200);
                assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store");
                let html = r.text().await.unwrap();
                let at = html.find(r#"<code id="new-token">"#).expect("shown once") + 21;
                html[at..at + 68].to_owned()
            }
        };
        let ed = signed_in(&app, "ed@example.org").await;
        let ed_token = make(ed.clone(), "moderation script").await;
        assert!(ed_token.starts_with("gzt_"), "{ed_token}");
        let cub_token = make(signed_in(&app, "cub@example.org").await, "phone").await;
        let api = |token: String, method: &'static str, path: String| {
            let app = &app;
            async move {
                let r = if method == "GET" {
                    app.http.get(app.url(&path))
                } else {
                    app.http.post(app.url(&path))
                };
                r.bearer_auth(token)
                    .header("X-Forwarded-For", "192.0.2.77")
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(
            api(ed_token.clone(), "GET", "/api/comments".into()).await,
            200
        );
        assert_eq!(
            api(cub_token.clone(), "GET", "/api/comments".into()).await,
            403,
            "a contributor does not moderate"
        );
        assert_eq!(
            api(ed_token.clone(), "GET", "/api/metrics".into()).await,
            403,
            "metrics are an admin's"
        );
        assert_eq!(
            api(
                ed_token.clone(),
                "POST",
                format!("/api/comments/{}/approve", c.id)
            )
            .await,
            200
        );
        // Acting by token is audited under the account.
        let log = get_as(&app, Some(&ed), "/admin/audit?action=comment.approve")
            .await
            .text()
            .await
            .unwrap();
        assert!(log.contains("ed@example.org"), "{log}");
        // The account page lists it; an empty name is named.
        let page = get_as(&app, Some(&ed), "/admin/account")
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("<td>moderation script</td>"), "{page}");
        assert!(!page.contains(&ed_token), "never shown again");
        let token = csrf(&app, &ed).await;
        let r = post_as(
            &app,
            Some(&ed),
            "/admin/account/tokens",
            &[("csrf", &token), ("name", "  ")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // Revoked: refused at once. Another account cannot revoke it.
        let revoke = page
            .split(r#"action="/admin/account/tokens/"#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|rest| format!("/admin/account/tokens/{rest}"))
            .unwrap();
        let cub = signed_in(&app, "cub@example.org").await;
        let cub_csrf = csrf(&app, &cub).await;
        assert_eq!(
            post_as(&app, Some(&cub), &revoke, &[("csrf", &cub_csrf)])
                .await
                .status(),
            404
        );
        assert_eq!(
            post_as(&app, Some(&ed), &revoke, &[]).await.status(),
            403,
            "the CSRF token is needed"
        );
        assert_eq!(
            post_as(&app, Some(&ed), &revoke, &[("csrf", &token)])
                .await
                .status(),
            303
        );
        assert_eq!(
            api(ed_token.clone(), "GET", "/api/comments".into()).await,
            401
        );
        // Guessing at tokens locks the address out like guessing the
        // site's: the revoked try and four guesses make five failures.
        for _ in 0..4 {
            let guess = format!("gzt_{}", "0".repeat(64));
            assert_eq!(api(guess, "GET", "/api/comments".into()).await, 401);
        }
        assert_eq!(api(cub_token, "GET", "/api/comments".into()).await, 429);
    }
);

engines!(
    a_moderator_replies_as_staff_and_the_reply_shows_at_once,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let mut input = gazette_store::testing::sample("a", "Answered Story", days_ago(1));
        input.legacy_comments = 0;
        let saved = app.core.save_article(&input).await.unwrap();
        let path = format!("/articles/{}", saved.slug);
        let c = app.pending_comment(saved.id).await;
        add(&app, "ed@example.org", Role::Editor).await;
        let ed = signed_in(&app, "ed@example.org").await;
        let token = csrf(&app, &ed).await;
        let reply = format!("/admin/comments/{}/reply", c.id);
        // A pending comment is approved before it is answered.
        let r = post_as(
            &app,
            Some(&ed),
            &reply,
            &[("csrf", &token), ("text", "Thanks!")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("approve the comment before")
        );
        app.core
            .moderate(c.id, gazette_core::Moderation::Approve)
            .await
            .unwrap();
        let queue = get_as(&app, Some(&ed), "/admin/comments?status=approved")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            queue.contains(&format!(r#"form="reply-{}""#, c.id)),
            "{queue}"
        );
        assert_eq!(
            post_as(&app, Some(&ed), &reply, &[("text", "No token")])
                .await
                .status(),
            403
        );
        let r = post_as(
            &app,
            Some(&ed),
            &reply,
            &[
                ("csrf", &token),
                ("text", "Thanks, <script>x()</script>we fixed it."),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = app.text(&path).await;
        assert!(page.contains("2 comments"), "{page}");
        assert!(page.contains("we fixed it."), "{page}");
        assert!(!page.contains("<script>x()"), "cleaned");
        assert!(
            !page.contains("ed@example.org"),
            "the address is never shown"
        );
        // Only moderators reply.
        add(&app, "pen@example.org", Role::Author).await;
        let pen = signed_in(&app, "pen@example.org").await;
        let pen_token = csrf(&app, &pen).await;
        assert_eq!(
            post_as(
                &app,
                Some(&pen),
                &reply,
                &[("csrf", &pen_token), ("text", "Me too")]
            )
            .await
            .status(),
            403
        );
        let log = get_as(&app, Some(&ed), "/admin/audit?action=comment.reply")
            .await
            .text()
            .await
            .unwrap();
        assert!(log.contains(&format!("to comment {}", c.id)), "{log}");
    }
);

engines!(
    an_account_is_linked_to_its_byline,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        add(&app, "boss@example.org", Role::Admin).await;
        let pen = add(&app, "pen@example.org", Role::Author).await;
        let boss = signed_in(&app, "boss@example.org").await;
        let token = csrf(&app, &boss).await;
        let path = format!("/admin/users/{}/byline", pen.id);
        let r = post_as(
            &app,
            Some(&boss),
            &path,
            &[("csrf", &token), ("byline", "Lilit Pen")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let users = get_as(&app, Some(&boss), "/admin/users")
            .await
            .text()
            .await
            .unwrap();
        assert!(users.contains(r#"value="Lilit Pen""#), "{users}");
        // Her new stories start with her byline; she can still change it.
        let pen_cookie = signed_in(&app, "pen@example.org").await;
        let form = get_as(&app, Some(&pen_cookie), "/admin/stories/new")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            form.contains(r#"name="contributors" value="Lilit Pen""#),
            "{form}"
        );
        let c = app.store.linked_contributor(pen.id).await.unwrap().unwrap();
        assert_eq!(c.slug.as_str(), "lilit-pen");
        // Nonsense is named; empty unlinks; it is all audited.
        let r = post_as(
            &app,
            Some(&boss),
            &path,
            &[("csrf", &token), ("byline", "???")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let r = post_as(
            &app,
            Some(&boss),
            &path,
            &[("csrf", &token), ("byline", "")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(
            app.store
                .linked_contributor(pen.id)
                .await
                .unwrap()
                .is_none()
        );
        let log = get_as(&app, Some(&boss), "/admin/audit?action=user.byline")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(log.matches("<td>user.byline</td>").count(), 2, "{log}");
    }
);

engines!(
    editors_manage_sections_contributors_and_sources,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (id, path) = app.story("a", "A Story", days_ago(1)).await;
        add(&app, "ed@example.org", Role::Editor).await;
        add(&app, "pen@example.org", Role::Author).await;
        let ed = signed_in(&app, "ed@example.org").await;
        let pen = signed_in(&app, "pen@example.org").await;
        let token = csrf(&app, &ed).await;
        let story = app.store.articles_by_ids(&[id]).await.unwrap().remove(0);
        let ani = &story.contributors[0];
        let wire = &story.dateline.sources[0];
        let (harbour, world) = (&story.sections[0], &story.sections[1]);
        let page = get_as(&app, Some(&ed), "/admin/newsroom")
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains(&format!(r#"value="{}""#, ani.name)), "{page}");
        // A contributor renamed, with a biography: every page says so at
        // once, at the same address.
        let c_path = format!("/admin/newsroom/contributors/{}", ani.id);
        let r = post_as(
            &app,
            Some(&ed),
            &c_path,
            &[
                ("csrf", &token),
                ("name", "Ani Hakobyan-Petrosyan"),
                ("bio", "Covers the coast."),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(app.text(&path).await.contains("Ani Hakobyan-Petrosyan"));
        let bio = app.text(&format!("/contributors/{}", ani.slug)).await;
        assert!(bio.contains("Covers the coast."), "{bio}");
        // An author may not; nonsense is named.
        let pen_token = csrf(&app, &pen).await;
        let r = post_as(
            &app,
            Some(&pen),
            &c_path,
            &[("csrf", &pen_token), ("name", "Hijacked")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = post_as(
            &app,
            Some(&ed),
            &c_path,
            &[("csrf", &token), ("name", "!!")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let s_path = format!("/admin/newsroom/sources/{}", wire.id);
        let r = post_as(
            &app,
            Some(&ed),
            &s_path,
            &[
                ("csrf", &token),
                ("name", wire.name.as_str()),
                ("url", "javascript:alert(1)"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("full address"));
        let r = post_as(
            &app,
            Some(&ed),
            &s_path,
            &[
                ("csrf", &token),
                ("name", wire.name.as_str()),
                ("url", "https://wire.example/"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let source_page = app.text(&format!("/sources/{}", wire.slug)).await;
        assert!(
            source_page.contains("https://wire.example/"),
            "{source_page}"
        );
        // Sections: one under another, but never in a loop.
        let sec = |s: &gazette_domain::Section| format!("/admin/newsroom/sections/{}", s.id);
        let world_id = world.id.to_string();
        let r = post_as(
            &app,
            Some(&ed),
            &sec(harbour),
            &[
                ("csrf", &token),
                ("name", "Harbour & Coast"),
                ("parent", &world_id),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let harbour_id = harbour.id.to_string();
        let r = post_as(
            &app,
            Some(&ed),
            &sec(world),
            &[("csrf", &token), ("name", "World"), ("parent", &harbour_id)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("cannot be put under itself")
        );
        let sections = app.core.sections().await.unwrap();
        let h = sections.iter().find(|s| s.id == harbour.id).unwrap();
        assert_eq!(h.parent, Some(world.id));
        assert_eq!(sections.len(), 2, "no section lost to a loop");
        let log = get_as(&app, Some(&ed), "/admin/audit")
            .await
            .text()
            .await
            .unwrap();
        for action in ["contributor.edit", "source.edit", "section.edit"] {
            assert!(log.contains(&format!("<td>{action}</td>")), "{action}");
        }
    }
);
