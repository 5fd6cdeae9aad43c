//! `meeting`: the Huawei Cloud Meeting API from the command line (cargo feature `cli`).
//!
//! One subcommand per operation of the spec the library was generated from, one flag per
//! parameter, the body from `--body JSON`, `--body @file` or `--body -`; each call runs through
//! `Client::call`, so it is validated, authenticated and retried as in a program.
//!
//! ```text
//! meeting cancel-meeting --conference-id 914087436 --type 1
//! meeting search-meetings --limit 5 --output table
//! HUAWEICLOUD_MEETING_HOST_PASSWORD=... meeting stop-meeting --conference-id 914087436
//! ```

#[path = "../../naming.rs"]
mod naming;
mod output;
mod spec;

use std::io::{IsTerminal as _, Read as _};
use std::process::ExitCode;
use std::time::Instant;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Command};
use huaweicloud_meeting::operations::{Handle, Scheme};
use huaweicloud_meeting::{Client, ClientBuilder, Region, Secret};
use serde_json::{Map, Value};

use output::{Format, bad_input};
use spec::Operation;

/// Where meeting-control commands find the host password (else they ask on a terminal).
const HOST_PASSWORD: &str = "HUAWEICLOUD_MEETING_HOST_PASSWORD";
/// Where a guest's commands find the meeting's password (else those that need one ask on a
/// terminal).
const GUEST_PASSWORD: &str = "HUAWEICLOUD_MEETING_GUEST_PASSWORD";
/// Where reset-pwd finds the token check-verify-code answered (else it asks on a terminal).
const RESET_TOKEN: &str = "HUAWEICLOUD_MEETING_RESET_TOKEN";

fn cli(operations: &[Operation]) -> Command {
    let mut command = Command::new("meeting")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Call the Huawei Cloud Meeting API: one command per operation")
        .long_about(
            "Call the Huawei Cloud Meeting API: one command per operation of the spec, one flag \
             per parameter. Each call is validated against the spec, authenticated and retried \
             as in a Rust program using the huaweicloud-meeting library.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help(
            "Configuration: HUAWEICLOUD_MEETING_APP_ID and _APP_KEY (App ID authentication; \
             _USER_ID to act as a user), or _ACCOUNT and _PASSWORD; _ENDPOINT and _CA_FILE. \
             Meeting-control commands take the host password from HUAWEICLOUD_MEETING_HOST_PASSWORD, \
             a guest's commands the meeting's password from HUAWEICLOUD_MEETING_GUEST_PASSWORD, \
             reset-pwd the token check-verify-code answered from HUAWEICLOUD_MEETING_RESET_TOKEN, \
             or ask for it on a terminal. Secrets are never read from arguments.\n\n\
             Exit codes: 0 success, 2 bad input or configuration, 3 authentication refused, \
             4 service error, 5 transport failure, 1 anything else.",
        )
        .arg(
            Arg::new("endpoint")
                .long("endpoint")
                .global(true)
                .value_name("URL")
                .help("Endpoint URL (else HUAWEICLOUD_MEETING_ENDPOINT, else cn-north-4's)"),
        )
        .arg(
            Arg::new("region")
                .long("region")
                .global(true)
                .value_parser(["cn-north-4", "ap-southeast-1"])
                .conflicts_with("endpoint")
                .help("The endpoint of a region"),
        )
        .arg(
            Arg::new("ca-file")
                .long("ca-file")
                .global(true)
                .value_name("PEM")
                .help("An extra trusted root certificate (else HUAWEICLOUD_MEETING_CA_FILE)"),
        )
        .arg(
            Arg::new("output")
                .long("output")
                .short('o')
                .global(true)
                .value_parser(["json", "yaml", "table"])
                .help("json (pretty on a terminal, compact otherwise), yaml, or table (for lists)"),
        )
        .arg(
            Arg::new("verbose")
                .long("verbose")
                .short('v')
                .global(true)
                .action(ArgAction::SetTrue)
                .help(
                    "Show the request (secrets masked), every HTTP call it took (sign-in and retries \
                     included: URL, status, time, request id) and the outcome on stderr",
                ),
        )
        .subcommand(Command::new("operations").about("List every operation with its summary"))
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell)),
                ),
        );
    for operation in operations {
        command = command.subcommand(operation_command(operation));
    }
    command
}

