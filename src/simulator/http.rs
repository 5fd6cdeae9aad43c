//! The HTTP front of the simulator: each request is logged, gets its injected fault, and is
//! handed to the service under its lock; what the service queued to send outwards leaves
//! after the lock is released.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;

use super::api::FilePart;
use super::log::{LoggedRequest, logged_body};
use super::{Fault, delivery, service, wire};

pub(super) struct Shared {
    /// The service's clock (shared with it and with the clients of `client_builder`).
    pub(super) clock: crate::clock::OffsetClock,
    /// POSTs to URLs outside the simulator, sent outside the service's lock.
    pub(super) outbound: Arc<delivery::Outbound>,
    pub(super) service: Mutex<service::Service>,
    pub(super) faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    pub(super) log: Mutex<Vec<LoggedRequest>>,
}

/// A recording file: `GET /simulator/recordings/<confUUID>/<fileType>.mp4` with its download
/// token as `Authorization`.
pub(super) async fn download(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path((conf_uuid, file)): axum::extract::Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let token = wire::header(&headers, "authorization");
    shared
        .service
        .lock()
        .expect("service lock")
        .download(&conf_uuid, &file, token.as_deref())
}

/// A profile picture: `GET /simulator/profile-images/<user id>`.
pub(super) async fn profile_image(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path(user_id): axum::extract::Path<String>,
) -> Response {
    shared.service.lock().expect("service lock").profile_image(&user_id)
}

/// A material's picture: `GET /simulator/materials/<id>`.
pub(super) async fn material(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    shared.service.lock().expect("service lock").material(&id)
}

pub(super) async fn dispatch(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let operation = service::route(&method, uri.path());
    // Logged on arrival (status 0 until answered), so a call the client gave up on shows.
    let entry = {
        let mut log = shared.log.lock().expect("log lock");
        log.push(LoggedRequest {
            operation: operation.map_or("unknown", |op| op.id),
            method: method.to_string(),
            uri: uri.to_string(),
            status: 0,
            body: logged_body(operation, &body),
        });
        log.len() - 1
    };
    let fault = operation.and_then(|op| {
        let mut faults = shared.faults.lock().expect("faults lock");
        faults.get_mut(op.id).and_then(VecDeque::pop_front)
    });
    let mut drop_connection = false;
    let mut malformed = false;
    let response = match fault {
        Some(Fault::Status(status)) => Some(wire::error(status, "SIM.FAULT", "injected fault", operation)),
        Some(Fault::RateLimited { retry_after_secs }) => {
            let mut r = wire::error(429, "100000429", "flow control", operation);
            r.headers_mut().insert("retry-after", retry_after_secs.into());
            r.headers_mut().insert(
                "x-apig-ratelimit-api",
                axum::http::HeaderValue::from_static("remain:0,limit:100,time:1 minute"),
            );
            Some(r)
        }
        Some(Fault::HtmlError(status)) => Some(wire::raw(
            status,
            "text/html",
            "<html><body><h1>502 Bad Gateway</h1>api-gateway</body></html>",
        )),
        Some(Fault::EmptyError(status)) => Some(wire::raw(status, "application/json;charset=UTF-8", "")),
        Some(Fault::Redirect { status, location }) => {
            let mut r = wire::raw(status, "text/plain", "");
            match axum::http::HeaderValue::from_str(&location) {
                Ok(value) => {
                    r.headers_mut().insert("location", value);
                }
                Err(_) => tracing::warn!(%location, "the redirect location is not a header value"),
            }
            Some(r)
        }
        Some(Fault::Delay(delay)) => {
            // On the simulator's clock: a test can let the delay pass with `advance`.
            let clock: &dyn crate::Clock = &shared.clock;
            clock.sleep_until(clock.now() + delay).await;
            None
        }
        Some(Fault::DropConnection) => {
            drop_connection = true;
            None
        }
        Some(Fault::MalformedBody) => {
            malformed = true;
            None
        }
        Some(Fault::ExpireToken) => {
            shared.service.lock().expect("service lock").expire_presented(&headers);
            None
        }
        None => None,
    };
    let parts = file_parts(&headers, &body).await;
    let response = response.unwrap_or_else(|| {
        let query: Vec<(String, String)> = uri
            .query()
            .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let (response, outgoing) = {
            let mut service = shared.service.lock().expect("service lock");
            let arrived = service::Arrived {
                method: &method,
                path: uri.path(),
                query: &query,
                headers: &headers,
                body: &body,
                parts: &parts,
            };
            let response = service.handle(operation, &arrived);
            (response, service.take_outgoing())
        };
        shared.outbound.send(outgoing);
        response
    });
    let mut response = if malformed && response.status().is_success() {
        let mut r = wire::raw(200, "application/json;charset=UTF-8", "{\"conferenceID\": \"9140");
        *r.headers_mut() = response.headers().clone();
        r
    } else {
        response
    };
    if !drop_connection && let Some(logged) = shared.log.lock().expect("log lock").get_mut(entry) {
        logged.status = response.status().as_u16();
    }
    if drop_connection {
        // A body that fails after its first bytes: hyper aborts the connection.
        let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(Bytes::from_static(b"[{\"conferenceID\"")),
            Err(std::io::Error::other("connection dropped")),
        ];
        response.headers_mut().remove(axum::http::header::CONTENT_LENGTH);
        *response.body_mut() = Body::from_stream(futures::stream::iter(chunks));
    }
    response
}

/// The parts of a `multipart/form-data` body (none for another body, or one that does not
/// parse: the operation's input then names the part it lacks).
async fn file_parts(headers: &HeaderMap, body: &Bytes) -> Vec<FilePart> {
    let boundary = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok());
    let Some(boundary) = boundary else { return Vec::new() };
    let chunks = futures::stream::once(std::future::ready(Ok::<_, std::convert::Infallible>(body.clone())));
    let mut multipart = multer::Multipart::new(chunks, boundary);
    let mut parts = Vec::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let Ok(bytes) = field.bytes().await else { break };
        parts.push(FilePart {
            name,
            file_name,
            content_type,
            bytes,
        });
    }
    parts
}
