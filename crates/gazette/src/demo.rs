//! A generated demo newsroom: "The Meridian Courier", a weekly of a
//! fictional harbour town and its diaspora community. Every name, place
//! and sentence here is made up by this generator; the same seed gives the
//! same newsroom (dated relative to today).

use anyhow::Context;
use jiff::{Timestamp, ToSpan, civil::Date};
use rand::{RngExt, SeedableRng, rngs::StdRng, seq::IndexedRandom};

use gazette_core::Core;
use gazette_domain::{ArticleInput, ArticleStatus, IsoWeek, SourceInput};
use gazette_store::{DailyViews, ImportedComment, StoreError};

/// Stories saved per transaction.
const BATCH: usize = 500;

/// The demo's config file, written into a fresh demo data directory.
pub const CONFIG: &str = r#"# Written by `gazette demo`. See `gazette config example` for every setting.
[newsroom]
name = "The Meridian Courier"
time_zone = "America/New_York"
language = "en"
"#;

/// What [`generate`] made.
pub struct Made {
    pub articles: u32,
    pub comments: u64,
    pub sections: usize,
    pub contributors: usize,
    pub sources: usize,
}

const SECTIONS: &[(&str, Option<&str>)] = &[
    ("Local News", None),
    ("Community", None),
    ("Obituaries", Some("Community")),
    ("Politics", None),
    ("International", None),
    ("Business", None),
    ("Arts & Culture", None),
    ("Books", Some("Arts & Culture")),
    ("Sports", None),
    ("Opinion", None),
];

const FIRST: &[&str] = &[
    "Ani", "Aram", "Lilit", "Mher", "Nora", "Garo", "Talin", "Raffi", "Sona", "Vahe", "Maria",
    "Daniel", "Grace", "Samuel", "Elena", "Tomas", "Hasmik", "Levon", "Isabel", "Karen", "Nairi",
    "Arthur", "Rita", "Hagop",
];
const LAST: &[&str] = &[
    "Hakobyan",
    "Ohanian",
    "Sargsyan",
    "Petrosyan",
    "Boyajian",
    "Kazarian",
    "Melkonian",
    "Torosyan",
    "Avedisian",
    "Marsh",
    "Delgado",
    "Whitcombe",
    "Lindqvist",
    "Okafor",
    "Moreau",
    "Baghdasaryan",
    "Ferrante",
    "Keshishian",
    "Nakamura",
    "Brennan",
    "Gasparyan",
    "Holloway",
    "Aznavourian",
    "Quinlan",
];

const ACCOUNTS: &[&str] = &["The Meridian Courier", "Courier Staff", "Community Desk"];

const SOURCES: &[&str] = &[
    "Meridian Wire",
    "Harbor News Service",
    "Northgate Press",
    "Valley Radio",
    "coastline.news",
    "Civic Report",
];

const PLACES: &[&str] = &[
    "PORT ELLIS",
    "NORTHGATE",
    "WATERTOWN, Mass.",
    "BOSTON",
    "NEW YORK",
    "WASHINGTON",
    "GLENDALE, Calif.",
    "TORONTO",
    "MONTREAL",
    "PARIS",
    "BEIRUT",
    "YEREVAN",
    "BUENOS AIRES",
    "MARSEILLE",
];

const TOWNS: &[&str] = &[
    "Port Ellis",
    "Northgate",
    "Alder Bay",
    "Cold Spring",
    "Halvorsen",
];

const ORGS: &[&str] = &[
    "City Council",
    "School Board",
    "Harbour Authority",
    "Chamber of Commerce",
    "Cultural Union",
    "Youth Federation",
    "Historical Society",
    "Port Ellis Library",
    "Benevolent Association",
    "Transit Commission",
];

const THINGS: &[&str] = &[
    "Harbour Wall",
    "Ferry Timetable",
    "Library Wing",
    "Community Centre",
    "Summer Festival",
    "Bus Routes",
    "Scholarship Fund",
    "Heritage Trail",
    "Fish Market",
    "Concert Hall",
    "Bike Lanes",
    "Night School",
];

