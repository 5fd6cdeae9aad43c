//! Every constraint of the spec, enumerated from the spec itself, is enforced before the
//! request is sent: a valid baseline request per operation is broken one constraint at a
//! time, and the client must refuse it with an error naming the field (or the typed API
//! must make the value impossible to express), while the simulator receives nothing.
//!
//! The baseline of each operation is the spec's example request, completed from the schemas;
//! requests go through `Client::call`. A constraint or operation added to the spec is picked
//! up here with no code; one this test cannot reach fails the suite, naming it.

mod common;

use std::collections::BTreeSet;

use huaweicloud_meeting::operations::{self, Handle, Scheme};
use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::testing::{check_json_body, check_request, check_typed_body, spec_constraints};
use huaweicloud_meeting::{Client, Error};
use serde_json::{Map, Value, json};

/// What happened to a broken request.
#[derive(Debug)]
#[allow(dead_code)] // the payloads are for failure messages
enum Outcome {
    /// The client refused it.
    Refused(Error),
    /// The typed API cannot express it (deserializing into the generated type failed).
    Unrepresentable(String),
    /// It was sent (the test fails).
    Sent,
}

async fn finish<T>(result: Result<T, Error>) -> Outcome {
    match result {
        Ok(_) => Outcome::Sent,
        Err(e @ (Error::InvalidInput { .. } | Error::Config(_))) => Outcome::Refused(e),
        Err(_) => Outcome::Sent,
    }
}

/// Sends `operation` with these parameters (JSON values by spec name) and body through
/// `Client::call`, on the handle its credentials need; nothing here knows an operation.
async fn send(client: &Client, operation: &str, params: Map<String, Value>, body: Option<Value>) -> Outcome {
    let op = operations::operation(operation).unwrap();
    let needs = |scheme: Scheme| op.security.contains(&scheme);
    if needs(Scheme::AppIdSignature) || needs(Scheme::AccountPassword) {
        // The client builds these bodies itself from its credentials; a broken one must fail
        // the check the client runs on every request before sending (`check_request`).
        let Some(body) = body else {
            return Outcome::Unrepresentable("the client always sends a body".into());
        };
        let bytes = serde_json::to_vec(&body).unwrap();
        return match check_request(operation, op.path, &[], &http::HeaderMap::new(), Some(&bytes)) {
            Ok(()) => Outcome::Sent,
            Err(e) => Outcome::Refused(e),
        };
    }
    if op.handle != Handle::Client {
        let id = common::meeting_of(op, &params);
        let Some(id) = id.or_else(|| op.meeting_parameter.is_none().then(String::new)) else {
            // The handle fills its meeting's ID (tests/control.rs, `the_handle_knows_its_meeting`).
            return Outcome::Unrepresentable("the handle fills the meeting's ID".into());
        };
        return finish(common::call_on_handle(client, op, &id, "123456", params, body).await).await;
    }
    finish(client.call(operation, params, body).await).await
}

/// A valid request of `operation` that sets every parameter and body field the spec has: the
/// spec's example, completed with values made from the schemas (so every constraint has a
/// field to break).
fn baseline(operation: &str) -> (Map<String, Value>, Option<Value>) {
    let spec = spec();
    let op = common::operation_spec(operation);
    let mut params = common::example_params(operation);
    for parameter in common::spec_operation(operation).parameters().unwrap() {
        if !params.contains_key(parameter.name) {
            params.insert(
                parameter.name.to_owned(),
                valid_value(spec, parameter.written_schema, None),
            );
        }
    }
    let body = common::example_body(operation).map(|example| {
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        valid_value(spec, schema, Some(&example))
    });
    (params, body)
}

