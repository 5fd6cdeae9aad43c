//! A hostile or broken endpoint: redirects never carry credentials elsewhere, bodies are
//! capped, certificate errors fail at once.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::response::Response;
use huaweicloud_meeting::simulator::{Fault, MAX_REQUEST_BODY, Simulator};
use huaweicloud_meeting::types::{DelAttendInfo, RestBulkDelAttendReqBody};
use huaweicloud_meeting::{
    Client, Credentials, DEFAULT_MAX_RESPONSE_BODY, DispatchError, Error, ErrorKind, RetryConfig,
};

/// A capture server on another loopback address (another origin than the simulator's).
async fn other_origin() -> (String, common::Capture) {
    common::capture_server_on("127.0.0.2").await
}

/// The simulator answers the next call of `operation` with a redirect to `location`.
fn redirect(sim: &Simulator, operation: &str, status: u16, location: impl Into<String>) {
    let location = location.into();
    sim.inject(operation, Fault::Redirect { status, location });
}

fn removal() -> RestBulkDelAttendReqBody {
    RestBulkDelAttendReqBody::builder()
        .bulk_del_attend_info(vec![DelAttendInfo::builder().number("+1")])
        .try_into()
        .unwrap()
}

fn assert_redirect_refused(error: &Error, status: u16, location_part: &str) {
    let redirect = match error {
        Error::Token(failed) => &*failed.cause,
        other => other,
    };
    assert!(
        matches!(redirect, Error::Dispatch(DispatchError::Redirected { status: s, location: Some(l) }) if *s == status && l.contains(location_part)),
        "{error:?}"
    );
    assert!(error.to_string().contains(location_part), "{error}");
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_refused_and_carries_no_credential() {
    let sim = Simulator::start().await.unwrap();
    let (elsewhere, capture) = other_origin().await;
    let client = sim.client_builder().build().unwrap();
    client.authenticate().await.unwrap();
    redirect(
        &sim,
        "search_meetings",
        307,
        format!("{elsewhere}/v1/mmc/management/conferences"),
    );
    let error = client.search_meetings().send().await.unwrap_err();
    assert_redirect_refused(&error, 307, "127.0.0.2");

    // The host password (create_conf_token) is not carried either.
    redirect(
        &sim,
        "create_conf_token",
        302,
        format!("{elsewhere}/v1/mmc/control/conferences/token?conferenceID=914087436"),
    );
    let error = client
        .conference("914087436", "host-password")
        .delete_attendees()
        .conference_id("914087436")
        .body(removal())
        .send()
        .await
        .unwrap_err();
    assert_redirect_refused(&error, 302, "127.0.0.2");
    assert!(capture.take().is_empty(), "nothing reached the other origin");
}

#[tokio::test]
async fn a_redirect_on_the_same_origin_is_not_followed_either() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    client.authenticate().await.unwrap();
    sim.clear_log();
    redirect(&sim, "search_meetings", 301, "/v1/mmc/management/conferences?offset=0");
    let error = client.search_meetings().send().await.unwrap_err();
    assert_redirect_refused(&error, 301, "/v1/mmc/management/conferences");
    assert_eq!(
        sim.count("search_meetings"),
        1,
        "one request, no second one to the Location"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn an_https_endpoint_redirecting_to_http_is_refused() {
    let sim = Simulator::builder().tls(true).start().await.unwrap();
    let (elsewhere, capture) = other_origin().await;
    assert!(elsewhere.starts_with("http://"));
    let client = sim.client_builder().build().unwrap();
    redirect(
        &sim,
        "create_app_id_token",
        308,
        format!("{elsewhere}/v2/usg/acs/auth/appauth"),
    );
    let error = client.search_meetings().send().await.unwrap_err();
    assert_redirect_refused(&error, 308, "http://127.0.0.2");
    assert!(
        capture.take().is_empty(),
        "the signed request did not go over plain http"
    );
}

#[tokio::test]
async fn with_a_caller_supplied_client_that_follows_redirects_an_answer_from_elsewhere_is_refused() {
    let sim = Simulator::start().await.unwrap();
    let (elsewhere, capture) = other_origin().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let following = reqwest::Client::builder().build().unwrap(); // reqwest's default: follows
    let client = Client::builder()
        .endpoint(sim.base_url())
        .credentials(Credentials::access_token("caller-token"))
        .http_client(following)
        .build()
        .unwrap();
    redirect(
        &sim,
        "search_meetings",
        307,
        format!("{elsewhere}/v1/mmc/management/conferences"),
    );
    let error = client.search_meetings().send().await.unwrap_err();
    assert_redirect_refused(&error, 200, "127.0.0.2");
    // reqwest followed it (the docs of `http_client` say to disable that); the answer from
    // the other origin was not accepted.
    assert_eq!(capture.take().len(), 1);
}

/// `Client` cannot be made outside the builder (the compile_fail doctest of
/// `ClientBuilder::build` shows `Client::new_with_client` is not callable), so the builder's
/// rule holds for every client: plain http only on loopback.
#[test]
fn the_builder_is_the_only_constructor_and_keeps_its_rule() {
    let error = Client::builder()
        .endpoint("http://api.meeting.huaweicloud.com")
        .credentials(Credentials::access_token("t"))
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("must use https"), "{error}");
}

/// Peak resident memory since the last reset, in bytes (Linux: VmHWM, reset by clear_refs).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

/// A server answering every request with `status` and a body of zeros: `declared` bytes
/// with a Content-Length, or endless without one. Counts the bytes it managed to send.
async fn flooding_server(status: u16, declared: Option<u64>) -> (String, Arc<AtomicU64>) {
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let app = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            const CHUNK: usize = 64 * 1024;
            let limit = declared.unwrap_or(u64::MAX);
            let chunks = futures::stream::unfold(0u64, move |done| {
                let counter = counter.clone();
                async move {
                    if done >= limit {
                        return None;
                    }
                    let n = (limit - done).min(CHUNK as u64);
                    counter.fetch_add(n, Ordering::Relaxed);
                    Some((Ok::<_, std::io::Error>(Bytes::from(vec![b'0'; n as usize])), done + n))
                }
            });
            let mut response = Response::new(Body::from_stream(chunks));
            *response.status_mut() = axum::http::StatusCode::from_u16(status).unwrap();
            response
                .headers_mut()
                .insert("content-type", "application/json".parse().unwrap());
            if let Some(length) = declared {
                response.headers_mut().insert("content-length", length.into());
            }
            response
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, sent)
}

