//! The connectivity check as a command (`examples/connectivity_check.rs` is a thin shell over
//! it): reads the arguments, walks the setup flow with them (so every input is checked as the
//! admin's setup checks it), runs the connectivity analyzer against any Exchange server and prints
//! the report, one line per step with its status, time and what was seen, and what to do when it
//! failed.
//!
//! ```text
//! connectivity_check --email alice@contoso.com --user 'contoso.com\svc' --password-env EXSYNC_PASSWORD
//!     [--domains contoso.net,fabrikam.com] [--ews-url URL] [--allow-http] [--auth ntlm|basic]
//!     [--ca-file PEM] [--timeout SECONDS] [--json]
//! ```
//!
//! Exit status: 0 when every step passed (or did not apply), 1 when a step failed, 2 when the
//! arguments are unusable. The password is read from the environment variable named, never from
//! the command line, and is never printed.
//!
//! ```
//! use exsync::setup::check_command::{CheckCommand, CheckError};
//!
//! let args = ["--email", "alice@contoso.com", "--user", r"contoso.com\svc", "--password-env", "PW"];
//! let command = CheckCommand::parse(args.iter().map(|s| s.to_string())).unwrap();
//! assert_eq!(command.email, "alice@contoso.com");
//! assert!(matches!(CheckCommand::parse(["--email".to_string()]), Err(CheckError::Usage(_))));
//! ```

use std::path::PathBuf;
use std::time::Duration;

use super::connection::{ConnectionMethod, ServiceAccountAuth};
use super::driver::{DriverError, DriverOptions, validate};
use super::error::SetupError;
use super::flow::SetupFlow;
use super::scope::SyncScope;
use crate::transport::Secret;

/// How to call the command.
pub const USAGE: &str = "usage: connectivity_check --email ADDRESS --user USER --password-env VARIABLE \
                         [--domains DOMAIN,…] [--ews-url URL] [--allow-http] [--auth ntlm|basic] \
                         [--ca-file PEM] [--timeout SECONDS] [--json]";

/// Why the check could not run. Never contains the password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The arguments are not usable (the text says which and why; empty for `--help`).
    #[error("{0}")]
    Usage(String),
    /// The environment variable meant to hold the password is not set.
    #[error("{}", missing_password(variable))]
    MissingPassword {
        /// The variable's name, when it is a conventional one (`EXSYNC_PASSWORD`); empty otherwise,
        /// since what was given may be the password itself.
        variable: String,
    },
    /// A CA certificate file could not be read.
    #[error("the CA certificate file {path} could not be read: {detail}")]
    CaFile {
        /// The file.
        path: String,
        /// What went wrong.
        detail: String,
    },
    /// An input was refused by the setup flow (the error names the field).
    #[error("{0}")]
    Input(#[from] SetupError),
    /// The analyzer could not run.
    #[error("{0}")]
    Driver(#[from] DriverError),
}

/// Whether `name` is a conventional environment variable name (`EXSYNC_PASSWORD`: upper-case
/// letters, digits and `_`, not starting with a digit), safe to show: a password is rarely one.
fn conventional_variable(name: &str) -> bool {
    name.bytes().next().is_some_and(|b| b.is_ascii_uppercase() || b == b'_')
        && name.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

fn missing_password(variable: &str) -> String {
    if variable.is_empty() {
        "the environment variable named by --password-env holds no password; give --password-env the name of \
         a variable that holds it (such as EXSYNC_PASSWORD), not the password itself"
            .to_owned()
    } else {
        format!("the environment variable {variable} holds no password; set it (export {variable}=…) and run again")
    }
}

/// The command's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckCommand {
    /// The mailbox to test (`--email`).
    pub email: String,
    /// The service account (`--user`), UPN or down-level.
    pub user: String,
    /// The environment variable holding the password (`--password-env`).
    pub password_env: String,
    /// The additional email domains, comma-separated (`--domains`).
    pub domains: String,
    /// The EWS URL, when entered by hand (`--ews-url`); otherwise it is autodiscovered.
    pub ews_url: Option<String>,
    /// Allow plain HTTP to a loopback test server (`--allow-http`).
    pub allow_http: bool,
    /// Basic or NTLM (`--auth`, default NTLM).
    pub auth: ServiceAccountAuth,
    /// Extra CA certificates to trust (`--ca-file`, repeatable).
    pub ca_files: Vec<PathBuf>,
    /// The most one probe may take (`--timeout`, seconds).
    pub probe_timeout: Duration,
    /// Print the report as JSON (`--json`).
    pub json: bool,
}

/// What a run printed, and the exit status to end with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    /// The report (text or JSON).
    pub output: String,
    /// 0 when every step passed or did not apply, 1 when a step failed.
    pub exit_code: u8,
}

