//! Readers' comments: what a comment may hold, when it is refused as spam,
//! and moderation. The defences need no outside service: a per-network
//! posting limit, lengths, a cap on links (counted after cleaning, so that
//! entity-encoded and protocol-relative links count too), a duplicate
//! check, replies only to published comments of the same story, and
//! cleaning with ammonia. The web layer adds its own (honeypot, signed form
//! token with a minimum time, same-origin check).

use std::{collections::HashSet, net::IpAddr, num::NonZeroU32, sync::LazyLock};

use governor::{DefaultKeyedRateLimiter, Quota};
use jiff::Timestamp;

use gazette_domain::{ArticleId, Comment, CommentId, CommentStatus, NewComment};
use gazette_store::{Store, StoreError};

/// Longest name, e-mail address and comment accepted, in characters.
pub const MAX_NAME: usize = 80;
pub const MAX_EMAIL: usize = 254;
pub const MAX_BODY: usize = 5000;
pub const MIN_BODY: usize = 2;
/// More links than this and a comment is refused as likely spam.
pub const MAX_LINKS: usize = 2;

/// Why a comment was not posted. The messages are for the reader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("Too many comments from your network; wait a while and try again.")]
    TooMany,
    #[error(
        "Your comment was not posted: give a name of 1 to {MAX_NAME} characters, without control characters."
    )]
    Name,
    #[error(
        "Your comment was not posted: the e-mail address does not look right (or leave it empty)."
    )]
    Email,
    #[error(
        "Your comment was not posted: write between {MIN_BODY} and {MAX_BODY} characters (this one has {0})."
    )]
    Length(usize),
    #[error("Your comment was not posted: it has more than {MAX_LINKS} links.")]
    Links,
    #[error(
        "Your comment was not posted: the comment you reply to is not published on this story."
    )]
    Reply,
    #[error("Your comment was not posted: the same comment is already on this story.")]
    Duplicate,
}

/// Why [`Comments::submit`] failed.
#[derive(Debug, thiserror::Error)]
pub enum CommentError {
    #[error(transparent)]
    Rejected(#[from] Rejection),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A comment as a reader sent it.
pub struct Submission<'a> {
    pub article: ArticleId,
    pub parent: Option<CommentId>,
    pub name: &'a str,
    pub email: &'a str,
    pub body: &'a str,
    pub client: IpAddr,
}

/// What a moderator does to a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    Approve,
    Spam,
    /// Back to the queue.
    Pending,
    Delete,
}

impl Moderation {
    /// Its name in forms and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Moderation::Approve => "approve",
            Moderation::Spam => "spam",
            Moderation::Pending => "pending",
            Moderation::Delete => "delete",
        }
    }
}

impl std::str::FromStr for Moderation {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "approve" => Ok(Moderation::Approve),
            "spam" => Ok(Moderation::Spam),
            "pending" => Ok(Moderation::Pending),
            "delete" => Ok(Moderation::Delete),
            _ => Err(()),
        }
    }
}

pub struct Comments {
    limiter: DefaultKeyedRateLimiter<[u8; 8]>,
}

impl Comments {
    /// `per_hour` comments one network (IPv4 address, IPv6 /64) may post
    /// to one node in an hour.
    pub fn new(per_hour: u32) -> Self {
        let n = NonZeroU32::new(per_hour.max(1)).expect("at least one");
        let quota = Quota::with_period(std::time::Duration::from_secs(3600) / n.get())
            .expect("a positive period")
            .allow_burst(n);
        Comments {
            limiter: DefaultKeyedRateLimiter::keyed(quota),
        }
    }

    /// Lets the rate limiter forget quiet networks.
    pub fn tidy(&self) {
        self.limiter.retain_recent();
    }

    /// Checks a reader's comment against every rule and stores it as
    /// pending.
    pub async fn submit(
        &self,
        store: &dyn Store,
        sub: &Submission<'_>,
        now: Timestamp,
    ) -> Result<Comment, CommentError> {
        if self.limiter.check_key(&network(sub.client)).is_err() {
            return Err(Rejection::TooMany.into());
        }
        let name = sub.name.trim();
        if !valid_name(name) {
            return Err(Rejection::Name.into());
        }
        let email = sub.email.trim();
        if !email.is_empty() && !valid_email(email) {
            return Err(Rejection::Email.into());
        }
        let body = strip_controls(sub.body.trim());
        let length = body.chars().count();
        if !(MIN_BODY..=MAX_BODY).contains(&length) {
            return Err(Rejection::Length(length).into());
        }
        if count_links(&body) > MAX_LINKS {
            return Err(Rejection::Links.into());
        }
        if let Some(parent) = sub.parent {
            match store.comment(parent).await {
                Ok(p) if p.article == sub.article && p.status == CommentStatus::Approved => {}
                Ok(_) | Err(StoreError::NotFound) => return Err(Rejection::Reply.into()),
                Err(e) => return Err(e.into()),
            }
        }
        let fingerprint = fingerprint(&body);
        if store.comment_seen(sub.article, &fingerprint).await? {
            return Err(Rejection::Duplicate.into());
        }
        let comment = NewComment {
            article: sub.article,
            parent: sub.parent,
            author_name: name.to_owned(),
            author_email: (!email.is_empty()).then(|| email.to_owned()),
            body_html: clean(&body),
            fingerprint,
        };
        Ok(store.add_comment(&comment, now).await?)
    }

