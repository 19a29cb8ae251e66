use super::*;
use gazette_domain::{
    Contributor, ContributorId, Counters, Dateline, Section, SectionId, Slug, Source, SourceId,
};
use jiff::tz::TimeZone;

fn at(day: i8, hour: i8) -> Timestamp {
    jiff::civil::date(2025, 11, day)
        .at(hour, 0, 0, 0)
        .to_zoned_datetime(TimeZone::UTC)
        .unwrap()
        .timestamp()
}

fn now() -> Timestamp {
    at(28, 12)
}

fn article(id: i64, headline: &str, body: &str, day: i8) -> Article {
    let published = at(day, 9).to_zoned_datetime(TimeZone::UTC);
    Article {
        id: ArticleId(id),
        slug: Slug::from_text(headline).unwrap(),
        headline: headline.into(),
        standfirst: Some(format!("Standfirst of story {id}.")),
        body_html: body.into(),
        language: "en".into(),
        status: ArticleStatus::Published,
        kind: ArticleKind::Story,
        published_at: Some(published.clone()),
        updated_at: published,
        sections: vec![Section {
            id: SectionId(1),
            slug: Slug::parse("harbour").unwrap(),
            name: "Harbour".into(),
            parent: None,
        }],
        tags: vec![],
        contributors: vec![Contributor {
            id: ContributorId(1),
            slug: Slug::parse("ani-hakobyan").unwrap(),
            name: "Ani Hakobyan".into(),
            bio: None,
        }],
        credit: None,
        posting_account: None,
        dateline: Dateline {
            place: Some("PORT ELLIS".into()),
            sources: vec![Source {
                id: SourceId(1),
                slug: Slug::parse("meridian-wire").unwrap(),
                name: "Meridian Wire".into(),
                url: None,
            }],
        },
        related_headlines: vec![],
        footer: None,
        canonical_url: None,
        counters: Counters::default(),
    }
}

fn query(text: &str) -> Query {
    Query {
        text: text.into(),
        sort: Sort::Relevance,
        section: None,
        contributor: None,
        source: None,
        from: None,
        until: None,
        now: now(),
        offset: 0,
        limit: 10,
    }
}

fn ids(hits: &Hits) -> Vec<i64> {
    hits.hits.iter().map(|h| h.id.0).collect()
}

fn index() -> (tempfile::TempDir, SearchIndex) {
    let dir = tempfile::tempdir().unwrap();
    let opened = SearchIndex::open(&dir.path().join("search")).unwrap();
    assert_eq!(opened.rebuilt, Some("there was none"));
    (dir, opened.index)
}

fn sample() -> Vec<Article> {
    vec![
        article(
            1,
            "Harbour Wall Approved",
            "<p>The council approved the harbour wall on Monday.</p>",
            24,
        ),
        article(
            2,
            "Ferry Timetable Changes",
            "<p>The ferry to the islands runs later; the harbour office said the wall is not affected.</p>",
            25,
        ),
        article(
            3,
            "Երևանում բացվեց նոր գրադարան",
            "<p>Երևանի կենտրոնում այսօր բացվեց նոր գրադարան։</p>",
            26,
        ),
        article(
            4,
            "School Choir Wins Prize",
            "<p>The choir sang <b>&quot;harbour lights&quot;</b> &amp; won.</p>",
            27,
        ),
    ]
}

#[test]
fn words_phrases_and_the_headline_boost() {
    let (_dir, idx) = index();
    idx.update(&sample(), &[], None).unwrap();
    assert_eq!(idx.len(), 4);
    // Every word must match.
    assert_eq!(ids(&idx.search(&query("harbour wall")).unwrap()), [1, 2]);
    // The headline counts more than the body.
    let hits = idx.search(&query("harbour")).unwrap();
    assert_eq!(hits.total, 3);
    assert_eq!(hits.hits[0].id.0, 1);
    // A phrase in quotes matches the words together only.
    assert_eq!(ids(&idx.search(&query("\"harbour lights\"")).unwrap()), [4]);
    assert_eq!(
        ids(&idx.search(&query("\"wall harbour\"")).unwrap()),
        Vec::<i64>::new()
    );
    // Newest first on request.
    let mut q = query("harbour");
    q.sort = Sort::Newest;
    assert_eq!(ids(&idx.search(&q).unwrap()), [4, 2, 1]);
}

