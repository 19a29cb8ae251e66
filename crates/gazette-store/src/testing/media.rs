//! The media library and files kept in the database.

use gazette_domain::{MediaId, NewMedia};

use super::{Check, Ctx, check, now};
use crate::{Page, StoreError};

pub(super) fn checks() -> Vec<Check> {
    vec![
        check!(Media, the_same_file_is_one_item_and_the_library_is_searched),
        check!(Media, files_are_kept_byte_for_byte),
    ]
}

fn item(key: &str, name: &str, alt: &str) -> NewMedia {
    NewMedia {
        key: key.into(),
        file_name: name.into(),
        ext: "jpg".into(),
        width: 1600,
        height: 900,
        alt: alt.into(),
        caption: String::new(),
        credit: "Staff photo".into(),
        widths: vec![480, 960, 1600],
        uploaded_by: None,
        uploaded_at: now(),
    }
}

async fn the_same_file_is_one_item_and_the_library_is_searched(ctx: &Ctx) {
    let store = &*ctx.store;
    let a = store
        .add_media(&item(
            "aaaaaaaaaaaaaaaaaaaa",
            "ferry.jpg",
            "The ferry at 100%",
        ))
        .await
        .unwrap();
    assert_eq!(a.widths, [480, 960, 1600]);
    assert_eq!((a.width, a.height), (1600, 900));
    let again = store
        .add_media(&item(
            "aaaaaaaaaaaaaaaaaaaa",
            "other-name.jpg",
            "Another alt",
        ))
        .await
        .unwrap();
    assert_eq!(again, a, "the same bytes are the same item");
    let b = store
        .add_media(&item("bbbbbbbbbbbbbbbbbbbb", "market.png", "Market day"))
        .await
        .unwrap();
    assert_eq!(store.media(b.id).await.unwrap(), b);
    assert!(matches!(
        store.media(MediaId(b.id.0 + 10)).await,
        Err(StoreError::NotFound)
    ));
    let all = store.media_library(None, Page::new(1, 10)).await.unwrap();
    assert_eq!(all.iter().map(|m| m.id).collect::<Vec<_>>(), [b.id, a.id]);
    let found = store
        .media_library(Some("FERRY"), Page::new(1, 10))
        .await
        .unwrap();
    assert_eq!(found, std::slice::from_ref(&a));
    // `%` is a character, not a wildcard.
    let pct = store
        .media_library(Some("100%"), Page::new(1, 10))
        .await
        .unwrap();
    assert_eq!(pct, [a]);
    assert!(
        store
            .media_library(Some("%y%"), Page::new(1, 10))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.media_library(None, Page::new(2, 1)).await.unwrap()[0].id,
        all[1].id
    );
}

async fn files_are_kept_byte_for_byte(ctx: &Ctx) {
    let store = &*ctx.store;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    store.put_media_file("x-480.webp", &bytes).await.unwrap();
    assert_eq!(store.media_file("x-480.webp").await.unwrap(), bytes);
    store.put_media_file("x-480.webp", b"newer").await.unwrap();
    assert_eq!(store.media_file("x-480.webp").await.unwrap(), b"newer");
    assert!(matches!(
        store.media_file("missing.webp").await,
        Err(StoreError::NotFound)
    ));
}
