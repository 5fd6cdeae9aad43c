//! What every simulated response shares: the gateway's headers, request ids, JSON and error
//! bodies, and the helpers handlers use to read a call.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use rand::Rng as _;
use rand::distr::Alphanumeric;
use serde::Serialize;
use serde_json::Value;

use crate::operations::{ErrorFormat, OperationMeta};
use crate::types::ErrorResponse;

/// What a handler answers: a JSON body (`Some`), an empty 200 (`None`) or an error.
pub(super) type Outcome = Result<Option<Vec<u8>>, Failure>;

/// An error the service answers with `{"error_code", "error_msg"}`.
#[derive(Debug)]
pub(super) struct Failure {
    pub(super) status: u16,
    pub(super) code: &'static str,
    pub(super) message: String,
}

pub(super) fn fail(status: u16, code: &'static str, message: impl Into<String>) -> Failure {
    Failure {
        status,
        code,
        message: message.into(),
    }
}

/// The code for a rule Huawei documents no code for (see the module documentation).
pub(super) fn bad_request(message: impl Into<String>) -> Failure {
    fail(400, "MMC.111070001", message)
}

/// A 200 with `value` as its JSON body.
pub(super) fn reply<T: Serialize>(value: &T) -> Outcome {
    // The generated types have string keys only, so serialising cannot fail.
    Ok(Some(serde_json::to_vec(value).expect("response types serialise")))
}

/// A count or page bound as the service's int32 fields carry it.
pub(super) fn int32(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

/// `offset` and `limit` of a paged read, with the service's defaults.
pub(super) fn page(call: &Call<'_>, default_limit: i64) -> (i64, i64) {
    let offset = call.int_param("offset").unwrap_or(0).max(0);
    let limit = call.int_param("limit").unwrap_or(default_limit).max(0);
    (offset, limit)
}

/// The items of one page.
pub(super) fn paged<T>(items: impl Iterator<Item = T>, offset: i64, limit: i64) -> impl Iterator<Item = T> {
    items
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
}

/// A call as the handlers see it, after routing, authentication and validation.
pub(super) struct Call<'a> {
    /// The authenticated user; the enterprise's default administrator is "".
    pub(super) user: &'a str,
    pub(super) path: &'a str,
    pub(super) query: &'a [(String, String)],
    pub(super) headers: &'a HeaderMap,
    pub(super) body: &'a [u8],
}

impl Call<'_> {
    pub(super) fn param(&self, name: &str) -> Option<String> {
        param(self.query, name)
    }

    pub(super) fn int_param(&self, name: &str) -> Option<i64> {
        self.param(name).and_then(|v| v.parse().ok())
    }

    /// The last segment of the path, percent-decoded (`{account}`, `{dept_code}`, `{value}`).
    pub(super) fn last_segment(&self) -> String {
        self.path
            .rsplit('/')
            .next()
            .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
            .unwrap_or_default()
    }

    pub(super) fn header(&self, name: &str) -> Option<String> {
        header(self.headers, name)
    }

    /// The body, parsed the way the service does: `null` for an optional field means absent.
    pub(super) fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, Failure> {
        let mut value: Value =
            serde_json::from_slice(self.body).map_err(|e| bad_request(format!("invalid body: {e}")))?;
        crate::validate::drop_nulls(&mut value);
        serde_json::from_value(value).map_err(|e| bad_request(format!("invalid body: {e}")))
    }
}

pub(super) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

pub(super) fn param(query: &[(String, String)], name: &str) -> Option<String> {
    query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

pub(super) fn request_id() -> String {
    hex_id()
}

/// 32 random hexadecimal digits, the shape of the service's UUIDs.
pub(super) fn hex_id() -> String {
    let mut rng = rand::rng();
    (0..32)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).expect("hex digit"))
        .collect()
}

pub(super) fn random_token(prefix: &str) -> String {
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
