//! `/top/{week}`: a week's top stories, with how the list is made.

use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use minijinja::context;

use gazette_domain::IsoWeek;

use crate::{
    AppError, AppState,
    pages::{frame, page_showing},
    urls,
    views::{Layout, RankingView, v},
};

/// `/top`: this week's list.
pub async fn current(State(state): State<AppState>) -> Result<Response, AppError> {
    Ok(Redirect::to(&urls::top(state.core.this_week()?)).into_response())
}

/// Parses a week from a path; a malformed or out-of-range week is no page.
pub fn parse_week(s: &str) -> Result<IsoWeek, AppError> {
    s.parse().map_err(|_| AppError::NotFound)
}

pub async fn week(
    State(state): State<AppState>,
    Path(week): Path<String>,
) -> Result<Response, AppError> {
    let week = parse_week(&week)?;
    let core = &state.core;
    let ranking = core.ranking(week).await?;
    let first = core
        .rankings
        .first_week(&*core.store, &core.newsroom.time_zone, core.now())
        .await?;
    let frame = frame(&state).await?;
    let layout = Layout::new(core, Some(&frame), None);
    let view = RankingView::new(&ranking, &core.newsroom, first);
    let html = state.templates.render(
        "pages/top.html",
        context! {
            layout => v(&layout),
            title => state.templates.text(
                "top-title",
                &[
                    ("week", i64::from(week.week()).into()),
                    ("year", week.year().to_string().into()),
                ],
            ),
            ranking => v(&view),
        },
    )?;
    let listed = view.stories.iter().map(|r| r.story.id).collect::<Vec<_>>();
    Ok(page_showing(html, &frame, None, listed))
}