/// The call's error, within a minute (an endless body must not hang the suite).
async fn call_error(client: Client) -> Error {
    tokio::time::timeout(Duration::from_secs(60), client.search_meetings().send())
        .await
        .expect("the call ends within a minute")
        .unwrap_err()
}

fn client_for(url: &str) -> huaweicloud_meeting::ClientBuilder {
    Client::builder()
        .endpoint(url)
        .credentials(Credentials::access_token("token"))
}

#[tokio::test]
async fn huge_and_endless_bodies_fail_after_at_most_the_cap_with_memory_bounded() {
    const GIB: u64 = 1024 * 1024 * 1024;
    let cap = DEFAULT_MAX_RESPONSE_BODY as u64;
    reset_peak_rss();
    let before = peak_rss();

    // 1 GiB declared: refused on the Content-Length, without reading it.
    let (url, sent) = flooding_server(200, Some(GIB)).await;
    let error = call_error(client_for(&url).build().unwrap()).await;
    assert!(
        matches!(error, Error::Dispatch(DispatchError::ResponseTooLarge { status: 200, limit }) if limit as u64 == cap),
        "{error:?}"
    );
    assert!(
        sent.load(Ordering::Relaxed) < GIB / 4,
        "the client did not read the body"
    );

    // Endless success and error bodies (chunked, no length): at most the cap is read.
    for status in [200, 500] {
        let (url, sent) = flooding_server(status, None).await;
        let error = call_error(client_for(&url).build().unwrap()).await;
        assert!(
            matches!(error, Error::Dispatch(DispatchError::ResponseTooLarge { status: s, .. }) if s == status),
            "{error:?}"
        );
        assert!(error.to_string().contains("exceeds"), "{error}");
        // The server could push the cap plus what the socket buffers hold, then the
        // connection was dropped.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let pushed = sent.load(Ordering::Relaxed);
        assert!(
            pushed >= cap && pushed < cap + 32 * 1024 * 1024,
            "server pushed {pushed} bytes"
        );
    }

    // A smaller cap, configured on the builder.
    let (url, _) = flooding_server(200, None).await;
    let error = call_error(client_for(&url).max_response_body(64 * 1024).build().unwrap()).await;
    assert!(
        matches!(
            error,
            Error::Dispatch(DispatchError::ResponseTooLarge { limit: 65536, .. })
        ),
        "{error:?}"
    );

    let growth = peak_rss().saturating_sub(before);
    println!("peak RSS growth: {} MiB", growth / (1024 * 1024));
    assert!(growth < 100 * 1024 * 1024, "peak RSS grew by {growth} bytes");
}

#[tokio::test]
async fn the_simulator_refuses_request_bodies_over_its_cap() {
    let sim = Simulator::start().await.unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::new()
        .post(format!("{}/v1/mmc/management/conferences", sim.base_url()))
        .header("content-type", "application/json")
        .body(vec![b' '; MAX_REQUEST_BODY + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

/// Counts TCP connections and forwards them to `target`.
async fn counting_proxy(target: std::net::SocketAddr) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    (url, connections)
}

#[tokio::test]
async fn a_certificate_error_fails_at_once_with_one_connection() {
    let sim = Simulator::builder().tls(true).start().await.unwrap();
    let (url, connections) = counting_proxy(sim.addr()).await;
    // Retries are on (3 attempts); the simulator's CA is not trusted.
    let client = client_for(&url)
        .retry(RetryConfig::default().with_backoff(Duration::from_millis(10), Duration::from_millis(10)))
        .build()
        .unwrap();
    let error = client.search_meetings().send().await.unwrap_err();
    assert!(error.kind() == ErrorKind::Tls && error.is_tls(), "{error:?}");
    assert!(error.to_string().contains("certificate"), "{error}");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "no retry of a certificate error");
    assert!(sim.requests().is_empty());
    // A refused connection keeps its retries.
    let refused = Client::builder()
        .endpoint(common::closed_port_url())
        .credentials(Credentials::access_token("token"))
        .retry(RetryConfig::default().with_backoff(Duration::from_millis(10), Duration::from_millis(10)))
        .build()
        .unwrap();
    let error = refused.search_meetings().send().await.unwrap_err();
    assert!(
        matches!(&error, Error::Dispatch(e @ DispatchError::NoAnswer { .. }) if e.attempts() == 3),
        "{error:?}"
    );
}
