//! Checks that exsync can reach an Exchange server and do its work there, step by step, and prints
//! what each step saw (and what to do when one failed).
//!
//! ```text
//! EXSYNC_PASSWORD='…' cargo run --example connectivity_check -- --email alice@contoso.com \
//!     --user 'contoso.com\svc' --password-env EXSYNC_PASSWORD [--domains contoso.net,fabrikam.com] \
//!     [--ews-url URL] [--allow-http] [--auth ntlm|basic] [--ca-file PEM] [--timeout SECONDS] [--json]
//! ```
//!
//! Against the simulator (`cargo run --example sim_server -- --port 8080
//! --service-account svc@contoso.com:PASS --mailbox alice@contoso.com`), add
//! `--ews-url http://127.0.0.1:8080/EWS/Exchange.asmx --allow-http`.
//!
//! Exits 0 when every step passed, 1 when a step failed, 2 when the arguments are unusable. The
//! work is done by `exsync::setup::check_command`.

use std::process::ExitCode;

use exsync::setup::check_command::{CheckCommand, CheckError, USAGE};

#[tokio::main]
async fn main() -> ExitCode {
    let command = match CheckCommand::parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(CheckError::Usage(m)) if m.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match command.run(|name| std::env::var(name).ok()).await {
        Ok(outcome) => {
            println!("{}", outcome.output);
            ExitCode::from(outcome.exit_code)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
