//! The dashboard's views-per-day chart, drawn as SVG on the server with
//! plotters: no script, nothing fetched by the browser.

use gazette_store::DayCount;
use jiff::civil::Date;
use plotters::prelude::*;

/// Every day from `from` to `to` with its views (0 for a day with none).
pub fn every_day(counts: &[DayCount], from: Date, to: Date) -> Vec<(Date, u64)> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        let n = counts.iter().find(|c| c.day == day).map_or(0, |c| c.views);
        out.push((day, n));
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    out
}

/// A line chart of `days` as an SVG element.
pub fn views_svg(days: &[(Date, u64)]) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 240)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let top = days.iter().map(|d| d.1).max().unwrap_or(0).max(10);
        let n = days.len().max(2) as i32;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(56)
            .build_cartesian_2d(0..n - 1, 0..top + top / 10)
            .map_err(|e| e.to_string())?;
        let label = |i: &i32| {
            days.get(*i as usize)
                .map(|(d, _)| d.strftime("%b %-d").to_string())
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&label)
            .light_line_style(WHITE)
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineSeries::new(
                days.iter().enumerate().map(|(i, (_, v))| (i as i32, *v)),
                RGBColor(0x16, 0x46, 0x7a).stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Views per day for the last 30 days on the newsroom's clock, site-wide
/// (`None`) or of one story: the chart, the total and the numbers, as the
/// `partials`' views section shows them.
pub async fn last_30_days(
    core: &gazette_core::Core,
    story: Option<gazette_domain::ArticleId>,
) -> Result<minijinja::Value, crate::AppError> {
    use crate::AppError;
    let today = core.now_zoned().date();
    let from = today
        .checked_sub(jiff::Span::new().days(29))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let counts = match story {
        None => core.store.site_daily_views(from, today).await?,
        Some(id) => core.store.daily_views(id, from, today).await?,
    };
    let days = every_day(&counts, from, today);
    let chart = views_svg(&days).map_err(AppError::Internal)?;
    let total: u64 = days.iter().map(|d| d.1).sum();
    let per_day: Vec<_> = days
        .iter()
        .map(|(d, n)| minijinja::context! { day => d.to_string(), views => n })
        .collect();
    Ok(minijinja::context! {
        chart,
        total,
        per_day,
        from => from.to_string(),
        to => today.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn missing_days_are_zero_and_the_chart_is_svg() {
        let counts = [
            DayCount {
                day: date(2026, 11, 2),
                views: 40,
            },
            DayCount {
                day: date(2026, 11, 4),
                views: 7,
            },
        ];
        let days = every_day(&counts, date(2026, 11, 1), date(2026, 11, 5));
        assert_eq!(
            days.iter().map(|d| d.1).collect::<Vec<_>>(),
            [0, 40, 0, 7, 0]
        );
        let svg = views_svg(&days).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(
            svg.contains("<polyline") || svg.contains("<path"),
            "a line: {svg}"
        );
        assert!(svg.contains("Nov 2"), "day labels: {svg}");
        assert!(!svg.contains("<script"));
        assert!(
            !svg.contains("style="),
            "no inline styles (the CSP allows none): {svg}"
        );
    }
}