const VERBS: &[&str] = &[
    "Approves",
    "Delays",
    "Unveils",
    "Debates",
    "Funds",
    "Reopens",
    "Rethinks",
    "Celebrates",
];

/// Headline patterns per section; `{org}`, `{thing}`, `{verb}`, `{town}`,
/// `{n}`, `{person}` are filled in.
fn headline_patterns(section: &str) -> &'static [&'static str] {
    match section {
        "Sports" => &[
            "{town} Rowers Take Regional Title by {n} Seconds",
            "Late Goal Lifts {town} Over Rivals",
            "Chess Club Sends {few} Players to National Open",
            "Marathon Draws Record Field of {n} Runners",
        ],
        "Arts & Culture" | "Books" => &[
            "{person}'s New Exhibition Opens at the {thing}",
            "Choir Marks {few} Years With a Sold-Out Concert",
            "A Novel of Two Harbours Wins the {town} Prize",
            "Film Week Brings {few} Premieres to {town}",
        ],
        "Opinion" => &[
            "Why the {thing} Deserves a Second Look",
            "What {town} Owes Its Volunteers",
            "The {org} Should Listen Before It Votes",
        ],
        "Obituaries" => &[
            "{person}, Teacher and Organist, Dies at {age}",
            "{person}, Who Built the {thing}, Remembered",
        ],
        "International" => &[
            "Talks Resume as Envoys Meet in {place}",
            "Diaspora Groups Urge Aid After Flooding in {place}",
            "Ministers Sign Trade Accord in {place}",
            "Prisoner Release Talks Stall, Officials Say",
        ],
        "Business" => &[
            "{town} Bakery Expands to {few} Stores",
            "Shipping Firm Adds {n} Jobs at the Port",
            "Small Businesses Weigh Rent Rises on Main Street",
        ],
        "Politics" => &[
            "{org} {verb} {thing} Plan",
            "Candidates Clash Over the {thing} in Debate",
            "Turnout Reaches {pct} Percent in Special Election",
        ],
        _ => &[
            "{org} {verb} New {thing}",
            "{town} Residents Turn Out for {thing} Meeting",
            "{org} {verb} {thing} After Long Debate",
            "Volunteers Restore the Old {thing}",
        ],
    }
}

const OPENERS: &[&str] = &[
    "The {org} voted {a} to {b} on {day} to move ahead with the {thing}, ending months of debate.",
    "Residents of {town} filled the hall on {day} evening as the {org} took up the {thing}.",
    "More than {n} people gathered on {day} for the opening of the {thing}.",
    "After {few} weeks of talks, officials said on {day} that an agreement was within reach.",
    "{person} has spent {few} years working for the {org}, and says the work is far from done.",
];

const MIDDLES: &[&str] = &[
    "“We have waited a long time for this,” said {person}, who has lived in {town} for {few} years.",
    "The plan would cost about ${n} million, according to figures released by the {org}.",
    "Critics argued that the {thing} had been rushed, and asked for a public hearing.",
    "Supporters pointed to a survey in which {pct} percent of residents backed the proposal.",
    "{person}, a member of the {org}, said the schedule depended on state funding.",
    "Work is expected to begin in the spring and to last about {few} months.",
    "The {org} will publish its full report on its website next week.",
    "Several speakers recalled how the old {thing} had shaped the neighbourhood.",
    "Organizers thanked the {n} volunteers who gave up their weekends to help.",
    "The meeting ran past midnight, and a final vote was set for next month.",
    "Local businesses said they hoped the change would bring more visitors to {town}.",
    "A spokesperson for the {org} declined to comment on the timetable.",
];

