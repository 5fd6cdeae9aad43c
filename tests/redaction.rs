//! No secret (app key, password, access token, control token, meeting password) appears in
//! tracing output at TRACE level, in Debug output of clients, builders, responses and
//! errors, or in error messages.

use std::io::Write;
use std::sync::{Arc, Mutex};

use huaweicloud_meeting::Credentials;
use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{
    DelAttendInfo, RestAttendeeDto, RestBulkDelAttendReqBody, RestScheduleConfDto, StartRequest,
};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const APP_KEY: &str = "app-key-SECRET-1";
const ACCOUNT_PASSWORD: &str = "account-password-SECRET-2";

#[tokio::test]
async fn secrets_never_appear_in_logs_debug_or_errors() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .without_time()
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut debug = String::new();

    let sim = Simulator::builder()
        .app("app-id", APP_KEY)
        .account("admin@corp", ACCOUNT_PASSWORD)
        .start()
        .await
        .unwrap();
    let client = sim
        .client_builder()
        .credentials(Credentials::app_id("app-id", APP_KEY))
        .build()
        .unwrap();
    debug += &format!("{client:?}\n");

    let body = RestScheduleConfDto::builder()
        .subject("secret test".to_owned())
        .media_types("HDVideo")
        .start_time("2030-01-01 08:00".to_owned())
        .attendees(vec![RestAttendeeDto::builder().phone("+8613800000001")]);
    let created = client.create_meeting().body(body).send().await.unwrap();
    debug += &format!("{created:?}\n");
    let info = &created.into_inner()[0];
    let id = info.conference_id.clone().unwrap();
    let passwords: Vec<String> = info
        .password_entry
        .iter()
        .flatten()
        .filter_map(|p| p.password.as_ref().map(|p| p.expose().to_owned()))
        .collect();
    let host = passwords[0].clone();

    let start = client
        .start_meeting()
        .body(StartRequest::builder().conference_id(id.clone()).password(host.clone()));
    debug += &format!("{start:?}\n");
    start.send().await.unwrap();

    let control = client.conference(&id, host.as_str());
    debug += &format!("{control:?}\n");
    let removal = RestBulkDelAttendReqBody::builder()
        .bulk_del_attend_info(vec![DelAttendInfo::builder().number("+8613800000001")]);
    control
        .delete_attendees()
        .conference_id(&id)
        .body(removal)
        .send()
        .await
        .unwrap();

    // A rejected control call and a rejected authentication: their errors must not leak either.
    let wrong = client.conference(&id, "999999");
    let error = wrong
        .delete_attendees()
        .conference_id(&id)
        .body(RestBulkDelAttendReqBody::builder().bulk_del_attend_info(Vec::<DelAttendInfo>::new()))
        .send()
        .await
        .unwrap_err();
    debug += &format!("{error:?}\n{error}\n");
    let account = sim
        .client_builder()
        .credentials(Credentials::account("admin@corp", ACCOUNT_PASSWORD))
        .build()
        .unwrap();
    account.search_meetings().send().await.unwrap();
    debug += &format!("{account:?}\n");
    let bad = sim
        .client_builder()
        .credentials(Credentials::account("admin@corp", "wrong-password-SECRET-3"))
        .build()
        .unwrap();
    let error = bad.search_meetings().send().await.unwrap_err();
    debug += &format!("{error:?}\n{error}\n");

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("huaweicloud_meeting.call"), "the calls were traced");
    assert!(
        logs.contains("operation=\"start_meeting\""),
        "spans carry the operation id"
    );

    let mut secrets: Vec<String> = vec![
        APP_KEY.into(),
        ACCOUNT_PASSWORD.into(),
        "wrong-password-SECRET-3".into(),
    ];
    secrets.extend(passwords);
    secrets.extend(sim.issued_tokens());
    assert!(
        sim.issued_tokens().len() >= 3,
        "access tokens and a control token were issued"
    );
    for secret in &secrets {
        assert!(!contains_token(&logs, secret), "secret {secret:?} leaked into the logs");
        assert!(
            !contains_token(&debug, secret),
            "secret {secret:?} leaked into Debug/Display output"
        );
    }
    // The check itself finds a secret where one is.
    assert!(contains_token("x-password: 123456\n", "123456"));
}

/// Whether `needle` occurs as a whole word (meeting passwords are six digits: inside a
/// longer number or a hex request id they are not a leak).
fn contains_token(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}
