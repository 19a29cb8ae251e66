//! Articles, listings, and what they are filed under.

use gazette_domain::{ArticleId, ArticleStatus, ArticleSummary, SourceInput};
use jiff::{SignedDuration, Timestamp};

use super::{Check, Ctx, add, at, check, now, sample};
use crate::{Listing, Page, StoreError};

pub(super) fn checks() -> Vec<Check> {
    vec![
        check!(Articles, save_and_read_back),
        check!(Articles, resave_updates_not_duplicates),
        check!(Articles, slug_collisions_get_suffixes),
        check!(Articles, a_wanted_slug_is_kept_or_suffixed),
        check!(Articles, drafts_are_hidden),
        check!(Articles, only_published_stories_are_in_listings),
        check!(Articles, scheduled_stories_wait_for_their_time),
        check!(Articles, latest_is_newest_first_and_paged),
        check!(Articles, sections_nest_and_list),
        check!(Articles, contributors_and_sources_are_shared),
        check!(Articles, source_sites_are_kept_as_given),
        check!(Articles, invalid_input_stores_nothing),
        check!(Articles, unknown_slugs_are_not_found),
        check!(Articles, batches_save_all_or_nothing),
        check!(Articles, summaries_by_id_and_first_publication),
        check!(Articles, liveness_follows_the_clock_given),
        check!(Articles, non_ascii_text_round_trips),
        check!(Articles, old_addresses_lead_to_the_current_slug),
        check!(Articles, standing_pages_are_read_but_never_listed),
        check!(Articles, pinned_stories_are_listed_while_live),
        check!(Articles, whole_articles_by_id_whatever_their_status),
        check!(Articles, updates_are_followed_in_order),
        check!(Articles, a_time_range_lists_its_live_stories),
        check!(Articles, sitemap_entries_are_live_and_in_id_ranges),
        check!(Articles, syndicated_copy_keeps_its_original_address),
        check!(Articles, neighbours_in_a_section_skip_what_is_not_live),
        check!(Articles, the_staff_list_shows_every_status_filtered),
    ]
}

async fn save_and_read_back(ctx: &Ctx) {
    let store = &*ctx.store;
    let input = sample(
        "k1",
        "Council Approves New Harbour Wall",
        at(2025, 11, 25, 9),
    );
    let saved = store.save_article(&input, now()).await.unwrap();
    assert!(saved.created);
    assert_eq!(saved.slug.as_str(), "council-approves-new-harbour-wall");

    let a = store
        .article_by_slug(saved.slug.as_str(), now())
        .await
        .unwrap();
    assert_eq!(a.id, saved.id);
    assert_eq!(a.headline, input.headline);
    assert_eq!(a.standfirst, input.standfirst);
    assert_eq!(a.body_html, input.body_html);
    assert_eq!(a.language, "en");
    assert_eq!(a.status, ArticleStatus::Published);
    assert_eq!(a.published_at, input.published_at, "instant and zone kept");
    assert_eq!(
        a.updated_at.timestamp(),
        now(),
        "the update time is the `now` given"
    );
    assert_eq!(
        a.sections
            .iter()
            .map(|s| s.name.clone())
            .collect::<Vec<_>>(),
        input.sections,
        "sections in order"
    );
    assert_eq!(a.sections[0].slug.as_str(), "harbour-coast");
    assert_eq!(a.tags[0].name, "Ferries");
    assert_eq!(
        a.contributors
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["Ani Hakobyan", "Mher Sargsyan"]
    );
    assert_eq!(a.credit, input.credit);
    assert_eq!(
        a.posting_account.as_ref().map(|x| x.name.as_str()),
        Some("The Meridian Desk")
    );
    assert_eq!(a.dateline.place.as_deref(), Some("PORT ELLIS"));
    assert_eq!(
        a.dateline
            .sources
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        ["Meridian Wire", "Coast Radio"]
    );
    assert_eq!(a.related_headlines, input.related_headlines);
    assert_eq!(a.footer, input.footer);
    assert_eq!(a.counters.legacy_views, 62);
    assert_eq!(a.counters.legacy_comments, 4);
    assert_eq!(a.counters.views, 0);
}

async fn resave_updates_not_duplicates(ctx: &Ctx) {
    let store = &*ctx.store;
    let mut input = sample("k1", "First Headline", at(2025, 11, 25, 9));
    let first = store.save_article(&input, now()).await.unwrap();
    input.headline = "Corrected Headline".into();
    input.sections = vec!["Sports".into()];
    input.contributors = vec!["Lilit Ghazaryan".into()];
    input.legacy_views = 70;
    let later = now() + SignedDuration::from_hours(1);
    let second = store.save_article(&input, later).await.unwrap();
    assert!(!second.created);
    assert_eq!(second.id, first.id);
    assert_eq!(second.slug, first.slug, "the URL does not move on update");
    assert_eq!(store.count_published(now()).await.unwrap(), 1);
    let a = store
        .article_by_slug(first.slug.as_str(), now())
        .await
        .unwrap();
    assert_eq!(a.headline, "Corrected Headline");
    assert_eq!(a.sections.len(), 1);
    assert_eq!(a.sections[0].name, "Sports");
    assert_eq!(a.contributors.len(), 1);
    assert_eq!(a.counters.legacy_views, 70);
    assert_eq!(a.updated_at.timestamp(), later);
}

