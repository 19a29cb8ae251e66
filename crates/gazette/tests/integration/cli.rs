//! Errors a user can cause say what went wrong and how to fix it, with a
//! non-zero exit and never a panic.

use crate::util::{BIN, Newsroom, own_capture, stderr, stdout};

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
    let seed = own_capture();
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

#[test]
fn captures_of_the_same_name_in_two_folders_are_two_stories() {
    let n = Newsroom::new();
    let capture = std::fs::read_to_string(own_capture()).unwrap();
    let mut paths = Vec::new();
    for (folder, headline) in [("monday", "A Monday Story"), ("tuesday", "A Tuesday Story")] {
        let dir = n.data_dir().join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("capture.txt");
        std::fs::write(
            &file,
            capture.replace(
                "Council Backs Plan to Rebuild the North Harbour Wall",
                headline,
            ),
        )
        .unwrap();
        paths.push(file);
    }
    let args =
        |p: &std::path::Path| vec!["import".to_owned(), "text".into(), p.display().to_string()];
    for p in &paths {
        let out = n.run(&args(p).iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).starts_with("imported"), "{}", stdout(&out));
    }
    // The first file again, by another spelling of its path: an update.
    let again = n.data_dir().join("monday/../monday/capture.txt");
    let out = n.run(&args(&again).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(stdout(&out).starts_with("updated"), "{}", stdout(&out));
}

#[test]
fn counts_beyond_what_a_database_holds_are_refused_with_their_line() {
    let n = Newsroom::new();
    let capture = std::fs::read_to_string(own_capture()).unwrap();
    let file = n.data_dir().join("huge.txt");
    std::fs::write(
        &file,
        capture.replace("\n1,204\n", "\n18446744073709551615\n"),
    )
    .unwrap();
    let out = n.run(&["import", "text", file.to_str().unwrap()]);
    assert_clean_error(
        &out,
        &[
            "huge.txt:11: expected the view count",
            "9223372036854775807",
        ],
    );
}

#[cfg(unix)]
#[test]
fn the_data_directory_and_database_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let n = Newsroom::new();
    let data = n.data_dir().join("fresh");
    let out = std::process::Command::new(BIN)
        .args(["--data-dir", data.to_str().unwrap(), "migrate"])
        .env_remove("GAZETTE_API_TOKEN")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("gazette.db")), 0o600);
}

#[cfg(unix)]
#[tokio::test]
async fn a_token_others_can_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let n = Newsroom::new();
    assert!(n.run(&["migrate"]).status.success());
    let config = n.data_dir().join("gazette.toml");
    std::fs::write(
        &config,
        "api_token = \"3f9a1c07d2e84b6a9f0e1d2c3b4a5968\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut child = n
        .command(&["serve", "--listen", "127.0.0.1:0"])
        .env("GAZETTE_LOG", "error")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = String::new();
    let mut reader = std::io::BufReader::new(child.stderr.take().unwrap());
    use std::io::BufRead;
    for _ in 0..5 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        err.push_str(&line);
        if line.contains("serving") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        err.contains("other users can read it") && err.contains("chmod 600"),
        "{err}"
    );
}

#[test]
fn guessable_tokens_are_refused_at_start() {
    for token in [
        "change-me-to-something-long-and-random",
        "too-short-token",
        "abababababababababababababab",
    ] {
        let mut n = Newsroom::new();
        n.env.push(("GAZETTE_API_TOKEN".into(), token.into()));
        let out = n.run(&["serve", "--listen", "127.0.0.1:0"]);
        assert_clean_error(&out, &["api_token", "openssl rand"]);
    }
}

#[test]
fn comments_pending_never_prints_control_characters() {
    let n = Newsroom::new();
    assert!(n.run(&["migrate"]).status.success());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use gazette_store::{ArticleStore, CommentStore};
        let store =
            gazette_store_sqlite::SqliteStore::open(&n.data_dir().join("gazette.db"), false)
                .await
                .unwrap();
        let now = jiff::Timestamp::now();
        let id = store
            .save_article(
                &gazette_store::testing::sample(
                    "k",
                    "A Story",
                    gazette_store::testing::at(2025, 11, 25, 9),
                ),
                now,
            )
            .await
            .unwrap()
            .id;
        // Stored before names were checked, or carried over by an import.
        store
            .add_comment(
                &gazette_domain::NewComment {
                    article: id,
                    parent: None,
                    author_name: "Eve\u{1b}[2J\u{1b}[31mred\u{7}".into(),
                    author_email: None,
                    body_html: "<p>text\u{1b}]0;title\u{7}\r overwritten</p>".into(),
                    fingerprint: "f".into(),
                },
                now,
            )
            .await
            .unwrap();
        store.close().await;
    });
    let out = n.run(&["comments", "pending"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "raw control characters in: {text:?}"
    );
    assert!(text.contains("\\u{1b}[2J"), "{text}");
}

#[tokio::test]
async fn rotating_the_secret_makes_a_new_one() {
    let n = Newsroom::new();
    assert!(n.run(&["migrate"]).status.success());
    let db = n.data_dir().join("gazette.db");
    let read = || async {
        use gazette_store::NewsroomStore;
        let s = gazette_store_sqlite::SqliteStore::open(&db, false)
            .await
            .unwrap();
        let v = s.secret("site", b"unused").await.unwrap();
        s.close().await;
        v
    };
    // The first start makes the secret.
    let server = n.serve();
    drop(server);
    let before = read().await;
    let out = n.run(&["secret", "rotate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Restart every node"));
    let after = read().await;
    assert_ne!(before, after);
    assert_eq!(after.len(), 32);
}

/// Runs `gazette ARGS` with `input` on standard input.
fn with_stdin(n: &Newsroom, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = n
        .command(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn accounts_from_the_command_line() {
    let n = Newsroom::new();
    let out = with_stdin(
        &n,
        &[
            "user",
            "add",
            "Ani@Example.org",
            "--role",
            "admin",
            "--name",
            "Ani H",
        ],
        "a long passphrase\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("ani@example.org (Ani H) added as admin"));
    let out = n.run(&["user", "list"]);
    assert_eq!(stdout(&out), "ani@example.org\tadmin\tAni H\n");
    // Mistakes are named, and nothing is added.
    let out = with_stdin(&n, &["user", "add", "bob@example.org"], "short\n");
    assert_clean_error(&out, &["too short", "10 characters"]);
    let out = with_stdin(
        &n,
        &["user", "add", "bob@example.org", "--role", "root"],
        "a long passphrase\n",
    );
    assert_clean_error(&out, &["root", "contributor, author, editor or admin"]);
    let out = with_stdin(
        &n,
        &["user", "add", "ANI@example.org"],
        "a long passphrase\n",
    );
    assert_clean_error(&out, &["already exists"]);
    let out = with_stdin(&n, &["user", "add", "bob@example.org"], "");
    assert_clean_error(&out, &["no password given"]);
    let out = with_stdin(
        &n,
        &["user", "reset-password", "nobody@example.org"],
        "a long passphrase\n",
    );
    assert_clean_error(
        &out,
        &["no account nobody@example.org", "gazette user list"],
    );
    assert_eq!(stdout(&n.run(&["user", "list"])).lines().count(), 1);
    let out = with_stdin(
        &n,
        &["user", "reset-password", "ani@example.org"],
        "another passphrase\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("sessions have ended"));
}