#[test]
fn armenian_script_is_found_and_lower_cased() {
    let (_dir, idx) = index();
    idx.update(&sample(), &[], None).unwrap();
    assert_eq!(ids(&idx.search(&query("գրադարան")).unwrap()), [3]);
    // Upper-case Armenian letters match the lower-case text.
    assert_eq!(ids(&idx.search(&query("ԳՐԱԴԱՐԱՆ")).unwrap()), [3]);
    assert_eq!(ids(&idx.search(&query("\"նոր գրադարան\"")).unwrap()), [3]);
    let hit = &idx.search(&query("Երևանի")).unwrap().hits[0];
    assert!(
        hit.snippet_html.contains("<mark>Երևանի</mark>"),
        "{}",
        hit.snippet_html
    );
}

#[test]
fn snippets_mark_the_words_and_escape_the_rest() {
    let (_dir, idx) = index();
    let mut evil = article(
        9,
        "Lights <script>alert(1)</script>",
        "<p>Lights &lt;img src=x onerror=alert(1)&gt; in the harbour.</p>",
        27,
    );
    evil.standfirst = None;
    idx.update(&[evil], &[], None).unwrap();
    let hit = &idx.search(&query("lights")).unwrap().hits[0];
    assert!(
        hit.headline_html.contains("<mark>Lights</mark>"),
        "{}",
        hit.headline_html
    );
    assert!(
        !hit.headline_html.contains("<script>"),
        "{}",
        hit.headline_html
    );
    assert!(
        hit.headline_html.contains("&lt;script&gt;"),
        "{}",
        hit.headline_html
    );
    assert!(!hit.snippet_html.contains("<img"), "{}", hit.snippet_html);
    assert!(
        hit.snippet_html.contains("<mark>Lights</mark>"),
        "{}",
        hit.snippet_html
    );
    assert_eq!(hit.byline.as_deref(), Some("Ani Hakobyan"));
    assert_eq!(hit.section_name.as_deref(), Some("Harbour"));
}

#[test]
fn filters_by_slug_and_date() {
    let (_dir, idx) = index();
    let mut other = article(5, "Harbour Fire", "<p>A fire in the harbour.</p>", 26);
    other.sections[0].slug = Slug::parse("city").unwrap();
    other.contributors.clear();
    other.dateline.sources.clear();
    let mut all = sample();
    all.push(other);
    idx.update(&all, &[], None).unwrap();
    let mut q = query("harbour");
    q.section = Some("city".into());
    assert_eq!(ids(&idx.search(&q).unwrap()), [5]);
    let mut q = query("harbour");
    q.contributor = Some("ani-hakobyan".into());
    assert_eq!(idx.search(&q).unwrap().total, 3);
    let mut q = query("harbour");
    q.source = Some("nobody".into());
    assert_eq!(idx.search(&q).unwrap().total, 0);
    let mut q = query("harbour");
    q.from = Some(at(25, 0));
    q.until = Some(at(27, 0));
    q.sort = Sort::Newest;
    assert_eq!(ids(&idx.search(&q).unwrap()), [5, 2]);
    // No words: every story in the filters, newest first.
    let mut q = query("");
    q.section = Some("harbour".into());
    assert_eq!(ids(&idx.search(&q).unwrap()), [4, 3, 2, 1]);
}

#[test]
fn what_is_not_out_is_never_found() {
    let (_dir, idx) = index();
    let mut scheduled = article(6, "Harbour Tomorrow", "<p>harbour</p>", 29);
    scheduled.published_at = Some(at(29, 9).to_zoned_datetime(TimeZone::UTC));
    let mut draft = article(7, "Harbour Draft", "<p>harbour</p>", 20);
    draft.status = ArticleStatus::Draft;
    let mut page = article(8, "Harbour Page", "<p>harbour</p>", 20);
    page.kind = ArticleKind::Page;
    idx.update(&[scheduled, draft, page], &[], None).unwrap();
    assert_eq!(idx.len(), 1, "only the scheduled story is kept");
    assert_eq!(idx.search(&query("harbour")).unwrap().total, 0);
    let mut later = query("harbour");
    later.now = at(29, 10);
    assert_eq!(ids(&idx.search(&later).unwrap()), [6]);
    // Unpublished: taken out by the next update.
    let mut gone = article(6, "Harbour Tomorrow", "<p>harbour</p>", 29);
    gone.status = ArticleStatus::Draft;
    idx.update(&[gone], &[], None).unwrap();
    assert_eq!(idx.search(&later).unwrap().total, 0);
    assert!(idx.is_empty());
}

