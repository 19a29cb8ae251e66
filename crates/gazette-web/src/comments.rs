//! Readers' comments: cleaning what they write, and the spam defences
//! that need no outside service (honeypot, minimum time, per-client rate
//! limit, link cap, duplicate check).

use std::{collections::HashSet, net::IpAddr, num::NonZeroU32, sync::LazyLock};

use governor::{DefaultKeyedRateLimiter, Quota};

/// Longest name, e-mail address and comment accepted, in characters.
pub const MAX_NAME: usize = 80;
pub const MAX_EMAIL: usize = 254;
pub const MAX_BODY: usize = 5000;
/// More links than this and a comment is refused as likely spam.
pub const MAX_LINKS: usize = 2;

/// Per-client limits on posting.
pub struct CommentGuard {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl CommentGuard {
    pub fn new(per_hour: u32) -> Self {
        let n = NonZeroU32::new(per_hour.max(1)).expect("at least one");
        let quota = Quota::with_period(std::time::Duration::from_secs(3600) / n.get())
            .expect("a positive period")
            .allow_burst(n);
        CommentGuard {
            limiter: DefaultKeyedRateLimiter::keyed(quota),
        }
    }

    pub fn allow(&self, client: IpAddr) -> bool {
        self.limiter.check_key(&client).is_ok()
    }

    pub fn tidy(&self) {
        self.limiter.retain_recent();
    }
}

/// What a reader may use in a comment. Everything else is removed.
static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.add_tags([
        "a",
        "em",
        "strong",
        "i",
        "b",
        "blockquote",
        "code",
        "br",
        "p",
    ])
    .add_tag_attributes("a", ["href"])
    .url_schemes(HashSet::from(["http", "https", "mailto"]))
    .link_rel(Some("nofollow ugc noopener noreferrer"));
    b
});

/// A comment's text as safe HTML: paragraphs on blank lines, line breaks
/// kept, a few inline tags allowed, links marked `nofollow ugc`.
pub fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut html = String::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        html.push_str("<p>");
        html.push_str(&para.replace('\n', "<br>"));
        html.push_str("</p>");
    }
    CLEANER.clean(&html).to_string()
}

/// How many links a text holds, written as tags or as bare addresses.
pub fn count_links(text: &str) -> usize {
    let lower = text.to_lowercase();
    ["http://", "https://", "www."]
        .iter()
        .map(|p| lower.matches(p).count())
        .sum::<usize>()
        - lower.matches("http://www.").count()
        - lower.matches("https://www.").count()
}

/// A digest of the text with case and spacing folded, to spot the same
/// comment sent twice.
pub fn fingerprint(text: &str) -> String {
    let folded: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    blake3::hash(folded.as_bytes()).to_hex()[..32].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_attributes_are_removed() {
        let html =
            clean("<script>alert(1)</script>Hi <b onclick=\"x()\">there</b> <img src=x onerror=y>");
        assert_eq!(html, "<p>Hi <b>there</b> </p>");
    }

    #[test]
    fn links_get_nofollow_ugc_and_bad_schemes_go() {
        let html = clean(
            r#"<a href="https://example.org/x">site</a> <a href="javascript:alert(1)">bad</a>"#,
        );
        assert!(
            html.contains(
                r#"<a href="https://example.org/x" rel="nofollow ugc noopener noreferrer">site</a>"#
            ),
            "{html}"
        );
        assert!(!html.contains("javascript"), "{html}");
    }

    #[test]
    fn paragraphs_and_line_breaks() {
        assert_eq!(
            clean("one\ntwo\r\n\r\nthree"),
            "<p>one<br>two</p><p>three</p>"
        );
        assert_eq!(clean("I <3 this & that"), "<p>I &lt;3 this &amp; that</p>");
    }

    #[test]
    fn links_are_counted_once_each() {
        assert_eq!(
            count_links("see https://www.a.org and http://b.org and www.c.org"),
            3
        );
        assert_eq!(count_links("no links here"), 0);
    }

    #[test]
    fn fingerprints_fold_case_and_spacing() {
        assert_eq!(
            fingerprint("Great  article!\n"),
            fingerprint("great article!")
        );
        assert_ne!(fingerprint("great article"), fingerprint("bad article"));
    }

    #[test]
    fn posting_is_rate_limited_per_client() {
        let g = CommentGuard::new(3);
        let ip: IpAddr = "10.1.1.1".parse().unwrap();
        assert_eq!((0..10).filter(|_| g.allow(ip)).count(), 3);
        assert!(g.allow("10.1.1.2".parse().unwrap()));
    }
}