impl CheckCommand {
    /// Reads the arguments (without the program name).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, CheckError> {
        let usage = |m: String| CheckError::Usage(m);
        let (mut email, mut user, mut password_env) = (None, None, None);
        let mut c = CheckCommand {
            email: String::new(),
            user: String::new(),
            password_env: String::new(),
            domains: String::new(),
            ews_url: None,
            allow_http: false,
            auth: ServiceAccountAuth::Ntlm,
            ca_files: Vec::new(),
            probe_timeout: DriverOptions::default().probe_timeout,
            json: false,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| usage(format!("{name} needs a value")));
            match arg.as_str() {
                "--email" => email = Some(value("--email")?),
                "--user" => user = Some(value("--user")?),
                "--password-env" => password_env = Some(value("--password-env")?),
                "--domains" => c.domains = value("--domains")?,
                "--ews-url" => c.ews_url = Some(value("--ews-url")?),
                "--allow-http" => c.allow_http = true,
                "--json" => c.json = true,
                "--ca-file" => c.ca_files.push(PathBuf::from(value("--ca-file")?)),
                "--auth" => {
                    let v = value("--auth")?;
                    c.auth = match v.to_ascii_lowercase().as_str() {
                        "ntlm" => ServiceAccountAuth::Ntlm,
                        "basic" => ServiceAccountAuth::Basic,
                        _ => return Err(usage(format!("--auth: {v:?} is not ntlm or basic"))),
                    };
                }
                "--timeout" => {
                    let v = value("--timeout")?;
                    let secs: u64 =
                        v.parse().ok().filter(|s| (1..=600).contains(s)).ok_or_else(|| {
                            usage(format!("--timeout: {v:?} is not a number of seconds from 1 to 600"))
                        })?;
                    c.probe_timeout = Duration::from_secs(secs);
                }
                "--password" => {
                    return Err(usage(
                        "the password is not taken on the command line (it would show in the process list and the \
                         shell history); put it in an environment variable and name it with --password-env"
                            .into(),
                    ));
                }
                "--help" | "-h" => return Err(usage(String::new())),
                // Not quoted: a value of one of these, or a stray value, may be the password.
                other if other.starts_with("--password") => {
                    return Err(usage(
                        "give the password in an environment variable and its name as the value after \
                         --password-env (--password-env EXSYNC_PASSWORD)"
                            .into(),
                    ));
                }
                other if !other.starts_with('-') => {
                    return Err(usage(
                        "an argument is not an option nor the value of one (it is not repeated here: it may be a \
                         password)"
                            .into(),
                    ));
                }
                other if is_flag_name(other) => return Err(usage(format!("unknown argument {other:?}"))),
                _ => return Err(usage("an unknown argument (not repeated here: it may be a secret)".to_owned())),
            }
        }
        c.email = email.ok_or_else(|| usage("give the mailbox to test with --email".into()))?;
        c.user = user.ok_or_else(|| usage("give the service account with --user".into()))?;
        c.password_env = password_env
            .ok_or_else(|| usage("name the environment variable holding the password with --password-env".into()))?;
        let name_like = c.password_env.bytes().next().is_some_and(|b| !b.is_ascii_digit())
            && c.password_env.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !name_like {
            // Not quoted: it may be the password itself.
            return Err(usage(
                "--password-env takes the name of an environment variable (letters, digits and _, such as \
                 EXSYNC_PASSWORD) that holds the password, not the password itself"
                    .into(),
            ));
        }
        Ok(c)
    }

    /// The setup flow filled in with the arguments and `password`, up to validation.
    fn flow(&self, password: Secret) -> Result<SetupFlow, CheckError> {
        let mut flow = SetupFlow::new();
        flow.set_sync_scope(SyncScope::BOTH)?;
        flow.set_connection_method(ConnectionMethod::ServiceAccount(self.auth))?;
        flow.set_user_name(&self.user)?;
        flow.set_password(password)?;
        flow.set_additional_domains(&self.domains)?;
        flow.set_allow_http_loopback(self.allow_http);
        flow.set_validation_target(&self.email, self.ews_url.as_deref())?;
        Ok(flow)
    }

    /// The driver's options: the CA files trusted besides the public roots, the probe time-out.
    fn options(&self) -> Result<DriverOptions, CheckError> {
        let mut options = DriverOptions { probe_timeout: self.probe_timeout, ..DriverOptions::default() };
        for path in &self.ca_files {
            let pem = std::fs::read_to_string(path)
                .map_err(|e| CheckError::CaFile { path: path.display().to_string(), detail: e.to_string() })?;
            options.http.tls.extra_ca_pem.push(pem);
        }
        Ok(options)
    }

    /// Runs the check; `env` reads an environment variable (the password's).
    pub async fn run(&self, env: impl Fn(&str) -> Option<String>) -> Result<CheckOutcome, CheckError> {
        let password =
            env(&self.password_env).filter(|p| !p.is_empty()).ok_or_else(|| CheckError::MissingPassword {
                variable: if conventional_variable(&self.password_env) {
                    self.password_env.clone()
                } else {
                    String::new()
                },
            })?;
        let mut flow = self.flow(Secret::new(password))?;
        let report = validate(&mut flow, &self.options()?).await?;
        let output = if self.json {
            report.to_json()
        } else {
            let mut text = report.to_string();
            let f = &report.findings;
            if let Some(url) = &f.ews_url {
                text.push_str(&format!("\nEWS URL: {url}"));
            }
            if let (Some(user), Some(scheme)) = (&f.user_name, &f.auth_scheme) {
                text.push_str(&format!("\nsign in as: {user} ({scheme})"));
            }
            text
        };
        Ok(CheckOutcome { output, exit_code: if report.passed() { 0 } else { 1 } })
    }
}