/// `current` completed with every property the schema has (made valid from the schema's
/// type and constraints when absent).
fn valid_value(spec: &Value, schema: &Value, current: Option<&Value>) -> Value {
    let (schema, _) = resolve(spec, schema);
    if let Some(all_of) = schema.get("allOf").and_then(Value::as_array) {
        return valid_value(spec, &all_of[0], current);
    }
    match (schema.get("type").and_then(Value::as_str), current) {
        (Some("object") | None, current) if schema.get("properties").is_some() => {
            let mut object = current.and_then(Value::as_object).cloned().unwrap_or_default();
            for (name, property) in schema["properties"].as_object().unwrap() {
                let value = valid_value(spec, property, object.get(name));
                object.insert(name.clone(), value);
            }
            Value::Object(object)
        }
        (Some("array"), current) => {
            let items = current.and_then(Value::as_array).cloned().unwrap_or_default();
            if items.is_empty() {
                json!([valid_value(spec, &schema["items"], None)])
            } else {
                Value::Array(
                    items
                        .iter()
                        .map(|item| valid_value(spec, &schema["items"], Some(item)))
                        .collect(),
                )
            }
        }
        (_, Some(current)) => current.clone(),
        (_, None) => made_up(schema),
    }
}

/// A value valid for a scalar schema, from its example, enum or bounds.
fn made_up(schema: &Value) -> Value {
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("integer" | "number") => json!(schema.get("minimum").and_then(Value::as_i64).unwrap_or(0)),
        Some("boolean") => json!(false),
        _ => {
            assert!(
                schema.get("pattern").is_none(),
                "no example for a patterned field ({schema}): add one to the spec's example"
            );
            let length = schema.get("minLength").and_then(Value::as_u64).unwrap_or(1).max(1);
            json!("a".repeat(length as usize))
        }
    }
}

fn spec() -> &'static Value {
    common::spec()
}

/// `value` resolved, with the pointer of the component it was reached through.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> (&'a Value, Option<String>) {
    let (resolved, pointer) = huaweicloud_meeting::spec_model::Spec::new(spec).follow(value).unwrap();
    (resolved, pointer.map(str::to_owned))
}

/// Maps each schema location under a request body to the JSON pointer of its instance.
fn body_instances(spec: &Value, schema: &Value, location: String, instance: String, out: &mut Vec<(String, String)>) {
    let (schema, referenced) = resolve(spec, schema);
    let location = referenced.unwrap_or(location);
    out.push((location.clone(), instance.clone()));
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, child) in props {
            body_instances(
                spec,
                child,
                format!("{location}/properties/{name}"),
                format!("{instance}/{name}"),
                out,
            );
        }
    }
    if let Some(items) = schema.get("items") {
        body_instances(spec, items, format!("{location}/items"), format!("{instance}/0"), out);
    }
}

/// A case: the constraint's location, keyword, the operation that reaches it, and the
/// broken parameters and body.
struct Case {
    constraint: String,
    operation: String,
    params: Map<String, Value>,
    body: Option<Value>,
    field: String,
}

fn violate(keyword: &str, schema: &Value, current: Option<&Value>) -> Value {
    let number = |k: &str| schema.get(k).and_then(Value::as_i64).unwrap();
    match keyword {
        "maxLength" => json!("a".repeat(number("maxLength") as usize + 1)),
        "minLength" => json!("a".repeat(number("minLength") as usize - 1)),
        // The first of a few texts the pattern refuses.
        "pattern" => ["!", "", ",", "a,,b", " ", "a#b", "a<b"]
            .into_iter()
            .map(|text| json!(text))
            .find(|text| !jsonschema::is_valid(&json!({"pattern": schema["pattern"]}), text))
            .unwrap_or_else(|| panic!("no candidate breaks the pattern {}", schema["pattern"])),
        "minimum" => json!(number("minimum") - 1),
        "maximum" => json!(number("maximum") + 1),
        "minItems" => json!([]),
        "maxItems" => {
            let item = current.and_then(|c| c.get(0)).cloned().unwrap_or(json!(0));
            Value::Array(vec![item; number("maxItems") as usize + 1])
        }
        "enum" => match schema.get("type").and_then(Value::as_str) {
            Some("integer") => json!(
                (0..)
                    .find(|i| !schema["enum"].as_array().unwrap().contains(&json!(i)))
                    .unwrap()
            ),
            _ => json!("no-such-value"),
        },
        other => panic!("no violation for keyword {other}: add one to tests/bad_input.rs"),
    }
}