    /// Applies a moderator's decision; returns the comment as it now is
    /// (`None` once deleted).
    pub async fn moderate(
        &self,
        store: &dyn Store,
        id: CommentId,
        action: Moderation,
    ) -> Result<Option<Comment>, StoreError> {
        let status = match action {
            Moderation::Approve => CommentStatus::Approved,
            Moderation::Spam => CommentStatus::Spam,
            Moderation::Pending => CommentStatus::Pending,
            Moderation::Delete => {
                store.delete_comment(id).await?;
                return Ok(None);
            }
        };
        Ok(Some(store.set_comment_status(id, status).await?))
    }
}

/// The IPv4 address or IPv6 /64 a client posts from.
fn network(ip: IpAddr) -> [u8; 8] {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let mut k = [0u8; 8];
            k[..4].copy_from_slice(&v4.octets());
            k[7] = 4;
            k
        }
        IpAddr::V6(v6) => v6.octets()[..8].try_into().expect("8 bytes"),
    }
}

/// A name is 1 to [`MAX_NAME`] characters with no control characters and
/// no invisible text-direction overrides (which can disguise a name).
pub fn valid_name(name: &str) -> bool {
    let n = name.chars().count();
    (1..=MAX_NAME).contains(&n) && !name.chars().any(is_hidden_control)
}

fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

fn valid_email(email: &str) -> bool {
    email.len() <= MAX_EMAIL
        && email.contains('@')
        && !email.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Removes control characters other than line breaks and tabs.
pub(crate) fn strip_controls(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect()
}

/// What a reader may use in a comment. Everything else is removed, and
/// links must be absolute (http, https, mailto).
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
    .url_relative(ammonia::UrlRelative::Deny)
    .link_rel(Some("nofollow ugc noopener noreferrer"));
    b
});

/// Text only: every tag removed, character references decoded.
static TEXT_ONLY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(ammonia::Builder::empty);

/// A comment's text as safe HTML: paragraphs on blank lines, line breaks
/// kept, a few inline tags allowed, links marked `nofollow ugc`.
pub fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut html = String::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        // Text already in paragraphs (a comment carried over from another
        // system) keeps them.
        if para.starts_with("<p>") && para.ends_with("</p>") {
            html.push_str(para);
            continue;
        }
        html.push_str("<p>");
        html.push_str(&para.replace('\n', "<br>"));
        html.push_str("</p>");
    }
    CLEANER.clean(&html).to_string()
}

/// Anchors a comment's links survive as for counting: relative and
/// protocol-relative ones too (they are removed from what is shown, but
/// `//host` is still a link someone meant to plant).
static LINKS: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.add_tags(["a"])
        .add_tag_attributes("a", ["href"])
        .url_relative(ammonia::UrlRelative::PassThrough);
    b
});

