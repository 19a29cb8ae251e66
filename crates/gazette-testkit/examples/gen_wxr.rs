//! Writes a generated WordPress export, for the benchmarks:
//! `cargo run --release -p gazette-testkit --example gen_wxr -- POSTS COMMENTS PARAGRAPHS OUT.xml`
//! (about COMMENTS comments per post, PARAGRAPHS paragraphs of text each).
//! Prints the facts of the file as JSON.

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_wxr POSTS COMMENTS PARAGRAPHS OUT.xml";
    let [posts, comments, paragraphs, out] = args.as_slice() else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let num = |s: &str| s.parse::<u64>().unwrap_or_else(|_| panic!("{usage}"));
    let file = std::fs::File::create(out)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let f = gazette_testkit::wxr::generate(
        &mut w,
        num(posts),
        num(comments),
        num(paragraphs) as usize,
        48,
    )?;
    std::io::Write::flush(&mut w)?;
    println!(
        "{{\"posts\": {}, \"comments\": {}, \"approved\": {}, \"replies\": {}, \"legacy_views\": {}}}",
        f.posts, f.comments, f.approved, f.replies, f.legacy_views
    );
    Ok(())
}