#[test]
fn absurd_queries_answer_without_error() {
    let (_dir, idx) = index();
    idx.update(&sample(), &[], None).unwrap();
    for text in [
        "\"",
        "(((",
        "AND OR NOT",
        "headline:",
        "id:abc",
        "published:[2025 TO",
        "*",
        "-",
        "a\u{0}b",
        "🙂",
        &"harbour ".repeat(2_000),
        &"x".repeat(10_000),
    ] {
        let hits = idx.search(&query(text));
        assert!(hits.is_ok(), "{text:.40}: {hits:?}");
    }
    // Text beyond the limit is not read: the long query still finds.
    assert_eq!(
        idx.search(&query(&"harbour ".repeat(2_000))).unwrap().total,
        3
    );
    // Paging past everything gives nothing, not an error.
    let mut q = query("harbour");
    q.offset = 1_000_000;
    assert!(idx.search(&q).unwrap().hits.is_empty());
}

#[test]
fn the_mark_is_kept_and_a_new_version_starts_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    let idx = SearchIndex::open(&path).unwrap().index;
    assert_eq!(idx.mark().unwrap(), None);
    let mark = Mark {
        updated_at: at(27, 9),
        id: ArticleId(4),
    };
    idx.update(&sample(), &[ArticleId(2)], Some(mark)).unwrap();
    drop(idx);
    let again = SearchIndex::open(&path).unwrap();
    assert_eq!(again.rebuilt, None);
    assert_eq!(again.index.mark().unwrap(), Some(mark));
    assert_eq!(again.index.len(), 4);
    again
        .index
        .update(&[], &[ArticleId(2)], Some(mark))
        .unwrap();
    assert_eq!(again.index.len(), 3);
    drop(again);
    // An index of another schema version is thrown away.
    std::fs::write(path.join(VERSION_FILE), "0").unwrap();
    let old = SearchIndex::open(&path).unwrap();
    assert_eq!(old.rebuilt, Some("it was made by another version"));
    assert!(old.index.is_empty());
    assert_eq!(old.index.mark().unwrap(), None);
    drop(old);
    // And one that cannot be read.
    std::fs::write(path.join("meta.json"), "garbage").unwrap();
    let broken = SearchIndex::open(&path).unwrap();
    assert_eq!(broken.rebuilt, Some("it was unreadable"));
    broken.index.clear().unwrap();
}

#[test]
fn plain_text_drops_tags_and_decodes_entities() {
    assert_eq!(
        plain_text("<p>A &amp; B</p><p>&quot;C&quot;</p>")
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["A", "&", "B", "\"C\""]
    );
    assert_eq!(plain_text("a <b unterminated"), "a ");
}

#[test]
fn stories_taken_in_again_over_many_commits_stay_found() {
    let (_dir, idx) = index();
    let a = article(1, "Harbour Wall Approved", "<p>First paragraph.</p>", 25);
    let mut later = article(
        2,
        "Harbour Festival",
        "<p>A festival at the harbour.</p>",
        27,
    );
    later.published_at = Some(at(30, 9).to_zoned_datetime(TimeZone::UTC));
    idx.update(std::slice::from_ref(&a), &[], None).unwrap();
    assert_eq!(ids(&idx.search(&query("harbour")).unwrap()), [1]);
    for _ in 0..5 {
        idx.update(&[a.clone(), later.clone()], &[], None).unwrap();
        assert_eq!(ids(&idx.search(&query("harbour")).unwrap()), [1]);
        assert_eq!(ids(&idx.search(&query("harbour wall")).unwrap()), [1]);
    }
}

