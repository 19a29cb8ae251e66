//! View structs: what templates see. They are built from what handlers
//! loaded and do no IO. Dates are formatted here, on the newsroom's clock,
//! and links come from `urls`, so templates stay free of logic.

use jiff::ZonedDateTime;
use minijinja::HtmlEscape;
use serde::Serialize;

use gazette_core::Core;
use gazette_domain::{Article, ArticleSummary, Comment, IsoWeek, NamedRef, Newsroom, TopStory};

use crate::{pages::Frame, urls};

/// A view struct as a template value.
pub fn v(x: &impl Serialize) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(x))
}

/// A date as readers see it, with its machine-readable form for `<time>`.
#[derive(Serialize, Clone)]
pub struct DateView {
    /// RFC 3339, for `<time datetime>`.
    pub iso: String,
    pub week: i8,
    /// "2025-W48".
    pub week_id: String,
    /// The week's top stories.
    pub top_href: String,
    /// The parts the templates' `date_long` and `date_short` filters
    /// write in the newsroom's language (weekday: Monday is 1).
    pub year: i16,
    pub month: i8,
    pub day: i8,
    pub weekday: i8,
}

impl DateView {
    pub fn new(at: &ZonedDateTime, newsroom: &Newsroom) -> Self {
        let local = at.with_time_zone(newsroom.time_zone.clone());
        let week = IsoWeek::of_zoned(&local).ok();
        DateView {
            iso: local.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            week: week.map_or(0, |w| w.week()),
            week_id: week.map(|w| w.to_string()).unwrap_or_default(),
            top_href: week.map(urls::top).unwrap_or_default(),
            year: local.year(),
            month: local.month(),
            day: local.day(),
            weekday: local.weekday().to_monday_one_offset(),
        }
    }
}

/// A calendar day, for the templates' `date_long` and `date_short`
/// filters (weekday: Monday is 1).
#[derive(Serialize, Clone, Copy)]
pub struct DayView {
    pub year: i16,
    pub month: i8,
    pub day: i8,
    pub weekday: i8,
}

impl DayView {
    pub fn new(d: jiff::civil::Date) -> Self {
        DayView {
            year: d.year(),
            month: d.month(),
            day: d.day(),
            weekday: d.weekday().to_monday_one_offset(),
        }
    }
}

#[derive(Serialize)]
pub struct NavItem {
    pub href: String,
    pub name: String,
    pub current: bool,
    /// Sub-sections, one level down.
    pub children: Vec<NavItem>,
}

#[derive(Serialize)]
pub struct TopItem {
    pub rank: u32,
    pub href: String,
    pub headline: String,
}

/// What every page's frame shows: masthead, today's edition, the week's
/// top stories, the section navigation and the footer.
#[derive(Serialize)]
pub struct Layout {
    pub site_name: String,
    pub lang: String,
    pub base_url: String,
    pub today: DateView,
    pub week: i8,
    pub week_id: String,
    pub top_href: String,
    pub top: Vec<TopItem>,
    pub sections: Vec<NavItem>,
    pub css_href: String,
    pub year: i16,
}

impl Layout {
    /// The frame of a page; `frame` is what the handler loaded (none when
    /// the store failed, for the error page).
    pub fn new(core: &Core, frame: Option<&Frame>, current_section: Option<&str>) -> Self {
        let newsroom = &core.newsroom;
        let now = core.now_zoned();
        let today = DateView::new(&now, newsroom);
        let mut layout = Layout {
            site_name: newsroom.name.clone(),
            lang: newsroom.language.clone(),
            base_url: newsroom.base_url.clone(),
            week: today.week,
            week_id: today.week_id.clone(),
            top_href: today.top_href.clone(),
            today,
            top: Vec::new(),
            sections: Vec::new(),
            css_href: crate::pages::assets::css_href(),
            year: now.year(),
        };
        if let Some(frame) = frame {
            layout.week = frame.week.week();
            layout.week_id = frame.week.to_string();
            layout.top_href = urls::top(frame.week);
            layout.top = frame.top.iter().take(STRIP_LEN).map(top_item).collect();
            let item = |s: &gazette_domain::Section, children| NavItem {
                current: current_section == Some(s.slug.as_str()),
                href: urls::section(&s.slug),
                name: s.name.clone(),
                children,
            };
            layout.sections = frame
                .sections
                .iter()
                .filter(|s| s.parent.is_none())
                .map(|s| {
                    let children = frame
                        .sections
                        .iter()
                        .filter(|c| c.parent == Some(s.id))
                        .map(|c| item(c, Vec::new()))
                        .collect();
                    item(s, children)
                })
                .collect();
        }
        layout
    }
}

