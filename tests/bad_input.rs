//! Every constraint of the spec, enumerated from the spec itself, is enforced before the
//! request is sent: a valid baseline request per operation is broken one constraint at a
//! time, and the client must refuse it with an error naming the field (or the typed API
//! must make the value impossible to express), while the simulator receives nothing.
//!
//! A constraint added to the spec is picked up here automatically; one this test cannot
//! reach (a new operation or parameter without a baseline below) fails the suite.

use std::collections::BTreeSet;

use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::testing::{check_request, spec_constraints};
use huaweicloud_meeting::types::{
    self, AppAuthInfoV2, AuthReqDtov1, RestBulkDelAttendReqBody, RestScheduleConfDto, StartRequest,
};
use huaweicloud_meeting::{Client, Error, OPENAPI_JSON};
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

fn typed<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Outcome> {
    serde_json::from_value(value).map_err(|e| Outcome::Unrepresentable(e.to_string()))
}

fn param<T: serde::de::DeserializeOwned>(params: &Map<String, Value>, name: &str) -> Result<Option<T>, Outcome> {
    params.get(name).cloned().map(typed).transpose()
}

async fn finish<T>(result: Result<T, Error>) -> Outcome {
    match result {
        Ok(_) => Outcome::Sent,
        Err(e) => match e {
            e @ (Error::InvalidInput { .. } | Error::Config(_)) => Outcome::Refused(e),
            _ => Outcome::Sent,
        },
    }
}

macro_rules! set {
    ($builder:ident, $params:ident, $( $name:literal => $setter:ident : $ty:ty ),* $(,)?) => {
        $( if let Some(v) = param::<$ty>(&$params, $name)? { $builder = $builder.$setter(v); } )*
    };
}

