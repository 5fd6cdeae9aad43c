//! The error every `send()` returns: typed straight from the call, causes kept as `source()`,
//! nothing lost through `?` into anyhow or `Box<dyn Error>`.

mod common;

use std::time::Duration;

use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::{Client, Credentials, DispatchError, Error, ErrorCode, RetryConfig};

/// A listener that accepts connections and never answers.
async fn silent_endpoint() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (url, task)
}

fn app_id_client(endpoint: &str) -> huaweicloud_meeting::ClientBuilder {
    Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::app_id("app", "key"))
        .retry(RetryConfig::disabled())
}

/// The reqwest::Error at the bottom of the chain of `source()`s.
fn root_reqwest_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a reqwest::Error> {
    let mut current = Some(error);
    let mut found = None;
    while let Some(e) = current {
        if let Some(r) = e.downcast_ref::<reqwest::Error>() {
            found = Some(r);
        }
        current = e.source();
    }
    found
}

#[tokio::test]
async fn refused_connection_while_obtaining_a_token_keeps_the_reqwest_error() {
    let client = app_id_client(&common::closed_port_url()).build().unwrap();
    let error = client.search_meetings().send().await.unwrap_err();
    assert!(matches!(&error, Error::Token(_)), "{error:?}");
    // No answer is no refusal: not an authentication failure, a connection failure.
    assert!(!error.is_auth() && error.is_connect() && !error.is_timeout(), "{error}");
    let cause = root_reqwest_error(&error).expect("a reqwest::Error in the source chain");
    assert!(cause.is_connect());
    assert_eq!(error.transport_error().map(reqwest::Error::is_connect), Some(true));
    // Nothing answered, so nothing pretends to have answered.
    assert_eq!(error.status(), None);
    assert!(!error.to_string().contains("HTTP 5"), "{error}");
}

#[tokio::test]
async fn timeout_while_obtaining_a_token_is_told_apart_from_a_refusal() {
    let (url, server) = silent_endpoint().await;
    let client = app_id_client(&url).timeout(Duration::from_millis(300)).build().unwrap();
    let error = client.search_meetings().send().await.unwrap_err();
    assert!(matches!(&error, Error::Token(_)), "{error:?}");
    assert!(error.is_timeout() && !error.is_connect(), "{error}");
    // The client's own attempt timeout (on its clock) ran out, before reqwest's backstop.
    let Error::Token(failed) = &error else { unreachable!() };
    assert!(
        matches!(&*failed.cause, Error::Dispatch(DispatchError::TimedOut { after, .. }) if *after == Duration::from_millis(300)),
        "{error:?}"
    );
    server.abort();
}

#[tokio::test]
async fn bad_input_is_refused_before_sending_with_the_field_named() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    client.authenticate().await.unwrap();
    sim.clear_log();
    let error = client
        .cancel_meeting()
        .conference_id("914087436")
        .type_(7)
        .send()
        .await
        .unwrap_err();
    let Error::InvalidInput { field, reason } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(field, "query parameter `type`");
    assert!(!reason.is_empty());
    assert!(
        error.to_string().starts_with("invalid input: query parameter `type` "),
        "{error}"
    );
    // A required parameter that was never set: progenitor's builder error, field named too.
    let error = client.cancel_meeting().send().await.unwrap_err();
    assert!(
        matches!(&error, Error::InvalidInput { field, .. } if field == "query parameter `conferenceID`"),
        "{error:?}"
    );
    assert!(sim.requests().is_empty(), "nothing was sent: {:?}", sim.requests());
}

#[tokio::test]
async fn an_unknown_meeting_is_matched_straight_from_send() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    match client.cancel_meeting().conference_id("100000000").send().await {
        Err(e) if e.is_not_found() => {
            assert_eq!(e.code(), Some(&ErrorCode::MeetingNotFound));
            assert_eq!(e.status(), Some(400));
            assert!(e.message().is_some_and(|m| !m.is_empty()));
            assert!(e.request_id().is_some());
            assert!(!e.is_retryable() && !e.is_auth() && !e.is_timeout());
        }
        other => panic!("expected not found, got {other:?}"),
    }
}

async fn cancel_unknown(client: &Client) -> anyhow::Result<()> {
    client.cancel_meeting().conference_id("100000000").send().await?;
    Ok(())
}

async fn cancel_unknown_boxed(client: &Client) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    client.cancel_meeting().conference_id("100000000").send().await?;
    Ok(())
}

#[tokio::test]
async fn nothing_is_lost_through_anyhow_or_a_boxed_error() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();

    let error = cancel_unknown(&client).await.unwrap_err();
    let text = error.to_string();
    let typed = error
        .downcast_ref::<Error>()
        .expect("downcasts to huaweicloud_meeting::Error");
    let request_id = typed.request_id().expect("request id").to_owned();
    for part in [
        "HTTP 400",
        "MMC.111070005",
        typed.message().unwrap(),
        request_id.as_str(),
    ] {
        assert!(text.contains(part), "{text:?} lacks {part:?}");
    }
    assert!(typed.is_not_found());

    let boxed = cancel_unknown_boxed(&client).await.unwrap_err();
    let typed = boxed.downcast_ref::<Error>().expect("downcasts from Box<dyn Error>");
    assert_eq!(typed.code(), Some(&ErrorCode::MeetingNotFound));

    // A transport failure through anyhow keeps its reqwest::Error.
    let unreachable = Client::builder()
        .endpoint(common::closed_port_url())
        .credentials(Credentials::access_token("token"))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let error = cancel_unknown(&unreachable).await.unwrap_err();
    assert!(error.downcast_ref::<Error>().is_some_and(Error::is_connect));
    assert!(
        error
            .chain()
            .any(|cause| cause.downcast_ref::<reqwest::Error>().is_some())
    );
}
