//! Contributors, sources and sections as editors manage them.

use gazette_domain::{ContributorId, SectionId};

use super::{Check, Ctx, add, at, check, now};
use crate::{Page, StoreError};

pub(super) fn checks() -> Vec<Check> {
    vec![check!(Names, names_change_and_addresses_stay)]
}

async fn names_change_and_addresses_stay(ctx: &Ctx) {
    let store = &*ctx.store;
    add(store, "a", "Harbour Story", at(2025, 11, 24, 9)).await;
    // The sample's names, by name.
    let people = store.contributor_list(Page::new(1, 10)).await.unwrap();
    assert_eq!(
        people.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["Ani Hakobyan", "Mher Sargsyan"]
    );
    assert_eq!(
        store.contributor_list(Page::new(2, 1)).await.unwrap()[0].name,
        "Mher Sargsyan"
    );
    let ani = &people[0];
    let changed = store
        .update_contributor(
            ani.id,
            "Ani Hakobyan-Petrosyan",
            Some("Reports on the coast."),
        )
        .await
        .unwrap();
    assert_eq!(changed.slug, ani.slug, "the address stays");
    assert_eq!(changed.bio.as_deref(), Some("Reports on the coast."));
    let story = store.article_by_slug("harbour-story", now()).await.unwrap();
    assert_eq!(story.contributors[0].name, "Ani Hakobyan-Petrosyan");
    let sources = store.source_list(Page::new(1, 10)).await.unwrap();
    assert_eq!(
        sources.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["Coast Radio", "Meridian Wire"]
    );
    let wire = store
        .update_source(
            sources[1].id,
            "Meridian Wire Service",
            Some("https://wire.example"),
        )
        .await
        .unwrap();
    assert_eq!(wire.url.as_deref(), Some("https://wire.example"));
    assert_eq!(
        store.source_by_slug(wire.slug.as_str()).await.unwrap(),
        wire
    );
    let sections = store.sections().await.unwrap();
    let (harbour, world) = (&sections[0], &sections[1]);
    let moved = store
        .update_section(world.id, "The World", Some(harbour.id))
        .await
        .unwrap();
    assert_eq!(
        (moved.parent, moved.slug.clone()),
        (Some(harbour.id), world.slug.clone())
    );
    let again = store.sections().await.unwrap();
    assert_eq!(again.len(), 2);
    assert_eq!(again[1].name, "The World", "children after parents");
    for missing in [
        store
            .update_contributor(ContributorId(999), "X", None)
            .await
            .err(),
        store.update_section(SectionId(999), "X", None).await.err(),
    ] {
        assert!(matches!(missing, Some(StoreError::NotFound)));
    }
}