async fn slug_collisions_get_suffixes(ctx: &Ctx) {
    let store = &*ctx.store;
    let mut slugs = Vec::new();
    for (i, key) in ["a", "b", "c"].into_iter().enumerate() {
        let saved = store
            .save_article(
                &sample(key, "Same Headline", at(2025, 11, 25 + i as i8, 9)),
                now(),
            )
            .await
            .unwrap();
        slugs.push(saved.slug.to_string());
    }
    assert_eq!(
        slugs,
        ["same-headline", "same-headline-2", "same-headline-3"]
    );
    // A slug that merely starts the same is not a collision.
    let other = store
        .save_article(
            &sample("d", "Same Headline Again", at(2025, 11, 28, 9)),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(other.slug.as_str(), "same-headline-again");
    let fourth = store
        .save_article(&sample("e", "Same Headline", at(2025, 11, 29, 9)), now())
        .await
        .unwrap();
    assert_eq!(fourth.slug.as_str(), "same-headline-4");
    assert_eq!(store.count_published(now()).await.unwrap(), 5);
}

async fn a_wanted_slug_is_kept_or_suffixed(ctx: &Ctx) {
    let store = &*ctx.store;
    let mut input = sample("w1", "Any Headline", at(2025, 11, 25, 9));
    input.slug = Some(gazette_domain::Slug::parse("harbour-wall").unwrap());
    let first = store.save_article(&input, now()).await.unwrap();
    assert_eq!(first.slug.as_str(), "harbour-wall");
    input.import_key = Some("w2".into());
    let second = store.save_article(&input, now()).await.unwrap();
    assert_eq!(second.slug.as_str(), "harbour-wall-2");
}

async fn drafts_are_hidden(ctx: &Ctx) {
    let store = &*ctx.store;
    let mut input = sample("d", "A Draft", at(2025, 11, 25, 9));
    input.status = ArticleStatus::Draft;
    let saved = store.save_article(&input, now()).await.unwrap();
    assert!(matches!(
        store.article_by_slug(saved.slug.as_str(), now()).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .latest_articles(Page::new(1, 10), now())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.count_published(now()).await.unwrap(), 0);
    assert_eq!(store.first_published_at(now()).await.unwrap(), None);
}

/// Every listing (latest, section, contributor, source, tag) and its count
/// follow the story's status as it goes draft -> published -> withdrawn.
async fn only_published_stories_are_in_listings(ctx: &Ctx) {
    let store = &*ctx.store;
    add(store, "other", "Already Out", at(2025, 11, 20, 9)).await;
    let mut input = sample("w", "Comes And Goes", at(2025, 11, 25, 9));
    input.status = ArticleStatus::Draft;
    store.save_article(&input, now()).await.unwrap();
    let section = store.section_by_slug("harbour-coast").await.unwrap();
    let ani = store.contributor_by_slug("ani-hakobyan").await.unwrap();
    let radio = store.source_by_slug("coast-radio").await.unwrap();
    let ferries = store.tag_by_slug("ferries").await.unwrap();
    assert_eq!(ferries.name, "Ferries");
    let listings = [
        Listing::Latest,
        Listing::Section(section.id),
        Listing::Contributor(ani.id),
        Listing::Source(radio.id),
        Listing::Tag(ferries.id),
    ];
    let seen = |status: &'static str| {
        let (section, ani, radio, ferries) = (&section, &ani, &radio, &ferries);
        async move {
            let mut out = Vec::new();
            for listing in listings {
                let page = Page::new(1, 10);
                let listed = match listing {
                    Listing::Latest => store.latest_articles(page, now()).await,
                    Listing::Section(_) => store.articles_in_section(section, page, now()).await,
                    Listing::Contributor(_) => {
                        store.articles_by_contributor(ani, page, now()).await
                    }
                    Listing::Source(_) => store.articles_from_source(radio, page, now()).await,
                    Listing::Tag(_) => store.articles_with_tag(ferries, page, now()).await,
                }
                .unwrap();
                let count = store.count_listed(listing, now()).await.unwrap();
                assert_eq!(count as usize, listed.len(), "{status}: {listing:?}");
                out.push(heads(&listed));
            }
            out
        }
    };
    let only_other = vec![vec!["Already Out".to_string()]; 5];
    assert_eq!(seen("draft").await, only_other);
    input.status = ArticleStatus::Published;
    store.save_article(&input, now()).await.unwrap();
    let both = vec![vec!["Comes And Goes".to_string(), "Already Out".to_string()]; 5];
    assert_eq!(seen("published").await, both);
    input.status = ArticleStatus::Withdrawn;
    store.save_article(&input, now()).await.unwrap();
    assert_eq!(seen("withdrawn").await, only_other);
    // Deep pages: offsets past the first page walk the same index.
    assert!(
        store
            .articles_in_section(&section, Page::new(2, 1), now())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn scheduled_stories_wait_for_their_time(ctx: &Ctx) {
    let store = &*ctx.store;
    let publish = at(2025, 11, 25, 9);
    let saved = store
        .save_article(&sample("s", "Scheduled", publish.clone()), now())
        .await
        .unwrap();
    let before = publish.timestamp() - SignedDuration::from_secs(1);
    let slug = saved.slug.as_str();
    assert!(matches!(
        store.article_by_slug(slug, before).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.count_published(before).await.unwrap(), 0);
    assert_eq!(
        store.count_listed(Listing::Latest, before).await.unwrap(),
        0
    );
    assert!(
        store
            .latest_articles(Page::new(1, 10), before)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .article_by_slug(slug, publish.timestamp())
            .await
            .is_ok()
    );
    assert_eq!(store.count_published(publish.timestamp()).await.unwrap(), 1);
}

fn heads(v: &[ArticleSummary]) -> Vec<String> {
    v.iter().map(|a| a.headline.clone()).collect()
}

async fn latest_is_newest_first_and_paged(ctx: &Ctx) {
    let store = &*ctx.store;
    for day in 1..=5 {
        add(
            store,
            &format!("k{day}"),
            &format!("Story {day}"),
            at(2025, 11, day, 9),
        )
        .await;
    }
    let page = |n| store.latest_articles(Page::new(n, 2), now());
    let (first, second, third) = (
        page(1).await.unwrap(),
        page(2).await.unwrap(),
        page(3).await.unwrap(),
    );
    assert_eq!(heads(&first), ["Story 5", "Story 4"]);
    assert_eq!(heads(&second), ["Story 3", "Story 2"]);
    assert_eq!(heads(&third), ["Story 1"]);
    assert!(page(4).await.unwrap().is_empty());
    assert_eq!(store.count_listed(Listing::Latest, now()).await.unwrap(), 5);
    let s = &first[0];
    assert_eq!(s.section.as_ref().unwrap().name, "Harbour & Coast");
    assert_eq!(s.contributors.len(), 2);
    assert_eq!(s.contributors[0].name, "Ani Hakobyan", "bylines in order");
    assert_eq!(s.counters.legacy_views, 62);
}

async fn sections_nest_and_list(ctx: &Ctx) {
    let store = &*ctx.store;
    let parent = store.ensure_section("Community", None).await.unwrap();
    let child = store
        .ensure_section("Obituaries", Some("Community"))
        .await
        .unwrap();
    assert_eq!(child.parent, Some(parent.id));
    let again = store
        .ensure_section("Obituaries", Some("Community"))
        .await
        .unwrap();
    assert_eq!(again.id, child.id, "ensure_section is idempotent");

    let mut input = sample("s1", "In A Section", at(2025, 11, 25, 9));
    input.sections = vec!["Obituaries".into()];
    store.save_article(&input, now()).await.unwrap();
    add(store, "s2", "Elsewhere", at(2025, 11, 26, 9)).await;

    let all = store.sections().await.unwrap();
    let names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
    for want in [
        "Community",
        "Obituaries",
        "Harbour & Coast",
        "International",
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    let parent_at = names.iter().position(|n| *n == "Community").unwrap();
    let child_at = names.iter().position(|n| *n == "Obituaries").unwrap();
    assert!(parent_at < child_at, "parents before children: {names:?}");
    let obits = store.section_by_slug("obituaries").await.unwrap();
    let listed = store
        .articles_in_section(&obits, Page::new(1, 10), now())
        .await
        .unwrap();
    assert_eq!(heads(&listed), ["In A Section"]);
    assert_eq!(
        store
            .count_listed(Listing::Section(obits.id), now())
            .await
            .unwrap(),
        1
    );
    let international = store.section_by_slug("international").await.unwrap();
    assert_eq!(
        store
            .count_listed(Listing::Section(international.id), now())
            .await
            .unwrap(),
        1,
        "only live stories: {:?}",
        international
    );
}

async fn contributors_and_sources_are_shared(ctx: &Ctx) {
    let store = &*ctx.store;
    add(store, "c1", "One", at(2025, 11, 25, 9)).await;
    let mut other = sample("c2", "Two", at(2025, 11, 26, 9));
    other.contributors = vec!["Ani Hakobyan".into()];
    other.sources = vec![SourceInput::named("Meridian Wire")];
    store.save_article(&other, now()).await.unwrap();
    let mut third = sample("c3", "Three", at(2025, 11, 27, 9));
    third.contributors = vec!["Someone Else".into()];
    third.sources = vec![];
    store.save_article(&third, now()).await.unwrap();

    let ani = store.contributor_by_slug("ani-hakobyan").await.unwrap();
    assert_eq!(ani.name, "Ani Hakobyan");
    let by_ani = store
        .articles_by_contributor(&ani, Page::new(1, 10), now())
        .await
        .unwrap();
    assert_eq!(heads(&by_ani), ["Two", "One"]);
    // Re-dated, a story moves in its contributor's listing.
    let mut first = sample("c1", "One", at(2025, 11, 28, 9));
    first.contributors = vec!["Ani Hakobyan".into()];
    store.save_article(&first, now()).await.unwrap();
    let by_ani = store
        .articles_by_contributor(&ani, Page::new(1, 10), now())
        .await
        .unwrap();
    assert_eq!(heads(&by_ani), ["One", "Two"]);
    assert_eq!(
        store
            .count_listed(Listing::Contributor(ani.id), now())
            .await
            .unwrap(),
        2
    );
    let radio = store.source_by_slug("coast-radio").await.unwrap();
    assert_eq!(
        store
            .count_listed(Listing::Source(radio.id), now())
            .await
            .unwrap(),
        1
    );
    let from_radio = store
        .articles_from_source(&radio, Page::new(1, 10), now())
        .await
        .unwrap();
    assert_eq!(from_radio.len(), 1);
    let wire = store.source_by_slug("meridian-wire").await.unwrap();
    assert_eq!(
        store
            .articles_from_source(&wire, Page::new(1, 10), now())
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn source_sites_are_kept_as_given(ctx: &Ctx) {
    let store = &*ctx.store;
    let mut input = sample("u", "Sourced", at(2025, 11, 25, 9));
    input.sources = vec![
        SourceInput {
            name: "Panorama.am".into(),
            url: None,
        },
        SourceInput {
            name: "Coast Radio".into(),
            url: Some("https://radio.example".into()),
        },
    ];
    store.save_article(&input, now()).await.unwrap();
    let panorama = store.source_by_slug("panorama-am").await.unwrap();
    assert_eq!(panorama.url, None, "the store guesses nothing");
    let radio = store.source_by_slug("coast-radio").await.unwrap();
    assert_eq!(radio.url.as_deref(), Some("https://radio.example"));
    // A later story naming the source without a site keeps the site known.
    let mut again = sample("u2", "Sourced Again", at(2025, 11, 26, 9));
    again.sources = vec![SourceInput {
        name: "Coast Radio".into(),
        url: None,
    }];
    store.save_article(&again, now()).await.unwrap();
    let radio = store.source_by_slug("coast-radio").await.unwrap();
    assert_eq!(radio.url.as_deref(), Some("https://radio.example"));
}

async fn invalid_input_stores_nothing(ctx: &Ctx) {
    let store = &*ctx.store;
    let mut input = sample("bad", "  ", at(2025, 11, 25, 9));
    assert!(matches!(
        store.save_article(&input, now()).await,
        Err(StoreError::Invalid(_))
    ));
    input.headline = "Fine".into();
    input.status = ArticleStatus::Published;
    input.published_at = None;
    assert!(matches!(
        store.save_article(&input, now()).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(store.count_published(now()).await.unwrap(), 0);
    assert!(
        store.sections().await.unwrap().is_empty(),
        "no half-saved relations"
    );
}

async fn unknown_slugs_are_not_found(ctx: &Ctx) {
    let store = &*ctx.store;
    for r in [
        store.article_by_slug("nope", now()).await.map(|_| ()),
        store.section_by_slug("nope").await.map(|_| ()),
        store.contributor_by_slug("nope").await.map(|_| ()),
        store.source_by_slug("nope").await.map(|_| ()),
        store.article_by_slug("", now()).await.map(|_| ()),
        store
            .article_by_slug("' OR 1=1 --", now())
            .await
            .map(|_| ()),
    ] {
        assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    }
}

async fn batches_save_all_or_nothing(ctx: &Ctx) {
    let store = &*ctx.store;
    let good: Vec<_> = (0..3)
        .map(|i| sample(&format!("b{i}"), &format!("Batch {i}"), at(2025, 11, 25, 9)))
        .collect();
    let saved = store.save_articles(&good, now()).await.unwrap();
    assert_eq!(saved.len(), 3);
    assert!(saved.iter().all(|s| s.created));
    assert_eq!(store.count_published(now()).await.unwrap(), 3);
    let bad = vec![
        sample("b9", "Fine", at(2025, 11, 25, 9)),
        sample("b10", " ", at(2025, 11, 25, 9)),
    ];
    assert!(store.save_articles(&bad, now()).await.is_err());
    assert_eq!(
        store.count_published(now()).await.unwrap(),
        3,
        "the batch was rolled back"
    );
    let again = store.save_articles(&good, now()).await.unwrap();
    assert!(again.iter().all(|s| !s.created), "re-saving updates");
    // The same key twice in one batch is one article.
    let twice = vec![
        sample("t", "Twice", at(2025, 11, 25, 9)),
        sample("t", "Twice, Corrected", at(2025, 11, 25, 9)),
    ];
    let saved = store.save_articles(&twice, now()).await.unwrap();
    assert_eq!(saved[0].id, saved[1].id);
    assert_eq!(store.count_published(now()).await.unwrap(), 4);
}

async fn summaries_by_id_and_first_publication(ctx: &Ctx) {
    let store = &*ctx.store;
    let a = add(store, "a", "Alpha", at(2025, 10, 1, 9)).await;
    let b = add(store, "b", "Beta", at(2025, 11, 1, 9)).await;
    let mut got = store.summaries(&[b, a, ArticleId(987_654)]).await.unwrap();
    got.sort_by_key(|s| s.id);
    assert_eq!(heads(&got), ["Alpha", "Beta"]);
    assert!(store.summaries(&[]).await.unwrap().is_empty());
    assert_eq!(
        store.first_published_at(now()).await.unwrap(),
        Some(at(2025, 10, 1, 9).timestamp())
    );
}

async fn liveness_follows_the_clock_given(ctx: &Ctx) {
    let store = &*ctx.store;
    let a = add(store, "a", "Live", at(2025, 11, 24, 9)).await;
    let mut draft = sample("d", "Draft", at(2025, 11, 24, 9));
    draft.status = ArticleStatus::Draft;
    let d = store.save_article(&draft, now()).await.unwrap().id;
    let f = add(store, "f", "Future", at(2026, 7, 1, 9)).await;
    assert!(store.is_live(a, now()).await.unwrap());
    assert!(!store.is_live(d, now()).await.unwrap());
    assert!(
        !store.is_live(f, now()).await.unwrap(),
        "scheduled is not live yet"
    );
    assert!(!store.is_live(ArticleId(999_999), now()).await.unwrap());
    assert_eq!(store.live_article_ids(now()).await.unwrap(), [a]);
    let later: Timestamp = "2026-07-02T00:00:00Z".parse().unwrap();
    assert!(store.is_live(f, later).await.unwrap());
    let mut ids = store.live_article_ids(later).await.unwrap();
    ids.sort();
    assert_eq!(ids, [a, f]);
}

async fn non_ascii_text_round_trips(ctx: &Ctx) {
    let store = &*ctx.store;
    let mut input = sample(
        "hy",
        "Երևանը խնդրում է ԱՄՆ-ի օգնությունը",
        at(2025, 11, 25, 9),
    );
    input.contributors = vec!["Շողիկ Գալստյան".into()];
    input.sections = vec!["Հայաստան".into()];
    input.body_html = "<p>Բարև — «ողջույն» 😀 \u{0}</p>".replace('\u{0}', "");
    let saved = store.save_article(&input, now()).await.unwrap();
    let a = store
        .article_by_slug(saved.slug.as_str(), now())
        .await
        .unwrap();
    assert_eq!(a.headline, input.headline);
    assert_eq!(a.body_html, input.body_html);
    assert_eq!(a.contributors[0].name, "Շողիկ Գալստյան");
    assert!(saved.slug.as_str().is_ascii());
}

async fn old_addresses_lead_to_the_current_slug(ctx: &Ctx) {
    use crate::{Redirect, RedirectTarget, Resolved};
    let store = &*ctx.store;
    let a = add(store, "a", "Moved Story", at(2025, 11, 24, 9)).await;
    let armenian = gazette_domain::old_url_key("/2021/10/03/%d5%b6%d5%a5/", &[]);
    store
        .save_redirects(&[
            Redirect {
                from: "/?p=12".into(),
                to: RedirectTarget::Article(a),
            },
            Redirect {
                from: armenian.clone(),
                to: RedirectTarget::Article(a),
            },
            Redirect {
                from: "/category/arts".into(),
                to: RedirectTarget::Place(gazette_domain::Place::Section(
                    gazette_domain::Slug::parse("arts").unwrap(),
                )),
            },
        ])
        .await
        .unwrap();
    let story = Resolved::Article(a, gazette_domain::Slug::parse("moved-story").unwrap());
    assert_eq!(store.redirect("/?p=12").await.unwrap(), Some(story.clone()));
    assert_eq!(store.redirect(&armenian).await.unwrap(), Some(story));
    assert_eq!(
        store.redirect("/category/arts").await.unwrap(),
        Some(Resolved::Place(gazette_domain::Place::Section(
            gazette_domain::Slug::parse("arts").unwrap()
        )))
    );
    assert_eq!(store.redirect("/?p=13").await.unwrap(), None);
    // Saving again, with another target, replaces the address.
    store
        .save_redirects(&[Redirect {
            from: "/category/arts".into(),
            to: RedirectTarget::Place(gazette_domain::Place::Section(
                gazette_domain::Slug::parse("culture").unwrap(),
            )),
        }])
        .await
        .unwrap();
    assert_eq!(
        store.redirect("/category/arts").await.unwrap(),
        Some(Resolved::Place(gazette_domain::Place::Section(
            gazette_domain::Slug::parse("culture").unwrap()
        )))
    );
    assert_eq!(store.count_redirects().await.unwrap(), 3);
    let all = store.redirects(Page::new(1, 10)).await.unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "in address order");
    // An address to a story that does not exist stores nothing.
    assert!(matches!(
        store
            .save_redirects(&[
                Redirect {
                    from: "/fine".into(),
                    to: RedirectTarget::Place(gazette_domain::Place::Home),
                },
                Redirect {
                    from: "/?p=99".into(),
                    to: RedirectTarget::Article(ArticleId(999_999)),
                },
            ])
            .await,
        Err(StoreError::MissingReference(_))
    ));
    assert_eq!(store.redirect("/fine").await.unwrap(), None);
}

fn slug_of(name: &str) -> String {
    gazette_domain::Slug::from_text(name).unwrap().to_string()
}

async fn standing_pages_are_read_but_never_listed(ctx: &Ctx) {
    let store = &*ctx.store;
    let story = add(store, "s", "A Story", at(2025, 11, 24, 9)).await;
    let mut about = sample("p", "About Us", at(2025, 11, 25, 9));
    about.kind = gazette_domain::ArticleKind::Page;
    let page = store.save_article(&about, now()).await.unwrap();
    // Read by its address, like any article.
    let read = store.article_by_slug("about-us", now()).await.unwrap();
    assert_eq!(read.id, page.id);
    // Never on the front page, in its count, or first in the archive.
    let latest = store
        .latest_articles(Page::new(1, 10), now())
        .await
        .unwrap();
    assert_eq!(latest.iter().map(|a| a.id).collect::<Vec<_>>(), [story]);
    assert_eq!(store.count_listed(Listing::Latest, now()).await.unwrap(), 1);
    // Nor in its section's listing, though it is filed there.
    let section = store
        .section_by_slug(&slug_of(&about.sections[0]))
        .await
        .unwrap();
    let listed = store
        .articles_in_section(&section, Page::new(1, 10), now())
        .await
        .unwrap();
    assert!(listed.iter().all(|a| a.id != page.id));
    let mut earlier = sample("p", "About Us", at(2025, 11, 1, 9));
    earlier.kind = gazette_domain::ArticleKind::Page;
    store.save_article(&earlier, now()).await.unwrap();
    assert_eq!(
        store.first_published_at(now()).await.unwrap(),
        Some(at(2025, 11, 24, 9).timestamp())
    );
    // Saved again as a story, it is listed.
    let mut story_again = earlier.clone();
    story_again.kind = gazette_domain::ArticleKind::Story;
    store.save_article(&story_again, now()).await.unwrap();
    assert_eq!(store.count_listed(Listing::Latest, now()).await.unwrap(), 2);
}

async fn pinned_stories_are_listed_while_live(ctx: &Ctx) {
    let store = &*ctx.store;
    add(store, "plain", "Not Pinned", at(2025, 11, 25, 9)).await;
    let mut older = sample("old", "Pinned Long Ago", at(2025, 11, 1, 9));
    older.pinned = true;
    store.save_article(&older, now()).await.unwrap();
    let mut newer = sample("new", "Pinned Lately", at(2025, 11, 24, 9));
    newer.pinned = true;
    store.save_article(&newer, now()).await.unwrap();
    let mut draft = sample("draft", "Pinned Draft", at(2025, 11, 24, 9));
    draft.pinned = true;
    draft.status = ArticleStatus::Draft;
    store.save_article(&draft, now()).await.unwrap();
    let mut page = sample("page", "Pinned Page", at(2025, 11, 24, 9));
    page.pinned = true;
    page.kind = gazette_domain::ArticleKind::Page;
    store.save_article(&page, now()).await.unwrap();
    let pinned = store.pinned_articles(now()).await.unwrap();
    assert_eq!(heads(&pinned), ["Pinned Lately", "Pinned Long Ago"]);
    // Unpinned by saving again; batches keep the flag too.
    older.pinned = false;
    let mut batch = sample("b1", "Pinned In A Batch", at(2025, 11, 20, 9));
    batch.pinned = true;
    let other = sample("b2", "Batched Plain", at(2025, 11, 20, 9));
    store
        .save_articles(&[older, batch, other], now())
        .await
        .unwrap();
    let pinned = store.pinned_articles(now()).await.unwrap();
    assert_eq!(heads(&pinned), ["Pinned Lately", "Pinned In A Batch"]);
}

async fn whole_articles_by_id_whatever_their_status(ctx: &Ctx) {
    let store = &*ctx.store;
    let live = add(store, "a", "Live Story", at(2025, 11, 24, 9)).await;
    let mut draft = sample("d", "A Draft", at(2025, 11, 24, 9));
    draft.status = ArticleStatus::Draft;
    let draft = store.save_article(&draft, now()).await.unwrap().id;
    let mut page = sample("p", "About", at(2025, 11, 24, 9));
    page.kind = gazette_domain::ArticleKind::Page;
    let page = store.save_article(&page, now()).await.unwrap().id;
    let mut got = store
        .articles_by_ids(&[live, draft, page, ArticleId(9_999_999)])
        .await
        .unwrap();
    got.sort_by_key(|a| a.id);
    assert_eq!(
        got.iter().map(|a| a.id).collect::<Vec<_>>(),
        [live, draft, page]
    );
    assert_eq!(got[0].status, ArticleStatus::Published);
    assert_eq!(got[1].status, ArticleStatus::Draft);
    assert_eq!(got[2].kind, gazette_domain::ArticleKind::Page);
    assert_eq!(got[0].kind, gazette_domain::ArticleKind::Story);
    // Every relation, as by slug.
    let by_slug = store.article_by_slug("live-story", now()).await.unwrap();
    assert_eq!(got[0].body_html, by_slug.body_html);
    assert_eq!(got[0].contributors, by_slug.contributors);
    assert_eq!(got[0].dateline, by_slug.dateline);
    assert_eq!(got[0].tags, by_slug.tags);
    assert!(store.articles_by_ids(&[]).await.unwrap().is_empty());
}

async fn updates_are_followed_in_order(ctx: &Ctx) {
    let store = &*ctx.store;
    let t0 = now();
    let t1 = t0 + SignedDuration::from_secs(60);
    let a = store
        .save_article(&sample("a", "First", at(2025, 11, 24, 9)), t0)
        .await
        .unwrap()
        .id;
    let b = store
        .save_article(&sample("b", "Second", at(2025, 11, 24, 9)), t0)
        .await
        .unwrap()
        .id;
    let all = store.articles_updated_after(None, 100).await.unwrap();
    assert_eq!(all.iter().map(|m| m.id).collect::<Vec<_>>(), [a, b]);
    // Paged by the mark: nothing is missed or given twice.
    let first = store.articles_updated_after(None, 1).await.unwrap();
    let rest = store
        .articles_updated_after(Some(first[0]), 10)
        .await
        .unwrap();
    assert_eq!(rest.iter().map(|m| m.id).collect::<Vec<_>>(), [b]);
    // An edit later moves the article after the mark.
    let mut edited = sample("a", "First, Edited", at(2025, 11, 24, 9));
    edited.status = ArticleStatus::Draft;
    store.save_article(&edited, t1).await.unwrap();
    let after = store
        .articles_updated_after(Some(all[1]), 10)
        .await
        .unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].id, a);
    assert_eq!(after[0].updated_at, t1);
    assert!(
        store
            .articles_updated_after(Some(after[0]), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_time_range_lists_its_live_stories(ctx: &Ctx) {
    let store = &*ctx.store;
    add(store, "before", "Before The Week", at(2025, 11, 23, 23)).await;
    add(store, "mon", "Monday Story", at(2025, 11, 24, 0)).await;
    add(store, "sun", "Sunday Story", at(2025, 11, 30, 23)).await;
    add(store, "after", "Next Week", at(2025, 12, 1, 0)).await;
    let mut draft = sample("draft", "Draft In Week", at(2025, 11, 25, 9));
    draft.status = ArticleStatus::Draft;
    store.save_article(&draft, now()).await.unwrap();
    let mut page = sample("page", "Page In Week", at(2025, 11, 25, 9));
    page.kind = gazette_domain::ArticleKind::Page;
    store.save_article(&page, now()).await.unwrap();
    let from = at(2025, 11, 24, 0).timestamp();
    let to = at(2025, 12, 1, 0).timestamp();
    let week = store
        .articles_published_between(from, to, now(), 100)
        .await
        .unwrap();
    assert_eq!(heads(&week), ["Sunday Story", "Monday Story"]);
    let one = store
        .articles_published_between(from, to, now(), 1)
        .await
        .unwrap();
    assert_eq!(heads(&one), ["Sunday Story"]);
    // Seen from the Wednesday, Sunday's story is not out yet.
    let wednesday = at(2025, 11, 26, 12).timestamp();
    let early = store
        .articles_published_between(from, to, wednesday, 100)
        .await
        .unwrap();
    assert_eq!(heads(&early), ["Monday Story"]);
}

async fn sitemap_entries_are_live_and_in_id_ranges(ctx: &Ctx) {
    let store = &*ctx.store;
    assert_eq!(store.last_article_id().await.unwrap(), ArticleId(0));
    let a = add(store, "a", "Story A", at(2025, 11, 24, 9)).await;
    let mut draft = sample("d", "Draft D", at(2025, 11, 24, 9));
    draft.status = ArticleStatus::Draft;
    store.save_article(&draft, now()).await.unwrap();
    let mut page = sample("p", "Page P", at(2025, 11, 24, 9));
    page.kind = gazette_domain::ArticleKind::Page;
    let p = store.save_article(&page, now()).await.unwrap().id;
    let late = add(store, "f", "Future F", at(2026, 12, 24, 9)).await;
    let last = store.last_article_id().await.unwrap();
    assert_eq!(last, late);
    let all = store
        .sitemap_entries(ArticleId(0), ArticleId(last.0 + 1), now())
        .await
        .unwrap();
    assert_eq!(all.iter().map(|e| e.id).collect::<Vec<_>>(), [a, p]);
    assert_eq!(all[0].slug.as_str(), "story-a");
    assert_eq!(all[0].updated_at, now());
    let none = store
        .sitemap_entries(ArticleId(a.0 + 1), p, now())
        .await
        .unwrap();
    assert!(none.is_empty());
}

async fn syndicated_copy_keeps_its_original_address(ctx: &Ctx) {
    let store = &*ctx.store;
    let original = "https://wire.example/2025/11/24/ferry-strike?ref=gazette";
    let own = add(store, "own", "Our Own Story", at(2025, 11, 24, 9)).await;
    // One saved alone, one in a batch (PostgreSQL's batch path is its own
    // statement).
    let mut carried = sample("carried", "A Carried Story", at(2025, 11, 24, 10));
    carried.canonical_url = Some(original.into());
    let one = store.save_article(&carried, now()).await.unwrap();
    let mut batched = sample("batched", "A Batched Story", at(2025, 11, 24, 11));
    batched.canonical_url = Some("https://partner.example/a/1".into());
    let two = store.save_articles(&[batched], now()).await.unwrap()[0].id;
    let read = store.articles_by_ids(&[one.id, two]).await.unwrap();
    let url_of = |id| {
        read.iter()
            .find(|a| a.id == id)
            .and_then(|a| a.canonical_url.clone())
    };
    assert_eq!(url_of(one.id).as_deref(), Some(original));
    assert_eq!(url_of(two).as_deref(), Some("https://partner.example/a/1"));
    let mine = store.article_by_slug("our-own-story", now()).await.unwrap();
    assert_eq!(mine.canonical_url, None);
    // Only the newsroom's own stories are in the sitemap.
    let last = store.last_article_id().await.unwrap();
    let listed = store
        .sitemap_entries(ArticleId(0), ArticleId(last.0 + 1), now())
        .await
        .unwrap();
    assert_eq!(listed.iter().map(|e| e.id).collect::<Vec<_>>(), [own]);
    // Listings carry it (the news sitemap leaves such stories out).
    let listed = store
        .articles_published_between(at(2025, 11, 24, 0).timestamp(), now(), now(), 10)
        .await
        .unwrap();
    let listed_url = |id| {
        listed
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.canonical_url.clone())
    };
    assert_eq!(listed_url(one.id), Some(Some(original.to_owned())));
    assert_eq!(listed_url(own), Some(None));
    // Saving without it makes the story the newsroom's own again.
    carried.canonical_url = None;
    store.save_article(&carried, now()).await.unwrap();
    let again = store
        .article_by_slug(one.slug.as_str(), now())
        .await
        .unwrap();
    assert_eq!(again.canonical_url, None);
    // An address that is not a web address is refused, nothing stored.
    let mut bad = sample("bad", "A Bad Address", at(2025, 11, 24, 12));
    bad.canonical_url = Some("javascript:alert(1)".into());
    assert!(store.save_article(&bad, now()).await.is_err());
    assert!(matches!(
        store.article_by_slug("a-bad-address", now()).await,
        Err(StoreError::NotFound)
    ));
}

async fn neighbours_in_a_section_skip_what_is_not_live(ctx: &Ctx) {
    let store = &*ctx.store;
    let old = add(store, "o", "Oldest", at(2025, 11, 20, 9)).await;
    let mut draft = sample("d", "Draft Between", at(2025, 11, 21, 9));
    draft.status = ArticleStatus::Draft;
    store.save_article(&draft, now()).await.unwrap();
    let mid = add(store, "m", "Middle", at(2025, 11, 22, 9)).await;
    let new = add(store, "n", "Newest", at(2025, 11, 23, 9)).await;
    add(store, "f", "Future", at(2026, 12, 1, 9)).await;
    let section = store.section_by_slug("harbour-coast").await.unwrap();
    let at_mid = at(2025, 11, 22, 9).timestamp();
    let n = store
        .neighbours_in_section(section.id, mid, at_mid, now())
        .await
        .unwrap();
    assert_eq!(n.previous.map(|a| a.id), Some(old));
    assert_eq!(n.next.map(|a| a.id), Some(new));
    let n = store
        .neighbours_in_section(section.id, new, at(2025, 11, 23, 9).timestamp(), now())
        .await
        .unwrap();
    assert_eq!(n.previous.map(|a| a.id), Some(mid));
    assert!(n.next.is_none(), "a scheduled story is not next yet");
    let n = store
        .neighbours_in_section(section.id, old, at(2025, 11, 20, 9).timestamp(), now())
        .await
        .unwrap();
    assert!(n.previous.is_none());
    assert_eq!(n.next.map(|a| a.id), Some(mid), "the draft is skipped");
}

async fn the_staff_list_shows_every_status_filtered(ctx: &Ctx) {
    let store = &*ctx.store;
    let later = |s: u64| now() + std::time::Duration::from_secs(s);
    let a = store
        .save_article(
            &sample("a", "Harbour Wall Repaired", at(2025, 11, 20, 9)),
            later(1),
        )
        .await
        .unwrap()
        .id;
    let mut draft = sample(
        "b",
        "A HARBOUR Plan At 100% Cost_Share",
        at(2025, 11, 21, 9),
    );
    draft.status = ArticleStatus::Draft;
    draft.sections = vec!["Opinion".into()];
    let b = store.save_article(&draft, later(2)).await.unwrap().id;
    let mut gone = sample("c", "Council Votes", at(2025, 11, 22, 9));
    gone.status = ArticleStatus::Withdrawn;
    let c = store.save_article(&gone, later(3)).await.unwrap().id;
    let list = |f: crate::StoryFilter, page: Page| async move {
        store
            .staff_stories(&f, page)
            .await
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect::<Vec<_>>()
    };
    let all = store
        .staff_stories(&crate::StoryFilter::default(), Page::new(1, 10))
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|s| s.id).collect::<Vec<_>>(),
        [c, b, a],
        "last changed first"
    );
    assert_eq!(all[1].status, ArticleStatus::Draft);
    assert_eq!(all[0].updated_at, later(3));
    assert_eq!(all[2].headline, "Harbour Wall Repaired");
    assert_eq!(
        list(crate::StoryFilter::default(), Page::new(2, 2)).await,
        [a]
    );
    let f = |status: Option<ArticleStatus>, text: Option<&str>, section| crate::StoryFilter {
        status,
        text: text.map(str::to_owned),
        section,
        ..Default::default()
    };
    assert_eq!(
        list(f(Some(ArticleStatus::Draft), None, None), Page::new(1, 10)).await,
        [b]
    );
    assert_eq!(
        list(f(None, Some("harbour"), None), Page::new(1, 10)).await,
        [b, a]
    );
    assert_eq!(
        list(f(None, Some("100%"), None), Page::new(1, 10)).await,
        [b]
    );
    assert_eq!(
        list(f(None, Some("0%C"), None), Page::new(1, 10)).await,
        Vec::<ArticleId>::new(),
        "% is literal"
    );
    assert_eq!(
        list(f(None, Some("t_S"), None), Page::new(1, 10)).await,
        [b]
    );
    assert_eq!(
        list(f(None, Some("l_W"), None), Page::new(1, 10)).await,
        Vec::<ArticleId>::new(),
        "_ is literal"
    );
    let opinion = store.section_by_slug("opinion").await.unwrap();
    assert_eq!(
        list(f(None, None, Some(opinion.id)), Page::new(1, 10)).await,
        [b]
    );
    let harbour = store.section_by_slug("harbour-coast").await.unwrap();
    assert_eq!(
        list(f(None, None, Some(harbour.id)), Page::new(1, 10)).await,
        [c, a]
    );
    assert_eq!(
        list(
            f(
                Some(ArticleStatus::Published),
                Some("wall"),
                Some(harbour.id)
            ),
            Page::new(1, 10)
        )
        .await,
        [a]
    );
    // By byline, by source, by publish date.
    let mut other = sample("d", "Ferry Timetable", at(2025, 11, 25, 9));
    other.contributors = vec!["Lilit Avetisyan".into()];
    other.sources = vec![gazette_domain::SourceInput::named("Armenpress")];
    let d = store.save_article(&other, later(4)).await.unwrap().id;
    let lilit = store.contributor_by_slug("lilit-avetisyan").await.unwrap();
    let ani = store.contributor_by_slug("ani-hakobyan").await.unwrap();
    let by = |contributor: Option<gazette_domain::ContributorId>, source| crate::StoryFilter {
        contributor,
        source,
        ..Default::default()
    };
    assert_eq!(list(by(Some(lilit.id), None), Page::new(1, 10)).await, [d]);
    assert_eq!(
        list(by(Some(ani.id), None), Page::new(1, 10)).await,
        [c, b, a]
    );
    let press = store.source_by_slug("armenpress").await.unwrap();
    let wire = store.source_by_slug("meridian-wire").await.unwrap();
    assert_eq!(list(by(None, Some(press.id)), Page::new(1, 10)).await, [d]);
    assert_eq!(
        list(by(None, Some(wire.id)), Page::new(1, 10)).await,
        [c, b, a]
    );
    let dates = crate::StoryFilter {
        published_from: Some(at(2025, 11, 20, 0).timestamp()),
        published_until: Some(at(2025, 11, 23, 0).timestamp()),
        ..Default::default()
    };
    // Whatever their status, by the publish time they hold (the draft was
    // given one); the story of the 25th is out of the range.
    assert_eq!(list(dates, Page::new(1, 10)).await, [c, b, a]);
    let from_24th = crate::StoryFilter {
        published_from: Some(at(2025, 11, 24, 0).timestamp()),
        ..Default::default()
    };
    assert_eq!(list(from_24th, Page::new(1, 10)).await, [d]);
}
