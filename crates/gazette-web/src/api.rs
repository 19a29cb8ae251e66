//! The JSON API under `/api`: weekly rankings, daily view series, and
//! comment moderation (which needs the API token).

use axum::{
    Json,
    extract::{Path, Query, State},
    http::HeaderMap,
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use gazette_domain::{ArticleId, Comment, CommentId, CommentStatus, IsoWeek};
use gazette_store::{DayCount, Page};

use crate::{AppError, AppState, client, top, views::article_href};

#[derive(Serialize)]
pub struct RankingJson {
    week: String,
    /// True once the week has ended and its list can no longer change.
    frozen: bool,
    current: bool,
    formula: &'static str,
    stories: Vec<RankedJson>,
}

#[derive(Serialize)]
pub struct RankedJson {
    rank: u32,
    id: i64,
    headline: String,
    url: String,
    week_views: u64,
    comments: u64,
    published: Option<String>,
}

/// How a week's list is made, in one sentence; also shown on the page.
pub const FORMULA: &str = "Stories published in the week or the three weeks before it, ranked by the views they got during the week (one per reader per day, robots left out), then by approved comments, then newest first. A week's list is frozen five minutes after the week ends (Monday 00:00 on the newsroom's clock).";

fn ranking_json(state: &AppState, r: top::Ranking) -> RankingJson {
    RankingJson {
        week: r.week.to_string(),
        frozen: r.frozen,
        current: r.current,
        formula: FORMULA,
        stories: r
            .stories
            .into_iter()
            .map(|t| RankedJson {
                rank: t.rank,
                id: t.article.id.0,
                url: format!(
                    "{}{}",
                    state.newsroom.base_url,
                    article_href(&t.article.slug)
                ),
                headline: t.article.headline,
                week_views: t.week_views,
                comments: t.article.counters.comments,
                published: t.article.published_at.map(|p| p.timestamp().to_string()),
            })
            .collect(),
    }
}

/// GET `/api/top`: this week's ranking.
pub async fn top_current(State(state): State<AppState>) -> Result<Json<RankingJson>, AppError> {
    let week = IsoWeek::of_zoned(&state.newsroom.now());
    let r = top::ranking(&state, week).await?;
    Ok(Json(ranking_json(&state, r)))
}

/// GET `/api/top/{week}`.
pub async fn top_week(
    State(state): State<AppState>,
    Path(week): Path<String>,
) -> Result<Json<RankingJson>, AppError> {
    let week: IsoWeek = week
        .parse()
        .map_err(|e: gazette_domain::DomainError| AppError::bad_request(e.to_string()))?;
    let r = top::ranking(&state, week).await?;
    Ok(Json(ranking_json(&state, r)))
}

#[derive(Deserialize)]
pub struct Range {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Serialize)]
pub struct SeriesJson {
    article: i64,
    from: Date,
    to: Date,
    days: Vec<DayCount>,
}

/// GET `/api/articles/{id}/views?from=YYYY-MM-DD&to=YYYY-MM-DD`: counted
/// views per day (default: the last 30 days on the newsroom's clock).
pub async fn article_views(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(range): Query<Range>,
) -> Result<Json<SeriesJson>, AppError> {
    let today = state.newsroom.now().date();
    let parse = |s: &Option<String>, default: Date| -> Result<Date, AppError> {
        match s {
            None => Ok(default),
            Some(s) => s
                .parse()
                .map_err(|_| AppError::bad_request(format!("`{s}` is not a date; use YYYY-MM-DD"))),
        }
    };
    let to = parse(&range.to, today)?;
    let from = parse(
        &range.from,
        to.checked_sub(jiff::Span::new().days(29)).unwrap_or(to),
    )?;
    if from > to {
        return Err(AppError::bad_request("`from` is after `to`"));
    }
    let days = state.store.daily_views(ArticleId(id), from, to).await?;
    Ok(Json(SeriesJson {
        article: id,
        from,
        to,
        days,
    }))
}

fn require_token(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    if state.config.api_token.is_none() {
        return Err(AppError::Forbidden(
            "the moderation API is off: set api_token in the configuration".into(),
        ));
    }
    if client::has_api_token(state, headers) {
        Ok(())
    } else {
        Err(AppError::Unauthorized)
    }
}

#[derive(Deserialize)]
pub struct StatusQuery {
    status: Option<String>,
    page: Option<u32>,
}

/// GET `/api/comments?status=pending|approved|spam&page=N`.
pub async fn comments(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<StatusQuery>,
) -> Result<Json<Vec<Comment>>, AppError> {
    require_token(&state, &headers)?;
    let status: CommentStatus = q
        .status
        .as_deref()
        .unwrap_or("pending")
        .parse()
        .map_err(|e: gazette_domain::DomainError| AppError::bad_request(e.to_string()))?;
    let page = Page::new(q.page.unwrap_or(1), 100);
    Ok(Json(state.store.comments_with_status(status, page).await?))
}

/// POST `/api/comments/{id}/{approve|spam|pending}`.
pub async fn moderate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, action)): Path<(i64, String)>,
) -> Result<Json<Comment>, AppError> {
    require_token(&state, &headers)?;
    let status = match action.as_str() {
        "approve" => CommentStatus::Approved,
        "spam" => CommentStatus::Spam,
        "pending" => CommentStatus::Pending,
        _ => return Err(AppError::NotFound),
    };
    let comment = state
        .store
        .set_comment_status(CommentId(id), status)
        .await?;
    state.page_cache.clear();
    Ok(Json(comment))
}

/// DELETE `/api/comments/{id}`.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<axum::http::StatusCode, AppError> {
    require_token(&state, &headers)?;
    state.store.delete_comment(CommentId(id)).await?;
    state.page_cache.clear();
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// GET `/api/metrics`: counters in Prometheus' text format (needs the token).
pub async fn metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl axum::response::IntoResponse, AppError> {
    require_token(&state, &headers)?;
    let s = state.counter.stats();
    let body = format!(
        "# HELP gazette_views_total View hits since start, by outcome.\n\
         # TYPE gazette_views_total counter\n\
         gazette_views_total{{outcome=\"counted\"}} {}\n\
         gazette_views_total{{outcome=\"duplicate\"}} {}\n\
         gazette_views_total{{outcome=\"bot\"}} {}\n\
         gazette_views_total{{outcome=\"prefetch\"}} {}\n\
         gazette_views_total{{outcome=\"staff\"}} {}\n\
         gazette_views_total{{outcome=\"saturated\"}} {}\n\
         # HELP gazette_views_written_total Counted views written to the database since start.\n\
         # TYPE gazette_views_written_total counter\n\
         gazette_views_written_total {}\n\
         # HELP gazette_views_pending Counted views not yet written.\n\
         # TYPE gazette_views_pending gauge\n\
         gazette_views_pending {}\n",
        s.counted, s.duplicate, s.bot, s.prefetch, s.staff, s.saturated, s.written, s.pending
    );
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        body,
    ))
}
