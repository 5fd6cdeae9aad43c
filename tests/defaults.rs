//! The simulator follows the spec's defaults: for every `default` the spec states on a request
//! parameter or body field, the operation's example request with the field absent and with
//! the default sent get the same answer and leave the meeting in the same state. Values that
//! differ from run to run (passwords, tokens, ids, times, join links) are masked.

mod common;

use huaweicloud_meeting::operations::{OperationMeta, Scheme, operations};
use huaweicloud_meeting::simulator::Simulator;
use serde_json::{Map, Value};

/// Where a default applies: a parameter, or a body field (its path, `[]` for every item of a
/// list).
#[derive(Debug)]
enum Place {
    Parameter(String),
    Body(Vec<String>),
}

/// Every default the spec states on operation `op`'s request.
fn defaults(op: &OperationMeta) -> Vec<(Place, Value)> {
    let spec = common::model();
    let operation = common::spec_operation(op.id);
    let mut found = Vec::new();
    for parameter in operation.parameters().unwrap() {
        if let Some(default) = parameter.schema.get("default") {
            found.push((Place::Parameter(parameter.name.to_owned()), default.clone()));
        }
    }
    fn walk(
        spec: &huaweicloud_meeting::spec_model::Spec<'_>,
        schema: &Value,
        path: Vec<String>,
        found: &mut Vec<(Place, Value)>,
    ) {
        let schema = spec.resolve(schema).unwrap();
        if let Some(default) = schema.get("default") {
            found.push((Place::Body(path.clone()), default.clone()));
        }
        for (name, child) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let mut path = path.clone();
            path.push(name.clone());
            walk(spec, child, path, found);
        }
        if let Some(items) = schema.get("items") {
            let mut path = path.clone();
            path.push("[]".into());
            walk(spec, items, path, found);
        }
    }
    if let Some(schema) = operation.request_body().unwrap().and_then(|b| b.schema) {
        walk(&spec, schema, Vec::new(), &mut found);
    }
    found
}

/// Sets (`Some`) or removes (`None`) the field at `path` in every object it reaches; whether
/// one was reached.
fn place(value: &mut Value, path: &[String], set: Option<&Value>) -> bool {
    match (path, value) {
        ([], _) => false,
        ([step, rest @ ..], Value::Array(items)) if step == "[]" => {
            let mut reached = false;
            for item in items {
                reached |= place(item, rest, set);
            }
            reached
        }
        ([last], Value::Object(object)) => {
            match set {
                Some(v) => object.insert(last.clone(), v.clone()),
                None => object.remove(last),
            };
            true
        }
        ([step, rest @ ..], Value::Object(object)) => object.get_mut(step).is_some_and(|child| place(child, rest, set)),
        _ => false,
    }
}

/// Hides what differs between two runs of the same request.
fn mask(value: &mut Value) {
    // Random or read off the clock at the call: secrets, ids made at random, join links
    // (they carry passwords), the moments of creation and activation.
    const VOLATILE: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "token",
        "uuid",
        "uri",
        "url",
        "nonce",
        "activetime",
        "createtime",
        "expiretime",
        "updatetime",
    ];
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                // `createTime` and `create_time` alike.
                let key = key.to_ascii_lowercase().replace('_', "");
                if VOLATILE.iter().any(|v| key.contains(v)) {
                    *child = Value::String("*".into());
                } else {
                    mask(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        // An id made at random (the service's UUID shape).
        Value::String(text) if text.len() == 32 && text.chars().all(|c| c.is_ascii_hexdigit()) => {
            *text = "*".into();
        }
        // A URL of the simulator: each listens on its own port.
        Value::String(text) if text.contains("://127.0.0.1:") => {
            let port = regex::Regex::new(r"://127\.0\.0\.1:\d+").unwrap();
            *text = port.replace_all(text, "://127.0.0.1:PORT").into_owned();
        }
        _ => {}
    }
}

/// The example request of `op` with these parameters and body, on a simulator seeded with the
/// examples' world: its answer (or error code) and the examples' meeting afterwards.
async fn outcome(op: &OperationMeta, params: Map<String, Value>, body: Option<Value>) -> (String, Value, String) {
    let sim = Simulator::builder()
        .spec_examples(op.needs_meeting_in_progress)
        .start()
        .await
        .unwrap();
    let client = sim.client_builder().build().unwrap();
    let conference = common::example_params("lock_meeting")["conferenceID"]
        .as_str()
        .unwrap()
        .to_owned();
    let host = common::example_body("start_meeting").unwrap()["password"]
        .as_str()
        .unwrap()
        .to_owned();
    let meeting = common::meeting_of(op, &params).unwrap_or_default();
    let answer = common::call_on_handle(&client, op, &meeting, &host, params, body).await;
    let (status, mut response) = match answer {
        Ok(r) => ("ok".to_owned(), r.into_inner()),
        Err(e) => (format!("error {:?}", e.code()), Value::Null),
    };
    mask(&mut response);
    let live = sim
        .live_meeting(&conference)
        .map(|m| format!("{m:?}"))
        .unwrap_or_default();
    // Participant ids and the holding's UUID are random hex; its end is a time.
    let volatile = regex::Regex::new(r"[0-9a-f]{32}|\d{4}-\d\d-\d\dT[0-9:.]+Z").unwrap();
    let live = volatile.replace_all(&live, "*").into_owned();
    (status, response, live)
}

#[tokio::test]
async fn absent_and_default_are_the_same_to_the_simulator() {
    let mut compared = Vec::new();
    let mut unreachable = Vec::new();
    for op in operations() {
        // The client makes the authentication calls itself, from its credentials.
        if op.security.contains(&Scheme::AppIdSignature) || op.security.contains(&Scheme::AccountPassword) {
            continue;
        }
        for (place_of, default) in defaults(op) {
            let params = common::example_params(op.id);
            let body = common::example_body(op.id);
            let (mut absent, mut given) = ((params.clone(), body.clone()), (params, body));
            let reached = match &place_of {
                Place::Parameter(name) => {
                    absent.0.remove(name);
                    given.0.insert(name.clone(), default.clone());
                    true
                }
                Place::Body(path) => {
                    let removed = absent.1.as_mut().is_some_and(|b| place(b, path, None));
                    let set = given.1.as_mut().is_some_and(|b| place(b, path, Some(&default)));
                    removed && set
                }
            };
            if !reached {
                unreachable.push(format!("{} {place_of:?}", op.id));
                continue;
            }
            let without = outcome(op, absent.0, absent.1).await;
            let with = outcome(op, given.0, given.1).await;
            assert_eq!(
                without, with,
                "{}: {place_of:?} absent and {default} sent differ (status, answer, the meeting)",
                op.id
            );
            compared.push(format!("{} {place_of:?}", op.id));
        }
    }
    // Most defaults are reachable from the examples; the others are named here.
    assert!(
        compared.len() >= 60,
        "only {} defaults compared: {compared:?}; unreachable: {unreachable:?}",
        compared.len()
    );
    println!(
        "{} defaults compared; unreachable from the examples: {unreachable:?}",
        compared.len()
    );
}
