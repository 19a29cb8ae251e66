//! The JSON API under `/api`: weekly rankings, daily view series, and
//! comment moderation and metrics (which need the API token).

use axum::{
    Json,
    extract::{Path, Query, State},
    response::IntoResponse,
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use gazette_core::{FORMULA, Moderation, Outcome, Ranking, accounts::Permission};
use gazette_domain::{ArticleId, Comment, CommentId, CommentStatus};
use gazette_store::{DayCount, Page};

use crate::{AppError, AppState, auth::ApiAccess, pages::top::parse_week, urls};

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

fn ranking_json(state: &AppState, r: Ranking) -> RankingJson {
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
                    state.core.newsroom.base_url,
                    urls::article(&t.article.slug)
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
    let week = state.core.this_week()?;
    let r = state.core.ranking(week).await?;
    Ok(Json(ranking_json(&state, r)))
}

/// GET `/api/top/{week}`.
pub async fn top_week(
    State(state): State<AppState>,
    Path(week): Path<String>,
) -> Result<Json<RankingJson>, AppError> {
    let r = state.core.ranking(parse_week(&week)?).await?;
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

/// Longest series one request may ask for, in days.
const MAX_SERIES_DAYS: i32 = 3 * 366;

/// GET `/api/articles/{id}/views?from=YYYY-MM-DD&to=YYYY-MM-DD`: counted
/// views per day (default: the last 30 days on the newsroom's clock).
pub async fn article_views(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(range): Query<Range>,
) -> Result<Json<SeriesJson>, AppError> {
    let today = state.core.now_zoned().date();
    let parse = |s: &Option<String>, default: Date| -> Result<Date, AppError> {
        match s {
            None => Ok(default),
            Some(s) => s.parse().map_err(|_| {
                AppError::bad_request(format!(
                    "`{}` is not a date; use YYYY-MM-DD",
                    s.chars().take(40).collect::<String>()
                ))
            }),
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
    if to.since(from).map(|s| s.get_days()).unwrap_or(i32::MAX) > MAX_SERIES_DAYS {
        return Err(AppError::bad_request(format!(
            "ask for at most {MAX_SERIES_DAYS} days at a time"
        )));
    }
    let days = state
        .core
        .store
        .daily_views(ArticleId(id), from, to)
        .await?;
    Ok(Json(SeriesJson {
        article: id,
        from,
        to,
        days,
    }))
}

#[derive(Deserialize)]
pub struct StatusQuery {
    status: Option<String>,
    page: Option<u32>,
}

/// GET `/api/comments?status=pending|approved|spam&page=N`.
pub async fn comments(
    State(state): State<AppState>,
    access: ApiAccess,
    Query(q): Query<StatusQuery>,
) -> Result<Json<Vec<Comment>>, AppError> {
    access.require(Permission::ModerateComments)?;
    let status: CommentStatus = q
        .status
        .as_deref()
        .unwrap_or("pending")
        .parse()
        .map_err(|e: gazette_domain::DomainError| AppError::bad_request(e.to_string()))?;
    let page = Page::new(q.page.unwrap_or(1), 100);
    Ok(Json(
        state.core.store.comments_with_status(status, page).await?,
    ))
}

/// POST `/api/comments/{id}/{approve|spam|pending}`.
pub async fn moderate(
    State(state): State<AppState>,
    access: ApiAccess,
    Path((id, action)): Path<(i64, String)>,
) -> Result<Json<Comment>, AppError> {
    access.require(Permission::ModerateComments)?;
    let action: Moderation = action.parse().map_err(|_| AppError::NotFound)?;
    if action == Moderation::Delete {
        return Err(AppError::NotFound);
    }
    let comment = moderated(&state, &access, CommentId(id), action)
        .await?
        .ok_or(AppError::NotFound)?;
    // The story's pages follow before the answer (other nodes hear it
    // from the change feed).
    state.pages_changed_for(&gazette_store::Change::Comments(comment.article));
    Ok(Json(comment))
}

/// Moderates as the token's account (checked and audited), or as the
/// site's token.
async fn moderated(
    state: &AppState,
    access: &ApiAccess,
    id: CommentId,
    action: Moderation,
) -> Result<Option<Comment>, AppError> {
    match &access.0 {
        Some(user) => state
            .core
            .moderate_as(user, id, action)
            .await
            .map_err(|e| match e {
                gazette_core::accounts::AccountError::Store(e) => e.into(),
                e => AppError::Forbidden(e.to_string()),
            }),
        None => Ok(state.core.moderate(id, action).await?),
    }
}

/// DELETE `/api/comments/{id}`.
pub async fn delete(
    State(state): State<AppState>,
    access: ApiAccess,
    Path(id): Path<i64>,
) -> Result<axum::http::StatusCode, AppError> {
    access.require(Permission::ModerateComments)?;
    moderated(&state, &access, CommentId(id), Moderation::Delete).await?;
    state.pages_changed();
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// GET `/api/metrics`: counters in Prometheus' text format (needs the token).
pub async fn metrics(
    State(state): State<AppState>,
    access: ApiAccess,
) -> Result<impl IntoResponse, AppError> {
    access.require(Permission::ManageAccounts)?;
    let core = &state.core;
    let s = core.views.stats();
    let (lookups, misses) = state.page_cache.lookups_and_misses();
    let mut body = String::from(
        "# HELP gazette_views_total View hits since start, by outcome.\n\
         # TYPE gazette_views_total counter\n",
    );
    for o in Outcome::ALL {
        body.push_str(&format!(
            "gazette_views_total{{outcome=\"{}\"}} {}\n",
            o.as_str(),
            s.outcome(o)
        ));
    }
    body.push_str(&format!(
        "# HELP gazette_views_written_total Counted views written to the database since start.\n\
         # TYPE gazette_views_written_total counter\n\
         gazette_views_written_total {}\n\
         # HELP gazette_views_pending Counted views not yet written.\n\
         # TYPE gazette_views_pending gauge\n\
         gazette_views_pending {}\n\
         # HELP gazette_views_counted_elsewhere_total Views another node had already counted.\n\
         # TYPE gazette_views_counted_elsewhere_total counter\n\
         gazette_views_counted_elsewhere_total {}\n\
         # HELP gazette_weeks_frozen_total Weeks this node froze since start.\n\
         # TYPE gazette_weeks_frozen_total counter\n\
         gazette_weeks_frozen_total {}\n\
         # HELP gazette_jobs_lease_held Whether this node runs the background jobs now.\n\
         # TYPE gazette_jobs_lease_held gauge\n\
         gazette_jobs_lease_held {}\n\
         # HELP gazette_page_cache_total Reader-page requests the page cache could answer, by outcome.\n\
         # TYPE gazette_page_cache_total counter\n\
         gazette_page_cache_total{{outcome=\"hit\"}} {}\n\
         gazette_page_cache_total{{outcome=\"miss\"}} {}\n\
         # HELP gazette_sendfile_bytes_total Bytes of large cached pages sent from their file, not copied.\n\
         # TYPE gazette_sendfile_bytes_total counter\n\
         gazette_sendfile_bytes_total {}\n",
        s.written,
        s.pending,
        s.duplicates_across_nodes,
        core.weeks_frozen(),
        u8::from(core.holds_jobs_lease()),
        lookups.saturating_sub(misses),
        misses,
        crate::sendfile::bytes_sent(),
    ));
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        body,
    ))
}
