//! The README's first command: a generated newsroom that looks real.

use crate::util::{Newsroom, stderr};
use gazette_testkit::{Engine, engines};

engines!(
    demo_newsroom_is_full_and_served,
    |engine: Engine| async move {
        let n = Newsroom::on(engine).await;
        let server = n.spawn(&["demo", "--listen", "127.0.0.1:0", "--articles", "500"]);
        let (status, home) = server.get("/").await;
        assert_eq!(status, 200);
        assert!(home.contains("The Meridian Courier"), "the demo's name");
        assert_eq!(
            home.matches(r#"<article class="summary">"#).count(),
            20,
            "a full first page"
        );
        assert!(home.contains(r#"rel="next" href="/page/2""#));
        let nav_sections = home.matches(r#"<li><a href="/sections/"#).count();
        assert!(
            nav_sections >= 6,
            "{nav_sections} sections in the navigation"
        );
        assert!(home.contains("<h2 id=\"top-strip-title\">"));
        assert!(home.contains("<ol>"), "this week's top stories are filled");
        // Datelines with sources link to source pages that list stories.
        let (status, wire) = server.get("/sources/meridian-wire").await;
        assert_eq!(status, 200);
        assert!(wire.contains(r#"<article class="summary">"#));
        // Page 25 of 500 stories exists, page 26 does not.
        assert_eq!(server.get("/page/25").await.0, 200);
        assert_eq!(server.get("/page/26").await.0, 404);
        drop(server);

        // Running the demo again keeps the newsroom as it is.
        let out = n.run(&["demo", "--no-serve"]);
        assert!(out.status.success());
        assert!(
            stderr(&out).contains("already holds a newsroom"),
            "{}",
            stderr(&out)
        );
    }
);

#[test]
fn demo_reports_what_it_made() {
    let n = Newsroom::new();
    let out = n.run(&["demo", "--no-serve", "--articles", "500"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let line = err
        .lines()
        .find(|l| l.starts_with("Done"))
        .expect("a summary line");
    let numbers: Vec<u32> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    // "Done in X.Y s: 500 articles, 10 sections, 24 contributors, 6 sources, N comments."
    let tail = &numbers[numbers.len() - 5..];
    assert_eq!(tail[0], 500);
    assert!(
        tail[1] >= 6 && tail[2] >= 20 && tail[3] >= 3 && tail[4] >= 100,
        "{line}"
    );
}
