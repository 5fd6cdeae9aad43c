//! Checks JSON requests against the spec with a JSON Schema validator: bodies given as JSON
//! (`Client::call`, the `meeting` command) before they become typed values, what the
//! simulator receives, and `testing::check_request`. Typed requests are checked by
//! [`crate::checks`] without becoming JSON.
//!
//! The constraints (lengths, ranges, patterns, enums, array sizes) live only in
//! `spec/openapi.yaml`; build.rs keeps them out of the generated types, so an error names the
//! field and the rule.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use jsonschema::{Draft, Validator};
use serde_json::{Value, json};

use crate::operations::OperationMeta;
use crate::spec_model::Spec;

/// The spec, as build.rs read it.
pub(crate) static SPEC_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.json"));

pub(crate) use crate::checks::Violation;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Location {
    Path,
    Query,
    Header,
}

struct ParamCheck {
    name: String,
    location: Location,
    required: bool,
    kind: Option<String>,
    validator: Validator,
}

struct OperationChecks {
    params: Vec<ParamCheck>,
    body: Option<BodyCheck>,
}

/// The validator of a request body, and its schema (to tell secret fields).
struct BodyCheck {
    validator: Validator,
    schema: Value,
}

pub(crate) fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_str(SPEC_JSON).expect("build.rs wrote valid JSON"))
}

/// The checks of `op`, compiled on its first call: a program, or one run of the `meeting`
/// command, pays only for the operations it uses (all of them took about a second in a
/// debug build).
fn checks_of(op: &OperationMeta) -> Option<&'static OperationChecks> {
    static CHECKS: OnceLock<Vec<OnceLock<Option<OperationChecks>>>> = OnceLock::new();
    let all = CHECKS.get_or_init(|| {
        crate::operations::operations()
            .iter()
            .map(|_| OnceLock::new())
            .collect()
    });
    let slot = all.get(crate::operations::position(op.id)?)?;
    slot.get_or_init(|| compile(spec(), op)).as_ref()
}

fn validator(spec: &Value, schema: &Value) -> Validator {
    // The schema is evaluated inside a document that holds the spec's components, so
    // `$ref: '#/components/schemas/X'` resolves.
    let mut root = schema.as_object().cloned().unwrap_or_default();
    root.insert(
        "components".into(),
        spec.get("components").cloned().unwrap_or(json!({})),
    );
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .build(&Value::Object(root))
        .expect("the spec's schemas are valid JSON Schema (checked by tests)")
}

fn compile(spec: &Value, meta: &OperationMeta) -> Option<OperationChecks> {
    let op = Spec::new(spec).operation_at(meta.path, meta.method)?;
    let params = op
        .parameters()
        .ok()?
        .into_iter()
        .filter_map(|p| {
            let location = match p.location {
                "path" => Location::Path,
                "query" => Location::Query,
                "header" => Location::Header,
                _ => return None,
            };
            Some(ParamCheck {
                name: p.name.to_owned(),
                location,
                required: p.required,
                kind: Some(p.kind().to_owned()).filter(|kind| !kind.is_empty()),
                validator: validator(spec, p.written_schema),
            })
        })
        .collect();
    let body = op.request_body().ok()?.and_then(|b| b.schema).map(|schema| BodyCheck {
        validator: validator(spec, schema),
        schema: schema.clone(),
    });
    Some(OperationChecks { params, body })
}

/// Checks a request for `operation_id` against the spec (the check the client runs on
/// every request before sending it): path, query pairs, headers and JSON body.
///
/// ```
/// use huaweicloud_meeting::Error;
/// use huaweicloud_meeting::testing::check_request;
/// let headers = http::HeaderMap::new();
/// let query = [("conferenceID".to_owned(), "914087436".to_owned()), ("type".to_owned(), "7".to_owned())];
/// let error = check_request("cancel_meeting", "/v1/mmc/management/conferences", &query, &headers, None).unwrap_err();
/// assert!(matches!(error, Error::InvalidInput { field, .. } if field == "query parameter `type`"));
/// ```
pub fn check_request(
    operation_id: &str,
    path: &str,
    query: &[(String, String)],
    headers: &http::HeaderMap,
    body: Option<&[u8]>,
) -> Result<(), crate::Error> {
    let op = crate::operations::operation(operation_id)
        .ok_or_else(|| crate::Error::Config(format!("unknown operation {operation_id}")))?;
    check_parts(op, path, query, headers, body).map_err(|v| crate::Error::InvalidInput {
        field: v.field,
        reason: v.reason,
    })
}