/// Phrases are matched through shingles of two and three words: checked
/// against the plain definition (the words in a row, in one text of the
/// story) on stories made of a few common words, with words too long to
/// index, punctuation and upper case among them.
#[test]
fn phrases_match_exactly_the_stories_holding_the_words_in_a_row() {
    const WORDS: [&str; 9] = [
        "the", "a", "of", "Council", "member", "said", "ferry", "Նոր", "x",
    ];
    let long = "w".repeat(41);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let text = |len: usize, next: &mut dyn FnMut(usize) -> usize| {
        (0..len)
            .map(|_| match next(20) {
                0 => long.clone(),
                1 => "—".to_owned(),
                _ => WORDS[next(WORDS.len())].to_owned(),
            })
            .collect::<Vec<_>>()
            .join(if next(5) == 0 { ", " } else { " " })
    };
    let mut stories = Vec::new();
    for id in 1..=60 {
        let mut a = article(id, &format!("H{id} {}", text(4, &mut next)), "", 20);
        a.standfirst = Some(text(6, &mut next));
        a.body_html = format!(
            "<p>{}</p><p>{}</p>",
            text(30, &mut next),
            text(30, &mut next)
        );
        stories.push(a);
    }
    let (_dir, idx) = index();
    idx.update(&stories, &[], None).unwrap();
    // The words of a text as the index cuts them: letters and digits, lower
    // case, words over 40 bytes left out but still taking their place.
    let cut = |t: &str| -> Vec<Option<String>> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| (w.len() <= 40).then(|| w.to_lowercase()))
            .collect()
    };
    let holds = |t: &str, phrase: &[String]| {
        cut(t).windows(phrase.len()).any(|w| {
            w.iter()
                .zip(phrase)
                .all(|(a, b)| a.as_deref() == Some(b.as_str()))
        })
    };
    let mut checked = 0;
    for round in 0..300 {
        let len = 2 + round % 5;
        let phrase: Vec<String> = (0..len)
            .map(|_| WORDS[next(WORDS.len())].to_lowercase())
            .collect();
        let mut want: Vec<i64> = stories
            .iter()
            .filter(|a| {
                [
                    a.headline.as_str(),
                    a.standfirst.as_deref().unwrap_or(""),
                    &plain_text(&a.body_html),
                ]
                .iter()
                .any(|t| holds(t, &phrase))
            })
            .map(|a| a.id.0)
            .collect();
        let mut q = query(&format!("\"{}\"", phrase.join(" ")));
        q.limit = 100;
        let found = idx.search(&q).unwrap();
        let mut got = ids(&found);
        got.sort();
        want.sort();
        assert_eq!(got, want, "\"{}\"", phrase.join(" "));
        assert_eq!(found.total, want.len());
        checked += usize::from(!want.is_empty());
    }
    assert!(checked > 100, "most phrases are found somewhere: {checked}");
}

#[test]
fn phrases_mix_with_words_and_exclusions() {
    let (_dir, idx) = index();
    let mut stories = sample();
    stories.push(article(
        5,
        "Harbour Lights Festival",
        "<p>The harbour lights festival opens with the choir.</p>",
        27,
    ));
    idx.update(&stories, &[], None).unwrap();
    let found = |q: &str| {
        let mut v = ids(&idx.search(&query(q)).unwrap());
        v.sort();
        v
    };
    assert_eq!(found("\"harbour lights\""), [4, 5]);
    assert_eq!(found("\"harbour lights\" festival"), [5]);
    assert_eq!(found("choir \"harbour lights\""), [4, 5]);
    assert_eq!(found("\"harbour lights\" -festival"), [4]);
    assert_eq!(found("\"harbour lights\" \"choir sang\""), [4]);
    // A phrase in the headline ranks first.
    let hits = idx.search(&query("\"harbour lights\"")).unwrap();
    assert_eq!(hits.hits[0].id.0, 5);
    // The snippet marks the phrase's words as typed.
    assert!(
        hits.hits[1].snippet_html.contains("<mark>harbour</mark>"),
        "{}",
        hits.hits[1].snippet_html
    );
    // One quoted word is a word; an unclosed quote is read leniently.
    assert_eq!(found("\"festival\""), [5]);
    assert_eq!(found("\"harbour lights"), [4, 5]);
}
