//! What every simulated response shares: the gateway's headers, request ids, JSON and error
//! bodies, and the helpers handlers use to read a call.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use rand::Rng as _;
use rand::distr::Alphanumeric;

use crate::ErrorCode;
use crate::operations::{ErrorFormat, OperationMeta};
use crate::types::ErrorResponse;

/// An error the service answers with `{"error_code", "error_msg"}`.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: u16,
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(status: u16, code: ErrorCode, message: impl Into<String>) -> Self {
        Failure {
            status,
            code,
            message: message.into(),
        }
    }
}

pub(crate) fn fail(status: u16, code: ErrorCode, message: impl Into<String>) -> Failure {
    Failure::new(status, code, message)
}

/// The code for a rule Huawei documents no code for, in the meeting APIs (see the module
/// documentation).
pub(crate) fn bad_request(message: impl Into<String>) -> Failure {
    fail(400, ErrorCode::BadRequest, message)
}

/// The code for a rule Huawei documents no code for, in the USG (user and enterprise) APIs.
pub(crate) fn bad_parameter(message: impl Into<String>) -> Failure {
    fail(400, ErrorCode::Other("USG.000000001".into()), message)
}

/// The service's times: `yyyy-MM-dd HH:mm`, UTC.
pub(crate) const MINUTE: &str = "%Y-%m-%d %H:%M";

/// A time as the service writes it (`yyyy-MM-dd HH:mm`, UTC).
pub(crate) fn parse_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::NaiveDateTime::parse_from_str(text, MINUTE)
        .ok()
        .map(|t| t.and_utc())
}

/// A random six-digit password, as the service makes them.
pub(crate) fn six_digits() -> String {
    use rand::Rng as _;
    format!("{:06}", rand::rng().random_range(0..1_000_000))
}

/// A meeting that is not in progress, for an operation that needs one.
pub(crate) fn not_in_progress() -> Failure {
    fail(400, ErrorCode::MeetingNotInProgress, "The meeting is not in progress")
}

/// A count or page bound as the service's int32 fields carry it.
pub(crate) fn int32(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

/// `offset` and `limit` of a paged read, with the service's defaults.
pub(crate) fn page(offset: Option<i32>, limit: Option<i32>, default_limit: i32) -> (i64, i64) {
    let offset = i64::from(offset.unwrap_or(0).max(0));
    let limit = i64::from(limit.unwrap_or(default_limit).max(0));
    (offset, limit)
}

/// The items of one page.
pub(crate) fn paged<T>(items: impl Iterator<Item = T>, offset: i64, limit: i64) -> impl Iterator<Item = T> {
    items
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
}

/// One page of `items` (a `Vec`, all the matches) as the service's `{offset, limit, count,
/// data}` answer of type `$page`: `count` is all the matches, `data` the page.
macro_rules! page_of {
    ($page:ident, $items:expr, $offset:expr, $limit:expr) => {{
        let items: Vec<_> = $items;
        $page {
            offset: Some($crate::simulator::wire::int32($offset)),
            limit: Some($crate::simulator::wire::int32($limit)),
            count: Some($crate::simulator::wire::int32(items.len())),
            data: Some($crate::simulator::wire::paged(items.into_iter(), $offset, $limit).collect()),
        }
    }};
}
pub(crate) use page_of;

pub(crate) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

pub(crate) fn param(query: &[(String, String)], name: &str) -> Option<String> {
    query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

pub(crate) fn request_id() -> String {
    hex_id()
}

/// 32 random hexadecimal digits, the shape of the service's UUIDs.
pub(crate) fn hex_id() -> String {
    let mut rng = rand::rng();
    (0..32)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).expect("hex digit"))
        .collect()
}

pub(crate) fn random_token(prefix: &str) -> String {
    let tail: String = rand::rng().sample_iter(Alphanumeric).take(40).map(char::from).collect();
    format!("{prefix}{tail}")
}

fn with_common_headers(mut response: Response, request_id: &str) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        "x-request-id",
        HeaderValue::from_str(request_id).expect("hex is a header value"),
    );
    headers.insert(
        "x-apig-ratelimit-api",
        HeaderValue::from_static("remain:99,limit:100,time:1 minute"),
    );
    headers.insert(
        "x-apig-ratelimit-api-allenv",
        HeaderValue::from_static("remain:199,limit:200,time:1 second"),
    );
    headers.insert("server", HeaderValue::from_static("api-gateway"));
    response
}

fn with_status(body: Body, status: u16, content_type: &'static str) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    response
}

const JSON: &str = "application/json;charset=UTF-8";

/// A response with any body.
pub(crate) fn raw(status: u16, content_type: &'static str, body: &'static str) -> Response {
    with_common_headers(with_status(Body::from(body), status, content_type), &request_id())
}

/// A 200 with a file.
pub(super) fn file_response(content: Vec<u8>, content_type: &'static str) -> Response {
    with_common_headers(with_status(Body::from(content), 200, content_type), &request_id())
}

/// A response with a JSON body (or, for `None`, an empty one).
pub(super) fn json_response(status: u16, body: Option<Vec<u8>>, request_id: &str) -> Response {
    let body = body.map_or_else(Body::empty, Body::from);
    with_common_headers(with_status(body, status, JSON), request_id)
}

/// The error body format of the operation (the spec's `x-meeting-error-format`); the API
/// gateway's own errors (no operation) have the meeting-management format.
pub(super) fn error_format(op: Option<&OperationMeta>) -> ErrorFormat {
    op.map_or(ErrorFormat::Mmc, |op| op.error_format)
}

pub(super) fn error_with_id(status: u16, code: &str, message: &str, format: ErrorFormat, request_id: &str) -> Response {
    let body = ErrorResponse {
        error_code: Some(code.to_owned()),
        error_msg: Some(message.to_owned()),
        // Only the USG family repeats the request id in the body.
        request_id: (format == ErrorFormat::Usg).then(|| request_id.to_owned()),
    };
    let bytes = serde_json::to_vec(&body).expect("an error body serialises");
    json_response(status, Some(bytes), request_id)
}

/// An error response as the service writes it for this operation.
pub(crate) fn error(status: u16, code: &str, message: &str, op: Option<&OperationMeta>) -> Response {
    error_with_id(status, code, message, error_format(op), &request_id())
}