/// Stories in the header strip.
pub const STRIP_LEN: usize = 5;

fn top_item(t: &TopStory) -> TopItem {
    TopItem {
        rank: t.rank,
        href: urls::article(&t.article.slug),
        headline: t.article.headline.clone(),
    }
}

#[derive(Serialize)]
pub struct LinkView {
    pub href: String,
    pub name: String,
}

fn links(
    href: fn(&str) -> String,
    refs: impl IntoIterator<Item = (String, String)>,
) -> Vec<LinkView> {
    refs.into_iter()
        .map(|(slug, name)| LinkView {
            href: href(&slug),
            name,
        })
        .collect()
}

fn section_href(slug: &str) -> String {
    urls::section(slug)
}

fn contributor_href(slug: &str) -> String {
    urls::contributor(slug)
}

/// One story in a list.
#[derive(Serialize)]
pub struct SummaryView {
    pub id: i64,
    pub href: String,
    pub headline: String,
    pub standfirst: Option<String>,
    pub published: Option<DateView>,
    pub section: Option<LinkView>,
    pub contributors: Vec<LinkView>,
    pub views: u64,
    pub comments: u64,
}

impl SummaryView {
    pub fn new(a: &ArticleSummary, newsroom: &Newsroom) -> Self {
        let refs = |v: &[NamedRef]| {
            v.iter()
                .map(|r| (r.slug.to_string(), r.name.clone()))
                .collect::<Vec<_>>()
        };
        SummaryView {
            id: a.id.0,
            href: urls::article(&a.slug),
            headline: a.headline.clone(),
            standfirst: a.standfirst.clone(),
            published: a.published_at.as_ref().map(|p| DateView::new(p, newsroom)),
            section: a.section.as_ref().map(|s| LinkView {
                href: urls::section(&s.slug),
                name: s.name.clone(),
            }),
            contributors: links(contributor_href, refs(&a.contributors)),
            views: a.counters.total_views(),
            comments: a.counters.total_comments(),
        }
    }
}

/// The article page.
#[derive(Serialize)]
pub struct ArticleView {
    pub id: i64,
    pub headline: String,
    pub standfirst: Option<String>,
    pub href: String,
    /// Where the view beacon and the `<noscript>` pixel report, with the
    /// page's hit token.
    pub beacon_href: String,
    pub pixel_href: String,
    /// Where the comment form posts.
    pub comments_action: String,
    pub sections: Vec<LinkView>,
    pub account: Option<String>,
    pub views: u64,
    pub comments: u64,
    pub contributors: Vec<LinkView>,
    pub credit: Option<String>,
    pub edition: Option<DateView>,
    pub updated: DateView,
    /// The body, with the dateline set at the start of its first paragraph.
    /// Sanitized on the way into the store; marked safe in the template.
    pub body_html: String,
    pub related: Vec<String>,
    pub footer: Option<String>,
    pub tags: Vec<LinkView>,
    pub language: String,
    /// The address search engines should index, absolute: the story's own,
    /// or for syndicated copy the original's.
    pub canonical: String,
    /// The story's own address on this site, absolute (what readers share).
    pub url: String,
    /// Syndicated copy: the original, named by its site.
    pub original: Option<LinkView>,
    /// The story's picture (its first image) or the site's share card,
    /// absolute.
    pub image: String,
    /// `NewsArticle` JSON-LD, safe inside `<script>`.
    pub json_ld: String,
    /// The week's edition the story belongs to.
    pub week_href: Option<String>,
    /// Links that share the story, no third-party script involved.
    pub share: Vec<LinkView>,
}

/// The first `<img src>` of a sanitized body.
fn first_image(html: &str) -> Option<&str> {
    let at = html.find("<img ")?;
    let rest = &html[at..];
    let end = rest.find('>')?;
    let tag = &rest[..end];
    let src = tag.find("src=\"")? + 5;
    let len = tag[src..].find('"')?;
    Some(&tag[src..src + len]).filter(|s| !s.is_empty())
}

/// `path` (or an absolute URL) as an absolute URL of the site.
fn absolute(base_url: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        path.to_owned()
    } else {
        format!("{}{path}", base_url.trim_end_matches('/'))
    }
}

