//! The state behind the generated `Client` and the hooks progenitor calls on every request:
//! `pre` checks the request against the spec, `exec` adds credentials, sends (with
//! retries), renews a rejected token once and normalises error bodies.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::FutureExt as _;
use futures::future::BoxFuture;
use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tracing::Instrument as _;

use crate::auth::{CLIENT_TYPE_API, Credentials, basic_authorization, unix_now};
use crate::error::{
    CONFIG_PREFIX, INVALID_INPUT_PREFIX, MARK_AUTH_REJECTED, MARK_AUTH_UNREACHABLE, MARK_NOT_JSON, MARKER_HEADER,
    request_id_header, snippet,
};
use crate::operations::{OperationMeta, operation, scheme};
use crate::retry::{RetryConfig, send_with_retries};
use crate::token::{FetchResult, Token, TokenCache};
use crate::types::ErrorResponse;
use crate::{Client, Secret, validate};

/// Tokens without a stated lifetime are assumed to last as long as the official SDKs
/// assume (12 hours).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// What the generated `Client` carries: shared configuration and caches, plus the scope of
/// this handle (a conference, or a preset credential for the authentication calls).
#[derive(Clone)]
pub struct ClientState {
    shared: Arc<Shared>,
    scope: Scope,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("credentials", &self.shared.credentials)
            .field("conference", &self.scope.conference.as_ref().map(|c| &c.conference_id))
            .finish_non_exhaustive()
    }
}

struct Shared {
    credentials: Option<Credentials>,
    /// The header value of a fixed access token, made once.
    fixed_token: Option<HeaderValue>,
    validate: bool,
    retry: RetryConfig,
    access_token: TokenCache,
    conferences: Mutex<HashMap<String, Arc<ConferenceSession>>>,
}

#[derive(Clone, Default)]
struct Scope {
    conference: Option<Arc<ConferenceSession>>,
    /// `Authorization` for create_app_id_token / create_token, set by the token fetch.
    authorization: Option<HeaderValue>,
}

struct ConferenceSession {
    conference_id: String,
    host_password: Secret,
    token: TokenCache,
}

impl ClientState {
    pub(crate) fn new(credentials: Option<Credentials>, retry: RetryConfig, validate: bool) -> Result<Self, String> {
        let fixed_token = match &credentials {
            Some(Credentials::AccessToken(token)) => Some(sensitive(token.expose())?),
            _ => None,
        };
        Ok(ClientState {
            shared: Arc::new(Shared {
                credentials,
                fixed_token,
                validate,
                retry,
                access_token: TokenCache::default(),
                conferences: Mutex::new(HashMap::new()),
            }),
            scope: Scope::default(),
        })
    }
}

impl Client {
    fn scoped(&self, scope: Scope) -> Client {
        Client {
            baseurl: self.baseurl.clone(),
            client: self.client.clone(),
            inner: ClientState {
                shared: self.inner.shared.clone(),
                scope,
            },
        }
    }

    /// Authenticates now (or reuses the cached token) instead of on the first call, so
    /// wrong credentials show up at start. Calls do this by themselves when needed.
    pub async fn authenticate(&self) -> Result<(), crate::Error> {
        match &self.inner.shared.credentials {
            None => Err(crate::Error::Config("no credentials configured".into())),
            Some(Credentials::AccessToken(_)) => Ok(()),
            Some(_) => self
                .access_token()
                .await
                .map(|_| ())
                .map_err(|failure| failure.to_error()),
        }
    }