/// Checks a JSON body of `operation_id` as `Client::call` does before it becomes a typed value.
pub fn check_json_body(operation_id: &str, mut body: Value) -> Result<(), crate::Error> {
    let op = crate::operations::operation(operation_id)
        .ok_or_else(|| crate::Error::Config(format!("unknown operation {operation_id}")))?;
    check_body(op, &mut body).map_err(Violation::into_error)
}

/// Checks the parts of a request (also used by the simulator on what it receives).
pub(crate) fn check_parts(
    op: &OperationMeta,
    path: &str,
    query: &[(String, String)],
    headers: &http::HeaderMap,
    body: Option<&[u8]>,
) -> Result<(), Violation> {
    let lookup = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| Cow::Borrowed(v.as_str()))
    };
    check_with(op, path, lookup, headers, body)
}

/// The check itself; `query` looks a query parameter up by name. Runs on every request, so
/// it allocates only for the values it checks and for errors.
fn check_with<'q>(
    op: &OperationMeta,
    path: &str,
    query: impl Fn(&str) -> Option<Cow<'q, str>>,
    headers: &http::HeaderMap,
    body: Option<&[u8]>,
) -> Result<(), Violation> {
    let Some(checks) = checks_of(op) else {
        return Ok(());
    };
    let path_values = if op.path.contains('{') {
        path_parameters(op.path, path)
    } else {
        HashMap::new()
    };
    for param in &checks.params {
        let raw: Option<Cow<'_, str>> = match param.location {
            Location::Path => path_values.get(param.name.as_str()).map(|v| Cow::Owned(v.clone())),
            Location::Query => query(&param.name),
            Location::Header => headers
                .get(param.name.as_str())
                .map(|v| String::from_utf8_lossy(v.as_bytes())),
        };
        let field = || format!("{} parameter `{}`", location_name(param.location), param.name);
        let Some(raw) = raw else {
            if param.required {
                return Err(Violation {
                    field: field(),
                    reason: "is required".into(),
                });
            }
            continue;
        };
        let value = typed(&raw, param.kind.as_deref()).ok_or_else(|| Violation {
            field: field(),
            reason: format!("{raw:?} is not a valid {}", param.kind.as_deref().unwrap_or("value")),
        })?;
        // `is_valid` is the fast path; errors are only rendered for invalid values.
        if !param.validator.is_valid(&value)
            && let Some(error) = param.validator.iter_errors(&value).next()
        {
            return Err(Violation {
                field: field(),
                reason: error.to_string(),
            });
        }
    }
    if let Some(body_validator) = &checks.body {
        let bytes = body.unwrap_or_default();
        let mut body: Value = serde_json::from_slice(bytes).map_err(|e| Violation {
            field: "body".into(),
            reason: format!("is not valid JSON: {e}"),
        })?;
        check_body_against(body_validator, &mut body)?;
    }
    Ok(())
}

/// Checks a JSON body of `op` against the spec (for `Client::call`, before the body becomes
/// a typed value, so its errors name fields as a typed call's do).
pub(crate) fn check_body(op: &OperationMeta, body: &mut Value) -> Result<(), Violation> {
    match checks_of(op).and_then(|checks| checks.body.as_ref()) {
        Some(validator) => check_body_against(validator, body),
        None => Ok(()),
    }
}

/// Refuses the properties of a JSON body of `op` the spec does not declare, at every depth,
/// naming the unknown key and the nearest declared one (a typo such as `start_time` would
/// otherwise be dropped in silence, and the meeting start now). Objects the spec declares as
/// maps (`additionalProperties`) take any key. Typed calls cannot produce unknown keys: this
/// is for JSON from `Client::call` and the `meeting` command.
pub(crate) fn check_unknown_fields(op: &OperationMeta, body: &Value) -> Result<(), Violation> {
    let spec = Spec::new(spec());
    let schema = spec
        .operation_at(op.path, op.method)
        .and_then(|op| op.request_body().ok().flatten())
        .and_then(|body| body.schema);
    match schema {
        Some(schema) => unknown_fields(&spec, schema, body, "body"),
        None => Ok(()),
    }
}