fn cases() -> Vec<Case> {
    let spec = spec();
    let mut cases = Vec::new();
    let mut unreachable = Vec::new();
    for (location, keyword) in spec_constraints() {
        let found = case_for(spec, &location, &keyword);
        if found.is_empty() {
            unreachable.push(format!("{keyword} at {location}"));
        }
        cases.extend(found);
    }
    assert!(
        unreachable.is_empty(),
        "constraints no case reaches (give the field an example in the spec): {unreachable:#?}"
    );
    cases
}

/// Each operation with the JSON pointer of its object in the spec.
fn operations_of(spec: &Value) -> Vec<(String, Value)> {
    huaweicloud_meeting::spec_model::Spec::new(spec)
        .operations()
        .map(|op| {
            let path = op.path.replace('~', "~0").replace('/', "~1");
            (format!("/paths/{path}/{}", op.method), op.raw.clone())
        })
        .collect()
}

fn case_for(spec: &Value, location: &str, keyword: &str) -> Vec<Case> {
    let mut out = Vec::new();
    for (op_location, op) in operations_of(spec) {
        let id = op["operationId"].as_str().unwrap().to_owned();
        let (params, body) = baseline(&id);
        // Parameters (inline or $ref'd).
        for (i, p) in op["parameters"].as_array().into_iter().flatten().enumerate() {
            let (p, referenced) = resolve(spec, p);
            let p_location = referenced.unwrap_or(format!("{op_location}/parameters/{i}"));
            let name = p["name"].as_str().unwrap().to_owned();
            let mut broken = params.clone();
            if location == p_location && keyword == "required" {
                broken.remove(&name);
            } else if location == format!("{p_location}/schema") {
                let (schema, _) = resolve(spec, &p["schema"]);
                broken.insert(name.clone(), violate(keyword, schema, params.get(&name)));
            } else {
                continue;
            }
            out.push(Case {
                constraint: format!("{keyword} at {location}"),
                operation: id.clone(),
                params: broken,
                body: body.clone(),
                field: name,
            });
        }
        // The body as a whole.
        if location == format!("{op_location}/requestBody") && keyword == "required" {
            // An upload's body is its file part, given as a parameter.
            let (params, field) = match common::spec_operation(&id).upload().unwrap() {
                Some(upload) => {
                    let mut without = params.clone();
                    without.remove(upload.part);
                    (without, format!("body part `{}`", upload.part))
                }
                None => (params.clone(), "body".into()),
            };
            out.push(Case {
                constraint: format!("{keyword} at {location}"),
                operation: id.clone(),
                params,
                body: None,
                field,
            });
        }
        // Fields of the body.
        let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") else {
            continue;
        };
        let mut instances = Vec::new();
        body_instances(
            spec,
            schema,
            format!("{op_location}/requestBody/content/application~1json/schema"),
            String::new(),
            &mut instances,
        );
        for (schema_location, instance) in instances.into_iter().filter(|(l, _)| l == location) {
            let schema_value = spec.pointer(&schema_location).unwrap();
            let mut required: Vec<String> = Vec::new();
            if keyword == "required" {
                required = schema_value["required"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_owned())
                    .collect();
            }
            let targets: Vec<Option<String>> = if required.is_empty() {
                vec![None]
            } else {
                required.into_iter().map(Some).collect()
            };
            for target in targets {
                let mut broken = body.clone().unwrap();
                let field = match &target {
                    Some(prop) => {
                        broken
                            .pointer_mut(&instance)
                            .unwrap()
                            .as_object_mut()
                            .unwrap()
                            .remove(prop);
                        format!("{instance}/{prop}")
                    }
                    None => {
                        let current = broken.pointer(&instance).cloned();
                        *broken
                            .pointer_mut(&instance)
                            .unwrap_or_else(|| panic!("baseline of {id} lacks {instance}")) =
                            violate(keyword, schema_value, current.as_ref());
                        instance.clone()
                    }
                };
                out.push(Case {
                    constraint: format!("{keyword} at {location}"),
                    operation: id.clone(),
                    params: params.clone(),
                    body: Some(broken),
                    field,
                });
            }
        }
    }
    out
}

