//! How answers and errors are written: JSON (pretty on a terminal), YAML or a table on
//! stdout; errors on stderr with the service's code, message and request id; exit codes by kind.

use std::process::ExitCode;

use comfy_table::{ContentArrangement, Table};
use huaweicloud_meeting::{Error, ErrorKind};
use serde_json::Value;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
    Table,
}

impl Format {
    pub fn parse(name: Option<&str>) -> Format {
        match name {
            Some("yaml") => Format::Yaml,
            Some("table") => Format::Table,
            _ => Format::Json,
        }
    }
}

/// Exit codes, by what went wrong.
pub mod exit {
    /// Bad input: an unknown flag, a value the spec refuses, a configuration error.
    pub const BAD_INPUT: u8 = 2;
    /// The credentials (or the host password) were refused.
    pub const AUTHENTICATION: u8 = 3;
    /// The service answered with an error.
    pub const SERVICE: u8 = 4;
    /// The service could not be reached or answered nothing usable in time.
    pub const TRANSPORT: u8 = 5;
    /// Anything else (an answer that does not decode).
    pub const OTHER: u8 = 1;
}

/// The answer on stdout; nothing for an empty one.
pub fn print(value: &Value, format: Format, terminal: bool) {
    if value.is_null() {
        return;
    }
    match format {
        Format::Json if terminal => println!("{}", serde_json::to_string_pretty(value).unwrap_or_default()),
        Format::Json => println!("{value}"),
        Format::Yaml => print!("{}", serde_norway::to_string(value).unwrap_or_default()),
        Format::Table => println!("{}", table(value)),
    }
}

/// A list response (an array, or an object with a `data` array) as rows; anything else as
/// field/value pairs.
fn table(value: &Value) -> Table {
    let mut table = Table::new();
    table.set_content_arrangement(ContentArrangement::Dynamic);
    let rows = value.as_array().or_else(|| value.get("data").and_then(Value::as_array));
    match rows {
        Some(rows) => {
            let mut columns: Vec<String> = Vec::new();
            for row in rows {
                for key in row.as_object().into_iter().flat_map(|o| o.keys()) {
                    if !columns.contains(key) {
                        columns.push(key.clone());
                    }
                }
            }
            if columns.is_empty() {
                columns.push("value".into());
            }
            table.set_header(&columns);
            for row in rows {
                table.add_row(columns.iter().map(|c| match row.as_object() {
                    Some(object) => cell(object.get(c).unwrap_or(&Value::Null)),
                    None => cell(row),
                }));
            }
        }
        None => {
            table.set_header(["field", "value"]);
            for (key, field) in value.as_object().into_iter().flatten() {
                table.add_row([key.clone(), cell(field)]);
            }
        }
    }
    table
}

fn cell(value: &Value) -> String {
    const WIDEST: usize = 60;
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > WIDEST {
        format!("{}…", text.chars().take(WIDEST).collect::<String>())
    } else {
        text
    }
}

/// The error on stderr, and the exit code of its kind.
pub fn failure(error: &Error) -> ExitCode {
    eprintln!("error: {error}");
    if let Some(code) = error.code() {
        eprintln!("  code:       {code}");
    }
    if let Some(message) = error.message() {
        eprintln!("  message:    {message}");
    }
    if let Some(id) = error.request_id() {
        eprintln!("  request id: {id}");
    }
    ExitCode::from(exit_code(error))
}

pub fn exit_code(error: &Error) -> u8 {
    match error.kind() {
        ErrorKind::InvalidInput | ErrorKind::Config => exit::BAD_INPUT,
        ErrorKind::CredentialsRejected => exit::AUTHENTICATION,
        ErrorKind::NotFound
        | ErrorKind::MeetingState
        | ErrorKind::Throttled
        | ErrorKind::Refused
        | ErrorKind::Unavailable
        | ErrorKind::ServerError => exit::SERVICE,
        ErrorKind::Connect
        | ErrorKind::Timeout
        | ErrorKind::Tls
        | ErrorKind::Transport
        | ErrorKind::Redirected
        | ErrorKind::ResponseTooLarge => exit::TRANSPORT,
        _ => exit::OTHER,
    }
}

/// A usage error of ours (not clap's): on stderr, exit code for bad input.
pub fn bad_input(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(exit::BAD_INPUT)
}