const CLOSERS: &[&str] = &[
    "The {org} meets again on {day}; the session is open to the public.",
    "Readers can share their views at the community forum next {day}.",
    "Further details will be published as they become available.",
    "Tickets are available at the {thing} and from the {org}.",
];

const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

struct Filler<'a> {
    rng: &'a mut StdRng,
    people: &'a [String],
}

impl Filler<'_> {
    /// One pattern from `patterns`, filled in.
    fn pick(&mut self, patterns: &[&str]) -> String {
        let p = *patterns
            .choose(self.rng)
            .expect("pattern lists are not empty");
        self.fill(p)
    }

    fn fill(&mut self, pattern: &str) -> String {
        let mut out = pattern.to_owned();
        while let Some(start) = out.find('{') {
            let Some(len) = out[start..].find('}') else {
                break;
            };
            let key = &out[start + 1..start + len];
            let value = match key {
                "org" => ORGS.choose(self.rng).unwrap().to_string(),
                "thing" => THINGS.choose(self.rng).unwrap().to_string(),
                "verb" => VERBS.choose(self.rng).unwrap().to_string(),
                "town" => TOWNS.choose(self.rng).unwrap().to_string(),
                "place" => title_case(PLACES.choose(self.rng).unwrap()),
                "day" => DAYS.choose(self.rng).unwrap().to_string(),
                "person" => self.people.choose(self.rng).unwrap().clone(),
                "n" => self.rng.random_range(3..240).to_string(),
                "a" => self.rng.random_range(5..9).to_string(),
                "b" => self.rng.random_range(0..4).to_string(),
                "age" => self.rng.random_range(71..99).to_string(),
                "pct" => self.rng.random_range(12..88).to_string(),
                "few" => self.rng.random_range(2..30).to_string(),
                _ => key.to_owned(),
            };
            out.replace_range(start..start + len + 1, &value);
        }
        out
    }
}