/// Whether `arg` looks like an option's name (`--lower-case-words`), which is safe to quote back;
/// anything else may be a secret typed in the wrong place.
fn is_flag_name(arg: &str) -> bool {
    arg.strip_prefix("--").is_some_and(|name| {
        !name.is_empty() && name.len() <= 32 && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<CheckCommand, CheckError> {
        CheckCommand::parse(args.iter().map(|s| s.to_string()))
    }

    const BASE: [&str; 6] = ["--email", "alice@contoso.com", "--user", r"contoso.com\svc", "--password-env", "PW"];

    #[test]
    fn arguments() {
        let mut args = BASE.to_vec();
        args.extend([
            "--domains",
            "contoso.net, fabrikam.com",
            "--ews-url",
            "http://127.0.0.1:8080/EWS/Exchange.asmx",
            "--allow-http",
            "--auth",
            "Basic",
            "--ca-file",
            "/tmp/ca.pem",
            "--timeout",
            "7",
            "--json",
        ]);
        let c = parse(&args).unwrap();
        assert_eq!(c.domains, "contoso.net, fabrikam.com");
        assert_eq!(c.auth, ServiceAccountAuth::Basic);
        assert!(c.allow_http && c.json);
        assert_eq!(c.probe_timeout, Duration::from_secs(7));
        assert_eq!(c.ca_files, [PathBuf::from("/tmp/ca.pem")]);
        let d = parse(&BASE).unwrap();
        assert_eq!(
            (d.auth, d.allow_http, d.ews_url.as_deref(), d.domains.as_str()),
            (ServiceAccountAuth::Ntlm, false, None, "")
        );
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        let usage = |args: &[&str]| match parse(args) {
            Err(CheckError::Usage(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(usage(&BASE[2..]).contains("--email"));
        assert!(usage(&BASE[..4]).contains("--password-env"));
        assert!(usage(&["--email"]).contains("needs a value"));
        assert!(usage(&[&BASE[..], &["--auth", "kerberos"]].concat()).contains("kerberos"));
        assert!(usage(&[&BASE[..], &["--timeout", "0"]].concat()).contains("1 to 600"));
        assert!(usage(&[&BASE[..], &["--password", "hunter2"]].concat()).contains("environment variable"));
        assert!(usage(&[&BASE[..], &["--frobnicate"]].concat()).contains("--frobnicate"));
        assert_eq!(usage(&["--help"]), "");
    }

    #[tokio::test]
    async fn a_password_given_to_password_env_is_never_repeated() {
        // The admin gives the password itself where the variable's name goes.
        for password in ["Hunter2!pw", "hunter2", "Correct Horse"] {
            let mut args = BASE.to_vec();
            args[5] = password;
            let message = match parse(&args) {
                Err(e) => e.to_string(),
                Ok(c) => c.run(|_| None).await.unwrap_err().to_string(),
            };
            assert!(!message.contains(password), "{message}");
            assert!(message.contains("--password-env"), "{message}");
        }
        // Nor when it comes as `--password=…`, `--password-env=…` or a stray value.
        for extra in [&["--password=Hunter2!pw"][..], &["--password-env=Hunter2!pw"], &["Hunter2!pw"], &["-Hunter2!pw"]]
        {
            let message = parse(&[&BASE[..], extra].concat()).unwrap_err().to_string();
            assert!(!message.contains("Hunter2"), "{message}");
        }
        // A conventional name is still shown, to say what to set.
        let e = parse(&BASE).unwrap().run(|_| None).await.unwrap_err();
        assert!(e.to_string().contains("export PW="), "{e}");
    }

    #[tokio::test]
    async fn inputs_are_checked_as_the_setup_checks_them() {
        let c = parse(&BASE).unwrap();
        let e = c.run(|_| None).await.unwrap_err();
        assert!(matches!(e, CheckError::MissingPassword { .. }), "{e}");
        let mut bad = c.clone();
        bad.domains = "fabrikam.com, https://northwind.example".into();
        let e = bad.run(|_| Some("pw".into())).await.unwrap_err();
        assert!(e.to_string().contains("northwind.example"), "{e}");
        let mut outside = c.clone();
        outside.email = "eve@northwind.example".into();
        let e = outside.run(|_| Some("pw".into())).await.unwrap_err();
        assert!(e.to_string().contains("add northwind.example to the additional domains"), "{e}");
        let mut http = c.clone();
        http.ews_url = Some("http://127.0.0.1:9/EWS/Exchange.asmx".into());
        let e = http.run(|_| Some("pw".into())).await.unwrap_err();
        assert!(e.to_string().contains("https"), "{e}");
        let mut ca = c;
        ca.ca_files = vec![PathBuf::from("/nonexistent/ca.pem")];
        let e = ca.run(|_| Some("pw".into())).await.unwrap_err();
        assert!(matches!(e, CheckError::CaFile { .. }), "{e}");
    }
}
