//! Weekly editions: `/week/{2025-W48}` shows every story of an ISO week
//! (on the newsroom's clock) by section, with that week's top stories
//! (frozen once it ended); `/weeks` lists every edition, newest first.

use axum::{
    extract::{Path, State},
    response::Response,
};
use minijinja::context;
use serde::Serialize;

use gazette_domain::IsoWeek;

use crate::{
    AppError, AppState,
    pages::{frame, page_showing, top::parse_week},
    urls,
    views::{Layout, SummaryView, v},
};

/// Stories one edition page shows at most (a weekly prints far fewer).
pub const MAX_EDITION_STORIES: u32 = 2_000;

#[derive(Serialize)]
struct SectionGroup {
    name: String,
    href: Option<String>,
    stories: Vec<SummaryView>,
}

#[derive(Serialize)]
struct WeekLink {
    href: String,
    label: String,
    dates: String,
}

/// The weeks that have an edition: from the first story's to this one.
pub async fn edition_weeks(state: &AppState) -> Result<Option<(IsoWeek, IsoWeek)>, AppError> {
    let core = &state.core;
    let first = core
        .rankings
        .first_week(&*core.store, &core.newsroom.time_zone, core.now())
        .await?;
    Ok(first.map(|f| (f, core.this_week().unwrap_or(f).max(f))))
}

/// "Nov 16, 2026 – Nov 22, 2026", in the newsroom's language.
fn dates(state: &AppState, week: IsoWeek) -> String {
    let cat = state.templates.catalogue();
    let day = |d: jiff::civil::Date| {
        cat.date_short(
            i64::from(d.year()),
            i64::from(d.month()),
            i64::from(d.day()),
        )
    };
    state.templates.text(
        "date-range",
        &[
            ("from", day(week.monday()).into()),
            ("to", day(week.sunday()).into()),
        ],
    )
}

/// "Week 48, 2025", in the newsroom's language.
pub fn week_title(state: &AppState, week: IsoWeek) -> String {
    state.templates.text(
        "week-n-year",
        &[
            ("week", i64::from(week.week()).into()),
            ("year", week.year().to_string().into()),
        ],
    )
}

pub async fn show(
    State(state): State<AppState>,
    Path(week): Path<String>,
) -> Result<Response, AppError> {
    let week = parse_week(&week)?;
    let core = &state.core;
    let Some((first, this)) = edition_weeks(&state).await? else {
        return Err(AppError::NotFound);
    };
    if week < first || week > this {
        return Err(AppError::NotFound);
    }
    let tz = &core.newsroom.time_zone;
    let (from, to) = (
        week.start(tz)
            .map_err(gazette_store::StoreError::from)?
            .timestamp(),
        week.end(tz)
            .map_err(gazette_store::StoreError::from)?
            .timestamp(),
    );
    let stories = core
        .store
        .articles_published_between(from, to, core.now(), MAX_EDITION_STORIES)
        .await?;
    // By section, in the order of the paper's sections, each newest first.
    let sections = core.sections().await?;
    let mut groups: Vec<SectionGroup> = Vec::new();
    for s in sections.iter() {
        let mine: Vec<SummaryView> = stories
            .iter()
            .filter(|a| a.section.as_ref().is_some_and(|x| x.slug == s.slug))
            .map(|a| SummaryView::new(a, &core.newsroom))
            .collect();
        if !mine.is_empty() {
            groups.push(SectionGroup {
                name: s.name.clone(),
                href: Some(urls::section(&s.slug)),
                stories: mine,
            });
        }
    }
    let unfiled: Vec<SummaryView> = stories
        .iter()
        .filter(|a| a.section.is_none())
        .map(|a| SummaryView::new(a, &core.newsroom))
        .collect();
    if !unfiled.is_empty() {
        groups.push(SectionGroup {
            name: state.templates.text("edition-other", &[]),
            href: None,
            stories: unfiled,
        });
    }
    let ranking = core.ranking(week).await?;
    let top: Vec<SummaryView> = ranking
        .stories
        .iter()
        .take(10)
        .map(|t| SummaryView::new(&t.article, &core.newsroom))
        .collect();
    let frame = frame(&state).await?;
    let layout = Layout::new(core, Some(&frame), None);
    let html = state.templates.render(
        "pages/week.html",
        context! {
            layout => v(&layout),
            title => week_title(&state, week),
            week => context! {
                id => week.to_string(),
                number => week.week(),
                year => week.year(),
                dates => dates(&state, week),
                current => week == this,
                frozen => ranking.frozen,
                top_href => urls::top(week),
                feed => urls::week_feed(week),
                atom => urls::week_atom(week),
            },
            count => stories.len(),
            groups => v(&groups),
            top => v(&top),
            prev => week.previous().filter(|p| *p >= first).map(urls::week),
            next => week.next().filter(|n| *n <= this).map(urls::week),
            feeds => vec![
                context! { kind => "rss", href => urls::week_feed(week), title => format!("{} (RSS)", week_title(&state, week)) },
                context! { kind => "atom", href => urls::week_atom(week), title => format!("{} (Atom)", week_title(&state, week)) },
            ],
        },
    )?;
    let listed = stories
        .iter()
        .map(|a| a.id.0)
        .chain(ranking.stories.iter().map(|t| t.article.id.0))
        .collect::<Vec<_>>();
    Ok(page_showing(html, &frame, None, listed))
}

pub async fn archive(State(state): State<AppState>) -> Result<Response, AppError> {
    let core = &state.core;
    let mut years: Vec<(i16, Vec<WeekLink>)> = Vec::new();
    if let Some((first, this)) = edition_weeks(&state).await? {
        let mut w = this;
        loop {
            let link = WeekLink {
                href: urls::week(w),
                label: state
                    .templates
                    .text("week-n", &[("week", i64::from(w.week()).into())]),
                dates: dates(&state, w),
            };
            match years.last_mut() {
                Some((y, links)) if *y == w.year() => links.push(link),
                _ => years.push((w.year(), vec![link])),
            }
            match w.previous() {
                Some(p) if p >= first => w = p,
                _ => break,
            }
        }
    }
    let years: Vec<_> = years
        .into_iter()
        .map(|(year, weeks)| context! { year, weeks => v(&weeks) })
        .collect();
    let frame = frame(&state).await?;
    let layout = Layout::new(core, Some(&frame), None);
    let html = state.templates.render(
        "pages/weeks.html",
        context! {
            layout => v(&layout),
            title => state.templates.text("editions-title", &[]),
            years,
        },
    )?;
    Ok(page_showing(html, &frame, None, []))
}