/// Sends `operation` with these parameters (JSON values by spec name) and body.
async fn send(client: &Client, operation: &str, params: Map<String, Value>, body: Option<Value>) -> Outcome {
    let result: Result<Outcome, Outcome> = async {
        Ok(match operation {
            "cancel_meeting" => {
                let mut b = client.cancel_meeting();
                set!(b, params, "conferenceID" => conference_id: String, "type" => type_: i32, "userUUID" => user_uuid: String,
                    "X-Authorization-Type" => x_authorization_type: String, "X-Site-Id" => x_site_id: String);
                finish(b.send().await).await
            }
            "delete_attendees" => {
                let control = client.conference("914000001", "123456");
                let mut b = control.delete_attendees();
                set!(b, params, "conferenceID" => conference_id: String);
                if let Some(body) = body {
                    b = b.body(typed::<RestBulkDelAttendReqBody>(body)?);
                }
                finish(b.send().await).await
            }
            "associate_vmr" | "disassociate_vmr" => {
                let ids = body.map(typed::<Vec<String>>).transpose()?;
                macro_rules! vmr {
                    ($b:expr) => {{
                        let mut b = $b;
                        set!(b, params, "account" => account: String, "accountType" => account_type: i32,
                            "X-Request-Id" => x_request_id: String, "Accept-Language" => accept_language: types::Language);
                        if let Some(ids) = ids {
                            b = b.body(ids);
                        }
                        finish(b.send().await).await
                    }};
                }
                if operation == "associate_vmr" { vmr!(client.associate_vmr()) } else { vmr!(client.disassociate_vmr()) }
            }
            "search_corp_vmr" => {
                let mut b = client.search_corp_vmr();
                set!(b, params, "offset" => offset: i32, "limit" => limit: i32, "searchKey" => search_key: String,
                    "vmrMode" => vmr_mode: i32, "status" => status: i32, "X-Request-Id" => x_request_id: String,
                    "Accept-Language" => accept_language: types::Language);
                finish(b.send().await).await
            }
            "search_meetings" => {
                let mut b = client.search_meetings();
                set!(b, params, "offset" => offset: i32, "limit" => limit: i32, "queryAll" => query_all: bool,
                    "searchKey" => search_key: String, "queryConfMode" => query_conf_mode: types::SearchMeetingsQueryConfMode,
                    "sortType" => sort_type: types::SearchMeetingsSortType, "userUUID" => user_uuid: String);
                finish(b.send().await).await
            }
            "show_meeting_detail" => {
                let mut b = client.show_meeting_detail();
                set!(b, params, "conferenceID" => conference_id: String, "offset" => offset: i32, "limit" => limit: i32,
                    "searchKey" => search_key: String, "userUUID" => user_uuid: String,
                    "X-Type" => x_type: types::ShowMeetingDetailXType, "X-Query-Type" => x_query_type: types::ShowMeetingDetailXQueryType);
                finish(b.send().await).await
            }
            "create_conf_token" => {
                let control = client.conference("914000001", "123456");
                let mut b = control.create_conf_token();
                set!(b, params, "conferenceID" => conference_id: String, "X-Nonce" => x_nonce: String);
                finish(b.send().await).await
            }
            "create_meeting" | "create_recurring_meeting" | "update_recurring_meeting" => {
                let body = body.map(typed::<RestScheduleConfDto>).transpose()?;
                macro_rules! schedule {
                    ($b:expr) => {{
                        let mut b = $b;
                        if let Some(body) = body {
                            b = b.body(body);
                        }
                        finish(b.send().await).await
                    }};
                }
                match operation {
                    "create_meeting" => {
                        let mut b = client.create_meeting();
                        set!(b, params, "userUUID" => user_uuid: String);
                        schedule!(b)
                    }
                    "create_recurring_meeting" => {
                        let mut b = client.create_recurring_meeting();
                        set!(b, params, "userUUID" => user_uuid: String, "X-Authorization-Type" => x_authorization_type: String,
                            "X-Site-Id" => x_site_id: String);
                        schedule!(b)
                    }
                    _ => {
                        let mut b = client.update_recurring_meeting();
                        set!(b, params, "conferenceID" => conference_id: String, "userUUID" => user_uuid: String,
                            "X-Authorization-Type" => x_authorization_type: String, "X-Site-Id" => x_site_id: String);
                        schedule!(b)
                    }
                }
            }
            "start_meeting" => {
                let mut b = client.start_meeting();
                if let Some(body) = body {
                    b = b.body(typed::<StartRequest>(body)?);
                }
                finish(b.send().await).await
            }
            // The authentication bodies are built by the client; they are checked by
            // deserializing into the generated types and by the validator the client runs.
            "create_app_id_token" => finish_auth::<AppAuthInfoV2>("create_app_id_token", "/v2/usg/acs/auth/appauth", body)?,
            "create_token" => finish_auth::<AuthReqDtov1>("create_token", "/v1/usg/acs/auth/account", body)?,
            other => panic!("no baseline for operation {other}: add one to tests/bad_input.rs"),
        })
    }
    .await;
    result.unwrap_or_else(|outcome| outcome)
}

/// The client builds these bodies itself from its credentials; a broken one must not
/// deserialize into the generated type, or must fail the check the client runs on every
/// request before sending (`check_request`).
fn finish_auth<T: serde::de::DeserializeOwned>(
    operation: &str,
    path: &str,
    body: Option<Value>,
) -> Result<Outcome, Outcome> {
    let body = body.ok_or_else(|| Outcome::Unrepresentable("no body".into()))?;
    typed::<T>(body.clone())?;
    let bytes = serde_json::to_vec(&body).unwrap();
    Ok(
        match check_request(operation, path, &[], &http::HeaderMap::new(), Some(&bytes)) {
            Ok(()) => Outcome::Sent,
            Err(e) => Outcome::Refused(e),
        },
    )
}

