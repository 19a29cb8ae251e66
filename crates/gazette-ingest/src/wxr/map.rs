//! From a WordPress item to what Gazette stores: the article (byline,
//! credit, dateline and sources taken from the head of the text), its
//! comments with their threads and states, the legacy view count, and the
//! old URLs that must answer with a redirect.

use std::collections::HashMap;

use gazette_domain::{ArticleInput, ArticleStatus, CommentStatus, SourceInput, old_url_key};
use jiff::{Timestamp, civil::DateTime, tz::TimeZone};

use super::{Author, Entry, Item, Site, Term, WxrError, content, decode_entities, percent_decode};
use crate::{clean_line, html::escape, parse_lead};

/// Post meta keys that counter plugins keep a post's views in, most
/// common first: Post Views Counter and most themes (`post_views_count`),
/// WP-PostViews (`views`), WPB Popular Posts, Page View Count and others.
pub const VIEW_KEYS: &[&str] = &[
    "post_views_count",
    "views",
    "wpb_post_views_count",
    "_count-views_all",
    "pvc_views",
    "post_view_count",
    "_post_views",
];

/// An image or file from the media library.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachment {
    pub id: i64,
    pub url: String,
    pub title: String,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The post it was uploaded to, or 0.
    pub parent: i64,
    /// Its attachment page, which must keep working.
    pub link: String,
}

/// What kind of page an article came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Post,
    Page,
}

/// An old address (normalized with [`old_url_key`]) that must now redirect.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OldUrl(pub String);

/// Where a menu item of the old site pointed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuTarget {
    /// A post or page, by WordPress id.
    Post(i64),
    /// A category, by slug.
    Category(String),
    /// The front page of the site.
    Home,
    /// An address elsewhere.
    Url(String),
}

/// A menu item's own old addresses and where they lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuLink {
    pub old_urls: Vec<OldUrl>,
    pub target: MenuTarget,
}

/// A comment ready for the store, with WordPress's ids to thread it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportComment {
    pub wp_id: i64,
    /// The comment replied to, if any.
    pub parent_wp_id: Option<i64>,
    pub author_name: String,
    pub author_email: Option<String>,
    pub author_url: Option<String>,
    /// The text as WordPress kept it (some HTML, blank-line paragraphs);
    /// the core turns it into safe HTML with its comment rules.
    pub text: String,
    pub status: CommentStatus,
    pub created_at: Timestamp,
}

/// One post or page, ready for the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportItem {
    pub wp_id: i64,
    pub line: u64,
    pub kind: ItemKind,
    /// WordPress's own status (`publish`, `future`, `draft`, `pending`,
    /// `private`).
    pub wp_status: String,
    pub article: ArticleInput,
    pub comments: Vec<ImportComment>,
    pub old_urls: Vec<OldUrl>,
    pub sticky: bool,
    /// Comments left out, with why (pingbacks, unreadable dates).
    pub skipped_comments: Vec<String>,
}

/// What is known about the site before its items are mapped: a first pass
/// over the file collects it (authors, terms, attachments), so that an
/// item can name what comes later in the file.
#[derive(Debug, Clone)]
pub struct Mapper {
    pub site: Site,
    /// Host of the site's URLs, for import keys and to recognise its links.
    pub host: String,
    pub time_zone: TimeZone,
    /// Newsroom language when an item shows no other.
    pub language: String,
    pub authors: HashMap<String, Author>,
    pub categories: HashMap<String, Term>,
    pub tags: HashMap<String, Term>,
    pub attachments: HashMap<i64, Attachment>,
    /// Attachments by the post they were uploaded to.
    pub attachments_of: HashMap<i64, Vec<i64>>,
    /// Where the old site's uploads are served now (`/media/`), when they
    /// were brought in: addresses of files under `wp-content/uploads/` are
    /// rewritten to it.
    pub media_base: Option<String>,
    /// Links to the old site (see [`Mapper::relative_links`]).
    own_links: regex::Regex,
}

