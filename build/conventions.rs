//! The project's conventions, checked on the whole spec whatever groups a build compiles:
//! every security scheme is one the wrapper can satisfy, and every operation has a
//! snake_case `operationId`, a retry class, credentials, an error format, valid
//! `x-meeting-*` extensions, no secret in its URL and no `default` response. What it reads is
//! handed to the operation table (`table.rs`) as typed rows.

use std::collections::BTreeMap;

use serde_json::Value;

use super::spec_model::{Operation, Spec};

/// Security schemes the wrapper knows how to satisfy (src/pipeline.rs matches on the
/// generated `Scheme` enum), by their name in the spec and their variant.
pub const KNOWN_SCHEMES: &[(&str, &str)] = &[
    ("accessToken", "AccessToken"),
    ("conferenceToken", "ConferenceToken"),
    ("hostPassword", "HostPassword"),
    ("qosConferenceToken", "QosConferenceToken"),
    ("guestPassword", "GuestPassword"),
    ("passwordResetToken", "PasswordResetToken"),
    ("appIdSignature", "AppIdSignature"),
    ("accountPassword", "AccountPassword"),
];

/// A security scheme, as the wrapper's table describes it.
#[derive(Debug, PartialEq)]
pub struct SchemeRow {
    pub variant: &'static str,
    /// Its description, for the variant's doc.
    pub doc: String,
    /// The header it is sent in, lower case.
    pub header: String,
    /// Headers sent with it, lower-case names.
    pub fixed_headers: Vec<(String, String)>,
}

/// An operation, as the wrapper's table describes it.
#[derive(Debug, PartialEq)]
pub struct OperationRow {
    pub id: String,
    /// Upper case.
    pub method: String,
    pub path: String,
    /// `Idempotent` or `Unsafe`.
    pub retry: &'static str,
    /// Scheme variants it needs.
    pub security: Vec<&'static str>,
    /// Scheme variants it takes when the handle has them (named by some of its alternative
    /// requirements only).
    pub optional_security: Vec<&'static str>,
    /// The query parameter naming the meeting its handle's credential is for.
    pub meeting_parameter: Option<String>,
    /// `Client`, `Conference` or `Guest`.
    pub handle: &'static str,
    /// `Mmc` or `Usg`.
    pub error_format: &'static str,
    pub in_progress: bool,
    /// `None`, `Revokes` or `Renews`.
    pub token_effect: &'static str,
}

/// What the conventions check read: the schemes, and the operations by id.
#[derive(Debug)]
pub struct Conventions {
    pub schemes: Vec<SchemeRow>,
    pub operations: BTreeMap<String, OperationRow>,
}

fn variant_of(name: &str) -> Option<&'static str> {
    KNOWN_SCHEMES.iter().find(|(known, _)| *known == name).map(|(_, v)| *v)
}

/// Checks the spec's conventions and returns what the operation table is made of.
pub fn check(raw: &Value) -> Result<Conventions, String> {
    let spec = Spec::new(raw);
    let schemes = spec.security_schemes().ok_or("components.securitySchemes is missing")?;
    let mut scheme_rows = Vec::new();
    for (name, scheme) in schemes {
        scheme_rows.push(scheme_row(name, scheme)?);
    }
    // A default applies to an absent field: a required one is never absent.
    for (name, schema) in spec.component_schemas() {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (field, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if required.contains(&field.as_str()) && property.get("default").is_some() {
                return Err(format!(
                    "schema `{name}`: `{field}` is required and has a default, which never applies"
                ));
            }
        }
    }
    let mut operations = BTreeMap::new();
    for op in spec.operations() {
        let row = operation_row(&op, |name| schemes.contains_key(name))?;
        let id = row.id.clone();
        if operations.insert(id.clone(), row).is_some() {
            return Err(format!("operationId `{id}` is used twice"));
        }
    }
    Ok(Conventions {
        schemes: scheme_rows,
        operations,
    })
}

