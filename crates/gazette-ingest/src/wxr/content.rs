//! WordPress's stored text as HTML: block-editor comments removed,
//! shortcodes turned into elements, blank-line paragraphs into `<p>`
//! (WordPress's `wpautop`, which runs when a page is shown, not when it is
//! saved). The result is not yet safe: `gazette-core` sanitizes every body
//! before it is stored.

use std::sync::LazyLock;

use regex::Regex;

use super::map::Attachment;
use crate::html::escape;

static BLOCK_COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<!--\s*/?wp:[\s\S]*?-->").expect("pattern"));
static SHORTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)\[(caption|wp_caption|embed|gallery|audio|video)\b([^\]]*)\](?:(.*?)\[/(?:caption|wp_caption|embed|audio|video)\])?")
        .expect("pattern")
});
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([a-zA-Z0-9_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))"#).expect("pattern")
});
static IMG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)^\s*(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?").expect("pattern")
});

/// Tags that open a block: a run of text starting with one is not wrapped
/// in `<p>`.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "table",
    "pre",
    "hr",
    "iframe",
    "audio",
    "video",
    "section",
    "aside",
    "dl",
    "address",
    "form",
    "fieldset",
    "figcaption",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "style",
    "script",
];

/// Hosts whose players may be embedded, and the player URL for a page URL.
pub fn embed_player(url: &str) -> Option<String> {
    let u = url::Url::parse(url.trim()).ok()?;
    let host = u
        .host_str()?
        .trim_start_matches("www.")
        .trim_start_matches("m.");
    let id_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    match host {
        "youtube.com" => {
            let id = u
                .query_pairs()
                .find(|(k, _)| k == "v")
                .map(|(_, v)| v.into_owned())
                .or_else(|| {
                    u.path()
                        .strip_prefix("/embed/")
                        .map(|s| s.trim_end_matches('/').to_owned())
                })?;
            id_ok(&id).then(|| format!("https://www.youtube-nocookie.com/embed/{id}"))
        }
        "youtu.be" => {
            let id = u.path().trim_matches('/').to_owned();
            id_ok(&id).then(|| format!("https://www.youtube-nocookie.com/embed/{id}"))
        }
        "vimeo.com" => {
            let id = u.path().trim_matches('/').to_owned();
            (id_ok(&id) && id.chars().all(|c| c.is_ascii_digit()))
                .then(|| format!("https://player.vimeo.com/video/{id}"))
        }
        _ => None,
    }
}

