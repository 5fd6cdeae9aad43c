//! The wrapper's token handling, against the simulator: lazy fetch, single flight,
//! renewal before expiry and on rejection, meeting-control tokens.

mod common;

use std::time::Duration;

use huaweicloud_meeting::simulator::{Fault, Simulator};
use huaweicloud_meeting::types::{
    DelAttendInfo, RestAttendeeDto, RestBulkDelAttendReqBody, RestScheduleConfDto, StartRequest,
};
use huaweicloud_meeting::{Client, Credentials, Error, ErrorCode, ErrorKind};

const AUTH: &str = "create_app_id_token";

/// Creates and starts a meeting with `n` attendees; returns its ID and host password.
pub async fn meeting_in_progress(client: &Client, n: usize) -> (String, String) {
    let attendees: Vec<RestAttendeeDto> = (0..n)
        .map(|i| {
            RestAttendeeDto::builder()
                .name(format!("attendee {i}"))
                .phone(format!("+86138000000{i:02}"))
                .try_into()
                .unwrap()
        })
        .collect();
    let body = RestScheduleConfDto::builder()
        .subject("test".to_owned())
        .media_types("HDVideo")
        .start_time("2030-01-01 08:00".to_owned())
        .attendees(attendees);
    let created = client.create_meeting().body(body).send().await.unwrap().into_inner();
    let id = created[0].conference_id.clone().unwrap();
    let host = created[0].password_entry.as_ref().unwrap()[0].password.clone().unwrap();
    client
        .start_meeting()
        .body(StartRequest::builder().conference_id(id.clone()).password(host.clone()))
        .send()
        .await
        .unwrap();
    (id, host.expose().to_owned())
}

fn removal(number: &str) -> RestBulkDelAttendReqBody {
    RestBulkDelAttendReqBody::builder()
        .bulk_del_attend_info(vec![DelAttendInfo::builder().number(number)])
        .try_into()
        .unwrap()
}

#[tokio::test]
async fn token_is_fetched_lazily_and_reused() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    assert!(sim.requests().is_empty(), "building a client sends nothing");
    client.search_meetings().send().await.unwrap();
    client.search_corp_vmr().send().await.unwrap();
    let ops: Vec<_> = sim.requests().iter().map(|r| r.operation).collect();
    assert_eq!(ops, [AUTH, "search_meetings", "search_corp_vmr"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_on_a_cold_token_authenticate_once() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let calls: Vec<_> = (0..1000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.search_corp_vmr().send().await.map(|_| ()) })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(sim.count(AUTH), 1);
    assert_eq!(sim.count("search_corp_vmr"), 1000);
}

#[tokio::test]
async fn token_is_renewed_before_it_expires() {
    let sim = Simulator::builder()
        .access_token_validity(Duration::from_secs(3600))
        .start()
        .await
        .unwrap();
    let client = sim.client_builder().build().unwrap();
    client.search_meetings().send().await.unwrap();
    // Renewal is due a tenth of the lifetime (at most five minutes) before expiry: 55 minutes
    // in, on the clock the client shares with the simulator.
    sim.advance(Duration::from_secs(54 * 60));
    client.search_meetings().send().await.unwrap();
    assert_eq!(sim.count(AUTH), 1, "not due yet");
    sim.advance(Duration::from_secs(2 * 60));
    client.search_meetings().send().await.unwrap();
    assert_eq!(sim.count(AUTH), 2);
    assert!(
        sim.requests().iter().all(|r| r.status == 200),
        "renewed before any rejection: {:?}",
        sim.requests()
    );
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_and_the_call_replayed() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    client.search_meetings().send().await.unwrap();
    sim.expire_access_tokens();
    sim.clear_log();
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.search_meetings().send().await.map(|_| ()) })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(sim.count(AUTH), 1, "one renewal for all the rejected calls");
    assert_eq!(sim.requests().iter().filter(|r| r.status == 401).count(), 50);
    assert_eq!(
        sim.requests()
            .iter()
            .filter(|r| r.operation == "search_meetings" && r.status == 200)
            .count(),
        50
    );
}

#[tokio::test]
async fn a_token_rejected_again_after_renewal_is_an_error_not_a_loop() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    sim.inject_times("search_meetings", Fault::ExpireToken, 2);
    let error = client.search_meetings().send().await.unwrap_err();
    assert!(error.is_auth(), "{error}");
    assert_eq!(error.code(), Some(&ErrorCode::TokenInvalid));
    assert_eq!(sim.count("search_meetings"), 2);
    assert_eq!(sim.count(AUTH), 2);
}

#[tokio::test]
async fn a_fixed_access_token_is_used_as_is() {
    let sim = Simulator::start().await.unwrap();
    let client = sim
        .client_builder()
        .credentials(Credentials::access_token("not-a-token"))
        .build()
        .unwrap();
    let error = client.search_meetings().send().await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(sim.count(AUTH), 0);
    assert_eq!(sim.count("search_meetings"), 1, "nothing to renew, so no replay");
}

