//! `Client::call`: any operation by id with JSON values runs the typed call's code, and bad
//! input (unknown operation or parameter, wrong type, missing value) is named before sending.

mod common;

use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::{CALLABLE_OPERATIONS, Client, Credentials, Error, RetryConfig};
use serde_json::{Map, Value, json};

fn params(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap()
}

async fn capturing_client() -> (Client, common::Capture) {
    let (url, capture) = common::capture_server().await;
    let client = Client::builder()
        .endpoint(url)
        .credentials(Credentials::access_token("token"))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    (client, capture)
}

#[test]
fn every_operation_of_the_spec_is_callable() {
    let ids: Vec<&str> = huaweicloud_meeting::operations::operations()
        .iter()
        .map(|op| op.id)
        .collect();
    let mut callable = CALLABLE_OPERATIONS.to_vec();
    callable.sort_unstable();
    assert_eq!(callable, ids);
}

#[tokio::test]
async fn a_call_by_id_sends_what_the_typed_call_sends() {
    let (client, capture) = capturing_client().await;
    client
        .cancel_meeting()
        .conference_id("914087436")
        .type_(1)
        .send()
        .await
        .unwrap();
    // Numbers as strings and strings as numbers are accepted (command lines carry text).
    client
        .call(
            "cancel_meeting",
            params(json!({"conferenceID": 914087436, "type": "1"})),
            None,
        )
        .await
        .unwrap();
    let sent = capture.take();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].render(), sent[1].render());

    let body = json!({"conferenceID": "914087436", "password": "123456"});
    client
        .call("start_meeting", Map::new(), Some(body.clone()))
        .await
        .unwrap();
    assert_eq!(capture.take()[0].json(), Some(body));
}

#[tokio::test]
async fn the_response_comes_back_as_json() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let rooms = client
        .call("search_corp_vmr", params(json!({"limit": 2})), None)
        .await
        .unwrap();
    assert_eq!(rooms.status(), 200);
    let page = rooms.into_inner();
    assert!(page["count"].as_i64().unwrap() > 0, "{page}");
    assert_eq!(page["data"].as_array().unwrap().len(), 2, "{page}");
}

async fn refused(client: &Client, operation: &str, given: Value, body: Option<Value>) -> (String, String) {
    match client.call(operation, params(given), body).await {
        Err(Error::InvalidInput { field, reason }) => (field, reason),
        other => panic!("{operation}: expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_calls_are_refused_naming_what_is_wrong_and_nothing_is_sent() {
    let (client, capture) = capturing_client().await;
    let (field, reason) = refused(&client, "cancel_meetings", json!({}), None).await;
    assert_eq!(field, "operation");
    assert!(reason.contains("`cancel_meetings`"), "{reason}");

    let (field, reason) = refused(
        &client,
        "cancel_meeting",
        json!({"conferenceID": "1", "conferenceId": "1"}),
        None,
    )
    .await;
    assert_eq!(field, "parameter `conferenceId`");
    assert!(reason.contains("conferenceID"), "lists the parameters: {reason}");

    let (field, _) = refused(&client, "cancel_meeting", json!({}), None).await;
    assert_eq!(field, "parameter `conferenceID`");

    let (field, reason) = refused(
        &client,
        "cancel_meeting",
        json!({"conferenceID": "1", "type": "one"}),
        None,
    )
    .await;
    assert_eq!(field, "parameter `type`");
    assert!(reason.contains("integer") || reason.contains("i32"), "{reason}");

    let (field, _) = refused(&client, "cancel_meeting", json!({"conferenceID": "1"}), Some(json!({}))).await;
    assert_eq!(field, "body");

    let (field, _) = refused(&client, "start_meeting", json!({}), None).await;
    assert_eq!(field, "body");

    let (field, reason) = refused(
        &client,
        "start_meeting",
        json!({}),
        Some(json!({"conferenceID": 914087436, "password": "1"})),
    )
    .await;
    assert_eq!(field, "body.conferenceID", "{reason}");

    // The spec's rules apply as to a typed call: `type` must be 0 or 1.
    let (field, _) = refused(&client, "cancel_meeting", json!({"conferenceID": "1", "type": 7}), None).await;
    assert_eq!(field, "query parameter `type`");

    // Meeting-control operations need the conference handle, as typed calls do.
    let error = client
        .call(
            "delete_attendees",
            params(json!({"conferenceID": "1"})),
            Some(json!({"bulkDelAttendInfo": [{"number": "+1"}]})),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Config(m) if m.contains("client.conference(")),
        "{error:?}"
    );

    assert!(capture.take().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_key_the_spec_does_not_declare_is_refused_with_the_nearest_name() {
    let (client, capture) = capturing_client().await;
    // The typo of the issue: without `startTime` the meeting would start at once.
    let typo = json!({"subject": "x", "mediaTypes": "HDVideo", "start_time": "2026-12-03 09:00", "length": 60});
    let (field, reason) = refused(&client, "create_meeting", json!({}), Some(typo)).await;
    assert_eq!(field, "body.start_time");
    assert!(reason.contains("did you mean `startTime`?"), "{reason}");
    // At any depth, in arrays of objects too.
    let nested = json!({"subject": "x", "mediaTypes": "HDVideo", "attendees": [{"name": "a"}, {"nmae": "b"}]});
    let (field, reason) = refused(&client, "create_meeting", json!({}), Some(nested)).await;
    assert_eq!(field, "body.attendees.1.nmae");
    assert!(reason.contains("did you mean `name`?"), "{reason}");
    // Nothing like it: the declared names are listed.
    let unlike = json!({"conferenceID": "914087436", "password": "123456", "zzzzzz": 1});
    let (field, reason) = refused(&client, "start_meeting", json!({}), Some(unlike)).await;
    assert_eq!(field, "body.zzzzzz");
    assert!(reason.contains("its fields: conferenceID, password"), "{reason}");
    assert!(capture.take().is_empty(), "nothing was sent");
}