fn scheme_row(name: &str, scheme: &Value) -> Result<SchemeRow, String> {
    let variant = variant_of(name).ok_or(format!(
        "security scheme `{name}` is not one the wrapper supports ({:?})",
        KNOWN_SCHEMES.iter().map(|(n, _)| n).collect::<Vec<_>>()
    ))?;
    let text = |key: &str| scheme.get(key).and_then(Value::as_str);
    // Read per operation (`Operation::meeting_parameter`).
    if scheme
        .get("x-meeting-conference-parameter")
        .is_some_and(|parameter| !parameter.is_string())
    {
        return Err(format!("x-meeting-conference-parameter of `{name}` must be a string"));
    }
    let header = match text("type") {
        Some("apiKey") if text("in") == Some("header") => {
            text("name").ok_or(format!("security scheme `{name}` has no header name"))?
        }
        Some("http") if text("scheme") == Some("basic") => "Authorization",
        _ => {
            return Err(format!(
                "security scheme `{name}` must be an apiKey header or http basic"
            ));
        }
    };
    let mut fixed_headers = Vec::new();
    if let Some(headers) = scheme.get("x-meeting-fixed-headers").and_then(Value::as_object) {
        for (h, v) in headers {
            let v = v
                .as_str()
                .ok_or(format!("x-meeting-fixed-headers.{h} of `{name}` must be a string"))?;
            fixed_headers.push((h.to_ascii_lowercase(), v.to_owned()));
        }
    }
    Ok(SchemeRow {
        variant,
        doc: text("description").unwrap_or(name).to_owned(),
        header: header.to_ascii_lowercase(),
        fixed_headers,
    })
}

