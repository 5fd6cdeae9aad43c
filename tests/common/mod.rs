//! Test helpers: a server on 127.0.0.1 that records what arrives and answers canned bodies.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};

/// A request as it arrived.
#[derive(Clone, Debug)]
pub struct Captured {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Method, path, query, headers (secrets and volatile values masked) and JSON body.
    pub fn render(&self) -> String {
        // Every credential's header: those of the spec's security schemes.
        let secret: Vec<String> = spec()["components"]["securitySchemes"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(_, scheme)| match scheme["type"].as_str() {
                Some("http") => "authorization".to_owned(),
                _ => scheme["name"].as_str().unwrap_or_default().to_ascii_lowercase(),
            })
            .collect();
        const VOLATILE: &[&str] = &["host", "content-length", "accept-encoding"];
        let mut out = format!("{} {}", self.method, self.path);
        if let Some(query) = &self.query {
            out.push('?');
            out.push_str(query);
        }
        out.push('\n');
        for (name, value) in &self.headers {
            if VOLATILE.contains(&name.as_str()) {
                continue;
            }
            let value = if secret.iter().any(|s| s == name) {
                mask(value)
            } else {
                value.clone()
            };
            out.push_str(&format!("{name}: {value}\n"));
        }
        let boundary = self
            .header("content-type")
            .and_then(|t| t.split_once("boundary="))
            .map(|(_, b)| b.to_owned());
        if let Some(boundary) = boundary {
            // A multipart body: its parts' headers, the file's bytes counted (the boundary is
            // random: shown as BOUNDARY, here and in the header above).
            out = out.replace(&boundary, "BOUNDARY");
            let delimiter = format!("--{boundary}").into_bytes();
            let body = &self.body[..];
            let starts: Vec<usize> = (0..body.len().saturating_sub(delimiter.len()) + 1)
                .filter(|&i| body[i..].starts_with(&delimiter))
                .collect();
            for pair in starts.windows(2) {
                let part = &body[pair[0] + delimiter.len()..pair[1]];
                let split = part.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(part.len());
                let head = String::from_utf8_lossy(&part[..split]).replace("\r\n", "\n");
                let content = part.get(split + 4..part.len().saturating_sub(2)).unwrap_or_default();
                out.push_str(&format!("--BOUNDARY{head}\n<{} bytes>\n", content.len()));
            }
        } else if !self.body.is_empty() {
            let mut json = self.json().expect("request bodies are JSON");
            // Secret fields (format password in the spec) are masked like secret headers.
            if let Some(op) = huaweicloud_meeting::operations::route(&self.method, &self.path) {
                let schema = &operation_spec(op.id)["requestBody"]["content"]["application/json"]["schema"];
                json = model().masked(&json, schema);
            }
            // A fresh signature input on every call.
            for key in ["nonce", "expireTime"] {
                if let Some(v) = json.get_mut(key) {
                    *v = serde_json::Value::String(format!("<{key}>"));
                }
            }
            out.push_str(&serde_json::to_string_pretty(&json).unwrap());
            out.push('\n');
        }
        out
    }
}

/// Keeps the scheme of an Authorization value, masks the secret part.
fn mask(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme @ ("Basic" | "HMAC-SHA256"), rest)) => {
            let access = rest
                .split(',')
                .find(|p| p.starts_with("access="))
                .map(|a| format!(",{a}"))
                .unwrap_or_default();
            format!("{scheme} ***{access}")
        }
        _ => "***".into(),
    }
}

#[derive(Clone, Default)]
pub struct Capture {
    pub requests: Arc<Mutex<Vec<Captured>>>,
}

impl Capture {
    pub fn take(&self) -> Vec<Captured> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }
}

async fn record(State(capture): State<Capture>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let mut headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    headers.sort();
    capture.requests.lock().unwrap().push(Captured {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers,
        body,
    });
    // The operation's example response from the spec, so any operation gets a valid answer.
    match huaweicloud_meeting::operations::route(method.as_str(), uri.path()).and_then(|op| example_response(op.id)) {
        Some(example) => (
            [("content-type", "application/json;charset=UTF-8")],
            example.to_string(),
        )
            .into_response(),
        None => ([("content-type", "application/json;charset=UTF-8")], String::new()).into_response(),
    }
}

/// Starts the capture server; returns its base URL.
pub async fn capture_server() -> (String, Capture) {
    capture_server_on("127.0.0.1").await
}

/// Starts the capture server on this loopback address.
pub async fn capture_server_on(ip: &str) -> (String, Capture) {
    let capture = Capture::default();
    let app = axum::Router::new().fallback(record).with_state(capture.clone());
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), capture)
}

/// `http://127.0.0.1:PORT` with nothing listening on PORT (bound, then released).
pub fn closed_port_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

// The spec's examples: what the table-driven tests send and expect, with no per-operation code.

/// The spec as JSON.
pub fn spec() -> &'static serde_json::Value {
    static SPEC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_str(huaweicloud_meeting::OPENAPI_JSON).unwrap())
}

/// The spec, read through the library's model (its one `$ref` resolver).
pub fn model() -> huaweicloud_meeting::spec_model::Spec<'static> {
    huaweicloud_meeting::spec_model::Spec::new(spec())
}

/// The spec's operation of `id`.
pub fn spec_operation(id: &str) -> huaweicloud_meeting::spec_model::Operation<'static> {
    model().operation(id).unwrap_or_else(|| panic!("no operation {id}"))
}

/// The spec's operation object of `id`.
pub fn operation_spec(id: &str) -> &'static serde_json::Value {
    spec_operation(id).raw
}

/// The picture the upload operations' example requests send (16x9 pixels, PNG).
pub const EXAMPLE_PICTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/picture.png");

