//! Images over HTTP: uploads checked by their bytes, made in several sizes
//! without the camera's metadata, served by every node, and shown in a
//! story with `srcset`.

use gazette_domain::Role;
use gazette_testkit::{Engine, engines};
use reqwest::{StatusCode, header, multipart};

use crate::{
    admin::{add, csrf, get_as, post_as, signed_in},
    util::{TestApp, test_config},
};

/// A JPEG of `w`×`h` carrying an EXIF block with a place in it.
fn photo_with_place(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 3 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .unwrap();
    // APP1: "Exif", an empty little-endian TIFF directory, and the place.
    let payload: Vec<u8> = [
        &b"Exif\0\0II*\0\x08\0\0\0\0\0\0\0\0\0"[..],
        b"GPSLatitude 40.1792N GPSLongitude 44.4991E",
    ]
    .concat();
    let len = u16::try_from(payload.len() + 2).unwrap().to_be_bytes();
    [&jpeg[..2], &[0xFF, 0xE1], &len, &payload, &jpeg[2..]].concat()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Sends the upload form as `cookie`; `csrf` as given (empty: none).
async fn upload(
    app: &TestApp,
    cookie: &str,
    csrf: &str,
    name: &str,
    bytes: Vec<u8>,
    alt: &str,
) -> reqwest::Response {
    let mut form = multipart::Form::new()
        .text("alt", alt.to_owned())
        .text("caption", "The market at Vernissage")
        .text("credit", "Photo: Courier staff")
        .part(
            "file",
            multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    if !csrf.is_empty() {
        form = form.text("csrf", csrf.to_owned());
    }
    app.http
        .post(app.url("/admin/media"))
        .header(header::COOKIE, cookie)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn library_size(app: &TestApp) -> usize {
    app.store
        .media_library(None, gazette_store::Page::new(1, 100))
        .await
        .unwrap()
        .len()
}

engines!(
    images_are_checked_sized_stripped_and_served_by_every_node,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        add(&app, "ed@example.org", Role::Editor).await;
        let ed = signed_in(&app, "ed@example.org").await;
        let token = csrf(&app, &ed).await;
        let original = photo_with_place(1200, 800);
        assert!(contains(&original, b"GPSLatitude") && contains(&original, b"Exif"));
        // Refused before anything is stored: no token, a text file named
        // .jpg, no alt text, too large.
        let r = upload(&app, &ed, "", "photo.jpg", original.clone(), "A market").await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = upload(
            &app,
            &ed,
            &token,
            "photo.jpg",
            b"<?php system($_GET['c']); ?>".to_vec(),
            "A market",
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("not a JPEG, PNG, WebP or GIF image"),
            "{html}"
        );
        assert!(html.contains(r#"value="A market""#), "the alt text kept");
        let r = upload(&app, &ed, &token, "photo.jpg", original.clone(), "  ").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("describe the picture"));
        let mut huge = original.clone();
        huge.resize(15 * 1024 * 1024 + 10_000, 0);
        let r = upload(&app, &ed, &token, "huge.jpg", huge, "Huge").await;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(r.text().await.unwrap().contains("at most 15 MB"));
        // Over the body limit: refused from its length, the connection
        // closed (the client may see the 413 or its body cut off).
        let over = app
            .http
            .post(app.url("/admin/media"))
            .header(header::COOKIE, &ed)
            .multipart(multipart::Form::new().text("csrf", token.clone()).part(
                "file",
                multipart::Part::bytes(vec![0xFF; 20 * 1024 * 1024]).file_name("huger.jpg"),
            ))
            .send()
            .await;
        match over {
            Ok(r) => assert_eq!(
                r.status(),
                StatusCode::PAYLOAD_TOO_LARGE,
                "over the body limit"
            ),
            Err(e) => assert!(e.is_request() || e.is_body(), "{e}"),
        }
        assert_eq!(library_size(&app).await, 0, "nothing stored");
        // Signed out: refused.
        let r = app
            .http
            .post(app.url("/admin/media"))
            .multipart(multipart::Form::new().text("csrf", token.clone()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // A real photo: stored in every size, without the place.
        let r = upload(
            &app,
            &ed,
            &token,
            "market.jpg",
            original.clone(),
            "Stalls of paintings at the open-air market",
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = r.headers()[header::LOCATION].to_str().unwrap().to_owned();
        let id: i64 = to.rsplit('=').next().unwrap().parse().unwrap();
        let media = app.store.media(gazette_domain::MediaId(id)).await.unwrap();
        assert_eq!(media.widths, [480, 960, 1200]);
        assert_eq!((media.width, media.height), (1200, 800));
        let library = get_as(&app, Some(&ed), &to).await.text().await.unwrap();
        assert!(
            library.contains(&format!("Uploaded as image {id}")),
            "{library}"
        );
        assert!(library.contains("market.jpg (1200 × 800)"), "{library}");
        let node_b = app.another_node().await;
        for w in [480, 960, 1200] {
            for webp in [false, true] {
                let path = format!("/images/{}", media.file(w, webp));
                let r = app.get(&path).await;
                assert_eq!(r.status(), 200, "{path}");
                assert_eq!(
                    r.headers()[header::CONTENT_TYPE],
                    if webp { "image/webp" } else { "image/jpeg" }
                );
                assert!(
                    r.headers()[header::CACHE_CONTROL]
                        .to_str()
                        .unwrap()
                        .contains("immutable")
                );
                let bytes = r.bytes().await.unwrap();
                assert!(
                    !contains(&bytes, b"GPSLatitude"),
                    "{path}: the place is gone"
                );
                assert!(!contains(&bytes, b"Exif"), "{path}: no EXIF at all");
                if webp {
                    assert_eq!(&bytes[8..12], b"WEBP");
                }
                let decoded = image::load_from_memory(&bytes).unwrap_or_else(|e| {
                    assert!(webp, "{path}: {e}");
                    image::DynamicImage::new_rgb8(w, w * 2 / 3)
                });
                assert_eq!(decoded.width(), w, "{path}");
                // Node B, over the same database, serves the same bytes.
                let there = node_b.get(&path).await;
                assert_eq!(there.status(), 200, "node B {path}");
                assert_eq!(there.bytes().await.unwrap(), bytes, "node B {path}");
            }
        }
        assert_eq!(
            app.get(&format!("/images/{}", media.file(1600, true)))
                .await
                .status(),
            404
        );
        assert_eq!(app.get("/images/..%2Fgazette.db").await.status(), 404);
        // The same bytes again: the same item.
        let r = upload(&app, &ed, &token, "again.jpg", original, "Again").await;
        assert_eq!(r.headers()[header::LOCATION].to_str().unwrap(), to);
        assert_eq!(library_size(&app).await, 1);
        // A story with it as its lead image: a picture offering every size.
        let story = |image: &str| {
            vec![
                ("csrf", token.clone()),
                ("headline", "Market Day".to_owned()),
                ("body", "Painters came early.".to_owned()),
                ("sections", "Arts".to_owned()),
                ("image", image.to_owned()),
                ("action", "publish".to_owned()),
            ]
        };
        let send = |fields: Vec<(&'static str, String)>| {
            let app = &app;
            let ed = ed.clone();
            async move {
                let pairs: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                post_as(app, Some(&ed), "/admin/stories/new", &pairs).await
            }
        };
        let r = send(story("99999")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("no image 99999"));
        let r = send(story("seven")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = send(story(&id.to_string())).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = app.text("/articles/market-day").await;
        assert!(page.contains("<picture>"), "{page}");
        assert!(
            page.contains(&format!(
                "srcset=\"/images/{0}-480.webp 480w, /images/{0}-960.webp 960w, /images/{0}-1200.webp 1200w\"",
                media.key
            )),
            "{page}"
        );
        assert!(page.contains("alt=\"Stalls of paintings at the open-air market\""));
        assert!(page.contains("The market at Vernissage <small>Photo: Courier staff</small>"));
        assert!(
            page.contains(&format!(
                "\"image\":\"http://127.0.0.1/images/{}-960.jpg\"",
                media.key
            )) || page.contains(&format!("/images/{}-960.jpg\"", media.key)),
            "the JSON-LD and card image"
        );
    }
);

engines!(
    a_folder_keeps_the_files_when_so_configured,
    |engine: Engine| async move {
        let dir = tempfile::tempdir().unwrap();
        let core_config = gazette_core::CoreConfig {
            media: gazette_core::media::MediaStorage::Folder(dir.path().join("images")),
            ..gazette_core::CoreConfig::default()
        };
        let app = TestApp::build(
            engine,
            test_config(),
            core_config,
            std::sync::Arc::new(gazette_core::SystemClock),
        )
        .await;
        add(&app, "cub@example.org", Role::Contributor).await;
        let cub = signed_in(&app, "cub@example.org").await;
        let token = csrf(&app, &cub).await;
        let r = upload(
            &app,
            &cub,
            &token,
            "small.jpg",
            photo_with_place(300, 200),
            "A small one",
        )
        .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "a contributor uploads too"
        );
        let media = app
            .store
            .media_library(None, gazette_store::Page::new(1, 10))
            .await
            .unwrap()
            .remove(0);
        assert_eq!(media.widths, [300], "no size wider than the upload");
        let on_disk = std::fs::read(dir.path().join("images").join(media.file(300, true))).unwrap();
        let served = app
            .get(&format!("/images/{}", media.file(300, true)))
            .await
            .bytes()
            .await
            .unwrap();
        assert_eq!(served, on_disk);
        assert!(
            app.store.media_file(&media.file(300, true)).await.is_err(),
            "not in the database"
        );
    }
);