impl Mapper {
    pub fn new(site: Site, time_zone: TimeZone) -> Self {
        let host = url::Url::parse(&site.link)
            .or_else(|_| url::Url::parse(&site.base_site_url))
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "wordpress".into());
        let language = site
            .language
            .split(['-', '_'])
            .next()
            .filter(|l| !l.is_empty())
            .unwrap_or("en")
            .to_ascii_lowercase();
        let own_links = regex::Regex::new(&format!(
            r#"href="(?:https?:)?//{}(/[^"]*)?""#,
            regex::escape(&host)
        ))
        .expect("a valid pattern");
        Mapper {
            site,
            host,
            time_zone,
            language,
            authors: HashMap::new(),
            categories: HashMap::new(),
            tags: HashMap::new(),
            attachments: HashMap::new(),
            attachments_of: HashMap::new(),
            media_base: None,
            own_links,
        }
    }

    /// The old site's origins (scheme and host as the export names them,
    /// and the other scheme), for rewriting its upload addresses.
    fn upload_prefixes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for base in [
            &self.site.link,
            &self.site.base_site_url,
            &self.site.base_blog_url,
        ] {
            let base = base.trim_end_matches('/');
            if base.is_empty() {
                continue;
            }
            let rest = base
                .strip_prefix("https://")
                .or_else(|| base.strip_prefix("http://"))
                .unwrap_or(base);
            for p in [
                format!("https://{rest}/wp-content/uploads/"),
                format!("http://{rest}/wp-content/uploads/"),
                format!("//{rest}/wp-content/uploads/"),
            ] {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out.sort_by_key(|p| std::cmp::Reverse(p.len()));
        out
    }

    /// The path under the uploads folder of an old file address, if it is
    /// one (`https://site/wp-content/uploads/2021/03/a.png` → `2021/03/a.png`).
    pub fn upload_path(&self, url: &str) -> Option<String> {
        let rel = self
            .upload_prefixes()
            .iter()
            .find_map(|p| url.strip_prefix(p.as_str()))?;
        let rel = percent_decode(rel.split(['?', '#']).next().unwrap_or(""));
        gazette_domain::is_media_path(&rel).then_some(rel)
    }

    /// `text` with the old site's upload addresses pointing at the media
    /// folder, when the uploads were brought in.
    pub fn rewrite_uploads(&self, text: &str) -> String {
        let Some(base) = &self.media_base else {
            return text.to_owned();
        };
        let mut out = text.to_owned();
        for p in self.upload_prefixes() {
            if out.contains(&p) {
                // Not inside a longer prefix already rewritten: the
                // longest go first.
                out = out.replace(&p, base);
            }
        }
        out
    }

    /// Links to the old site's own pages made relative (`/2021/03/01/slug/`),
    /// so that they reach this site, where each answers with one redirect
    /// to the story's page whatever its slug is now. Links to its files stay
    /// as they are unless the uploads were brought in.
    pub fn relative_links(&self, html: &str) -> String {
        self.own_links
            .replace_all(html, |c: &regex::Captures<'_>| {
                let path = c.get(1).map_or("/", |m| m.as_str());
                if path.starts_with("/wp-content/") || path.starts_with("/wp-admin") {
                    c[0].to_owned()
                } else {
                    format!("href=\"{path}\"")
                }
            })
            .into_owned()
    }

    /// The key an item is stored under: saving it again updates it.
    pub fn import_key(&self, wp_id: i64) -> String {
        format!("wxr:{}:{wp_id}", self.host)
    }

    /// The key of a comment.
    pub fn comment_key(&self, wp_id: i64) -> String {
        format!("wxr:{}:comment:{wp_id}", self.host)
    }

    /// The old-URL key of an address on the exported site; `None` for
    /// addresses elsewhere.
    pub fn old_url(&self, url: &str) -> Option<OldUrl> {
        let u = url::Url::parse(url.trim()).ok()?;
        if u.host_str()? != self.host {
            return None;
        }
        let query: Vec<(String, String)> = u.query_pairs().into_owned().collect();
        Some(OldUrl(old_url_key(u.path(), &query)))
    }

    /// The original's address of syndicated copy, as an SEO plugin kept
    /// it (Yoast's or Rank Math's canonical field). One pointing back at
    /// the site itself says nothing once the site moves to Gazette, and
    /// one that is not a full web address is left out.
    fn canonical_of(&self, item: &Item) -> Option<String> {
        let url = ["_yoast_wpseo_canonical", "rank_math_canonical_url"]
            .iter()
            .filter_map(|k| item.meta(k))
            .map(str::trim)
            .find(|u| !u.is_empty())?;
        let parsed = url::Url::parse(url).ok()?;
        (gazette_domain::is_web_address(url, 2000) && parsed.host_str() != Some(self.host.as_str()))
            .then(|| url.to_owned())
    }

    /// A category's section name path: the section name and its parent's.
    pub fn category_name(&self, slug: &str) -> Option<String> {
        self.categories.get(slug).map(|t| decode_entities(&t.name))
    }

    /// The category's address path under the site (`/category/arts/books/`
    /// → `arts/books`).
    pub fn category_path(&self, slug: &str) -> String {
        let mut parts = vec![slug.to_owned()];
        let mut at = slug;
        while let Some(t) = self.categories.get(at) {
            if t.parent.is_empty() || parts.len() > 16 {
                break;
            }
            parts.push(t.parent.clone());
            at = &t.parent;
        }
        parts.reverse();
        parts.join("/")
    }

    /// The first pass over a file: remembers the authors, categories, tags
    /// and attachments that items refer to (an item may name one that
    /// comes later in the file).
    pub fn learn(&mut self, entry: &Entry) {
        match entry {
            Entry::Author(a) => {
                self.authors.insert(a.login.clone(), a.clone());
            }
            Entry::Category(t) => {
                self.categories.insert(t.slug.clone(), t.clone());
            }
            Entry::Tag(t) => {
                self.tags.insert(t.slug.clone(), t.clone());
            }
            Entry::Item(i) if i.post_type == "attachment" => {
                self.attachment(i);
            }
            _ => {}
        }
    }

    /// Remembers an attachment item; returns it.
    pub fn attachment(&mut self, item: &Item) -> Attachment {
        let meta = item.meta("_wp_attachment_metadata").unwrap_or("");
        let att = Attachment {
            id: item.post_id,
            url: self.rewrite_uploads(&item.attachment_url),
            title: decode_entities(&item.title),
            alt: decode_entities(item.meta("_wp_attachment_image_alt").unwrap_or("")),
            caption: decode_entities(item.excerpt.trim()),
            credit: php_string(meta, "credit").unwrap_or_default(),
            width: php_int(meta, "width"),
            height: php_int(meta, "height"),
            parent: item.post_parent,
            link: item.link.clone(),
        };
        if att.parent > 0 && !self.attachments.contains_key(&att.id) {
            self.attachments_of
                .entry(att.parent)
                .or_default()
                .push(att.id);
        }
        self.attachments.insert(att.id, att.clone());
        att
    }

    /// A navigation menu item: WordPress exports each with an address of
    /// its own, which must lead where the menu entry led.
    pub fn menu_item(&self, item: &Item) -> Option<MenuLink> {
        if item.post_type != "nav_menu_item" {
            return None;
        }
        let meta = |k: &str| item.meta(k).map(str::trim).unwrap_or("");
        let object_id: i64 = meta("_menu_item_object_id").parse().unwrap_or(0);
        let target = match meta("_menu_item_type") {
            "post_type" if object_id > 0 => MenuTarget::Post(object_id),
            "taxonomy" if meta("_menu_item_object") == "category" => self
                .categories
                .values()
                .find(|t| t.id == Some(object_id))
                .map(|t| MenuTarget::Category(t.slug.clone()))
                .unwrap_or(MenuTarget::Home),
            _ => {
                let url = meta("_menu_item_url");
                match self.old_url(url) {
                    // An address of the old site itself: its front page is
                    // the only one a custom link can be sure of.
                    Some(_) => MenuTarget::Home,
                    None if url.starts_with("https://") || url.starts_with("http://") => {
                        MenuTarget::Url(url.to_owned())
                    }
                    None => MenuTarget::Home,
                }
            }
        };
        let mut old_urls: Vec<OldUrl> = [self.old_url(&item.link), self.old_url(&item.guid)]
            .into_iter()
            .flatten()
            .collect();
        old_urls.push(OldUrl(old_url_key(
            "/",
            &[("p".to_owned(), item.post_id.to_string())],
        )));
        old_urls.sort();
        old_urls.dedup();
        Some(MenuLink { old_urls, target })
    }

    fn when(&self, item: &Item, local: &str, gmt: &str) -> Result<Option<Timestamp>, WxrError> {
        let zero = |s: &str| s.is_empty() || s.starts_with("0000-00-00");
        if !zero(gmt) {
            let dt: DateTime = gmt.parse().map_err(|e| {
                WxrError::item(item.line, format!("the date {gmt:?} cannot be read ({e})"))
            })?;
            let ts = dt
                .to_zoned_datetime(TimeZone::UTC)
                .map_err(|e| WxrError::item(item.line, format!("the date {gmt:?}: {e}")))?
                .timestamp();
            return Ok(Some(ts));
        }
        if !zero(local) {
            let dt: DateTime = local.parse().map_err(|e| {
                WxrError::item(
                    item.line,
                    format!("the date {local:?} cannot be read ({e})"),
                )
            })?;
            let ts = dt
                .to_zoned_datetime(self.time_zone.clone())
                .map_err(|e| WxrError::item(item.line, format!("the date {local:?}: {e}")))?
                .timestamp();
            return Ok(Some(ts));
        }
        Ok(None)
    }

    /// Maps a post or page. `Ok(None)` for items that are not stories
    /// (menu items, revisions, attachments: see [`Mapper::attachment`]);
    /// an error names the item's line and is the reason to skip it.
    pub fn item(&self, item: &Item) -> Result<Option<ImportItem>, WxrError> {
        let kind = match item.post_type.as_str() {
            "post" => ItemKind::Post,
            "page" => ItemKind::Page,
            _ => return Ok(None),
        };
        let line = item.line;
        if item.post_id <= 0 {
            return Err(WxrError::item(line, "the item has no <wp:post_id>"));
        }
        let (status, published) = match item.status.as_str() {
            "publish" | "future" => (ArticleStatus::Published, true),
            "draft" | "pending" | "private" | "auto-draft" => (ArticleStatus::Draft, false),
            "trash" => {
                return Err(WxrError::item(line, "it is in WordPress's trash"));
            }
            other => {
                return Err(WxrError::item(
                    line,
                    format!(
                        "its status {other:?} is not one WordPress writes (publish, future, draft, pending, private)"
                    ),
                ));
            }
        };
        let when = self.when(item, &item.post_date, &item.post_date_gmt)?;
        if published && when.is_none() {
            return Err(WxrError::item(
                line,
                "it is published but has no date (<wp:post_date_gmt>)",
            ));
        }
        let author = self.authors.get(&item.creator).ok_or_else(|| {
            WxrError::item(
                line,
                format!(
                    "its author {:?} is not among the export's <wp:author> entries",
                    item.creator
                ),
            )
        })?;
        let headline = clean_line(&decode_entities(&item.title));
        if headline.is_empty() {
            return Err(WxrError::item(line, "it has no title"));
        }

        let att = |id: i64| self.attachments.get(&id).cloned();
        let html = self.relative_links(&content::to_html(
            &self.rewrite_uploads(&item.content),
            &att,
        ));
        let (lead, mut body) = if kind == ItemKind::Post {
            take_lead(&html)
        } else {
            (crate::Lead::default(), html)
        };
        if let Some(f) = item
            .meta("_thumbnail_id")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .and_then(att)
            && !body.contains(&f.url)
        {
            body = format!("{}\n{body}", content::figure_of(&f, "featured"));
        }

        let mut sections = Vec::new();
        let mut tags = Vec::new();
        for t in &item.terms {
            match t.domain.as_str() {
                "category" => {
                    let name = self
                        .category_name(&t.nicename)
                        .unwrap_or_else(|| decode_entities(&t.name));
                    if !name.trim().is_empty() && !sections.contains(&name) {
                        sections.push(name);
                    }
                }
                "post_tag" => {
                    let name = clean_line(&decode_entities(&t.name));
                    if !name.is_empty() && !tags.contains(&name) {
                        tags.push(name);
                    }
                }
                _ => {}
            }
        }
        let legacy_views = VIEW_KEYS
            .iter()
            .filter_map(|k| item.meta(k))
            .filter_map(|v| v.trim().parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        let slug_text = percent_decode(&item.post_name);
        let slug = gazette_domain::Slug::from_text(&slug_text).ok();
        let standfirst =
            Some(clean_line(&content::text_of(&item.excerpt))).filter(|s| !s.is_empty());
        let language = if is_armenian(&headline) || is_armenian(&item.content) {
            "hy".to_owned()
        } else {
            self.language.clone()
        };
        let article = ArticleInput {
            import_key: Some(self.import_key(item.post_id)),
            slug,
            headline,
            standfirst,
            body_html: body,
            language,
            status,
            kind: match kind {
                ItemKind::Post => gazette_domain::ArticleKind::Story,
                ItemKind::Page => gazette_domain::ArticleKind::Page,
            },
            pinned: item.sticky,
            published_at: when.map(|t| t.to_zoned_datetime(self.time_zone.clone())),
            sections,
            tags,
            contributors: lead.contributors,
            credit: lead.credit,
            posting_account: Some(author_name(author)),
            dateline_place: lead.place,
            sources: lead.sources.into_iter().map(SourceInput::named).collect(),
            related_headlines: Vec::new(),
            footer: None,
            canonical_url: self.canonical_of(item),
            legacy_views,
            legacy_comments: 0,
        };

        let mut old_urls: Vec<OldUrl> = Vec::new();
        let mut add = |u: Option<OldUrl>| {
            if let Some(u) = u
                && !old_urls.contains(&u)
            {
                old_urls.push(u);
            }
        };
        add(self.old_url(&item.link));
        add(self.old_url(&item.guid));
        let q = match kind {
            ItemKind::Post => "p",
            ItemKind::Page => "page_id",
        };
        add(Some(OldUrl(old_url_key(
            "/",
            &[(q.to_owned(), item.post_id.to_string())],
        ))));
        if kind == ItemKind::Post
            && let Some(t) = when
            && !item.post_name.is_empty()
        {
            // /YYYY/MM/DD/slug/, whatever the site's permalink setting.
            let d = t.to_zoned_datetime(self.time_zone.clone());
            let path = format!(
                "/{:04}/{:02}/{:02}/{}/",
                d.year(),
                d.month(),
                d.day(),
                item.post_name
            );
            add(Some(OldUrl(old_url_key(&path, &[]))));
        }

        let mut comments = Vec::new();
        let mut skipped_comments = Vec::new();
        for c in &item.comments {
            // Pingbacks and trackbacks are kept too: WordPress showed them
            // among the comments.
            let status = match c.approved.as_str() {
                "1" | "approve" | "approved" => CommentStatus::Approved,
                "0" | "hold" => CommentStatus::Pending,
                // Trash and spam are kept, out of sight, as spam.
                _ => CommentStatus::Spam,
            };
            let created_at = match self.when(item, &c.date, &c.date_gmt) {
                Ok(Some(t)) => t,
                _ => {
                    skipped_comments.push(format!(
                        "comment {} on item {}: its date {:?} cannot be read",
                        c.id, item.post_id, c.date_gmt
                    ));
                    continue;
                }
            };
            let name = clean_line(&decode_entities(&c.author));
            comments.push(ImportComment {
                wp_id: c.id,
                parent_wp_id: (c.parent > 0).then_some(c.parent),
                author_name: if name.is_empty() {
                    "Anonymous".into()
                } else {
                    name
                },
                author_email: Some(c.author_email.clone()).filter(|e| !e.is_empty()),
                author_url: Some(c.author_url.clone()).filter(|e| !e.is_empty()),
                text: c.content.clone(),
                status,
                created_at,
            });
        }
        // Parents before replies, so that each reply can name its parent.
        comments.sort_by_key(|c| c.wp_id);

        Ok(Some(ImportItem {
            wp_id: item.post_id,
            line,
            kind,
            wp_status: item.status.clone(),
            article,
            comments,
            old_urls,
            sticky: item.sticky,
            skipped_comments,
        }))
    }
}