/// The story as schema.org's `NewsArticle`, for search engines.
fn news_article_json(a: &Article, newsroom: &Newsroom, url: &str, image: &str) -> String {
    let iso = |z: &ZonedDateTime| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let authors: Vec<serde_json::Value> = if a.contributors.is_empty() {
        vec![serde_json::json!({ "@type": "Organization", "name": newsroom.name })]
    } else {
        a.contributors
            .iter()
            .map(|c| {
                serde_json::json!({
                    "@type": "Person",
                    "name": c.name,
                    "url": absolute(&newsroom.base_url, &urls::contributor(&c.slug)),
                })
            })
            .collect()
    };
    let published = a.published_at.as_ref().map(iso);
    let mut value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": { "@type": "WebPage", "@id": url },
        "url": url,
        "headline": a.headline,
        "description": a.standfirst,
        "datePublished": published,
        "dateModified": iso(&a.updated_at),
        "author": authors,
        "publisher": {
            "@type": "Organization",
            "name": newsroom.name,
            "url": newsroom.base_url,
            "logo": {
                "@type": "ImageObject",
                "url": absolute(&newsroom.base_url, crate::pages::assets::LOGO_PATH),
                "width": 600,
                "height": 60,
            },
        },
        "image": [image],
        "articleSection": a.sections.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        "keywords": a.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        "inLanguage": a.language,
        "isAccessibleForFree": true,
    });
    // Syndicated copy names the story it carries.
    if let Some(original) = &a.canonical_url {
        value["isBasedOn"] = original.as_str().into();
    }
    // Inside <script>, "</" could end the element: JSON allows "<\/".
    value.to_string().replace("</", "<\\/")
}

impl ArticleView {
    /// `hit_token` is the token the page's beacon sends back.
    pub fn new(a: &Article, newsroom: &Newsroom, hit_token: &str) -> Self {
        let url = absolute(&newsroom.base_url, &urls::article(&a.slug));
        let canonical = a.canonical_url.clone().unwrap_or_else(|| url.clone());
        let image = absolute(
            &newsroom.base_url,
            first_image(&a.body_html).unwrap_or(crate::pages::assets::CARD_PATH),
        );
        ArticleView {
            id: a.id.0,
            headline: a.headline.clone(),
            standfirst: a.standfirst.clone(),
            href: urls::article(&a.slug),
            beacon_href: urls::beacon(a.id, hit_token),
            pixel_href: urls::pixel(a.id, hit_token),
            comments_action: urls::article_comments(&a.slug),
            sections: links(
                section_href,
                a.sections
                    .iter()
                    .map(|s| (s.slug.to_string(), s.name.clone())),
            ),
            account: a.posting_account.as_ref().map(|x| x.name.clone()),
            views: a.counters.total_views(),
            comments: a.counters.total_comments(),
            contributors: links(
                contributor_href,
                a.contributors
                    .iter()
                    .map(|c| (c.slug.to_string(), c.name.clone())),
            ),
            credit: a.credit.clone(),
            edition: a.published_at.as_ref().map(|p| DateView::new(p, newsroom)),
            updated: DateView::new(&a.updated_at, newsroom),
            body_html: with_dateline(a),
            related: a.related_headlines.clone(),
            footer: a.footer.clone(),
            tags: a
                .tags
                .iter()
                .map(|t| LinkView {
                    href: urls::tag(&t.slug),
                    name: t.name.clone(),
                })
                .collect(),
            language: a.language.clone(),
            week_href: a
                .published_at
                .as_ref()
                .and_then(|p| IsoWeek::of_zoned(&p.with_time_zone(newsroom.time_zone.clone())).ok())
                .map(urls::week),
            share: share_links(&url, &a.headline),
            json_ld: news_article_json(a, newsroom, &url, &image),
            original: a.canonical_url.as_ref().map(|href| LinkView {
                name: site_name(href),
                href: href.clone(),
            }),
            canonical,
            url,
            image,
        }
    }
}

/// The site of an address as readers name it: `https://www.azatutyun.am/a/1`
/// is `azatutyun.am`.
fn site_name(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    host.strip_prefix("www.").unwrap_or(host).to_owned()
}

/// Share links: plain addresses of the networks' share pages and e-mail.
fn share_links(url: &str, headline: &str) -> Vec<LinkView> {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let (u, t) = (enc(url), enc(headline));
    vec![
        LinkView {
            name: "E-mail".into(),
            href: format!("mailto:?subject={t}&body={u}"),
        },
        LinkView {
            name: "Facebook".into(),
            href: format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
        },
        LinkView {
            name: "X".into(),
            href: format!("https://x.com/intent/post?url={u}&text={t}"),
        },
        LinkView {
            name: "WhatsApp".into(),
            href: format!("https://wa.me/?text={t}%20{u}"),
        },
    ]
}

