//! `examples/quickstart.rs`, the README's first run: its code runs here (the example file is
//! compiled into this test), and the built example binary runs end to end when a full
//! `cargo test` has built it.
#![cfg(all(feature = "sim", feature = "sqlite"))]

use std::path::PathBuf;
use std::process::Command;

use exsync::sync::ObjectKind;

#[allow(dead_code)]
#[path = "../examples/quickstart.rs"]
mod quickstart;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quickstart_ends_with_both_sides_in_step() {
    let mut out = Vec::new();
    let outcome = quickstart::run(&mut out, false).await.expect("the quickstart runs");
    let text = String::from_utf8(out).unwrap();
    assert!(outcome.in_step, "{text}");
    assert_eq!(outcome.conflicts, 1, "{text}");
    assert!(outcome.progress_events > 20, "{outcome:?}");
    let count = |user: &str, kind| outcome.counts[&(user.to_owned(), kind)];
    assert_eq!(count("alice@contoso.com", ObjectKind::Contacts), 2, "Ann and Dana; Erik deleted in Outlook");
    assert_eq!(count("alice@contoso.com", ObjectKind::Events), 3, "kick-off, dentist, lunch; review cancelled");
    assert_eq!(count("bob@contoso.com", ObjectKind::Contacts), 3);
    assert_eq!(count("bob@contoso.com", ObjectKind::Events), 1);

    // What a reader sees.
    assert!(text.contains("[passed]  authentication"), "{text}");
    assert!(text.contains("1 matched"), "Dana Ruiz matched on the first sync: {text}");
    assert!(text.contains("conflict on crm-c2: policy MostRecent: Outlook's change went to the application"), "{text}");
    assert!(text.contains("update contact  Dana Ruiz (Head of Purchasing, Fabrikam)"), "{text}");
    assert!(text.contains("delete contact  Erik Lund"), "{text}");
    assert!(!text.contains("DIFFERENT"), "{text}");
    assert!(!text.contains("Quickstart-Passw0rd!"), "no secret printed");
    assert!(text.trim_end().ends_with("done."), "{text}");
}

/// A built example binary next to this test's binary (`target/<profile>/examples/<name>`).
fn example(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let path = exe.parent()?.parent()?.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    path.is_file().then_some(path)
}

#[test]
fn the_built_example_exits_0_within_seconds() {
    let Some(bin) = example("quickstart") else {
        println!("skipped: the quickstart example is not built (run `cargo test` or `cargo build --examples` first)");
        return;
    };
    let started = std::time::Instant::now();
    let out = Command::new(bin).output().expect("the example starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(started.elapsed().as_secs() < 30, "took {:?}", started.elapsed());
    assert!(stdout.contains("7. Now both sides hold the same records"), "{stdout}");
    // Not a terminal: the bar writes a line per mailbox done and one at the end of each run.
    assert!(stderr.lines().filter(|l| l.contains("2/2 mailboxes")).count() >= 4, "{stderr}");
}
