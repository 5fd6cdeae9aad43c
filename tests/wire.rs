//! What the client puts on the wire for every operation (insta snapshots), and the seed
//! pages' example requests reproduced exactly.

mod common;

use common::{Captured, capture_server};
use huaweicloud_meeting::types::{
    CycleParams, CycleParamsCycle, RestBulkDelAttendReqBody, RestScheduleConfDto, StartRequest,
};
use huaweicloud_meeting::{Client, Credentials, RetryConfig};
use serde_json::json;

async fn client_with(credentials: Credentials) -> (Client, common::Capture) {
    let (url, capture) = capture_server().await;
    let client = Client::builder()
        .endpoint(url)
        .credentials(credentials)
        .user_agent("huaweicloud-meeting-tests")
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    (client, capture)
}

async fn client() -> (Client, common::Capture) {
    client_with(Credentials::access_token("fixed-access-token")).await
}

fn only(mut requests: Vec<Captured>) -> Captured {
    assert_eq!(requests.len(), 1, "expected one request, got {requests:#?}");
    requests.remove(0)
}

fn series(start: &str, end: &str) -> RestScheduleConfDto {
    RestScheduleConfDto::builder()
        .media_types("HDVideo")
        .cycle_params(
            CycleParams::builder()
                .start_date(start)
                .end_date(end)
                .cycle(CycleParamsCycle::Day)
                .pre_remind_days(1)
                .try_into()
                .map(Some)
                .unwrap(),
        )
        .try_into()
        .unwrap()
}

/// Every operation of the spec, called through `Client::call` with the spec's example request,
/// puts on the wire exactly its reviewed snapshot (`tests/snapshots/wire__<operation>_wire.snap`),
/// and the spec's example response (what the capture server answers) decodes into the
/// operation's response type (a decode error fails the call). An operation added to the spec
/// fails here until its snapshot is reviewed.
#[tokio::test]
async fn every_operation_sends_its_example_request() {
    use huaweicloud_meeting::operations::operations;
    for op in operations() {
        let params = common::example_params(op.id);
        let body = common::example_body(op.id);
        let request =
            if let Some(credentials) = common::example_credentials(op.id, "example-app-key", "example-password") {
                // The client makes these calls itself, from its credentials and the example's IDs.
                let (client, capture) = client_with(credentials).await;
                client.authenticate().await.unwrap_or_else(|e| panic!("{}: {e}", op.id));
                only(capture.take())
            } else {
                let (client, capture) = client().await;
                let meeting = common::meeting_of(op, &params).unwrap_or_default();
                common::call_on_handle(&client, op, &meeting, "example-password", params, body)
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", op.id));
                // A meeting-control call follows the control-token request.
                capture.take().pop().expect("a request")
            };
        assert!(
            huaweicloud_meeting::operations::route(&request.method, &request.path)
                .is_some_and(|routed| routed.id == op.id),
            "{}: sent {} {}",
            op.id,
            request.method,
            request.path
        );
        insta::assert_snapshot!(format!("{}_wire", op.id), request.render());
    }
}

// The seed pages' example requests, reproduced with the same inputs. The request lines and
// JSON bodies were taken from the pages into tests/fixtures/seeds (scripts/extract-fixtures.py).

/// A seed page's example request and response.
struct Seed {
    request_line: String,
    request_body: serde_json::Value,
    response_body: serde_json::Value,
}

fn seed(name: &str) -> Seed {
    let fixture = fixture(&format!("seeds/{name}.json"));
    Seed {
        request_line: fixture["request_line"].as_str().expect("request_line").to_owned(),
        request_body: fixture["request_body"].clone(),
        response_body: fixture["response_body"].clone(),
    }
}

fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The request line sent (`METHOD path?query`) is, to the character, the seed's example.
fn assert_request_line_is_the_seeds(r: &Captured, seed: &Seed) {
    let query = r.query.as_deref().map(|q| format!("?{q}")).unwrap_or_default();
    assert_eq!(format!("{} {}{query}", r.method, r.path), seed.request_line);
}

#[tokio::test]
async fn seed_cancel_meeting() {
    let seed = seed("cancel-meeting");
    let (client, capture) = client().await;
    client.cancel_meeting().conference_id("914087436").send().await.unwrap();
    let r = only(capture.take());
    assert_request_line_is_the_seeds(&r, &seed);
    assert!(r.body.is_empty());
    assert_eq!(r.header("x-access-token"), Some("fixed-access-token"));
}

#[tokio::test]
async fn seed_remove_participants() {
    let seed = seed("remove-participants");
    let expected = seed.request_body.clone();
    let (client, capture) = client().await;
    let body: RestBulkDelAttendReqBody = serde_json::from_value(expected.clone()).unwrap();
    client
        .conference("914083136", "host-pw")
        .delete_attendees()
        .conference_id("914083136")
        .body(body)
        .send()
        .await
        .unwrap();
    let r = capture.take().pop().unwrap();
    assert_request_line_is_the_seeds(&r, &seed);
    assert_eq!(r.json().unwrap(), expected);
    // The control token the capture server answered (create_conf_token's example response).
    let token = common::example_response("create_conf_token").unwrap()["data"]["token"].clone();
    assert_eq!(r.header("x-conference-authorization"), token.as_str());
    assert_eq!(
        r.header("x-access-token"),
        None,
        "control operations carry no access token"
    );
}