fn baseline(operation: &str) -> (Map<String, Value>, Option<Value>) {
    let params = |v: Value| v.as_object().cloned().unwrap();
    let schedule = json!({
        "subject": "s", "mediaTypes": "HDVideo", "startTime": "2030-01-01 08:00", "length": 30, "groupuri": "g",
        "attendees": [{"name": "a", "role": 0, "phone": "+1", "phone2": "+2", "phone3": "+3", "email": "a@b.c", "sms": "+1",
            "isMute": 0, "isAutoInvite": 1, "type": "normal", "deptUUID": "d", "deptName": "d", "uniqueType": 0}],
        "cycleParams": {"startDate": "2030-01-01", "endDate": "2030-01-02", "cycle": "Day", "interval": 1, "point": [1], "preRemindDays": 1},
        "isAutoRecord": 0, "encryptMode": 0, "language": "en-US", "timeZoneID": "56", "recordType": 0, "liveAddress": "l",
        "auxAddress": "a", "recordAuxStream": 0, "recordAuthType": 0, "vmrFlag": 0, "vmrID": "v", "concurrentParticipants": 0,
        "confResType": 0,
        "confConfigInfo": {"callInRestriction": 0, "guestPwd": "1234", "vmrIDType": 0, "prolongLength": 0},
    });
    match operation {
        "cancel_meeting" => (
            params(json!({"conferenceID": "914000001", "type": 1, "X-Authorization-Type": "x", "X-Site-Id": "x"})),
            None,
        ),
        "delete_attendees" => (
            params(json!({"conferenceID": "914000001"})),
            Some(json!({"bulkDelAttendInfo": [{"number": "+1"}]})),
        ),
        "associate_vmr" | "disassociate_vmr" => (
            params(json!({"account": "alice", "accountType": 1, "X-Request-Id": "r", "Accept-Language": "en-US"})),
            Some(json!(["5162fa32dc7e47afafeee39a72a20000"])),
        ),
        "search_corp_vmr" => (
            params(
                json!({"offset": 0, "limit": 10, "searchKey": "k", "vmrMode": 1, "status": 0, "X-Request-Id": "r", "Accept-Language": "en-US"}),
            ),
            None,
        ),
        "search_meetings" => (
            params(
                json!({"offset": 0, "limit": 10, "searchKey": "k", "queryConfMode": "ALL", "sortType": "ASC_StartTIME"}),
            ),
            None,
        ),
        "show_meeting_detail" => (
            params(
                json!({"conferenceID": "914000001", "offset": 0, "limit": 10, "searchKey": "k", "X-Type": "0", "X-Query-Type": "0"}),
            ),
            None,
        ),
        "create_conf_token" => (params(json!({"conferenceID": "914000001", "X-Nonce": "n"})), None),
        "create_meeting" | "create_recurring_meeting" => (Map::new(), Some(schedule)),
        "update_recurring_meeting" => (params(json!({"conferenceID": "914000001"})), Some(schedule)),
        "start_meeting" => (
            Map::new(),
            Some(json!({"conferenceID": "914000001", "password": "123456"})),
        ),
        "create_app_id_token" => (
            Map::new(),
            Some(
                json!({"appId": "a", "clientType": 72, "expireTime": 0, "nonce": "n".repeat(32), "corpId": "c", "deptCode": "d",
                "userEmail": "e", "userId": "u", "userName": "n", "userPhone": "p"}),
            ),
        ),
        "create_token" => (
            Map::new(),
            Some(json!({"account": "a", "clientType": 72, "HA2": "h", "createTokenType": 0})),
        ),
        other => panic!("no baseline for operation {other}: add one to tests/bad_input.rs"),
    }
}

fn spec() -> Value {
    serde_json::from_str(OPENAPI_JSON).unwrap()
}

fn resolve<'a>(spec: &'a Value, value: &'a Value) -> (&'a Value, Option<String>) {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.trim_start_matches('#').to_owned();
            (spec.pointer(&pointer).unwrap(), Some(pointer))
        }
        None => (value, None),
    }
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
        "pattern" => json!("!"),
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
        let found = case_for(&spec, &location, &keyword);
        if found.is_empty() {
            unreachable.push(format!("{keyword} at {location}"));
        }
        cases.extend(found);
    }
    assert!(
        unreachable.is_empty(),
        "constraints no case reaches (add a baseline): {unreachable:#?}"
    );
    cases
}

fn operations_of(spec: &Value) -> Vec<(String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((
                format!("/paths/{}/{method}", path.replace('~', "~0").replace('/', "~1")),
                op.clone(),
            ));
        }
    }
    ops
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
            out.push(Case {
                constraint: format!("{keyword} at {location}"),
                operation: id.clone(),
                params: params.clone(),
                body: None,
                field: "body".into(),
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
    for (_, op) in operations_of(&spec()) {
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