    /// A client for the meeting-control operations of one meeting in progress.
    ///
    /// It obtains the meeting-control token with the host password when first needed,
    /// caches it (per meeting, shared by every handle of this client), renews it before it
    /// expires and when the service rejects it, and sends it as `X-Conference-Authorization`.
    ///
    /// ```no_run
    /// # async fn run(client: huaweicloud_meeting::Client) -> Result<(), huaweicloud_meeting::Error> {
    /// use huaweicloud_meeting::types::{DelAttendInfo, RestBulkDelAttendReqBody};
    /// let meeting = client.conference("914083136", "host-password");
    /// meeting
    ///     .delete_attendees()
    ///     .conference_id("914083136")
    ///     .body(RestBulkDelAttendReqBody::builder().bulk_del_attend_info(vec![
    ///         DelAttendInfo::builder().number("+991116003815").try_into().expect("number is set"),
    ///     ]))
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn conference(&self, conference_id: impl Into<String>, host_password: impl Into<Secret>) -> Client {
        let conference_id = conference_id.into();
        let host_password = host_password.into();
        let session = {
            let mut sessions = self.inner.shared.conferences.lock().expect("conference cache lock");
            let session = sessions
                .entry(conference_id.clone())
                .and_modify(|s| {
                    if s.host_password != host_password {
                        *s = new_session(&conference_id, &host_password);
                    }
                })
                .or_insert_with(|| new_session(&conference_id, &host_password));
            session.clone()
        };
        self.scoped(Scope {
            conference: Some(session),
            authorization: None,
        })
    }
}

fn new_session(conference_id: &str, host_password: &Secret) -> Arc<ConferenceSession> {
    Arc::new(ConferenceSession {
        conference_id: conference_id.to_owned(),
        host_password: host_password.clone(),
        token: TokenCache::default(),
    })
}

/// Why a token could not be obtained. Turned into a response marked for `Error::Auth`.
#[derive(Debug)]
pub(crate) enum AuthFailure {
    Rejected {
        status: reqwest::StatusCode,
        headers: HeaderMap,
        body: ErrorResponse,
    },
    Unreachable(String),
}

impl AuthFailure {
    fn from_call(operation: &str, error: progenitor_client::Error<ErrorResponse>) -> Self {
        match error {
            progenitor_client::Error::ErrorResponse(response) => AuthFailure::Rejected {
                status: response.status(),
                headers: response.headers().clone(),
                body: response.into_inner(),
            },
            other => AuthFailure::Unreachable(format!("{operation} failed: {}", crate::error::chain(&other))),
        }
    }

    fn to_error(&self) -> crate::Error {
        match self {
            AuthFailure::Rejected { status, headers, body } => crate::Error::Auth(crate::AuthError::Rejected(
                crate::ServiceError::from_parts(status.as_u16(), headers, body),
            )),
            AuthFailure::Unreachable(message) => crate::Error::Auth(crate::AuthError::Unreachable(message.clone())),
        }
    }

    fn to_response(&self) -> reqwest::Response {
        let (status, mut headers, body, mark) = match self {
            AuthFailure::Rejected { status, headers, body } => {
                (*status, headers.clone(), body.clone(), MARK_AUTH_REJECTED)
            }
            AuthFailure::Unreachable(message) => (
                reqwest::StatusCode::SERVICE_UNAVAILABLE,
                HeaderMap::new(),
                ErrorResponse {
                    error_code: None,
                    error_msg: Some(message.clone()),
                    request_id: None,
                },
                MARK_AUTH_UNREACHABLE,
            ),
        };
        headers.insert(MARKER_HEADER, HeaderValue::from_static(mark));
        json_response(status, headers, &body)
    }
}

pub(crate) fn json_response(
    status: reqwest::StatusCode,
    mut headers: HeaderMap,
    body: &ErrorResponse,
) -> reqwest::Response {
    let bytes = serde_json::to_vec(body).expect("ErrorResponse serializes");
    headers.remove(reqwest::header::CONTENT_LENGTH);
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let mut response = http::Response::new(bytes);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    reqwest::Response::from(response)
}

/// A credential put on a request, remembered so a rejection can invalidate it.
enum Used {
    Fixed,
    AccessToken(HeaderValue),
    ConferenceToken(Arc<ConferenceSession>, HeaderValue),
}

fn lifetime(candidates: &[Option<i64>]) -> Duration {
    candidates
        .iter()
        .flatten()
        .filter(|secs| **secs > 0)
        .min()
        .map(|secs| Duration::from_secs(*secs as u64))
        .unwrap_or(DEFAULT_TOKEN_LIFETIME)
}

fn sensitive(value: &str) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| "a credential contains characters not allowed in a header".to_owned())?;
    value.set_sensitive(true);
    Ok(value)
}

