//! `/top/{week}`: a week's top stories, with how the list is made.

use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use minijinja::context;

use gazette_domain::IsoWeek;

use crate::{
    AppError, AppState,
    pages::page,
    top,
    views::{Layout, RankingView, v},
};

/// `/top`: this week's list.
pub async fn current(State(state): State<AppState>) -> Response {
    let week = IsoWeek::of_zoned(&state.newsroom.now());
    Redirect::to(&format!("/top/{week}")).into_response()
}

pub async fn week(
    State(state): State<AppState>,
    Path(week): Path<String>,
) -> Result<Response, AppError> {
    let week: IsoWeek = week
        .parse()
        .map_err(|e: gazette_domain::DomainError| AppError::bad_request(e.to_string()))?;
    let ranking = top::ranking(&state, week).await?;
    let layout = Layout::build(&state, None).await?;
    let view = RankingView::new(&ranking, &state.newsroom);
    let html = state.templates.render(
        "pages/top.html",
        context! {
            layout => v(&layout),
            title => format!("Top stories, week {} of {}", week.week(), week.year()),
            ranking => v(&view),
        },
    )?;
    Ok(page(html))
}