fn unknown_fields(spec: &Spec<'_>, schema: &Value, value: &Value, at: &str) -> Result<(), Violation> {
    let schema = spec.resolve(schema).unwrap_or(&Value::Null);
    // A value may follow any alternative of a `oneOf`/`anyOf`: a key is known if one declares it.
    let alternatives: Vec<&Value> = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|k| schema.get(*k).and_then(Value::as_array))
        .flatten()
        .map(|alternative| spec.resolve(alternative).unwrap_or(&Value::Null))
        .chain(std::iter::once(schema))
        .collect();
    match value {
        Value::Object(object) => {
            let map_values = alternatives.iter().find_map(|s| s.get("additionalProperties"));
            let declared: Vec<(&String, &Value)> = alternatives
                .iter()
                .filter_map(|s| s.get("properties").and_then(Value::as_object))
                .flatten()
                .collect();
            for (key, child) in object {
                let field = format!("{at}.{key}");
                match declared.iter().find(|(name, _)| *name == key) {
                    Some((_, child_schema)) => unknown_fields(spec, child_schema, child, &field)?,
                    None => match map_values {
                        Some(Value::Bool(false)) | None if !declared.is_empty() => {
                            let names: Vec<&str> = declared.iter().map(|(name, _)| name.as_str()).collect();
                            return Err(Violation {
                                field,
                                reason: not_declared(key, &names),
                            });
                        }
                        Some(values @ Value::Object(_)) => unknown_fields(spec, values, child, &field)?,
                        // Free-form: the spec says nothing of its keys.
                        _ => {}
                    },
                }
            }
            Ok(())
        }
        Value::Array(items) => {
            let Some(item_schema) = alternatives.iter().find_map(|s| s.get("items")) else {
                return Ok(());
            };
            for (index, item) in items.iter().enumerate() {
                unknown_fields(spec, item_schema, item, &format!("{at}.{index}"))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// `is not a field of this object; did you mean `startTime`?`, or the declared names.
fn not_declared(key: &str, declared: &[&str]) -> String {
    // `start_time` and `startTime` are the same word to a reader.
    let plain = |name: &str| name.replace(['_', '-'], "").to_ascii_lowercase();
    let nearest = declared
        .iter()
        .map(|name| (strsim::normalized_damerau_levenshtein(&plain(key), &plain(name)), *name))
        .filter(|(similarity, _)| *similarity >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match nearest {
        Some((_, name)) => format!("is not a field of this object; did you mean `{name}`?"),
        None => {
            let mut names = declared.to_vec();
            names.sort_unstable();
            format!("is not a field of this object (its fields: {})", names.join(", "))
        }
    }
}

/// Whether the schema object holding the keyword at `schema_path` (a location in the body
/// schema, or in the spec's components) is a secret (`format: password`).
fn is_secret(schema: &Value, schema_path: &str) -> bool {
    let parent = schema_path.rsplit_once('/').map_or("", |(parent, _)| parent);
    let node = if parent.starts_with("/components/") {
        spec().pointer(parent)
    } else {
        schema.pointer(parent)
    };
    node.and_then(|n| n.get("format")).and_then(Value::as_str) == Some("password")
}

fn check_body_against(check: &BodyCheck, body: &mut Value) -> Result<(), Violation> {
    // `null` for an optional field means absent (Huawei's Python SDK sends such nulls).
    drop_nulls(body);
    let validator = &check.validator;
    if !validator.is_valid(body)
        && let Some(error) = validator.iter_errors(body).next()
    {
        let mut pointer = error.instance_path().as_str().to_owned();
        // A missing property is named itself, not the object that lacks it.
        if let jsonschema::error::ValidationErrorKind::Required { property } = error.kind()
            && let Some(property) = property.as_str()
        {
            pointer.push('/');
            pointer.push_str(property);
        }
        let field = if pointer.is_empty() {
            "body".to_owned()
        } else {
            format!("body{}", pointer.replace('/', "."))
        };
        let mut reason = error.to_string();
        // A secret (a user's password) is described, never repeated.
        if is_secret(&check.schema, error.schema_path().as_str()) {
            reason = reason.replace(&error.instance().to_string(), "the value");
        }
        return Err(Violation { field, reason });
    }
    Ok(())
}

pub(crate) fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

fn location_name(location: Location) -> &'static str {
    match location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
    }
}

fn typed(raw: &str, kind: Option<&str>) -> Option<Value> {
    match kind {
        Some("integer") => raw.parse::<i64>().ok().map(Value::from),
        Some("number") => raw.parse::<f64>().ok().map(Value::from),
        Some("boolean") => raw.parse::<bool>().ok().map(Value::from),
        _ => Some(Value::String(raw.to_owned())),
    }
}

/// Values of `{name}` segments, matched from the end of the URL path (the endpoint may
/// carry a path prefix).
fn path_parameters<'t>(template: &'t str, path: &str) -> HashMap<&'t str, String> {
    let names: Vec<&str> = template.trim_matches('/').split('/').collect();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let Some(offset) = segments.len().checked_sub(names.len()) else {
        return HashMap::new();
    };
    names
        .iter()
        .zip(&segments[offset..])
        .filter_map(|(name, segment)| {
            let name = name.strip_prefix('{')?.strip_suffix('}')?;
            let decoded = percent_encoding::percent_decode_str(segment)
                .decode_utf8_lossy()
                .into_owned();
            Some((name, decoded))
        })
        .collect()
}