fn operation_command(operation: &Operation) -> Command {
    let meta = operation.meta;
    let mut about = operation.summary.clone();
    if !operation.description.is_empty() {
        about = format!("{about}\n\n{}", operation.description);
    }
    about.push_str(&format!("\n\nOperation {} ({} {}).", meta.id, meta.method, meta.path));
    match meta.handle {
        Handle::Conference => about.push_str(&format!(
            " Meeting control: the host password comes from {HOST_PASSWORD} or a prompt."
        )),
        Handle::Guest => about.push_str(&format!(
            " A guest's operation: the meeting's password comes from {GUEST_PASSWORD}{}.",
            if meta.security.contains(&Scheme::GuestPassword) {
                " or a prompt"
            } else {
                " (none for a meeting without one)"
            }
        )),
        Handle::PasswordReset => about.push_str(&format!(
            " The token check-verify-code answered comes from {RESET_TOKEN} or a prompt."
        )),
        _ => {}
    }
    let mut command = Command::new(operation.command.clone())
        .about(operation.summary.clone())
        .long_about(about);
    for parameter in &operation.parameters {
        // The spec's description states the service's default ("Default 20.").
        let help = parameter.description.clone();
        let mut arg = Arg::new(parameter.name.clone())
            .long(parameter.flag.clone())
            .value_name(parameter.kind.to_uppercase())
            .help(help.lines().next().unwrap_or_default().to_owned())
            .long_help(help)
            .required(parameter.required)
            .hide(parameter.deprecated);
        if !parameter.allowed.is_empty() {
            arg = arg.value_parser(PossibleValuesParser::new(parameter.allowed.clone()));
        }
        command = command.arg(arg);
    }
    if let Some(required) = operation.body {
        command = command.arg(
            Arg::new("body")
                .long("body")
                .value_name("JSON|@FILE|-")
                .required(required)
                .help("The request body: JSON, @file with the JSON, or - to read it from stdin"),
        );
    }
    command
}

/// A flag's text as the JSON value its parameter takes.
fn typed(parameter: &spec::Parameter, raw: &str) -> Result<Value, String> {
    let wrong = || format!("--{} {raw:?} is not a valid {}", parameter.flag, parameter.kind);
    Ok(match parameter.kind.as_str() {
        "integer" => Value::from(raw.parse::<i64>().map_err(|_| wrong())?),
        "number" => Value::from(raw.parse::<f64>().map_err(|_| wrong())?),
        "boolean" => Value::from(raw.parse::<bool>().map_err(|_| wrong())?),
        "array" => Value::Array(raw.split(',').map(|item| Value::from(item.trim())).collect()),
        _ => Value::from(raw),
    })
}

/// `--body`: JSON, `@file`, or `-` for stdin.
fn body(raw: &str) -> Result<Value, String> {
    let text = match raw {
        "-" => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("--body -: cannot read stdin: {e}"))?;
            text
        }
        file if file.starts_with('@') => {
            std::fs::read_to_string(&file[1..]).map_err(|e| format!("--body {file}: cannot read: {e}"))?
        }
        json => json.to_owned(),
    };
    serde_json::from_str(&text).map_err(|e| format!("--body: not JSON: {e}"))
}

/// The host password of a meeting-control command: the variable, or a prompt on a terminal.
/// A password from the variable `variable`, else asked on a terminal (`what` names it).
fn password(variable: &str, what: &str) -> Result<Secret, String> {
    if let Ok(password) = std::env::var(variable)
        && !password.is_empty()
    {
        return Ok(Secret::new(password));
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(format!("{what}: "))
            .map(Secret::new)
            .map_err(|e| format!("cannot read the {what}: {e}"));
    }
    Err(format!(
        "this command needs the {what}: set {variable} (no terminal to ask on)"
    ))
}

/// A handle for the operation's meeting, named by its meeting parameter.
enum OnHandle {
    Client,
    Conference(huaweicloud_meeting::Conference),
    Guest(huaweicloud_meeting::Guest),
    PasswordReset(huaweicloud_meeting::PasswordReset),
}

fn handle_for(operation: &Operation, client: &Client, params: &Map<String, Value>) -> Result<OnHandle, String> {
    let meta = operation.meta;
    match meta.handle {
        Handle::Client => return Ok(OnHandle::Client),
        Handle::PasswordReset => {
            let token = password(RESET_TOKEN, "password-reset token")?;
            return Ok(OnHandle::PasswordReset(client.password_reset(token)));
        }
        _ => {}
    }
    let parameter = meta.meeting_parameter.unwrap_or("conferenceID");
    let Some(meeting) = params.get(parameter).and_then(Value::as_str).map(str::to_owned) else {
        return Err(format!(
            "--{} is required: it names the meeting",
            spec::kebab(parameter)
        ));
    };
    Ok(match meta.handle {
        Handle::Conference => {
            OnHandle::Conference(client.conference(meeting, password(HOST_PASSWORD, "host password")?))
        }
        _ if meta.security.contains(&Scheme::GuestPassword) => OnHandle::Guest(
            client
                .guest(meeting)
                .with_password(password(GUEST_PASSWORD, "meeting password")?),
        ),
        // The password is optional: sent when given.
        _ => match std::env::var(GUEST_PASSWORD) {
            Ok(given) if !given.is_empty() => OnHandle::Guest(client.guest(meeting).with_password(given)),
            _ => OnHandle::Guest(client.guest(meeting)),
        },
    })
}

