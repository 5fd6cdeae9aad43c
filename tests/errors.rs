//! Error bodies of every shape the service (or a gateway in front of it) sends, mapped to
//! [`Error`] through the generated client; and invalid input caught before sending.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use huaweicloud_meeting::simulator::{Fault, Simulator};
use huaweicloud_meeting::types::RestScheduleConfDto;
use huaweicloud_meeting::{Client, Credentials, Error, ErrorCode, RetryConfig};

/// A server answering every request with this status, content type and body.
async fn answering(status: u16, content_type: &'static str, body: &'static str) -> Client {
    let app = axum::Router::new().fallback(move || async move {
        let mut response: Response = (StatusCode::from_u16(status).unwrap(), body).into_response();
        response
            .headers_mut()
            .insert("content-type", HeaderValue::from_static(content_type));
        response.headers_mut().insert(
            HeaderName::from_static("x-request-id"),
            HeaderValue::from_static("hdr-request-id"),
        );
        response
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Client::builder()
        .endpoint(format!("http://{addr}"))
        .credentials(Credentials::access_token("token"))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
}

async fn error_for(status: u16, content_type: &'static str, body: &'static str) -> Error {
    let client = answering(status, content_type, body).await;
    client
        .cancel_meeting()
        .conference_id("914087436")
        .send()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn mmc_error_body() {
    let e = error_for(
        400,
        "application/json",
        r#"{"error_code":"MMC.111070005","error_msg":"CONF_DATA_NOT_FOUND"}"#,
    )
    .await;
    assert!(e.is_not_found());
    assert_eq!(e.code(), Some(&ErrorCode::MeetingNotFound));
    assert_eq!(e.message(), Some("CONF_DATA_NOT_FOUND"));
    assert_eq!(
        e.request_id(),
        Some("hdr-request-id"),
        "falls back to the X-Request-Id header"
    );
    assert_eq!(e.status(), Some(400));
    assert!(!e.is_retryable());
    assert_eq!(
        e.to_string(),
        "HTTP 400 MMC.111070005: CONF_DATA_NOT_FOUND [request id hdr-request-id]"
    );
}

#[tokio::test]
async fn usg_error_body_with_request_id() {
    let e = error_for(
        401,
        "application/json",
        r#"{"error_code":"USG.000000004","error_msg":"token invalid","request_id":"body-id"}"#,
    )
    .await;
    assert!(e.is_auth());
    assert_eq!(e.request_id(), Some("body-id"), "the body's id wins");
}

#[tokio::test]
async fn camel_case_error_body() {
    let e = error_for(
        403,
        "application/json;charset=UTF-8",
        r#"{"errorCode":"USG.201040000","errorMsg":"no such user"}"#,
    )
    .await;
    assert_eq!(e.code(), Some(&ErrorCode::UserNotFound));
    assert_eq!(e.message(), Some("no such user"));
}

#[tokio::test]
async fn nested_code_and_message_body() {
    let e = error_for(
        500,
        "application/json",
        r#"{"result":{"error":{"code":"MMC.11070003","message":"CONF_EXCEPTION"}}}"#,
    )
    .await;
    assert_eq!(e.code(), Some(&ErrorCode::Other("MMC.11070003".into())));
    assert_eq!(e.message(), Some("CONF_EXCEPTION"));
}

#[tokio::test]
async fn rate_limit_code_and_status() {
    let e = error_for(
        429,
        "application/json",
        r#"{"error_code":"100000429","error_msg":"flow control"}"#,
    )
    .await;
    assert!(e.is_rate_limited());
    assert!(e.is_retryable());
}

#[tokio::test]
async fn html_gateway_page() {
    let e = error_for(502, "text/html", "<html><body>502 Bad Gateway</body></html>").await;
    let service = e.service_error().expect("still a service error");
    assert_eq!(
        (service.status, service.code.as_ref(), service.body_was_json),
        (502, None, false)
    );
    assert_eq!(service.message, "<html><body>502 Bad Gateway</body></html>");
    assert_eq!(e.request_id(), Some("hdr-request-id"));
    assert!(e.is_retryable());
}

#[tokio::test]
async fn empty_error_body() {
    let e = error_for(500, "application/json", "").await;
    let service = e.service_error().expect("still a service error");
    assert_eq!(
        (service.status, service.message.as_str(), service.body_was_json),
        (500, "", false)
    );
}

#[tokio::test]
async fn huge_non_json_body_is_cut() {
    static BODY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body: &'static str = BODY.get_or_init(|| "x".repeat(100_000));
    let e = error_for(503, "text/plain", body).await;
    assert!(e.message().unwrap().len() < 600);
}

#[tokio::test]
async fn malformed_success_body_is_a_decode_error() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    sim.inject("search_meetings", Fault::MalformedBody);
    let e = client.search_meetings().send().await.unwrap_err();
    assert!(
        matches!(&e, Error::Decode { snippet, .. } if snippet.starts_with("{\"conferenceID\"")),
        "{e:?}"
    );
}

#[tokio::test]
async fn invalid_input_names_the_field_and_nothing_is_sent() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let body = RestScheduleConfDto::builder().media_types("HDVideo").length(Some(10));
    let e = client.create_meeting().body(body).send().await.unwrap_err();
    let Error::InvalidInput { field, reason } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(field, "body.length");
    assert!(reason.contains("minimum of 15"), "{reason}");
    assert_eq!(e.to_string(), format!("invalid input: `body.length` {reason}"));
    // A parameter is quoted once.
    let e = client.search_meetings().limit(600).send().await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid input: query parameter `limit` 600 is greater than the maximum of 500"
    );
    // Missing required builder value.
    let e = client.cancel_meeting().send().await.unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, reason } if field == "query parameter `conferenceID`" && reason == "is required but was not set"),
        "{e:?}"
    );
    // A required body field never set: the body builder's error, the field in the API's spelling.
    let e = client
        .create_meeting()
        .body(RestScheduleConfDto::builder().length(Some(60)))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, reason } if field == "body" && reason == "`mediaTypes` is required but was not set"),
        "{e:?}"
    );
    // A header value no header can carry.
    let e = client
        .cancel_meeting()
        .conference_id("914087436")
        .x_site_id("a\nb")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, reason } if field == "header parameter `X-Site-Id`" && reason == "is not a valid header value"),
        "{e:?}"
    );
    // Query parameter out of range.
    let e = client.search_meetings().limit(501).send().await.unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, reason } if field == "query parameter `limit`" && reason.contains("500")),
        "{e:?}"
    );
    // Validation runs in `pre`, before any token fetch: nothing reached the simulator.
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
}