/// Every constraint keyword the spec uses, with the JSON path of the schema holding it.
/// Tests enumerate these so that a constraint added without a test fails the suite.
pub fn spec_constraints() -> Vec<(String, String)> {
    let keywords: Vec<&str> = crate::spec_model::VALUE_CONSTRAINTS
        .iter()
        .copied()
        .chain(["enum", "required"])
        .collect();
    Spec::new(spec())
        .keyword_locations(&keywords)
        .into_iter()
        .map(|(at, keyword, _)| (at, keyword.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_of_the_spec_compiles() {
        for op in crate::operations::operations() {
            assert!(checks_of(op).is_some(), "{} has no checks", op.id);
        }
    }

    #[test]
    fn unknown_keys_are_found_at_any_depth_but_maps_take_any_key() {
        let raw = json!({"components": {"schemas": {
            "Attendee": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Lenient": {"oneOf": [{"type": "object", "properties": {"a": {}}}, {"type": "object", "properties": {"b": {}}}]}
        }}});
        let spec = Spec::new(&raw);
        let schema = json!({"type": "object", "properties": {
            "attendees": {"type": "array", "items": {"$ref": "#/components/schemas/Attendee"}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "extra": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Attendee"}},
            "either": {"$ref": "#/components/schemas/Lenient"},
            "anything": {}
        }});
        let check = |body: Value| unknown_fields(&spec, &schema, &body, "body");
        let fine = json!({"attendees": [{"name": "x"}], "labels": {"any": "key"}, "either": {"a": 1, "b": 2},
                          "anything": {"free": {"form": 1}}, "extra": {"k": {"name": "y"}}});
        assert_eq!(check(fine), Ok(()));
        let error = check(json!({"attendees": [{"name": "x"}, {"nmae": "y"}]})).unwrap_err();
        assert_eq!(error.field, "body.attendees.1.nmae");
        assert!(error.reason.contains("did you mean `name`?"), "{}", error.reason);
        let error = check(json!({"extra": {"k": {"nam": "y"}}})).unwrap_err();
        assert_eq!(
            error.field, "body.extra.k.nam",
            "a map's values are objects of their own schema"
        );
        let error = check(json!({"either": {"c": 1}})).unwrap_err();
        assert!(error.reason.contains("its fields: a, b"), "{}", error.reason);
    }

    #[test]
    fn path_parameters_are_matched_from_the_end() {
        let values = path_parameters(
            "/v1/usg/dcs/corp/vmr/assign-to-member/{account}",
            "/prefix/v1/usg/dcs/corp/vmr/assign-to-member/a%40b",
        );
        assert_eq!(values.get("account").map(String::as_str), Some("a@b"));
    }
}