#[tokio::test]
async fn rejected_credentials_are_an_auth_error_with_the_service_code() {
    let sim = Simulator::start().await.unwrap();
    let client = sim
        .client_builder()
        .credentials(Credentials::app_id(sim.app_id(), "wrong-key"))
        .build()
        .unwrap();
    let error = client.search_meetings().send().await.unwrap_err();
    let Error::Token(failed) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(failed.operation, "create_app_id_token");
    assert_eq!(error.kind(), ErrorKind::CredentialsRejected);
    assert!(error.is_auth());
    let service = error.service_error().expect("the service's refusal");
    assert_eq!(service.status, 401);
    assert_eq!(service.code, Some(ErrorCode::WrongCredentials));
    assert!(service.request_id.is_some());
    assert_eq!(sim.count("search_meetings"), 0, "the call is not sent without a token");
    let again = client.authenticate().await.unwrap_err();
    assert!(
        matches!(&again, Error::Token(_)) && again.kind() == ErrorKind::CredentialsRejected,
        "{again:?}"
    );
}

#[tokio::test]
async fn an_unreachable_auth_endpoint_is_an_auth_error() {
    let client = Client::builder()
        .endpoint(common::closed_port_url())
        .credentials(Credentials::app_id("app", "key"))
        .retry(huaweicloud_meeting::RetryConfig::disabled())
        .build()
        .unwrap();
    let error = client.search_meetings().send().await.unwrap_err();
    assert!(matches!(&error, Error::Token(_)), "{error:?}");
    assert!(
        !error.is_auth() && error.is_retryable(),
        "nothing refused the credentials"
    );
    assert!(error.is_connect(), "a refused connection: {error}");
    assert!(!error.is_timeout());
}

#[tokio::test]
async fn account_password_authentication() {
    let sim = Simulator::builder()
        .account("admin@corp", "Passw0rd!")
        .start()
        .await
        .unwrap();
    let client = sim
        .client_builder()
        .credentials(Credentials::account("admin@corp", "Passw0rd!"))
        .build()
        .unwrap();
    client.search_meetings().send().await.unwrap();
    assert_eq!(sim.count("create_token"), 1);
    let wrong = sim
        .client_builder()
        .credentials(Credentials::account("admin@corp", "nope"))
        .build()
        .unwrap();
    let error = wrong.search_meetings().send().await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::WrongCredentials));
}

#[tokio::test]
async fn control_token_is_obtained_cached_and_renewed() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let (id, host) = meeting_in_progress(&client, 4).await;
    let control = client.conference(&id, host.as_str());
    control
        .delete_attendees()
        .conference_id(&id)
        .body(removal("+8613800000000"))
        .send()
        .await
        .unwrap();
    // Another handle for the same meeting shares the cached token.
    let again = client.conference(&id, host.as_str());
    again
        .delete_attendees()
        .conference_id(&id)
        .body(removal("+8613800000001"))
        .send()
        .await
        .unwrap();
    assert_eq!(sim.count("create_conf_token"), 1);
    // Control operations carry the control token, not the access token: no extra auth.
    assert_eq!(sim.count(AUTH), 1);

    // Rejected (expired) control token: renewed once and the call replayed.
    sim.expire_conference_tokens();
    control
        .delete_attendees()
        .conference_id(&id)
        .body(removal("+8613800000002"))
        .send()
        .await
        .unwrap();
    assert_eq!(sim.count("create_conf_token"), 2);
    assert_eq!(
        sim.requests()
            .iter()
            .filter(|r| r.operation == "delete_attendees" && r.status == 401)
            .count(),
        1
    );
}

#[tokio::test]
async fn control_token_is_renewed_before_it_expires() {
    let sim = Simulator::builder()
        .conference_token_validity(Duration::from_secs(600))
        .start()
        .await
        .unwrap();
    let client = sim.client_builder().build().unwrap();
    let (id, host) = meeting_in_progress(&client, 2).await;
    let control = client.conference(&id, host.as_str());
    control
        .delete_attendees()
        .conference_id(&id)
        .body(removal("+8613800000000"))
        .send()
        .await
        .unwrap();
    // Renewal is due a tenth of the lifetime before expiry (9 minutes in).
    sim.advance(Duration::from_secs(9 * 60 + 10));
    control
        .delete_attendees()
        .conference_id(&id)
        .body(removal("+8613800000001"))
        .send()
        .await
        .unwrap();
    assert_eq!(sim.count("create_conf_token"), 2);
    assert!(sim.requests().iter().all(|r| r.status == 200), "{:?}", sim.requests());
}

#[tokio::test]
async fn control_operations_need_a_conference_handle_for_the_same_meeting() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    // `client.delete_attendees()` does not compile (the compile_fail example of
    // `Conference`); a handle of another meeting is refused before anything is sent.
    let other = client.conference("2", "pw");
    let error = other
        .delete_attendees()
        .conference_id("1")
        .body(removal("+1"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Config(m) if m.contains("\"1\"") && m.contains("\"2\"")),
        "{error}"
    );
    assert!(sim.requests().is_empty());
}

#[tokio::test]
async fn wrong_host_password_is_an_auth_error() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let (id, _) = meeting_in_progress(&client, 1).await;
    let control = client.conference(&id, "000000x");
    let error = control
        .delete_attendees()
        .conference_id(&id)
        .body(removal("+8613800000000"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Token(failed) if failed.operation == "create_conf_token")
            && error.kind() == ErrorKind::CredentialsRejected
            && error.code() == Some(&ErrorCode::MeetingNotFoundOrAuthFailed),
        "{error:?}"
    );
    assert_eq!(sim.count("delete_attendees"), 0);
}