/// How many links a comment holds once cleaned: anchors to other sites,
/// plus addresses left in its text, however they were written
/// (`http://`, `//host`, `www.`, or spelled with character references).
/// Relative links (`/admin`) are not links to elsewhere and are dropped
/// from the comment anyway.
pub fn count_links(text: &str) -> usize {
    let html = LINKS.clean(text).to_string();
    let tags = html
        .match_indices(" href=\"")
        .filter(|(i, m)| {
            let href = &html[i + m.len()..];
            let relative = href.starts_with('/') && !href.starts_with("//");
            !relative && !href.starts_with('#')
        })
        .count();
    let plain = TEXT_ONLY.clean(text).to_string();
    // The text-only cleaner escapes & < > again; undo those three so that
    // the text is what the reader would see.
    let plain = plain
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .to_lowercase();
    let mut bare = 0;
    for (i, _) in plain.match_indices("//") {
        let before = plain[..i].chars().next_back();
        let after = &plain[i + 2..];
        let host: &str = after
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        let starts_link = before.is_none_or(|c| c.is_whitespace() || ":(\"'<>[".contains(c));
        if starts_link
            && host.chars().next().is_some_and(char::is_alphanumeric)
            && host.contains('.')
        {
            bare += 1;
        }
    }
    for (i, _) in plain.match_indices("www.") {
        if !plain[..i].ends_with("//") {
            bare += 1;
        }
    }
    tags + bare
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
    use rstest::rstest;

    #[test]
    fn scripts_and_attributes_are_removed() {
        let html =
            clean("<script>alert(1)</script>Hi <b onclick=\"x()\">there</b> <img src=x onerror=y>");
        assert_eq!(html, "<p>Hi <b>there</b> </p>");
    }

    #[test]
    fn links_get_nofollow_ugc_and_bad_or_relative_urls_go() {
        let html = clean(
            r#"<a href="https://example.org/x">site</a> <a href="javascript:alert(1)">bad</a> <a href="/admin">rel</a>"#,
        );
        assert!(
            html.contains(
                r#"<a href="https://example.org/x" rel="nofollow ugc noopener noreferrer">site</a>"#
            ),
            "{html}"
        );
        assert!(!html.contains("javascript"), "{html}");
        assert!(!html.contains("/admin"), "{html}");
    }

    #[test]
    fn paragraphs_and_line_breaks() {
        assert_eq!(
            clean("one\ntwo\r\n\r\nthree"),
            "<p>one<br>two</p><p>three</p>"
        );
        assert_eq!(clean("I <3 this & that"), "<p>I &lt;3 this &amp; that</p>");
    }

    #[rstest]
    #[case("no links here", 0)]
    #[case("see https://www.a.org and http://b.org and www.c.org", 3)]
    #[case("<a href=\"https://a.org\">one</a>", 1)]
    #[case("//evil.example and //evil2.example", 2)]
    #[case("h&#116;tp&#58;&#47;&#47;evil.example", 1)]
    #[case("<a href=\"//evil.example\">x</a> w&#119;w.spam.example", 2)]
    #[case("ratio 1//2 or a // comment", 0)]
    #[case("<a href=\"/relative\">x</a>", 0)]
    fn links_are_counted_after_cleaning(#[case] text: &str, #[case] want: usize) {
        assert_eq!(count_links(text), want, "{text}");
    }

    #[test]
    fn fingerprints_fold_case_and_spacing() {
        assert_eq!(
            fingerprint("Great  article!\n"),
            fingerprint("great article!")
        );
        assert_ne!(fingerprint("great article"), fingerprint("bad article"));
    }

    #[rstest]
    #[case("Ani", true)]
    #[case("Շողիկ Գալստյան", true)]
    #[case("", false)]
    #[case("Bell\u{7}", false)]
    #[case("Line\nbreak", false)]
    #[case("evil\u{202E}gnp.exe", false)]
    #[case("\u{1b}[31mred", false)]
    fn names_without_control_characters(#[case] name: &str, #[case] ok: bool) {
        assert_eq!(valid_name(name), ok, "{name:?}");
        assert!(!valid_name(&"x".repeat(MAX_NAME + 1)));
    }

    #[test]
    fn posting_is_rate_limited_per_network() {
        let g = Comments::new(3);
        let allowed = (0..10)
            .filter(|i| {
                let ip: IpAddr = format!("2001:db8::{i:x}").parse().unwrap();
                g.limiter.check_key(&network(ip)).is_ok()
            })
            .count();
        assert_eq!(allowed, 3);
        assert!(
            g.limiter
                .check_key(&network("10.1.1.2".parse().unwrap()))
                .is_ok()
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The comment form's fields, whatever they hold: an answer, never
        /// a panic; cleaned text keeps no script and no event handler.
        #[test]
        fn form_fields_never_panic(name in ".{0,100}", body in ".{0,400}", html in "[<>a-z =\"'/:;&#0-9()]{0,200}") {
            let _ = valid_name(&name);
            let _ = valid_email(&name);
            let _ = count_links(&body);
            let _ = fingerprint(&body);
            for text in [&body, &html] {
                let cleaned = clean(text).to_lowercase();
                // Every '<' left opens a tag (text's are escaped); no tag
                // may be a script or carry a handler or a script URL.
                for tag in cleaned.split('<').skip(1) {
                    let tag = tag.split('>').next().unwrap_or("");
                    prop_assert!(!tag.starts_with("script"), "{cleaned}");
                    prop_assert!(!tag.contains(" on"), "{cleaned}");
                    prop_assert!(!tag.contains("javascript:"), "{cleaned}");
                }
            }
        }
    }
}