#[tokio::test]
async fn every_constraint_of_the_spec_is_enforced_before_sending() {
    let sim = Simulator::builder().members(["alice"]).start().await.unwrap();
    let client = sim.client_builder().build().unwrap();

    // The baselines are valid: the client sends them (the answers do not matter here).
    for (_, op) in operations_of(spec()) {
        let id = op["operationId"].as_str().unwrap();
        let (params, body) = baseline(id);
        let outcome = send(&client, id, params, body).await;
        assert!(
            matches!(outcome, Outcome::Sent),
            "baseline of {id} is refused: {outcome:?}"
        );
    }
    sim.clear_log();

    let cases = cases();
    let constraints: BTreeSet<String> = cases.iter().map(|c| c.constraint.clone()).collect();
    assert_eq!(
        constraints.len(),
        spec_constraints().len(),
        "every constraint has at least one case"
    );
    println!("{} cases for {} constraints", cases.len(), constraints.len());
    let mut failures = Vec::new();
    for case in &cases {
        let outcome = send(&client, &case.operation, case.params.clone(), case.body.clone()).await;
        let leaf = case.field.rsplit('/').next().unwrap_or_default().to_owned();
        let named = match &outcome {
            Outcome::Refused(Error::InvalidInput { field, .. }) => {
                let dotted = format!("body{}", case.field.replace('/', "."));
                // A missing body: its builder reports its first missing required field.
                case.field == "body"
                    || field == &dotted
                    || field.contains(&format!("`{}`", case.field))
                    || field.eq_ignore_ascii_case(&leaf.replace(['-', '_'], "_"))
                    || snake(&leaf) == *field
            }
            Outcome::Unrepresentable(_) => true,
            _ => false,
        };
        if !named {
            failures.push(format!(
                "{} via {} ({}): {outcome:?}",
                case.constraint, case.operation, case.field
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases not refused with the field named:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(
        sim.requests().is_empty(),
        "a broken request reached the simulator: {:?}",
        sim.requests()
    );
}

/// `mediaTypes` -> `media_types` (the generated builder's field names).
fn snake(name: &str) -> String {
    let mut out = String::new();
    let mut previous_upper = true;
    for c in name.chars() {
        if c.is_ascii_uppercase() && !previous_upper {
            out.push('_');
        }
        previous_upper = c.is_ascii_uppercase();
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The checks generated for typed bodies (no JSON in between) refuse what the JSON validator
/// refuses, naming the same field: every body case that a typed value can express.
#[test]
fn typed_checks_agree_with_the_json_validator_on_every_body_case() {
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for case in cases() {
        let Some(body) = case.body.clone() else { continue };
        let Some(typed) = check_typed_body(&case.operation, body.clone()) else {
            continue; // not a value of the body's type (a wrong JSON type, an unknown enum...)
        };
        let json = check_json_body(&case.operation, body);
        compared += 1;
        let field = |result: &Result<(), Error>| match result {
            Ok(()) => None,
            Err(Error::InvalidInput { field, .. }) => Some(field.clone()),
            Err(other) => Some(format!("{other:?}")),
        };
        if field(&typed) != field(&json) {
            disagreements.push(format!(
                "{} via {}: typed {typed:?}, JSON {json:?}",
                case.constraint, case.operation
            ));
        }
    }
    println!("{compared} body cases compared");
    assert!(compared > 200, "only {compared} cases compared");
    assert!(
        disagreements.is_empty(),
        "{} of {compared}:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