/// "YEREVAN (<a href=/sources/azatutyun>Azatutyun</a>) —" as HTML.
fn dateline_html(a: &Article) -> Option<String> {
    let d = &a.dateline;
    if d.is_empty() {
        return None;
    }
    let mut html = String::from(r#"<span class="dateline">"#);
    if let Some(place) = &d.place {
        html.push_str(&format!("{}", HtmlEscape(place)));
    }
    if !d.sources.is_empty() {
        if d.place.is_some() {
            html.push(' ');
        }
        html.push('(');
        let n = d.sources.len();
        for (i, s) in d.sources.iter().enumerate() {
            if i > 0 {
                html.push_str(if i + 1 == n { " and " } else { ", " });
            }
            // A slug is lower-case letters, digits and hyphens: nothing in
            // its link needs escaping.
            html.push_str(&format!(
                r#"<a class="source" href="{}">{}</a>"#,
                urls::source(&s.slug),
                HtmlEscape(&s.name)
            ));
        }
        html.push(')');
    }
    html.push_str(" —</span> ");
    Some(html)
}

fn with_dateline(a: &Article) -> String {
    let Some(dateline) = dateline_html(a) else {
        return a.body_html.clone();
    };
    match a.body_html.strip_prefix("<p>") {
        Some(rest) => format!("<p>{dateline}{rest}"),
        None => format!("<p>{dateline}</p>{}", a.body_html),
    }
}

/// Previous / next links for a paged listing.
#[derive(Serialize)]
pub struct Pager {
    pub page: u32,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(base: &str, page: u32, has_more: bool) -> Self {
        Pager {
            page,
            prev: (page > 1).then(|| urls::page(base, page - 1)),
            next: has_more.then(|| urls::page(base, page + 1)),
        }
    }
}

/// A comment and the replies under it.
#[derive(Serialize)]
pub struct CommentView {
    pub id: i64,
    pub author: String,
    pub posted: DateView,
    /// Sanitized when it was posted; marked safe in the template.
    pub body_html: String,
    pub replies: Vec<CommentView>,
}

/// Approved comments as threads, oldest first. Replies whose parent is not
/// shown are left out with it.
pub fn comment_threads(comments: &[Comment], newsroom: &Newsroom) -> Vec<CommentView> {
    fn build(
        parent: Option<i64>,
        all: &[Comment],
        newsroom: &Newsroom,
        depth: u8,
    ) -> Vec<CommentView> {
        if depth > 32 {
            return Vec::new();
        }
        all.iter()
            .filter(|c| c.parent.map(|p| p.0) == parent)
            .map(|c| CommentView {
                id: c.id.0,
                author: c.author_name.clone(),
                posted: DateView::new(
                    &c.created_at.to_zoned_datetime(newsroom.time_zone.clone()),
                    newsroom,
                ),
                body_html: c.body_html.clone(),
                replies: build(Some(c.id.0), all, newsroom, depth + 1),
            })
            .collect()
    }
    build(None, comments, newsroom, 0)
}

/// A week's ranking page.
#[derive(Serialize)]
pub struct RankingView {
    pub week: i8,
    pub year: i16,
    pub week_id: String,
    pub first_day: DayView,
    pub last_day: DayView,
    pub frozen: bool,
    pub current: bool,
    pub stories: Vec<RankedView>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Serialize)]
pub struct RankedView {
    pub rank: u32,
    pub week_views: u64,
    pub story: SummaryView,
}

impl RankingView {
    /// `first` is the week of the newsroom's first story: no link leads
    /// before it.
    pub fn new(r: &gazette_core::Ranking, newsroom: &Newsroom, first: Option<IsoWeek>) -> Self {
        let day = DayView::new;
        RankingView {
            week: r.week.week(),
            year: r.week.year(),
            week_id: r.week.to_string(),
            first_day: day(r.week.monday()),
            last_day: day(r.week.sunday()),
            frozen: r.frozen,
            current: r.current,
            stories: r
                .stories
                .iter()
                .map(|t| RankedView {
                    rank: t.rank,
                    week_views: t.week_views,
                    story: SummaryView::new(&t.article, newsroom),
                })
                .collect(),
            prev: r
                .week
                .previous()
                .filter(|p| first.is_some_and(|f| *p >= f))
                .map(urls::top),
            next: if r.current {
                None
            } else {
                r.week.next().map(urls::top)
            },
        }
    }
}