/// A token the service returned, valid for the shortest of the stated lifetimes (seconds).
fn cached_token(operation: &str, value: Option<&Secret>, lifetimes: &[Option<i64>]) -> FetchResult {
    let failure = |m: String| Arc::new(AuthFailure::Unreachable(m));
    let value = value
        .filter(|t| !t.is_empty())
        .ok_or_else(|| failure(format!("{operation} returned no token")))?;
    Token::new(value.expose(), lifetime(lifetimes))
        .map(Arc::new)
        .map_err(failure)
}

fn fetch_access_token(client: Client) -> BoxFuture<'static, FetchResult> {
    async move {
        let failure = |m: String| Arc::new(AuthFailure::Unreachable(m));
        let (operation, result) = match &client.inner.shared.credentials {
            Some(Credentials::AppId(app)) => {
                let (body, authorization) = app.sign_now();
                let scoped = client.scoped(Scope {
                    conference: None,
                    authorization: Some(sensitive(&authorization).map_err(failure)?),
                });
                (
                    "create_app_id_token",
                    scoped.create_app_id_token().body(body).send().await,
                )
            }
            Some(Credentials::Account { account, password }) => {
                let authorization = sensitive(&basic_authorization(account, password)).map_err(failure)?;
                let scoped = client.scoped(Scope {
                    conference: None,
                    authorization: Some(authorization),
                });
                let body = crate::types::AuthReqDtov1::builder()
                    .account(account.clone())
                    .client_type(CLIENT_TYPE_API);
                ("create_token", scoped.create_token().body(body).send().await)
            }
            _ => return Err(failure("no credentials that can obtain a token".into())),
        };
        let token = result
            .map_err(|e| Arc::new(AuthFailure::from_call(operation, e)))?
            .into_inner();
        let expires_in = token.expire_time.map(|at| at - unix_now());
        cached_token(
            operation,
            token.access_token.as_ref(),
            &[token.valid_period, expires_in],
        )
    }
    .boxed()
}

fn fetch_conference_token(client: Client, session: Arc<ConferenceSession>) -> BoxFuture<'static, FetchResult> {
    async move {
        let result = client
            .create_conf_token()
            .conference_id(session.conference_id.clone())
            .send()
            .await;
        let response = result
            .map_err(|e| Arc::new(AuthFailure::from_call("create_conf_token", e)))?
            .into_inner();
        let info = response.data.unwrap_or_default();
        let expires_in = info.expire_time.map(|at_ms| at_ms / 1000 - unix_now());
        cached_token(
            "create_conf_token",
            info.token.as_ref(),
            &[info.conf_token_expire_time.map(i64::from), expires_in],
        )
    }
    .boxed()
}

impl Client {
    /// The cached access token, or the result of the one fetch all callers share. The
    /// scoped client for the fetch is only built when a fetch actually starts.
    async fn access_token(&self) -> FetchResult {
        self.inner
            .shared
            .access_token
            .get(|| fetch_access_token(self.scoped(Scope::default())))
            .await
    }

