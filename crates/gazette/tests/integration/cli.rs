//! Errors a user can cause say what went wrong and how to fix it, with a
//! non-zero exit and never a panic.

use crate::util::{BIN, Newsroom, seed_file, stderr, stdout};

fn assert_clean_error(out: &std::process::Output, wants: &[&str]) {
    assert!(!out.status.success(), "should fail");
    let err = stderr(out);
    for want in wants {
        assert!(err.contains(want), "stderr lacks `{want}`:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.lines().count() <= 3, "one or two lines, got:\n{err}");
}

#[test]
fn bad_config_value() {
    let mut n = Newsroom::new();
    n.env
        .push(("GAZETTE_NEWSROOM__TIME_ZONE".into(), "Mars/Olympus".into()));
    let out = n.run(&["migrate"]);
    assert_clean_error(&out, &["Mars/Olympus", "IANA"]);
    let n = Newsroom::new();
    let out = n.run(&["serve", "--listen", "localhost"]);
    assert_clean_error(&out, &["localhost", "127.0.0.1:8080"]);
}

#[test]
fn unknown_config_key_in_file() {
    let n = Newsroom::new();
    std::fs::write(
        n.data_dir().join("gazette.toml"),
        "[newsroom]\ncolour = \"red\"\n",
    )
    .unwrap();
    let out = n.run(&["migrate"]);
    assert_clean_error(&out, &["colour"]);
}

#[test]
fn unwritable_data_dir() {
    let n = Newsroom::new();
    // A path under a regular file can never be a folder, even for root.
    let file = n.data_dir().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let out = std::process::Command::new(BIN)
        .args(["--data-dir", file.join("sub").to_str().unwrap(), "migrate"])
        .output()
        .unwrap();
    assert_clean_error(&out, &["cannot create the data directory", "--data-dir"]);
}

#[test]
fn serve_without_a_newsroom_says_how_to_make_one() {
    let n = Newsroom::new();
    let out = n.run(&["serve", "--listen", "127.0.0.1:0"]);
    assert_clean_error(&out, &["no newsroom database", "gazette demo"]);
}

#[tokio::test]
async fn port_already_in_use() {
    let n = Newsroom::new();
    assert!(n.run(&["migrate"]).status.success());
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = n.run(&["serve", "--listen", &addr]);
    assert_clean_error(&out, &[&addr, "already in use", "--listen"]);
}

#[test]
fn unreadable_and_malformed_files() {
    let n = Newsroom::new();
    let out = n.run(&["import", "text", "/no/such/capture.txt"]);
    assert_clean_error(&out, &["cannot read /no/such/capture.txt"]);

    let bin = n.data_dir().join("binary.txt");
    std::fs::write(&bin, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let out = n.run(&["import", "text", bin.to_str().unwrap()]);
    assert_clean_error(&out, &["binary.txt", "UTF-8"]);

    let empty = n.data_dir().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let out = n.run(&["import", "text", empty.to_str().unwrap()]);
    assert_clean_error(&out, &["empty.txt:1: expected the header"]);
}

#[test]
fn one_bad_file_does_not_stop_the_good_ones() {
    let n = Newsroom::new();
    let empty = n.data_dir().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let seed = seed_file();
    let out = n.run(&[
        "import",
        "text",
        empty.to_str().unwrap(),
        seed.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(stdout(&out).contains("imported"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("1 of 2 files were not imported"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn help_documents_every_option() {
    let out = std::process::Command::new(BIN)
        .arg("--help")
        .output()
        .unwrap();
    let help = stdout(&out);
    for want in [
        "serve",
        "demo",
        "import",
        "migrate",
        "config",
        "--data-dir",
        "GAZETTE_DATA_DIR",
        "--config",
    ] {
        assert!(help.contains(want), "--help lacks {want}:\n{help}");
    }
    for (cmd, wants) in [
        (
            vec!["serve", "--help"],
            vec!["--listen", "GAZETTE_LISTEN", "--data-dir"],
        ),
        (
            vec!["demo", "--help"],
            vec!["--listen", "--articles", "--seed", "--no-serve"],
        ),
        (vec!["import", "text", "--help"], vec!["FILE"]),
    ] {
        let out = std::process::Command::new(BIN).args(&cmd).output().unwrap();
        let help = stdout(&out);
        for want in wants {
            assert!(help.contains(want), "{cmd:?} lacks {want}:\n{help}");
        }
    }
}

#[test]
fn config_example_is_valid_and_show_reflects_env() {
    let n = Newsroom::new();
    let out = n.run(&["config", "example"]);
    assert!(out.status.success());
    let example = n.data_dir().join("example.toml");
    std::fs::write(&example, stdout(&out)).unwrap();
    let out = n.run(&["--config", example.to_str().unwrap(), "config", "show"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("time_zone = \"America/New_York\""),
        "{}",
        stdout(&out)
    );
}