fn client_builder(matches: &ArgMatches, needs_credentials: bool) -> Result<ClientBuilder, String> {
    let mut builder = match ClientBuilder::from_env() {
        Ok(builder) => builder,
        // An operation that needs no credential (check_token) runs without them, on the
        // configured endpoint.
        Err(_) if !needs_credentials => match std::env::var(huaweicloud_meeting::env_vars::ENDPOINT) {
            Ok(endpoint) => ClientBuilder::default().endpoint(endpoint),
            Err(_) => ClientBuilder::default(),
        },
        Err(error) => return Err(error.to_string()),
    };
    if let Some(endpoint) = matches.get_one::<String>("endpoint") {
        builder = builder.endpoint(endpoint.clone());
    }
    if let Some(region) = matches.get_one::<String>("region") {
        builder = builder.region(match region.as_str() {
            "ap-southeast-1" => Region::ApSoutheast1,
            _ => Region::CnNorth4,
        });
    }
    if let Some(path) = matches.get_one::<String>("ca-file") {
        let pem = std::fs::read(path).map_err(|e| format!("--ca-file {path}: cannot read: {e}"))?;
        builder = builder.add_root_certificate_pem(pem);
    }
    Ok(builder)
}

async fn call(operation: &Operation, global: &ArgMatches, matches: &ArgMatches) -> ExitCode {
    let mut params = Map::new();
    for parameter in &operation.parameters {
        if let Some(raw) = matches.get_one::<String>(&parameter.name) {
            match typed(parameter, raw) {
                Ok(value) => {
                    params.insert(parameter.name.clone(), value);
                }
                Err(message) => return bad_input(message),
            }
        }
    }
    let raw_body = matches.try_get_one::<String>("body").ok().flatten();
    let body = match raw_body.map(|raw| body(raw)).transpose() {
        Ok(body) => body,
        Err(message) => return bad_input(message),
    };
    // A secret typed on the command line is seen by every user of the machine (ps).
    if let (Some(raw), Some(body), Some(schema)) = (raw_body, &body, &operation.body_schema)
        && raw != "-"
        && !raw.starts_with('@')
        && spec::masked(body, schema) != *body
    {
        eprintln!("warning: the body holds a secret: prefer --body @file or --body - (stdin)");
    }
    let builder = match client_builder(global, !operation.meta.security.is_empty()) {
        Ok(builder) => builder,
        Err(message) => return bad_input(message),
    };
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => return output::failure(&error),
    };
    let handle = match handle_for(operation, &client, &params) {
        Ok(handle) => handle,
        Err(message) => return bad_input(message),
    };
    let verbose = global.get_flag("verbose");
    if verbose {
        show_calls_on_stderr();
        let shown = body
            .as_ref()
            .map(|b| spec::masked(b, operation.body_schema.as_ref().unwrap_or(&Value::Null)));
        eprintln!(
            "> {} {} {}",
            operation.meta.method,
            operation.meta.path,
            Value::Object(params.clone())
        );
        if let Some(shown) = shown {
            eprintln!("> body {shown}");
        }
    }
    let started = Instant::now();
    let result = match &handle {
        OnHandle::Conference(conference) => conference.call(operation.meta.id, params, body).await,
        OnHandle::Guest(guest) => guest.call(operation.meta.id, params, body).await,
        OnHandle::PasswordReset(reset) => reset.call(operation.meta.id, params, body).await,
        OnHandle::Client => client.call(operation.meta.id, params, body).await,
    };
    let elapsed = started.elapsed();
    match result {
        Ok(response) => {
            if verbose {
                let request_id = response
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                eprintln!(
                    "< {} in {} ms, request id {request_id}",
                    response.status().as_u16(),
                    elapsed.as_millis()
                );
            }
            let format = Format::parse(global.get_one::<String>("output").map(String::as_str));
            output::print(&response.into_inner(), format, std::io::stdout().is_terminal());
            ExitCode::SUCCESS
        }
        Err(error) => {
            if verbose {
                eprintln!(
                    "< {} in {} ms",
                    error.status().map_or_else(|| "no answer".to_owned(), |s| s.to_string()),
                    elapsed.as_millis()
                );
            }
            output::failure(&error)
        }
    }
}

/// The library's tracing (one span per HTTP call, with its URL, status, duration and request
/// id; retries; token renewals) printed on stderr. The library never puts a secret in them.
fn show_calls_on_stderr() {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let only_the_library =
        tracing_subscriber::filter::Targets::new().with_target("huaweicloud_meeting", tracing::Level::DEBUG);
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(false)
                .with_level(false)
                .without_time()
                .with_target(false),
        )
        .with(only_the_library)
        .init();
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let operations = spec::operations_as_commands();
    let mut command = cli(&operations);
    let matches = match command.try_get_matches_from_mut(std::env::args_os()) {
        Ok(matches) => matches,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { output::exit::BAD_INPUT } else { 0 });
        }
    };
    match matches.subcommand() {
        Some(("operations", _)) => {
            let width = operations.iter().map(|o| o.command.len()).max().unwrap_or(0);
            for operation in &operations {
                println!("{:<width$}  {}", operation.command, operation.summary);
            }
            ExitCode::SUCCESS
        }
        Some(("completions", sub)) => {
            let shell = *sub.get_one::<clap_complete::Shell>("shell").expect("required");
            clap_complete::generate(shell, &mut command, "meeting", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Some((name, sub)) => match operations.iter().find(|o| o.command == name) {
            Some(operation) => call(operation, sub, sub).await,
            None => bad_input(format!("unknown command {name}")),
        },
        None => bad_input("a command is needed: see meeting --help"),
    }
}