/// "GLENDALE, Calif." -> "Glendale"
fn title_case(place: &str) -> String {
    let head = place.split(',').next().unwrap_or(place);
    head.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_string() + &c.as_str().to_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn store_err(e: StoreError) -> anyhow::Error {
    anyhow::anyhow!(e.detail())
}

/// Fills the newsroom with `count` articles published over the last
/// weeks, with daily view counters up to today.
pub async fn generate(core: &Core, count: u32, weeks: u32, seed: u64) -> anyhow::Result<Made> {
    let mut rng = StdRng::seed_from_u64(seed);
    let store = &*core.store;
    let newsroom = &core.newsroom;
    let tz = &newsroom.time_zone;
    let now = core.now_zoned();
    let today = now.date();

    for (name, parent) in SECTIONS {
        store
            .ensure_section(name, *parent)
            .await
            .map_err(store_err)?;
    }
    let mut people: Vec<String> = Vec::new();
    while people.len() < 24 {
        let name = format!(
            "{} {}",
            FIRST.choose(&mut rng).unwrap(),
            LAST.choose(&mut rng).unwrap()
        );
        if !people.contains(&name) {
            people.push(name);
        }
    }

    // Spread the stories evenly over the weeks, newest today.
    let span_days: i64 = i64::from(weeks.max(1)) * 7;
    let mut views = Vec::new();
    let mut batch: Vec<(ArticleInput, Date)> = Vec::new();
    let mut comments: Vec<ImportedComment> = Vec::new();
    let mut made_comments = 0u64;
    let mut used_sources = std::collections::BTreeSet::new();
    let mut used_people = std::collections::BTreeSet::new();
    for i in 0..count {
        let days_ago = (i64::from(i) * span_days / i64::from(count.max(1))).min(span_days - 1);
        let date = today
            .checked_sub(days_ago.days())
            .context("demo dates out of range")?;
        let hour = rng.random_range(6..20);
        let mut published = date
            .at(hour, rng.random_range(0..60), 0, 0)
            .to_zoned_datetime(tz.clone())
            .context("demo time does not exist in the newsroom's zone")?;
        if published > now {
            published = now.checked_sub(rng.random_range(1..30).minutes())?;
        }

        let (section, _) = *SECTIONS.choose(&mut rng).unwrap();
        let mut sections = vec![section.to_owned()];
        if section != "International" && rng.random_bool(0.15) {
            sections.push("International".into());
        }
        if section == "Obituaries" {
            sections.push("Community".into());
        }

        let mut f = Filler {
            rng: &mut rng,
            people: &people,
        };
        let headline = f.pick(headline_patterns(section));
        let standfirst = f.pick(MIDDLES);
        let mut paras = vec![f.pick(OPENERS)];
        let n_mid = f.rng.random_range(4..9);
        for _ in 0..n_mid {
            paras.push(f.pick(MIDDLES));
        }
        paras.push(f.pick(CLOSERS));

        let n_writers = if rng.random_bool(0.12) { 2 } else { 1 };
        let contributors: Vec<String> = people.sample(&mut rng, n_writers).cloned().collect();
        let (place, sources) = if rng.random_bool(0.7) {
            let place = PLACES.choose(&mut rng).unwrap().to_string();
            let n_src = match rng.random_range(0..10) {
                0..=3 => 0,
                4..=8 => 1,
                _ => 2,
            };
            let sources: Vec<String> = SOURCES
                .sample(&mut rng, n_src)
                .map(|s| s.to_string())
                .collect();
            (Some(place), sources)
        } else {
            (None, Vec::new())
        };
        used_sources.extend(sources.iter().cloned());
        used_people.extend(contributors.iter().cloned());
        let credit = (section == "Opinion" || rng.random_bool(0.05))
            .then(|| "Special to the Courier".to_owned());

        let body_html = gazette_ingest::html::paragraphs(&paras);
        // Stories are tagged with their town, as a local paper does.
        let tags = place.as_deref().map(title_case).into_iter().collect();
        let input = ArticleInput {
            import_key: Some(format!("demo:{seed}:{i}")),
            slug: None,
            headline,
            standfirst: Some(standfirst),
            body_html,
            language: newsroom.language.clone(),
            status: ArticleStatus::Published,
            kind: gazette_domain::ArticleKind::Story,
            pinned: false,
            published_at: Some(published),
            sections,
            tags,
            contributors,
            credit,
            posting_account: Some(ACCOUNTS.choose(&mut rng).unwrap().to_string()),
            dateline_place: place,
            sources: sources.into_iter().map(SourceInput::named).collect(),
            related_headlines: Vec::new(),
            footer: None,
            canonical_url: None,
            legacy_views: 0,
            legacy_comments: 0,
        };
        batch.push((input, date));
        if batch.len() == BATCH || i + 1 == count {
            let inputs: Vec<ArticleInput> = batch.iter().map(|(a, _)| a.clone()).collect();
            let saved = core.save_articles(&inputs).await.map_err(store_err)?;
            for (s, (input, date)) in saved.iter().zip(&batch) {
                daily_views(&mut rng, s.id, *date, today, &mut views);
                let published = input
                    .published_at
                    .as_ref()
                    .expect("demo stories are published");
                reader_comments(
                    &mut rng,
                    s.id,
                    published.timestamp(),
                    now.timestamp(),
                    &people,
                    &mut comments,
                );
            }
            batch.clear();
            if views.len() >= 50_000 || i + 1 == count {
                store.add_views(&views).await.map_err(store_err)?;
                views.clear();
            }
            if comments.len() >= 5_000 || i + 1 == count {
                made_comments += comments.len() as u64;
                store.import_comments(&comments).await.map_err(store_err)?;
                comments.clear();
            }
        }
    }
    Ok(Made {
        comments: made_comments,
        articles: count,
        sections: SECTIONS.len(),
        contributors: used_people.len(),
        sources: used_sources.len(),
    })
}

/// Views that start high and fade: a popular story gets thousands on its
/// first days, most get tens to hundreds.
fn daily_views(
    rng: &mut StdRng,
    article: gazette_domain::ArticleId,
    published: Date,
    today: Date,
    out: &mut Vec<DailyViews>,
) {
    let popularity: f64 = match rng.random_range(0..100) {
        0..=4 => rng.random_range(800.0..3000.0),
        5..=29 => rng.random_range(150.0..800.0),
        _ => rng.random_range(10.0..150.0),
    };
    let mut day = published;
    let mut k = 0.0_f64;
    while day <= today {
        let fading = popularity * 0.55_f64.powf(k);
        // Past its first weeks a story is read now and then, not daily.
        if fading < 1.0 && !rng.random_bool(0.1) {
            k += 1.0;
            match day.tomorrow() {
                Ok(d) => day = d,
                Err(_) => break,
            }
            continue;
        }
        let expected = fading + rng.random_range(0.0..3.0);
        let n = (expected * rng.random_range(0.7..1.3)).round() as u64;
        if n > 0
            && let Ok(week) = IsoWeek::of_date(day)
        {
            out.push(DailyViews {
                article,
                day,
                week,
                views: n,
            });
        }
        k += 1.0;
        match day.tomorrow() {
            Ok(d) => day = d,
            Err(_) => break,
        }
    }
}

const COMMENTS: &[&str] = &[
    "Thank you for covering this. Our family has followed the story for years.",
    "I was at the meeting and this is an accurate account of what was said.",
    "Does anyone know whether the plans will be published before the vote?",
    "A well-written piece, but the cost figures deserve a closer look.",
    "My grandmother would have been proud to see this in the paper.",
    "Great to see the volunteers get the credit they deserve.",
    "I disagree with the council on this one; the old route worked fine.",
    "Please keep reporting on this, it matters to the whole community.",
];

/// Roughly a third of stories get one to four approved comments from
/// readers, in the days after publication.
fn reader_comments(
    rng: &mut StdRng,
    article: gazette_domain::ArticleId,
    published: Timestamp,
    now: Timestamp,
    people: &[String],
    out: &mut Vec<ImportedComment>,
) {
    if !rng.random_bool(0.35) {
        return;
    }
    for n in 0..rng.random_range(1..5) {
        let text = *COMMENTS.choose(rng).expect("comments");
        let at = (published
            + jiff::SignedDuration::from_mins(rng.random_range(20..4000) * (n + 1)))
        .min(now);
        let author = people
            .choose(rng)
            .expect("people")
            .split(' ')
            .next()
            .unwrap_or("Reader");
        out.push(ImportedComment {
            comment: gazette_domain::NewComment {
                article,
                parent: None,
                author_name: format!("{author} from {}", TOWNS.choose(rng).expect("towns")),
                author_email: None,
                body_html: gazette_ingest::html::paragraphs(&[text.to_owned()]),
                fingerprint: format!("demo:{}:{n}", article.0),
            },
            status: gazette_domain::CommentStatus::Approved,
            created_at: at,
            import_key: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filler_leaves_no_placeholders() {
        let mut rng = StdRng::seed_from_u64(1);
        let people = vec!["Ani Hakobyan".to_owned()];
        let mut f = Filler {
            rng: &mut rng,
            people: &people,
        };
        for p in OPENERS.iter().chain(MIDDLES).chain(CLOSERS) {
            let s = f.fill(p);
            assert!(!s.contains('{') && !s.contains('}'), "{s}");
        }
        for (section, _) in SECTIONS {
            for p in headline_patterns(section) {
                let s = f.fill(p);
                assert!(!s.contains('{'), "{s}");
            }
        }
    }

    #[test]
    fn demo_places_read_as_datelines() {
        for place in PLACES {
            let lead = gazette_ingest::parse_lead(&[format!("{place} (Meridian Wire) — Text.")]);
            assert_eq!(lead.place.as_deref(), Some(*place));
        }
    }
}