/// The name an author shows under: the display name, else first and last
/// name, else the login.
pub fn author_name(a: &Author) -> String {
    let d = clean_line(&decode_entities(&a.display_name));
    if !d.is_empty() {
        return d;
    }
    let full = clean_line(&format!("{} {}", a.first_name, a.last_name));
    if !full.is_empty() {
        return full;
    }
    a.login.clone()
}

fn is_armenian(s: &str) -> bool {
    let mut arm = 0usize;
    let mut latin = 0usize;
    for c in s.chars().take(4000) {
        if ('\u{0531}'..='\u{058F}').contains(&c) {
            arm += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    arm > latin
}

/// A string value of PHP's `serialize()` output (WordPress's attachment
/// metadata): `s:6:"credit";s:12:"Photo: Karine";`.
fn php_string(meta: &str, key: &str) -> Option<String> {
    let pat = format!("s:{}:\"{key}\";s:", key.len());
    let at = meta.find(&pat)? + pat.len();
    let rest = &meta[at..];
    let colon = rest.find(':')?;
    let len: usize = rest[..colon].parse().ok()?;
    let start = colon + 2;
    rest.get(start..start + len).map(str::to_owned)
}

fn php_int(meta: &str, key: &str) -> Option<u32> {
    let pat = format!("s:{}:\"{key}\";i:", key.len());
    let at = meta.find(&pat)? + pat.len();
    let rest = &meta[at..];
    rest[..rest.find(';')?].parse().ok()
}

/// A leading paragraph split at its line breaks.
struct Piece {
    block: usize,
    html: String,
    text: String,
}

/// Splits the byline, credit and dateline off the head of a body in HTML,
/// with [`crate::parse_lead`]: the pieces it took are removed, and the
/// paragraph the dateline opened keeps its markup after the dash.
pub fn take_lead(html: &str) -> (crate::Lead, String) {
    let mut blocks: Vec<String> = html.lines().map(str::to_owned).collect();
    let mut pieces = Vec::new();
    for (i, b) in blocks.iter().enumerate().take(4) {
        let Some(inner) = b.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) else {
            break;
        };
        for seg in split_br(inner) {
            let text = clean_line(&content::text_of(seg));
            if !text.is_empty() {
                pieces.push(Piece {
                    block: i,
                    html: seg.trim().to_owned(),
                    text,
                });
            }
        }
    }
    let texts: Vec<&str> = pieces.iter().map(|p| p.text.as_str()).collect();
    let lead = parse_lead(&texts);
    let found = !lead.contributors.is_empty()
        || lead.credit.is_some()
        || lead.place.is_some()
        || !lead.sources.is_empty();
    if !found || pieces.is_empty() {
        return (crate::Lead::default(), html.to_owned());
    }
    let removed = pieces.len() - lead.body.len();
    let mut kept: Vec<Option<String>> = pieces.iter().map(|p| Some(p.html.clone())).collect();
    for k in kept.iter_mut().take(removed) {
        *k = None;
    }
    if let (Some(first), Some(p)) = (lead.body.first(), pieces.get(removed))
        && *first != p.text
    {
        // The dateline opened this piece: keep what follows the dash.
        let cut = after_dash(&p.html)
            .filter(|rest| clean_line(&content::text_of(rest)) == *first)
            .unwrap_or_else(|| escape(first));
        kept[removed] = Some(cut);
    }
    let last_block = pieces.last().map_or(0, |p| p.block);
    let mut rebuilt: Vec<Option<String>> = Vec::new();
    for b in 0..=last_block {
        let segs: Vec<String> = pieces
            .iter()
            .zip(&kept)
            .filter(|(p, _)| p.block == b)
            .filter_map(|(_, k)| k.clone())
            .collect();
        rebuilt.push((!segs.is_empty()).then(|| format!("<p>{}</p>", segs.join("<br>"))));
    }
    let tail = blocks.split_off(last_block + 1);
    let mut out: Vec<String> = rebuilt.into_iter().flatten().collect();
    out.extend(tail);
    let mut body = out.join("\n");
    body.push('\n');
    (lead, body)
}

fn split_br(inner: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = inner;
    loop {
        let lower = rest.to_ascii_lowercase();
        let Some(i) = lower.find("<br") else {
            out.push(rest);
            return out;
        };
        let Some(close) = rest[i..].find('>') else {
            out.push(rest);
            return out;
        };
        out.push(&rest[..i]);
        rest = rest[i + close + 1..].trim_start_matches('\n');
    }
}

/// The HTML after the first dateline dash, if it has one.
fn after_dash(html: &str) -> Option<String> {
    const DASHES: &[&str] = &[
        "—", "–", "―", "&mdash;", "&#8212;", "&#x2014;", "&ndash;", "&#8211;", "&#x2013;", " -- ",
        " - ",
    ];
    let (at, len) = DASHES
        .iter()
        .filter_map(|d| html.find(d).map(|i| (i, d.len())))
        .min()?;
    let rest = html[at + len..].trim_start_matches([' ', '\u{a0}']);
    let rest = rest.strip_prefix("&nbsp;").unwrap_or(rest).trim_start();
    Some(rest.to_owned())
}
