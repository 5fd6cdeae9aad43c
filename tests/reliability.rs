//! The fault matrix (docs/RELIABILITY.md): each fault injected by the simulator, the outcome
//! asserted, and the simulator's log checked so that nothing is lost and no unsafe call
//! reached the service twice.

mod common;

use std::time::{Duration, Instant};

use huaweicloud_meeting::simulator::{Fault, Simulator};
use huaweicloud_meeting::types::{RestScheduleConfDto, StartRequest};
use huaweicloud_meeting::{AttemptFailure, Client, DispatchError, Error, ErrorKind, RetryConfig};

/// Fast backoff so the matrix runs in well under a second per row.
fn retry() -> RetryConfig {
    RetryConfig::default()
        .with_max_attempts(3)
        .with_backoff(Duration::from_millis(5), Duration::from_millis(20))
}

async fn setup() -> (Simulator, Client) {
    let sim = Simulator::start().await.unwrap();
    let client = sim
        .client_builder()
        .retry(retry())
        .timeout(Duration::from_millis(800))
        .build()
        .unwrap();
    client.authenticate().await.unwrap();
    sim.clear_log();
    (sim, client)
}

fn meeting() -> RestScheduleConfDto {
    RestScheduleConfDto::builder()
        .media_types("Voice")
        .start_time("2030-01-01 08:00".to_owned())
        .try_into()
        .unwrap()
}

fn statuses(sim: &Simulator, operation: &str) -> Vec<u16> {
    sim.requests()
        .iter()
        .filter(|r| r.operation == operation)
        .map(|r| r.status)
        .collect()
}

async fn meetings(client: &Client) -> i32 {
    client.search_meetings().send().await.unwrap().count.unwrap()
}

#[tokio::test]
async fn status_500_is_not_retried() {
    let (sim, client) = setup().await;
    sim.inject("search_meetings", Fault::Status(500));
    let e = client.search_meetings().send().await.unwrap_err();
    assert_eq!(e.status(), Some(500));
    assert_eq!(statuses(&sim, "search_meetings"), [500]);
}

#[tokio::test]
async fn gateway_errors_are_retried_for_idempotent_calls() {
    let (sim, client) = setup().await;
    for status in [502, 503, 504] {
        sim.clear_log();
        sim.inject_times("cancel_meeting", Fault::Status(status), 2);
        let e = client.cancel_meeting().conference_id("1").send().await.unwrap_err();
        // The third attempt reached the real handler: the meeting does not exist.
        assert!(e.is_not_found(), "{e}");
        assert_eq!(e.service_error().unwrap().attempts(), 3);
        assert_eq!(statuses(&sim, "cancel_meeting"), [status, status, 400]);
    }
}

#[tokio::test]
async fn gateway_errors_are_not_retried_for_unsafe_calls() {
    let (sim, client) = setup().await;
    sim.inject("create_meeting", Fault::Status(503));
    let e = client.create_meeting().body(meeting()).send().await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(statuses(&sim, "create_meeting"), [503]);
}

#[tokio::test]
async fn exhausted_retries_say_how_many_attempts_and_why() {
    let (sim, client) = setup().await;
    sim.inject_times("search_meetings", Fault::Status(503), 3);
    let e = client.search_meetings().send().await.unwrap_err();
    let service = e.service_error().unwrap();
    assert_eq!((service.status, service.attempts()), (503, 3));
    assert!(
        service
            .earlier_attempts
            .iter()
            .all(|a| matches!(a, AttemptFailure::Status { status: 503, .. })),
        "{:?}",
        service.earlier_attempts
    );
    assert!(
        e.to_string().contains("after 3 attempts (earlier: HTTP 503; HTTP 503)"),
        "{e}"
    );
    assert_eq!(statuses(&sim, "search_meetings"), [503, 503, 503]);
}

