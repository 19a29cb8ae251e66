//! View structs: what templates see. Dates are formatted here, on the
//! newsroom's clock, so templates stay free of logic.

use jiff::ZonedDateTime;
use minijinja::HtmlEscape;
use serde::Serialize;

use gazette_domain::{Article, ArticleSummary, Comment, IsoWeek, NamedRef, Newsroom, TopStory};

use crate::{AppState, error::AppError, pages::assets};

/// A view struct as a template value.
pub fn v(x: &impl Serialize) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(x))
}

/// A date as readers see it, with its machine-readable form for `<time>`.
#[derive(Serialize, Clone)]
pub struct DateView {
    /// RFC 3339, for `<time datetime>`.
    pub iso: String,
    /// "Tuesday, November 25, 2025".
    pub long: String,
    /// "Nov 25, 2025".
    pub short: String,
    pub week: i8,
    /// "2025-W48".
    pub week_id: String,
}

impl DateView {
    pub fn new(at: &ZonedDateTime, newsroom: &Newsroom) -> Self {
        let local = at.with_time_zone(newsroom.time_zone.clone());
        let week = IsoWeek::of_zoned(&local);
        DateView {
            iso: local.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            long: local.strftime("%A, %B %-d, %Y").to_string(),
            short: local.strftime("%b %-d, %Y").to_string(),
            week: week.week(),
            week_id: week.to_string(),
        }
    }
}

#[derive(Serialize)]
pub struct NavItem {
    pub href: String,
    pub name: String,
    pub current: bool,
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
    pub top: Vec<TopItem>,
    pub sections: Vec<NavItem>,
    pub css_href: String,
    pub year: i16,
}

impl Layout {
    pub async fn build(state: &AppState, current_section: Option<&str>) -> Result<Self, AppError> {
        let (week, top) = state.top.current(state).await?;
        let sections = state.store.sections().await?;
        let mut layout = Layout::bare(state);
        layout.week = week.week();
        layout.week_id = week.to_string();
        layout.top = top
            .iter()
            .take(crate::top::STRIP_LEN)
            .map(top_item)
            .collect();
        layout.sections = sections
            .into_iter()
            .filter(|s| s.parent.is_none())
            .map(|s| NavItem {
                current: current_section == Some(s.slug.as_str()),
                href: format!("/sections/{}", s.slug),
                name: s.name,
            })
            .collect();
        Ok(layout)
    }

    /// The frame without anything from the store, for when the store fails.
    pub fn bare(state: &AppState) -> Self {
        let now = state.newsroom.now();
        let today = DateView::new(&now, &state.newsroom);
        Layout {
            site_name: state.newsroom.name.clone(),
            lang: state.newsroom.language.clone(),
            base_url: state.newsroom.base_url.clone(),
            week: today.week,
            week_id: today.week_id.clone(),
            today,
            top: Vec::new(),
            sections: Vec::new(),
            css_href: assets::css_href(),
            year: now.year(),
        }
    }
}

fn top_item(t: &TopStory) -> TopItem {
    TopItem {
        rank: t.rank,
        href: article_href(&t.article.slug),
        headline: t.article.headline.clone(),
    }
}

pub fn article_href(slug: &impl std::fmt::Display) -> String {
    format!("/articles/{slug}")
}

#[derive(Serialize)]
pub struct LinkView {
    pub href: String,
    pub name: String,
}

fn links(prefix: &str, refs: impl IntoIterator<Item = (String, String)>) -> Vec<LinkView> {
    refs.into_iter()
        .map(|(slug, name)| LinkView {
            href: format!("/{prefix}/{slug}"),
            name,
        })
        .collect()
}

/// One story in a list.
#[derive(Serialize)]
pub struct SummaryView {
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
            href: article_href(&a.slug),
            headline: a.headline.clone(),
            standfirst: a.standfirst.clone(),
            published: a.published_at.as_ref().map(|p| DateView::new(p, newsroom)),
            section: a.section.as_ref().map(|s| LinkView {
                href: format!("/sections/{}", s.slug),
                name: s.name.clone(),
            }),
            contributors: links("contributors", refs(&a.contributors)),
            views: a.counters.total_views(),
            comments: a.counters.total_comments(),
        }
    }
}

/// The article page.
#[derive(Serialize)]
pub struct ArticleView {
    /// The number the view beacon reports.
    pub id: i64,
    pub headline: String,
    pub standfirst: Option<String>,
    pub href: String,
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
    pub tags: Vec<String>,
    pub language: String,
}

impl ArticleView {
    pub fn new(a: &Article, newsroom: &Newsroom) -> Self {
        ArticleView {
            id: a.id.0,
            headline: a.headline.clone(),
            standfirst: a.standfirst.clone(),
            href: article_href(&a.slug),
            sections: links(
                "sections",
                a.sections
                    .iter()
                    .map(|s| (s.slug.to_string(), s.name.clone())),
            ),
            account: a.account.as_ref().map(|x| x.name.clone()),
            views: a.counters.total_views(),
            comments: a.counters.total_comments(),
            contributors: links(
                "contributors",
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
            tags: a.tags.iter().map(|t| t.name.clone()).collect(),
            language: a.language.clone(),
        }
    }
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
            html.push_str(&format!(
                r#"<a class="source" href="/sources/{}">{}</a>"#,
                HtmlEscape(s.slug.as_str()),
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
        let href = |p: u32| {
            if p <= 1 {
                base.to_owned()
            } else {
                format!("{base}?page={p}")
            }
        };
        Pager {
            page,
            prev: (page > 1).then(|| href(page - 1)),
            next: has_more.then(|| href(page + 1)),
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
    pub first_day: String,
    pub last_day: String,
    pub frozen: bool,
    pub current: bool,
    pub stories: Vec<RankedView>,
    pub prev: String,
    pub next: Option<String>,
    pub formula: &'static str,
}

#[derive(Serialize)]
pub struct RankedView {
    pub rank: u32,
    pub week_views: u64,
    pub story: SummaryView,
}

impl RankingView {
    pub fn new(r: &crate::top::Ranking, newsroom: &Newsroom) -> Self {
        let day = |d: jiff::civil::Date| d.strftime("%A, %B %-d, %Y").to_string();
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
            prev: format!("/top/{}", r.week.previous()),
            next: (!r.current).then(|| format!("/top/{}", r.week.next())),
            formula: crate::api::FORMULA,
        }
    }
}