    /// Checks that this handle can satisfy the operation's credentials.
    fn check_scope(&self, meta: &OperationMeta, request: &reqwest::Request) -> Result<(), String> {
        for name in meta.security {
            match *name {
                "accessToken" if self.inner.shared.credentials.is_none() => {
                    return Err(format!(
                        "{} needs an access token: configure credentials on the client",
                        meta.id
                    ));
                }
                "conferenceToken" | "hostPassword" => {
                    let Some(session) = &self.inner.scope.conference else {
                        return Err(format!(
                            "{} is a meeting-control operation: call it on `client.conference(conference_id, host_password)`",
                            meta.id
                        ));
                    };
                    let requested = request
                        .url()
                        .query_pairs()
                        .find(|(k, _)| k == "conferenceID")
                        .map(|(_, v)| v.into_owned());
                    if requested.as_deref().is_some_and(|id| id != session.conference_id) {
                        return Err(format!(
                            "{} was called for conferenceID {:?} on the handle of conference {:?}",
                            meta.id,
                            requested.unwrap_or_default(),
                            session.conference_id
                        ));
                    }
                }
                "appIdSignature" | "accountPassword" if self.inner.scope.authorization.is_none() => {
                    return Err(format!(
                        "{} is performed by the client itself when it needs a token",
                        meta.id
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Puts the operation's credentials on `request`.
    async fn authorize(&self, meta: &OperationMeta, request: &mut reqwest::Request) -> Result<Used, Arc<AuthFailure>> {
        let mut used = Used::Fixed;
        for name in meta.security {
            let scheme = scheme(name);
            let header = HeaderName::from_static(scheme.header);
            let value = match *name {
                "accessToken" => match &self.inner.shared.fixed_token {
                    Some(token) => token.clone(),
                    None => {
                        let token = self.access_token().await?;
                        used = Used::AccessToken(token.value.clone());
                        token.value.clone()
                    }
                },
                "conferenceToken" => {
                    let session = self.inner.scope.conference.clone().expect("checked in pre");
                    let token = session
                        .token
                        .get(|| {
                            let scope = Scope {
                                conference: Some(session.clone()),
                                authorization: None,
                            };
                            fetch_conference_token(self.scoped(scope), session.clone())
                        })
                        .await?;
                    used = Used::ConferenceToken(session, token.value.clone());
                    token.value.clone()
                }
                "hostPassword" => {
                    let session = self.inner.scope.conference.as_ref().expect("checked in pre");
                    sensitive(session.host_password.expose()).map_err(|m| Arc::new(AuthFailure::Unreachable(m)))?
                }
                _ => self.inner.scope.authorization.clone().expect("checked in pre"),
            };
            request.headers_mut().insert(header, value);
            for (name, value) in scheme.fixed_headers {
                request
                    .headers_mut()
                    .insert(HeaderName::from_static(name), HeaderValue::from_static(value));
            }
        }
        Ok(used)
    }

    async fn execute(
        &self,
        meta: &'static OperationMeta,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        // progenitor adds `api-version` to every request; the service has no use for it.
        request.headers_mut().remove("api-version");
        let mut renewed = false;
        loop {
            // Credentials go on the original (a renewal overwrites them); each attempt sends a copy.
            let used = match self.authorize(meta, &mut request).await {
                Ok(used) => used,
                Err(failure) => return Ok(failure.to_response()),
            };
            let response = send_with_retries(&self.client, &self.inner.shared.retry, meta, &request).await?;
            let (response, code) = normalize_error(response).await?;
            let rejected =
                response.status() == reqwest::StatusCode::UNAUTHORIZED || code.as_deref() == Some("USG.000000004");
            if rejected && !renewed {
                match used {
                    Used::AccessToken(value) => self.inner.shared.access_token.invalidate(&value),
                    Used::ConferenceToken(session, value) => session.token.invalidate(&value),
                    Used::Fixed => return Ok(response),
                }
                tracing::debug!(
                    operation = meta.id,
                    "token rejected; renewing it and replaying the call once"
                );
                renewed = true;
                continue;
            }
            return Ok(response);
        }
    }
}

/// Rewrites any error body (the three JSON shapes the service uses, nested or not, HTML,
/// empty) into the spec's `ErrorResponse`, so decoding an error never fails.
async fn normalize_error(response: reqwest::Response) -> reqwest::Result<(reqwest::Response, Option<String>)> {
    if response.status().as_u16() < 400 {
        return Ok((response, None));
    }
    let status = response.status();
    let mut headers = response.headers().clone();
    let bytes = response.bytes().await?;
    let body = parse_error_body(&bytes, &headers);
    if serde_json::from_slice::<Value>(&bytes).is_err() {
        headers.insert(MARKER_HEADER, HeaderValue::from_static(MARK_NOT_JSON));
    }
    let code = body.error_code.clone();
    Ok((json_response(status, headers, &body), code))
}

pub(crate) fn parse_error_body(bytes: &[u8], headers: &HeaderMap) -> ErrorResponse {
    let header_id = request_id_header(headers);
    let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
        return ErrorResponse {
            error_code: None,
            error_msg: Some(snippet(bytes)),
            request_id: header_id,
        };
    };
    let (code, message) = find_code_and_message(&value, 0).unwrap_or((None, None));
    let request_id = find_string(&value, &["request_id", "requestId"], 0).or(header_id);
    ErrorResponse {
        error_code: code,
        error_msg: message.or_else(|| Some(snippet(bytes))),
        request_id,
    }
}

const ERROR_KEYS: &[(&str, &str)] = &[
    ("error_code", "error_msg"),
    ("errorCode", "errorMsg"),
    ("code", "message"),
];
const MAX_DEPTH: usize = 8;

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn find_code_and_message(value: &Value, depth: usize) -> Option<(Option<String>, Option<String>)> {
    let map = value.as_object().filter(|_| depth < MAX_DEPTH)?;
    for (code_key, message_key) in ERROR_KEYS {
        if let Some(code) = map.get(*code_key).and_then(scalar) {
            return Some((Some(code), map.get(*message_key).and_then(scalar)));
        }
    }
    map.values().find_map(|child| find_code_and_message(child, depth + 1))
}

fn find_string(value: &Value, keys: &[&str], depth: usize) -> Option<String> {
    let map = value.as_object().filter(|_| depth < MAX_DEPTH)?;
    keys.iter()
        .find_map(|k| map.get(*k).and_then(scalar))
        .or_else(|| map.values().find_map(|child| find_string(child, keys, depth + 1)))
}

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let custom = progenitor_client::Error::Custom;
        let meta = operation(info.operation_id)
            .ok_or_else(|| custom(format!("{CONFIG_PREFIX}unknown operation {}", info.operation_id)))?;
        if self.inner.shared.validate {
            validate::check(meta, request)
                .map_err(|v| custom(format!("{INVALID_INPUT_PREFIX}{}: {}", v.field, v.reason)))?;
        }
        self.check_scope(meta, request)
            .map_err(|m| custom(format!("{CONFIG_PREFIX}{m}")))?;
        Ok(())
    }

    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let meta = operation(info.operation_id).expect("checked in pre");
        let span = tracing::info_span!(
            "huaweicloud_meeting.call",
            operation = meta.id,
            method = meta.method,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        if span.is_disabled() {
            // Nobody listens: skip the timing and the request-id lookup.
            return self.execute(meta, request).await;
        }
        let started = Instant::now();
        let result = self.execute(meta, request).instrument(span.clone()).await;
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                if let Some(id) = request_id_header(response.headers()) {
                    span.record("request_id", id.as_str());
                }
                span.in_scope(|| tracing::debug!(status = response.status().as_u16(), "call finished"));
            }
            Err(error) => span.in_scope(|| tracing::debug!(%error, "call failed")),
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_of_every_shape_are_normalised() {
        let headers = HeaderMap::new();
        let b = parse_error_body(
            br#"{"error_code":"MMC.111070005","error_msg":"CONF_DATA_NOT_FOUND"}"#,
            &headers,
        );
        assert_eq!(
            (b.error_code.as_deref(), b.error_msg.as_deref()),
            (Some("MMC.111070005"), Some("CONF_DATA_NOT_FOUND"))
        );
        let b = parse_error_body(br#"{"errorCode":"USG.1","errorMsg":"m","requestId":"r1"}"#, &headers);
        assert_eq!(
            (b.error_code.as_deref(), b.request_id.as_deref()),
            (Some("USG.1"), Some("r1"))
        );
        let b = parse_error_body(br#"{"error":{"code":429,"message":"slow down"}}"#, &headers);
        assert_eq!(
            (b.error_code.as_deref(), b.error_msg.as_deref()),
            (Some("429"), Some("slow down"))
        );
        let mut with_id = HeaderMap::new();
        with_id.insert("x-request-id", HeaderValue::from_static("abc"));
        let b = parse_error_body(b"<html>502 Bad Gateway</html>", &with_id);
        assert_eq!(
            (b.error_code, b.error_msg.as_deref(), b.request_id.as_deref()),
            (None, Some("<html>502 Bad Gateway</html>"), Some("abc"))
        );
        let b = parse_error_body(b"", &headers);
        assert_eq!(b.error_msg.as_deref(), Some(""));
    }

    #[test]
    fn lifetime_takes_the_shortest_positive_candidate() {
        assert_eq!(lifetime(&[Some(84616), Some(600)]), Duration::from_secs(600));
        assert_eq!(lifetime(&[Some(84616), Some(-5)]), Duration::from_secs(84616));
        assert_eq!(lifetime(&[None, None]), DEFAULT_TOKEN_LIFETIME);
    }
}
