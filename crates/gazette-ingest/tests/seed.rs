//! Reads the seed capture from `../shared/seed/` (never copied into the
//! repository) and checks every element the importer must find in it.

use std::path::PathBuf;

use gazette_ingest::parse_text_page;

fn seed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed/000_11f0587ccdb99305.txt")
}

#[test]
fn seed_capture_reads_completely() {
    let text = std::fs::read_to_string(seed_path()).expect("the seed capture in ../shared/seed");
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