#[tokio::test]
async fn rate_limited_unsafe_call_waits_for_retry_after_and_is_sent_again_once() {
    let (sim, client) = setup().await;
    sim.inject("create_meeting", Fault::RateLimited { retry_after_secs: 1 });
    let started = Instant::now();
    client.create_meeting().body(meeting()).send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After was honoured");
    // The 429 was not processed; exactly one meeting exists.
    assert_eq!(statuses(&sim, "create_meeting"), [429, 200]);
    assert_eq!(meetings(&client).await, 1);
}

#[tokio::test]
async fn retry_after_beyond_the_deadline_is_not_waited_for() {
    let sim = Simulator::start().await.unwrap();
    let client = sim
        .client_builder()
        .retry(retry().with_deadline(Duration::from_secs(2)))
        .build()
        .unwrap();
    sim.inject("search_meetings", Fault::RateLimited { retry_after_secs: 30 });
    let started = Instant::now();
    let e = client.search_meetings().send().await.unwrap_err();
    assert!(e.is_rate_limited());
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(statuses(&sim, "search_meetings"), [429]);
}

#[tokio::test]
async fn dropped_connection_is_retried_for_idempotent_calls() {
    let (sim, client) = setup().await;
    sim.inject("search_meetings", Fault::DropConnection);
    client.search_meetings().send().await.unwrap();
    assert_eq!(statuses(&sim, "search_meetings"), [0, 200]);
}

#[tokio::test]
async fn dropped_connection_is_not_retried_for_unsafe_calls() {
    let (sim, client) = setup().await;
    sim.inject("create_meeting", Fault::DropConnection);
    let e = client.create_meeting().body(meeting()).send().await.unwrap_err();
    assert!(
        e.kind() == ErrorKind::Transport && e.transport_error().is_some(),
        "{e:?}"
    );
    // The service did create it: a blind retry would have created a second meeting.
    assert_eq!(statuses(&sim, "create_meeting"), [0]);
    assert_eq!(meetings(&client).await, 1);
}

#[tokio::test]
async fn timeout_is_retried_for_idempotent_calls() {
    let (sim, client) = setup().await;
    sim.inject("search_corp_vmr", Fault::Delay(Duration::from_secs(3)));
    client.search_corp_vmr().send().await.unwrap();
    assert_eq!(statuses(&sim, "search_corp_vmr").len(), 2);
}

#[tokio::test]
async fn timeout_is_not_retried_for_unsafe_calls() {
    let (sim, client) = setup().await;
    let created = client
        .create_meeting()
        .body(meeting())
        .send()
        .await
        .unwrap()
        .into_inner();
    let id = created[0].conference_id.clone().unwrap();
    let host = created[0].password_entry.as_ref().unwrap()[0].password.clone().unwrap();
    sim.inject("start_meeting", Fault::Delay(Duration::from_secs(3)));
    let e = client
        .start_meeting()
        .body(StartRequest::builder().conference_id(id).password(host))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    // Sent once, still unanswered when the client gave up, never repeated.
    assert_eq!(statuses(&sim, "start_meeting"), [0]);
}

#[tokio::test]
async fn malformed_success_body_is_a_decode_error_and_not_retried() {
    let (sim, client) = setup().await;
    sim.inject("search_meetings", Fault::MalformedBody);
    let e = client.search_meetings().send().await.unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
    assert_eq!(statuses(&sim, "search_meetings"), [200]);
}

#[tokio::test]
async fn html_error_page_is_a_service_error_with_its_status() {
    let (sim, client) = setup().await;
    sim.inject_times("search_meetings", Fault::HtmlError(502), 3);
    let e = client.search_meetings().send().await.unwrap_err();
    let service = e.service_error().unwrap();
    assert_eq!(
        (service.status, service.body_was_json, service.attempts()),
        (502, false, 3)
    );
    assert!(service.message.contains("Bad Gateway"));
    assert!(service.request_id.is_some());
}