fn operation_row(op: &Operation<'_>, scheme_exists: impl Fn(&str) -> bool) -> Result<OperationRow, String> {
    let at = format!("{} {}", op.method.to_uppercase(), op.path);
    let id = op.id().ok_or(format!("{at} has no operationId"))?;
    let at = op.at();
    if !id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(format!(
            "{at}: operationId `{id}` must be snake_case (the official SDK's name)"
        ));
    }
    let text = |name: &str| op.extension(name).and_then(Value::as_str);
    let retry = match text("x-meeting-retry") {
        Some("idempotent") => "Idempotent",
        Some("unsafe") => "Unsafe",
        _ => return Err(format!("{at}: x-meeting-retry must be `idempotent` or `unsafe`")),
    };
    // `security: []` is an operation that needs no credential; a missing one is an oversight
    // (OpenAPI would fall back to a global default, which this spec has not).
    let (required, optional) = op
        .credentials()
        .ok_or(format!("{at}: declare its credentials in `security` (`[]` for none)"))?;
    let variants = |names: Vec<&str>| -> Result<Vec<&'static str>, String> {
        names
            .into_iter()
            .map(|name| {
                variant_of(name)
                    .filter(|_| scheme_exists(name))
                    .ok_or(format!("{at}: unknown security scheme `{name}`"))
            })
            .collect()
    };
    let handle = super::handles::handle_of(&[required.as_slice(), optional.as_slice()].concat())
        .map_err(|e| format!("{at}: {e}"))?
        .unwrap_or("Client");
    let security = variants(required)?;
    let optional_security = variants(optional)?;
    if let Some(own) = op.extension("x-meeting-conference-parameter")
        && !own.is_string()
    {
        return Err(format!("{at}: x-meeting-conference-parameter must be a string"));
    }
    // The handle fills the meeting's parameter: the operation must have it.
    let meeting_parameter = op.meeting_parameter().map(str::to_owned);
    if let Some(name) = &meeting_parameter
        && !op.parameters()?.iter().any(|p| p.name == name && p.location == "query")
    {
        return Err(format!(
            "{at}: its meeting is named by the query parameter `{name}` (x-meeting-conference-parameter), which it does not have"
        ));
    }
    let error_format = match text("x-meeting-error-format") {
        Some("mmc") => "Mmc",
        Some("usg") => "Usg",
        _ => {
            return Err(format!(
                "{at}: x-meeting-error-format must be `mmc` or `usg` (the service's error body of that API family)"
            ));
        }
    };
    let in_progress = match op.extension("x-meeting-in-progress") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(format!("{at}: x-meeting-in-progress must be a boolean")),
    };
    let token_effect = match text("x-meeting-token-effect") {
        None => "None",
        Some("revokes") => "Revokes",
        Some("renews") => "Renews",
        Some(other) => {
            return Err(format!(
                "{at}: x-meeting-token-effect `{other}` must be `revokes` or `renews`"
            ));
        }
    };
    // A read-modify-write edit names an operation of the spec that reads with GET.
    if let Some(edit) = op.edit()? {
        let read = op.spec().operation(edit.read);
        if read.is_none_or(|read| read.method != "get") {
            return Err(format!(
                "{at}: x-meeting-edit.read `{}` must be a GET operation of the spec",
                edit.read
            ));
        }
    }
    // URLs reach logs (the call's tracing span), proxies and servers' access logs.
    for parameter in op.parameters()? {
        if parameter.required && parameter.schema.get("default").is_some() {
            return Err(format!(
                "{at}: parameter `{}` is required and has a default, which never applies",
                parameter.name
            ));
        }
        let secret = parameter.schema.get("format").and_then(Value::as_str) == Some("password");
        if secret && matches!(parameter.location, "query" | "path") {
            return Err(format!(
                "{at}: parameter `{}` is a secret (format password) in the {}: secrets go in headers or the body, never in the URL",
                parameter.name, parameter.location
            ));
        }
    }
    if op.raw.pointer("/responses/default").is_some() {
        return Err(format!(
            "{at}: use explicit 4XX/5XX error responses, not `default` (progenitor treats it as a success too)"
        ));
    }
    Ok(OperationRow {
        id: id.to_owned(),
        method: op.method.to_uppercase(),
        path: op.path.to_owned(),
        retry,
        security,
        optional_security,
        meeting_parameter,
        handle,
        error_format,
        in_progress,
        token_effect,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec_with(op: Value) -> Value {
        json!({
            "paths": {"/v1/x": {"get": op}},
            "components": {
                "securitySchemes": {
                    "accessToken": {"type": "apiKey", "in": "header", "name": "X-Access-Token", "description": "Access token."},
                    "hostPassword": {"type": "apiKey", "in": "header", "name": "X-Password",
                        "x-meeting-fixed-headers": {"X-Login-Type": "1"}, "x-meeting-conference-parameter": "conferenceID"}
                },
                "parameters": {"Secret": {"name": "pwd", "in": "query", "schema": {"type": "string", "format": "password"}}}
            }
        })
    }

    fn good() -> Value {
        json!({"operationId": "show_x", "security": [{"accessToken": []}], "x-meeting-retry": "idempotent",
               "x-meeting-error-format": "mmc", "x-meeting-token-effect": "renews", "responses": {"200": {}}})
    }

    #[test]
    fn a_conforming_operation_becomes_a_row() {
        let conventions = check(&spec_with(good())).unwrap();
        assert_eq!(
            conventions.operations["show_x"],
            OperationRow {
                id: "show_x".into(),
                method: "GET".into(),
                path: "/v1/x".into(),
                retry: "Idempotent",
                security: vec!["AccessToken"],
                optional_security: vec![],
                meeting_parameter: None,
                handle: "Client",
                error_format: "Mmc",
                in_progress: false,
                token_effect: "Renews",
            }
        );
        let host = conventions
            .schemes
            .iter()
            .find(|s| s.variant == "HostPassword")
            .unwrap();
        assert_eq!(
            (host.header.as_str(), host.fixed_headers.clone()),
            ("x-password", vec![("x-login-type".to_owned(), "1".to_owned())])
        );
    }

    #[test]
    fn each_broken_convention_is_named() {
        let cases = [
            ("operationId", json!("ShowX"), "must be snake_case"),
            ("x-meeting-retry", json!("maybe"), "x-meeting-retry must be"),
            ("security", json!([{"nobody": []}]), "unknown security scheme `nobody`"),
            ("x-meeting-error-format", json!("xml"), "x-meeting-error-format must be"),
            ("x-meeting-in-progress", json!("yes"), "must be a boolean"),
            ("x-meeting-token-effect", json!("steals"), "`steals` must be"),
            (
                "parameters",
                json!([{"$ref": "#/components/parameters/Secret"}]),
                "is a secret",
            ),
            ("responses", json!({"default": {}}), "not `default`"),
            (
                "parameters",
                json!([{"name": "limit", "in": "query", "required": true, "schema": {"type": "integer", "default": 1}}]),
                "parameter `limit` is required and has a default",
            ),
            (
                "x-meeting-edit",
                json!({"method": "edit_x", "read": "show_nothing", "object": "x"}),
                "x-meeting-edit.read `show_nothing` must be a GET operation",
            ),
            (
                "x-meeting-edit",
                json!({"method": "edit_x"}),
                "x-meeting-edit.read must be a string",
            ),
            (
                "x-meeting-edit",
                json!({"method": "edit_x", "read": "show_x", "object": "x", "length": ["start"]}),
                "x-meeting-edit.length must be [start, end]",
            ),
        ];
        for (key, value, expected) in cases {
            let mut op = good();
            op[key] = value;
            let error = check(&spec_with(op)).unwrap_err();
            assert!(error.contains(expected), "{key}: {error}");
        }
        let mut op = good();
        op.as_object_mut().unwrap().remove("security");
        assert!(check(&spec_with(op)).unwrap_err().contains("declare its credentials"));
    }

    #[test]
    fn an_unsupported_scheme_is_refused() {
        let mut raw = spec_with(good());
        raw["components"]["securitySchemes"]["oauth"] = json!({"type": "oauth2"});
        assert!(
            check(&raw)
                .unwrap_err()
                .contains("`oauth` is not one the wrapper supports")
        );
    }
}