/// The example value of every parameter of `id` that has one, keyed by the API's name; for
/// an upload, its file part names the example picture.
pub fn example_params(id: &str) -> serde_json::Map<String, serde_json::Value> {
    let operation = spec_operation(id);
    let mut params: serde_json::Map<String, serde_json::Value> = operation
        .parameters()
        .unwrap()
        .into_iter()
        .filter_map(|p| Some((p.name.to_owned(), p.example?.clone())))
        .collect();
    if let Some(upload) = operation.upload().unwrap() {
        params.insert(upload.part.to_owned(), EXAMPLE_PICTURE.into());
    }
    params
}

/// The example request body of `id`, if it takes one.
pub fn example_body(id: &str) -> Option<serde_json::Value> {
    // An upload's body is the file of its parameters.
    if spec_operation(id).upload().unwrap().is_some() {
        return None;
    }
    let body = spec_operation(id).request_body().unwrap()?;
    Some(
        body.example
            .cloned()
            .unwrap_or_else(|| panic!("{id}: its request body has no `example`")),
    )
}

/// The example success response body of `id`, if its success response has a body.
pub fn example_response(id: &str) -> Option<serde_json::Value> {
    let (status, response) = spec_operation(id).success_response().unwrap()?;
    let content = response.get("content")?;
    let example = content["application/json"].get("example").cloned();
    Some(example.unwrap_or_else(|| panic!("{id}: its {status} response has no `example`")))
}

/// For an operation the client performs itself to obtain a token (App ID or account
/// authentication), the credentials its example request is made from; `None` otherwise.
pub fn example_credentials(id: &str, app_key: &str, password: &str) -> Option<huaweicloud_meeting::Credentials> {
    use huaweicloud_meeting::Credentials;
    use huaweicloud_meeting::operations::{Scheme, operation};
    let security = operation(id)?.security;
    let example = example_body(id).unwrap_or_default();
    let text = |key: &str| example[key].as_str().map(str::to_owned);
    if security.contains(&Scheme::AppIdSignature) {
        let mut app = Credentials::app_id(text("appId").expect("appId example"), app_key);
        if let Some(user) = text("userId") {
            app = app.user_id(user);
        }
        Some(app.into())
    } else if security.contains(&Scheme::AccountPassword) {
        Some(Credentials::account(
            text("account").expect("account example"),
            password,
        ))
    } else {
        None
    }
}

/// A plain reqwest client builder, for requests the crate's client would refuse to send (the
/// crate builds reqwest without a default crypto provider: ring is installed here).
pub fn raw_http() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

/// The host password among a meeting's passwords.
pub fn host_password(info: &huaweicloud_meeting::types::ConferenceInfo) -> String {
    info.password_entry
        .iter()
        .flatten()
        .find(|p| p.conference_role.as_deref() == Some("chair"))
        .and_then(|p| p.password.as_ref())
        .expect("a meeting has a host password")
        .expose()
        .to_owned()
}

/// The service's error code of an error, as text.
pub fn code(error: &huaweicloud_meeting::Error) -> Option<&str> {
    error.code().map(|c| c.as_str())
}

/// Seconds since the Unix epoch (an App ID signature's `expireTime` is in them).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A 40-character nonce made of `i` (the service wants 32 to 64 characters).
pub fn nonce(i: usize) -> String {
    format!("{i:0>40}")
}

/// The meeting `op`'s handle is for: the value of its meeting parameter in `params`.
pub fn meeting_of(
    op: &huaweicloud_meeting::operations::OperationMeta,
    params: &serde_json::Map<String, serde_json::Value>,
) -> Option<String> {
    params.get(op.meeting_parameter?)?.as_str().map(str::to_owned)
}

/// Calls `op` with JSON values on the handle its credential belongs to (`op.handle`): a
/// conference handle with `password` as the host password, a guest handle with it as the
/// meeting's password, for the meeting `meeting`; a password-reset handle with it as the
/// token; else the client itself.
pub async fn call_on_handle(
    client: &huaweicloud_meeting::Client,
    op: &huaweicloud_meeting::operations::OperationMeta,
    meeting: &str,
    password: &str,
    params: serde_json::Map<String, serde_json::Value>,
    body: Option<serde_json::Value>,
) -> Result<huaweicloud_meeting::ResponseValue<serde_json::Value>, huaweicloud_meeting::Error> {
    use huaweicloud_meeting::operations::Handle;
    match op.handle {
        Handle::Conference => client.conference(meeting, password).call(op.id, params, body).await,
        Handle::Guest => {
            let guest = client.guest(meeting).with_password(password);
            guest.call(op.id, params, body).await
        }
        Handle::PasswordReset => client.password_reset(password).call(op.id, params, body).await,
        _ => client.call(op.id, params, body).await,
    }
}

/// A start time five minutes from now, as the scheduling operations take it.
pub fn in_five_minutes() -> String {
    (chrono::Utc::now() + chrono::Duration::minutes(5))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Schedules the meeting `body` describes and starts it with its host password.
pub async fn started_meeting(
    client: &huaweicloud_meeting::Client,
    body: huaweicloud_meeting::types::builder::RestScheduleConfDto,
) -> huaweicloud_meeting::types::ConferenceInfo {
    use huaweicloud_meeting::types::StartRequest;
    let created = client.create_meeting().body(body).send().await.unwrap().into_inner();
    let meeting = created.into_iter().next().expect("a meeting");
    let id = meeting.conference_id.clone().unwrap();
    client
        .start_meeting()
        .body(
            StartRequest::builder()
                .conference_id(id)
                .password(host_password(&meeting)),
        )
        .send()
        .await
        .unwrap();
    meeting
}
