//! The acceptance test of the text importer, twice: on this project's own
//! capture (`tests/data/courier-capture.txt`, written for it, in the seed's
//! format with every element), which runs on any clone, and on the real
//! seed capture in `../shared/seed/` (read there, never copied), which runs
//! when that folder is beside the repository and is required by `.ci/run`
//! (`GAZETTE_TEST_REQUIRE_SEED=1`).

use std::path::PathBuf;

use gazette_ingest::parse_text_page;

fn own_capture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/courier-capture.txt")
}

/// The seed capture, if it is there (see `gazette_testkit::shared`).
fn seed_capture() -> Option<PathBuf> {
    gazette_testkit::shared("seed/000_11f0587ccdb99305.txt")
}

#[test]
fn own_capture_reads_completely() {
    let text = std::fs::read_to_string(own_capture()).unwrap();
    let p = parse_text_page::<&str>(&text, &[]).unwrap();
    assert_eq!(p.date.to_string(), "2025-03-04");
    assert_eq!(p.top_stories_week, 10);
    assert_eq!(p.week().unwrap().to_string(), "2025-W10");
    assert_eq!(
        p.related_headlines,
        ["Ferry Operators Agree on a Winter Timetable"]
    );
    assert_eq!(p.sections, ["Harbour & Coast", "International"]);
    assert_eq!(
        p.headline,
        "Council Backs Plan to Rebuild the North Harbour Wall"
    );
    assert_eq!(p.account, "The Meridian Desk");
    assert_eq!((p.views, p.comments), (1204, 3));
    assert_eq!(p.lead.contributors, ["Ani Hakobyan"]);
    assert_eq!(p.lead.place.as_deref(), Some("PORT ELLIS"));
    assert_eq!(p.lead.sources, ["Meridian Wire"]);
    assert!(p.lead.body[0].starts_with("The city council voted seven to two on Monday"));
    assert_eq!(p.lead.body.len(), 7);
    assert!(p.lead.body[6].starts_with("The council meets again on Thursday"));
    assert_eq!(p.footer.as_deref(), Some("The Meridian Desk"));
}

#[test]
fn seed_capture_reads_completely() {
    let Some(path) = seed_capture() else { return };
    let text = std::fs::read_to_string(path).unwrap();
    let p = parse_text_page::<&str>(&text, &[]).unwrap();
    assert_eq!(p.date.to_string(), "2025-11-25");
    assert_eq!(p.top_stories_week, 48);
    assert_eq!(p.week().unwrap().to_string(), "2025-W48");
    assert_eq!(
        p.related_headlines,
        ["Several of the former officials of Artsakh on trial in Baku"]
    );
    assert_eq!(p.sections, ["Armenia & Karabakh", "International"]);
    assert_eq!(
        p.headline,
        "Yerevan Seeks US Help for Release of Armenian Prisoners"
    );
    assert_eq!(p.account, "The Armenian Mirror-Spectator");
    assert_eq!((p.views, p.comments), (62, 0));
    assert_eq!(p.lead.contributors, ["Shoghik Galstian"]);
    assert_eq!(p.lead.place.as_deref(), Some("YEREVAN"));
    assert_eq!(p.lead.sources, ["Azatutyun"]);
    assert!(p.lead.body[0].starts_with("Prime Minister Nikol Pashinyan said on November 20"));
    assert_eq!(p.lead.body.len(), 9);
    assert!(p.lead.body[8].starts_with("Neither an Armenian-Azerbaijani peace treaty"));
    assert_eq!(p.footer.as_deref(), Some("The Armenian Mirror-Spectator"));
}
