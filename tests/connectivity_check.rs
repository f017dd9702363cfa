//! The connectivity check command (`examples/connectivity_check.rs` over
//! `exsync::setup::check_command`) against the simulator: a passing run, a failing one with
//! advice and exit status 1, JSON output, HTTPS with the simulator's CA from a file; and the
//! built example binaries end to end (`connectivity_check` against `sim_server`), when a full
//! `cargo test` has built them.
#![cfg(feature = "sim")]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use exsync::setup::check_command::{CheckCommand, CheckOutcome};
use exsync::sim::{ServiceAccount, SimServer};

const PASSWORD: &str = "Check-Passw0rd!";

async fn server(tls: bool) -> SimServer {
    SimServer::builder()
        .domain("contoso.com")
        .service_account(ServiceAccount::new("svc@contoso.com", PASSWORD).impersonating_all())
        .mailbox("alice@contoso.com")
        .tls(tls)
        .start()
        .await
        .unwrap()
}

fn command(args: &[&str]) -> CheckCommand {
    CheckCommand::parse(args.iter().map(|s| s.to_string())).unwrap()
}

async fn run(args: &[&str], password: &str) -> CheckOutcome {
    let password = password.to_owned();
    command(args).run(move |name| (name == "EXSYNC_PASSWORD").then(|| password.clone())).await.unwrap()
}

fn base<'a>(url: &'a str, user: &'a str) -> Vec<&'a str> {
    vec!["--email", "alice@contoso.com", "--user", user, "--password-env", "EXSYNC_PASSWORD", "--ews-url", url]
}

#[tokio::test]
async fn a_healthy_server_passes_with_one_line_per_step() {
    let server = server(false).await;
    let url = server.ews_url();
    let mut args = base(&url, r"contoso.com\svc");
    args.push("--allow-http");
    let out = run(&args, PASSWORD).await;
    assert_eq!(out.exit_code, 0, "{}", out.output);
    let lines: Vec<&str> = out.output.lines().collect();
    assert!(lines[0].starts_with("connectivity analyzer for alice@contoso.com"), "{}", out.output);
    for (line, step) in lines[1..9].iter().zip([
        "DNS",
        "autodiscover",
        "EWS endpoint reachable",
        "TLS certificate",
        "authentication",
        "impersonation",
        "contacts folder access",
        "calendar folder access",
    ]) {
        assert!(line.contains(step), "{line}");
        assert!(line.starts_with("[passed]") || line.starts_with("[skipped]"), "{line}");
    }
    assert!(lines[5].contains(" ms): Exchange accepted NTLM as contoso.com\\svc"), "{}", lines[5]);
    assert!(out.output.contains(&format!("EWS URL: {url}")));
    assert!(out.output.contains("sign in as: contoso.com\\svc (NTLM)"));
    assert!(!out.output.contains(PASSWORD));
}

#[tokio::test]
async fn a_failing_step_exits_with_1_and_says_what_to_do() {
    let server = server(false).await;
    let url = server.ews_url();
    let mut args = base(&url, "svc@contoso.com");
    args.extend(["--allow-http", "--auth", "basic"]);
    let out = run(&args, "wrong-password").await;
    assert_eq!(out.exit_code, 1, "{}", out.output);
    let failed = out.output.lines().position(|l| l.starts_with("[FAILED]  authentication")).expect("a failed line");
    let next = out.output.lines().nth(failed + 1).unwrap();
    assert!(next.trim_start().starts_with("what to do: check the password"), "{next}");
    assert!(out.output.contains("[skipped] impersonation: not run because the authentication step failed"));
    assert!(!out.output.contains("wrong-password"));

    // As JSON.
    args.push("--json");
    let out = run(&args, "wrong-password").await;
    assert_eq!(out.exit_code, 1);
    let json: serde_json::Value = serde_json::from_str(&out.output).unwrap();
    assert_eq!(json["steps"][4]["step"], "authentication");
    assert_eq!(json["steps"][4]["status"], "failed");
}

#[tokio::test]
async fn https_with_the_servers_ca_from_a_file() {
    let server = server(true).await;
    let ca = std::env::temp_dir().join(format!("exsync-check-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, server.ca_certificate_pem().unwrap()).unwrap();
    let url = server.ews_url();
    let ca_path = ca.display().to_string();
    let mut args = base(&url, "svc@contoso.com");
    args.extend(["--ca-file", &ca_path]);
    let out = run(&args, PASSWORD).await;
    assert_eq!(out.exit_code, 0, "{}", out.output);
    assert!(out.output.contains("[passed]  TLS certificate"), "{}", out.output);
    assert!(out.output.contains("issued by CN=exsync simulator CA"));

    // Without the CA the certificate is not trusted.
    let out = run(&base(&url, "svc@contoso.com"), PASSWORD).await;
    assert_eq!(out.exit_code, 1);
    assert!(out.output.contains("[FAILED]  TLS certificate"), "{}", out.output);
    let _ = std::fs::remove_file(ca);
}

/// A built example binary next to this test's binary (`target/<profile>/examples/<name>`).
fn example(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let path = exe.parent()?.parent()?.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    path.is_file().then_some(path)
}

/// Ends the child process it holds when dropped (also when an assertion fails).
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_example_binaries_end_to_end() {
    let (Some(check), Some(sim)) = (example("connectivity_check"), example("sim_server")) else {
        println!(
            "skipped: the example binaries are not built (run `cargo test --all-features` or \
             `cargo build --all-features --examples` first)"
        );
        return;
    };
    let mut sim = Child(
        Command::new(sim)
            .args(["--port", "0", "--service-account", &format!("svc@contoso.com:{PASSWORD}"), "--mailbox"])
            .arg("alice@contoso.com")
            .stdout(Stdio::piped())
            .spawn()
            .expect("sim_server starts"),
    );
    // The pipe stays open until the server is stopped: it prints more lines after the first.
    let mut output = BufReader::new(sim.0.stdout.take().unwrap());
    let mut first = String::new();
    output.read_line(&mut first).unwrap();
    let url = first.trim().strip_prefix("EWS:").map(str::trim).unwrap_or_default().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first:?}");

    let run = |user: &str, password: &str| {
        Command::new(&check)
            .args(["--email", "alice@contoso.com", "--user", user, "--password-env", "EXSYNC_PASSWORD"])
            .args(["--ews-url", &url, "--allow-http"])
            .env("EXSYNC_PASSWORD", password)
            .output()
            .expect("connectivity_check runs")
    };
    let ok = run(r"contoso.com\svc", PASSWORD);
    let wrong = run("svc@contoso.com", "wrong");
    drop(sim);
    drop(output);

    let text = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{text}");
    assert!(text.contains("[passed]  impersonation"), "{text}");
    let text = String::from_utf8_lossy(&wrong.stdout);
    assert_eq!(wrong.status.code(), Some(1), "{text}");
    assert!(text.contains("[FAILED]  authentication"), "{text}");

    let usage = Command::new(&check).arg("--password").arg("x").output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
}