/// Whether an iframe's `src` is one Gazette lets through: the players
/// [`embed_player`] writes.
pub fn is_allowed_player(src: &str) -> bool {
    [
        "https://www.youtube-nocookie.com/embed/",
        "https://player.vimeo.com/video/",
    ]
    .iter()
    .any(|p| {
        src.strip_prefix(p).is_some_and(|id| {
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
    })
}

fn attrs(s: &str) -> Vec<(String, String)> {
    ATTR.captures_iter(s)
        .map(|c| {
            let v = c
                .get(2)
                .or(c.get(3))
                .or(c.get(4))
                .map(|m| m.as_str())
                .unwrap_or("");
            (c[1].to_ascii_lowercase(), v.to_owned())
        })
        .collect()
}

fn attr<'a>(a: &'a [(String, String)], k: &str) -> Option<&'a str> {
    a.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

/// An attachment as a `<figure>` with its caption and credit.
pub fn figure_of(att: &Attachment, class: &str) -> String {
    let mut s = format!(
        "<figure class=\"{class}\"><img src=\"{}\" alt=\"{}\"",
        escape(&att.url),
        escape(&att.alt)
    );
    if let (Some(w), Some(h)) = (att.width, att.height) {
        s.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
    }
    s.push_str(" loading=\"lazy\">");
    let cap = caption_line(att);
    if !cap.is_empty() {
        s.push_str(&format!("<figcaption>{}</figcaption>", escape(&cap)));
    }
    s.push_str("</figure>");
    s
}

/// "Caption (Photo: credit)", or whichever of the two there is.
pub fn caption_line(att: &Attachment) -> String {
    match (att.caption.trim(), att.credit.trim()) {
        ("", "") => String::new(),
        (c, "") => c.to_owned(),
        ("", cr) => cr.to_owned(),
        (c, cr) if c.contains(cr) => c.to_owned(),
        (c, cr) => format!("{c} ({cr})"),
    }
}

/// The shortcodes WordPress sites lean on, as plain HTML. Unknown
/// shortcodes stay as text, as WordPress shows them when their plugin is
/// gone.
pub fn shortcodes(text: &str, attachment: &dyn Fn(i64) -> Option<Attachment>) -> String {
    SHORTCODE
        .replace_all(text, |c: &regex::Captures<'_>| {
            let name = &c[1];
            let a = attrs(c.get(2).map_or("", |m| m.as_str()));
            let inner = c.get(3).map_or("", |m| m.as_str());
            match name {
                "caption" | "wp_caption" => {
                    let (img, rest) = match IMG.find(inner) {
                        Some(m) => (m.as_str().trim(), inner[m.end()..].trim()),
                        None => ("", inner.trim()),
                    };
                    let cap = attr(&a, "caption").unwrap_or(rest);
                    format!("<figure class=\"wp-caption\">{img}<figcaption>{cap}</figcaption></figure>")
                }
                "embed" => {
                    let url = inner.trim();
                    match embed_player(url) {
                        Some(player) => format!(
                            "<figure class=\"embed\"><iframe src=\"{player}\" title=\"Embedded video\" loading=\"lazy\" allowfullscreen></iframe></figure>"
                        ),
                        None => format!("<p><a href=\"{0}\">{0}</a></p>", escape(url)),
                    }
                }
                "gallery" => {
                    let ids = attr(&a, "ids").unwrap_or("");
                    let figs: String = ids
                        .split(',')
                        .filter_map(|id| id.trim().parse().ok())
                        .filter_map(attachment)
                        .map(|att| figure_of(&att, "gallery-item"))
                        .collect();
                    if figs.is_empty() {
                        String::new()
                    } else {
                        format!("<div class=\"gallery\">{figs}</div>")
                    }
                }
                "audio" | "video" => {
                    let src = ["src", "mp3", "m4a", "ogg", "wav", "mp4", "webm", "ogv"]
                        .iter()
                        .find_map(|k| attr(&a, k))
                        .map(str::to_owned)
                        .or_else(|| {
                            let t = inner.trim();
                            (!t.is_empty()).then(|| t.to_owned())
                        });
                    match src {
                        Some(src) if src.starts_with("http://") || src.starts_with("https://") || src.starts_with('/') => {
                            let src = escape(&src);
                            format!(
                                "<figure class=\"{name}\"><{name} controls preload=\"none\" src=\"{src}\"><a href=\"{src}\">{src}</a></{name}></figure>"
                            )
                        }
                        _ => String::new(),
                    }
                }
                _ => c[0].to_owned(),
            }
        })
        .into_owned()
}

/// Block-editor markers (`<!-- wp:paragraph -->`) removed.
pub fn strip_block_comments(text: &str) -> String {
    BLOCK_COMMENT.replace_all(text, "").into_owned()
}

fn starts_with_block(chunk: &str) -> bool {
    let Some(rest) = chunk.strip_prefix('<') else {
        return false;
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    BLOCK_TAGS.contains(&name.as_str())
}

/// WordPress's automatic paragraphs: text separated by blank lines becomes
/// `<p>` elements and a single line break a `<br>`; text already in block
/// elements is left as it is.
pub fn autop(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len() + 64);
    for chunk in split_blank_lines(&text) {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        if starts_with_block(chunk) {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            let lines: Vec<&str> = chunk.lines().map(str::trim).collect();
            out.push_str(&lines.join("<br>"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out
}

/// Splits at blank lines, but never inside `<pre>`.
fn split_blank_lines(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_pre = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"<pre") {
            in_pre = true;
        } else if bytes[i..].starts_with(b"</pre>") {
            in_pre = false;
        }
        if !in_pre && bytes[i] == b'\n' {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'\n' {
                parts.push(&text[start..i]);
                start = j + 1;
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

/// A post's stored text as body HTML (not yet sanitized).
pub fn to_html(text: &str, attachment: &dyn Fn(i64) -> Option<Attachment>) -> String {
    let text = strip_block_comments(text);
    let text = shortcodes(&text, attachment);
    autop(&text)
}

/// Text of an HTML fragment: tags removed, entities decoded.
pub fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    super::decode_entities(&out)
}
