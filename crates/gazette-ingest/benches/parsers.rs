//! The byline/dateline parser and the text-page importer.

use criterion::{Criterion, criterion_group, criterion_main};
use gazette_ingest::{parse_lead, parse_text_page};
use std::hint::black_box;

const PAGE: &str = "\u{a0}date 2025-03-04 \u{a0} TOP STORIES WEEK \u{a0} 10\n\u{a0}\n\n\
Ferry timetable changes for spring\n\
Local NewsHarbour & Coast\n\n\
Council Approves New Harbour Wall\n\n\
by\nThe Meridian Desk\n1,204\n3\n\n\
By Ani Hakobyan\n\n\
PORT ELLIS (Meridian Wire) — The council voted 7 to 2 on Monday to move ahead with the wall.\n\n\
Residents filled the hall on Tuesday evening as the council took up the plan.\n\n\
The plan would cost about $18 million, according to figures released by the authority.\n\n\
Work is expected to begin in the spring and to last about 14 months.\n\n\
The Meridian Courier\n";

fn bench(c: &mut Criterion) {
    let leads: [&[&str]; 4] = [
        &[
            "By Shoghik Galstian",
            "YEREVAN (Azatutyun) — Prime Minister spoke on Thursday.",
        ],
        &["By Florence Avakian Special to the Mirror-Spectator NEW YORK — The gala opened."],
        &["WIJK AAN ZEE, Holland (Armenpress and Azatutyun) – Levon Aronian won."],
        &["Prime Minister Nikol Pashinyan said on Thursday that talks would go on."],
    ];
    c.bench_function("byline/parse_lead/4_story_heads", |b| {
        b.iter(|| {
            for l in &leads {
                black_box(parse_lead(black_box(l)));
            }
        })
    });
    let known = ["Local News", "Harbour & Coast"];
    c.bench_function("textpage/parse_text_page", |b| {
        b.iter(|| parse_text_page(black_box(PAGE), &known).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