#[tokio::test]
async fn empty_error_body_is_a_service_error() {
    let (sim, client) = setup().await;
    sim.inject("create_meeting", Fault::EmptyError(500));
    let e = client.create_meeting().body(meeting()).send().await.unwrap_err();
    let service = e.service_error().unwrap();
    assert_eq!(
        (service.status, service.body_was_json, service.message.as_str()),
        (500, false, "")
    );
    assert_eq!(statuses(&sim, "create_meeting"), [500]);
}

#[tokio::test]
async fn access_token_expired_mid_run_is_renewed_and_the_unsafe_call_replayed_once() {
    let (sim, client) = setup().await;
    sim.inject("create_meeting", Fault::ExpireToken);
    client.create_meeting().body(meeting()).send().await.unwrap();
    // The 401 was not processed, so replaying the unsafe call is safe.
    assert_eq!(statuses(&sim, "create_meeting"), [401, 200]);
    assert_eq!(sim.count("create_app_id_token"), 1);
    assert_eq!(meetings(&client).await, 1);
}

#[tokio::test]
async fn control_token_expired_mid_run_is_renewed() {
    let (sim, client) = setup().await;
    let body = RestScheduleConfDto::builder().media_types("Voice").attendees(vec![
        huaweicloud_meeting::types::RestAttendeeDto::builder().phone("+1".to_owned()),
    ]);
    let created = client.create_meeting().body(body).send().await.unwrap().into_inner();
    let id = created[0].conference_id.clone().unwrap();
    let host = created[0].password_entry.as_ref().unwrap()[0].password.clone().unwrap();
    let control = client.conference(&id, host);
    control.create_conf_token().conference_id(&id).send().await.unwrap();
    sim.inject("delete_attendees", Fault::ExpireToken);
    let removal = huaweicloud_meeting::types::RestBulkDelAttendReqBody::builder()
        .bulk_del_attend_info(vec![huaweicloud_meeting::types::DelAttendInfo::builder().number("+1")]);
    control
        .delete_attendees()
        .conference_id(&id)
        .body(removal)
        .send()
        .await
        .unwrap();
    assert_eq!(statuses(&sim, "delete_attendees"), [401, 200]);
}

#[tokio::test]
async fn untrusted_certificate_fails_clearly_and_works_once_trusted() {
    let sim = Simulator::builder().tls(true).start().await.unwrap();
    let untrusted = Client::builder()
        .endpoint(sim.base_url())
        .credentials(huaweicloud_meeting::Credentials::app_id(
            sim.app_id(),
            "simulator-app-key",
        ))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let e = untrusted.authenticate().await.unwrap_err();
    assert!(
        matches!(&e, Error::Token(_)) && e.is_tls() && e.to_string().contains("certificate"),
        "{e}"
    );
    assert!(sim.requests().is_empty(), "no request got through the TLS handshake");
    let trusted = sim.client_builder().retry(RetryConfig::disabled()).build().unwrap();
    trusted.search_corp_vmr().send().await.unwrap();
}

#[tokio::test]
async fn connection_refused_is_retried_even_for_unsafe_calls_and_reported_with_every_attempt() {
    let client = Client::builder()
        .endpoint(common::closed_port_url())
        .credentials(huaweicloud_meeting::Credentials::access_token("token"))
        .retry(retry())
        .build()
        .unwrap();
    let e = client.create_meeting().body(meeting()).send().await.unwrap_err();
    let Error::Dispatch(DispatchError::NoAnswer {
        source: last,
        earlier_attempts,
    }) = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(earlier_attempts.len(), 2);
    assert!(
        earlier_attempts.iter().all(AttemptFailure::is_connect),
        "{earlier_attempts:?}"
    );
    assert!(last.is_connect());
    assert!(e.is_retryable() && e.is_connect() && !e.is_timeout());
    // The last attempt's reqwest::Error is the source, not a string.
    let source = std::error::Error::source(&e).expect("a source");
    assert!(
        source
            .downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_connect)
    );
}
