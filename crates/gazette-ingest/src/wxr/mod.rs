//! WordPress eXtended RSS (WXR 1.0–1.2), the file WordPress's
//! Tools → Export writes.
//!
//! - [`WxrReader`] streams the file entry by entry (quick-xml): the site,
//!   its authors, categories and tags, then every item (post, page,
//!   attachment, menu item) with its terms, post meta and comments.
//! - [`content`] turns WordPress's stored text into the HTML Gazette keeps:
//!   automatic paragraphs, shortcodes, block-editor comments.
//! - [`map`] turns an item into what the store takes: an
//!   [`gazette_domain::ArticleInput`] with the byline and dateline taken
//!   from the text, its comments, and the old URLs that must keep working.
//!
//! Nothing here touches the database; `gazette-core`'s importer does.

pub mod content;
pub mod map;
mod reader;

pub use map::{
    Attachment, ImportComment, ImportItem, ItemKind, Mapper, MenuLink, MenuTarget, OldUrl,
};
pub use reader::{KNOWN_VERSIONS, MAX_TEXT, WxrReader};

use std::fmt;

/// The exporting site, from the head of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    pub title: String,
    pub link: String,
    pub description: String,
    pub language: String,
    pub wxr_version: String,
    pub base_site_url: String,
    pub base_blog_url: String,
}

/// A WordPress user who wrote items: a posting account in Gazette.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    pub id: Option<i64>,
    pub login: String,
    pub email: String,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
}

/// A category or tag as the export lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Term {
    pub id: Option<i64>,
    /// The URL slug as WordPress keeps it (percent-encoded when not ASCII).
    pub slug: String,
    /// The parent category's slug, or empty.
    pub parent: String,
    /// The name as WordPress keeps it (HTML entities escaped).
    pub name: String,
    pub description: String,
}

/// A category, tag or format an item is filed under.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemTerm {
    /// `category`, `post_tag`, `post_format`...
    pub domain: String,
    pub nicename: String,
    pub name: String,
}

/// A comment as the export holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WxrComment {
    pub id: i64,
    pub author: String,
    pub author_email: String,
    pub author_url: String,
    pub date: String,
    pub date_gmt: String,
    pub content: String,
    /// `1`, `0`, `spam` or `trash`.
    pub approved: String,
    /// Empty or `comment` for a comment; `pingback`, `trackback`...
    pub kind: String,
    /// The comment replied to, or 0.
    pub parent: i64,
}

/// One `<item>`: a post, page, attachment or menu item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    /// The line the item starts on, for messages.
    pub line: u64,
    pub title: String,
    pub link: String,
    pub guid: String,
    /// The author's login.
    pub creator: String,
    pub content: String,
    pub excerpt: String,
    pub post_id: i64,
    pub post_date: String,
    pub post_date_gmt: String,
    pub post_name: String,
    pub status: String,
    pub post_parent: i64,
    pub post_type: String,
    pub sticky: bool,
    pub attachment_url: String,
    pub terms: Vec<ItemTerm>,
    pub meta: Vec<(String, String)>,
    pub comments: Vec<WxrComment>,
}

impl Item {
    /// The value of a post meta key.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// What the reader hands out, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Site(Site),
    Author(Author),
    Category(Term),
    Tag(Term),
    Item(Box<Item>),
}

/// What was wrong, and where: line and column (1-based; the column counts
/// bytes). A fatal error means the file cannot be read further; any other
/// concerns one item, which is skipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct WxrError {
    pub line: u64,
    pub column: u64,
    pub message: String,
    pub fatal: bool,
}

impl WxrError {
    /// A problem with one item, which starts at `line`.
    pub fn item(line: u64, message: impl Into<String>) -> Self {
        WxrError {
            line,
            column: 1,
            message: message.into(),
            fatal: false,
        }
    }
}

impl fmt::Display for WxrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// Decodes the HTML entities WordPress leaves in names and titles
/// (`&amp;`, `&#8217;`, `&rsquo;`...). Unknown entities stay as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| c == ';' || c == '&' || c.is_whitespace())
            .map(|e| e + 1);
        let decoded = match end {
            Some(e) if rest.as_bytes()[e] == b';' => {
                let name = &rest[1..e];
                let c = if let Some(num) = name.strip_prefix('#') {
                    let n = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    };
                    n.and_then(char::from_u32)
                        .filter(|c| *c != '\0')
                        .map(String::from)
                } else {
                    quick_xml::escape::resolve_html5_entity(name).map(str::to_owned)
                };
                c.map(|c: String| (c, e + 1))
            }
            _ => None,
        };
        match decoded {
            Some((c, len)) => {
                out.push_str(&c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A percent-encoded slug or path as text ("%d5%b6..." → "ն..."); bytes
/// that do not decode to UTF-8 stay encoded.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| s.to_owned())
}

#[cfg(test)]
mod tests;