#[tokio::test]
async fn seed_reclaim_cloud_meeting_room() {
    let seed = seed("reclaim-cloud-meeting-room");
    let expected = seed.request_body.clone();
    let (client, capture) = client().await;
    let ids: Vec<String> = serde_json::from_value(expected.clone()).unwrap();
    client
        .disassociate_vmr()
        .account("example@123")
        .account_type(0)
        .body(ids)
        .send()
        .await
        .unwrap();
    let r = only(capture.take());
    assert_request_line_is_the_seeds(&r, &seed);
    assert_eq!(r.json().unwrap(), expected);
}

#[tokio::test]
async fn seed_modify_recurring_series() {
    let seed = seed("modify-recurring-meeting-series");
    let expected = seed.request_body.clone();
    assert_eq!(
        expected,
        json!({"mediaTypes": "HDVideo", "cycleParams": {"startDate": "2021-09-01", "endDate": "2021-09-02", "cycle": "Day", "preRemindDays": 1}})
    );
    let (client, capture) = client().await;
    client
        .update_recurring_meeting()
        .conference_id("914087436")
        .body(series("2021-09-01", "2021-09-02"))
        .send()
        .await
        .unwrap();
    let r = only(capture.take());
    assert_request_line_is_the_seeds(&r, &seed);
    assert_eq!(r.json().unwrap(), expected);
}

#[tokio::test]
async fn seed_activate_meeting() {
    let seed = seed("activate-meeting");
    let expected = seed.request_body.clone();
    assert_eq!(expected["conferenceID"], "986030665");
    let (client, capture) = client().await;
    let body: StartRequest = serde_json::from_value(expected.clone()).unwrap();
    client.start_meeting().body(body).send().await.unwrap();
    let r = only(capture.take());
    assert_request_line_is_the_seeds(&r, &seed);
    assert_eq!(r.json().unwrap(), expected);
}

#[test]
fn seed_example_responses_parse_into_the_generated_types() {
    use huaweicloud_meeting::types::{ConferenceInfo, ErrorResponse, StartMeetingResponse};
    let start: StartMeetingResponse = serde_json::from_value(seed("activate-meeting").response_body).unwrap();
    assert_eq!(start.region_ip.as_deref(), Some("100.94.23.40"));
    let modified: Vec<ConferenceInfo> =
        serde_json::from_value(seed("modify-recurring-meeting-series").response_body).unwrap();
    assert_eq!(modified[0].conference_id.as_deref(), Some("986256843"));
    assert_eq!(modified[0].sub_confs.as_ref().map(Vec::len), Some(2));
    assert_eq!(modified[0].cycle_params.as_ref().and_then(|c| c.cycle_count), Some(0));
    // The password entries are there, and redacted in Debug output.
    let entries = modified[0].password_entry.as_ref().unwrap();
    assert_eq!(entries[0].password.as_ref().map(|p| p.expose()), Some("******"));
    assert!(!format!("{:?}", modified[0]).contains("******"));
    // The error format the seeds refer to (and the API Explorer example).
    let error: ErrorResponse =
        serde_json::from_str(r#"{"error_code":"MMC.111070005","error_msg":"CONF_DATA_NOT_FOUND"}"#).unwrap();
    assert_eq!(error.error_code.as_deref(), Some("MMC.111070005"));
}

/// Huawei's API Explorer response examples (tests/fixtures/api-explorer) parse into the
/// generated types, loosely typed values included (booleans as strings, nulls).
#[test]
fn api_explorer_response_examples_parse() {
    use huaweicloud_meeting::types::{
        ConferenceInfo, QueryOrgVmrPage, RestListConfResponse, RestLoginResponse, TokenDto,
    };
    fn example(operation: &str) -> serde_json::Value {
        fixture(&format!("api-explorer/{operation}.json"))["example"].clone()
    }
    let page: RestListConfResponse = serde_json::from_value(example("SearchMeetings")).unwrap();
    let config = page.data.as_ref().unwrap()[0].conf_config_info.as_ref().unwrap();
    assert_eq!(
        config.is_guest_free_pwd.map(bool::from),
        Some(true),
        "\"true\" as a string"
    );
    assert_eq!(config.is_send_notify.map(bool::from), Some(false));
    let created: Vec<ConferenceInfo> = serde_json::from_value(example("CreateMeeting")).unwrap();
    let config = created[0].conf_config_info.as_ref().unwrap();
    assert_eq!(config.call_in_restriction.map(i32::from), Some(0), "\"0,\" as a string");
    let series: Vec<ConferenceInfo> = serde_json::from_value(example("CreateRecurringMeeting")).unwrap();
    assert_eq!(series[0].cycle_params.as_ref().unwrap().point, None, "\"point\": null");
    let rooms: QueryOrgVmrPage = serde_json::from_value(example("SearchCorpVmr")).unwrap();
    assert_eq!(rooms.count, Some(1));
    let control: RestLoginResponse = serde_json::from_value(example("CreateConfToken")).unwrap();
    assert_eq!(control.data.unwrap().conf_token_expire_time, Some(1800));
    let token: TokenDto = serde_json::from_value(example("CreateAppIdToken")).unwrap();
    assert_eq!(token.valid_period, Some(84616));
}
