//! The hooks progenitor calls on every request and the token fetches behind them: `pre`
//! checks the request against the spec and the handle's scope; `exec` adds credentials,
//! sends (with retries), renews a rejected token once and turns an error status into a
//! [`ServiceError`]. Failures leave the hooks through `crate::outcome` as typed errors.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::FutureExt as _;
use futures::future::BoxFuture;
use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{HeaderName, HeaderValue};
use tracing::Instrument as _;

use crate::auth::{CLIENT_TYPE_API, Credentials, basic_authorization, unix_now};
use crate::error::{AttemptFailure, AuthError, Error, ServiceError};
use crate::generated::{Client, types};
use crate::operations::{OperationMeta, Scheme, TokenEffect, operation, scheme};
use crate::retry::{Sent, send_with_retries};
use crate::secret::Secret;
use crate::state::{ClientState, ConferenceSession, Scope, sensitive};
use crate::token::{FetchResult, Token};
use crate::{outcome, validate};

/// Tokens without a stated lifetime are assumed to last as long as the official SDKs
/// assume (12 hours).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(12 * 3600);

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
    pub async fn authenticate(&self) -> Result<(), Error> {
        match &self.inner.shared.credentials {
            None => Err(Error::Config("no credentials configured".into())),
            Some(Credentials::AccessToken(_)) => Ok(()),
            Some(_) => self.access_token().await.map(|_| ()).map_err(Error::Auth),
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
                        *s = ConferenceSession::new(&conference_id, &host_password);
                    }
                })
                .or_insert_with(|| ConferenceSession::new(&conference_id, &host_password));
            session.clone()
        };
        self.scoped(Scope {
            conference: Some(session),
            ..Scope::default()
        })
    }

    /// Signs the client's access token out on the service (delete_token), freeing one of the
    /// user's token slots (a user holds at most 64; the 65th evicts the oldest, which may be
    /// another process's). The next call authenticates anew.
    ///
    /// Without a token (none obtained yet) nothing is sent. A token the service no longer
    /// accepts is signed out already: that is a success too. A fixed token
    /// ([`Credentials::AccessToken`]) is signed out as well, after which the client cannot
    /// call anything that needs it.
    pub async fn sign_out(&self) -> Result<(), Error> {
        let token = match &self.inner.shared.fixed_token {
            Some(token) => token.clone(),
            None => match self.inner.shared.access_token.current() {
                Some(token) => token.value.clone(),
                None => return Ok(()),
            },
        };
        let scoped = self.scoped(Scope {
            access_token: Some(token),
            ..Scope::default()
        });
        match scoped.delete_token().send().await {
            Ok(_) => Ok(()),
            Err(Error::Service(error)) if error.is_token_rejected() => Ok(()),
            Err(error) => Err(error),
        }
    }
}

/// A failed token call, as the token's waiters see it: the service's refusal of the
/// credentials, or the call's own failure.
fn auth_failure(error: Error) -> AuthError {
    match error {
        Error::Service(service) if service.status < 500 => AuthError::Rejected(service),
        other => AuthError::Failed(Arc::new(other)),
    }
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

/// A token the service returned, valid for the shortest of the stated lifetimes (seconds).
fn cached_token(operation: &'static str, value: Option<&Secret>, lifetimes: &[Option<i64>]) -> FetchResult {
    let invalid = |reason: &'static str| AuthError::InvalidToken { operation, reason };
    let value = value
        .filter(|t| !t.is_empty())
        .ok_or_else(|| invalid("no token in the response"))?;
    Token::new(value.expose(), lifetime(lifetimes))
        .map(Arc::new)
        .map_err(|_| invalid("the token is not a valid header value"))
}

fn fetch_access_token(client: Client) -> BoxFuture<'static, FetchResult> {
    async move {
        let config = |m: String| AuthError::Failed(Arc::new(Error::Config(m)));
        let (operation, token) = match &client.inner.shared.credentials {
            Some(Credentials::AppId(app)) => {
                let signed = app.sign_now();
                let scoped = client.scoped(Scope {
                    authorization: Some(sensitive(&signed.authorization).map_err(config)?),
                    ..Scope::default()
                });
                let body = types::AppAuthInfoV2::builder()
                    .app_id(app.app_id.clone())
                    .client_type(CLIENT_TYPE_API)
                    .expire_time(signed.expire_time)
                    .nonce(signed.nonce)
                    .user_id(app.user_id.clone())
                    .corp_id(app.corp_id.clone())
                    .dept_code(app.dept_code.clone());
                let token = scoped.create_app_id_token().body(body).send().await;
                ("create_app_id_token", token.map_err(auth_failure)?.into_inner())
            }
            Some(Credentials::Account { account, password }) => {
                let scoped = client.scoped(Scope {
                    authorization: Some(sensitive(&basic_authorization(account, password)).map_err(config)?),
                    ..Scope::default()
                });
                let body = types::AuthReqDtov1::builder()
                    .account(account.clone())
                    .client_type(CLIENT_TYPE_API);
                let token = scoped.create_token().body(body).send().await;
                ("create_token", token.map_err(auth_failure)?.into_inner())
            }
            _ => return Err(config("no credentials that can obtain a token".into())),
        };
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
        let response = client
            .create_conf_token()
            .conference_id(session.conference_id.clone())
            .send()
            .await
            .map_err(auth_failure)?
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
    fn check_scope(&self, meta: &OperationMeta, request: &reqwest::Request) -> Result<(), Error> {
        for &needed in meta.security {
            match needed {
                Scheme::AccessToken if self.inner.shared.credentials.is_none() => {
                    return Err(Error::Config(format!(
                        "{} needs an access token: configure credentials on the client",
                        meta.id
                    )));
                }
                Scheme::ConferenceToken | Scheme::HostPassword => {
                    let Some(session) = &self.inner.scope.conference else {
                        return Err(Error::Config(format!(
                            "{} is a meeting-control operation: call it on `client.conference(conference_id, host_password)`",
                            meta.id
                        )));
                    };
                    let Some(parameter) = scheme(needed).conference_parameter else {
                        continue;
                    };
                    let requested = request
                        .url()
                        .query_pairs()
                        .find(|(k, _)| k == parameter)
                        .map(|(_, v)| v.into_owned());
                    if let Some(requested) = requested.filter(|id| *id != session.conference_id) {
                        return Err(Error::Config(format!(
                            "{} was called for {parameter} {requested:?} on the handle of conference {:?}",
                            meta.id, session.conference_id
                        )));
                    }
                }
                Scheme::AppIdSignature | Scheme::AccountPassword if self.inner.scope.authorization.is_none() => {
                    return Err(Error::Config(format!(
                        "{} is performed by the client itself when it needs a token",
                        meta.id
                    )));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Puts the operation's credentials on `request`.
    async fn authorize(&self, meta: &OperationMeta, request: &mut reqwest::Request) -> Result<Used, AuthError> {
        let mut used = Used::Fixed;
        for &needed in meta.security {
            let scheme = scheme(needed);
            let value = match needed {
                Scheme::AccessToken => match (&self.inner.scope.access_token, &self.inner.shared.fixed_token) {
                    (Some(token), _) => {
                        used = Used::AccessToken(token.clone());
                        token.clone()
                    }
                    (None, Some(token)) => token.clone(),
                    (None, None) => {
                        let token = self.access_token().await?;
                        used = Used::AccessToken(token.value.clone());
                        token.value.clone()
                    }
                },
                Scheme::ConferenceToken => {
                    let session = self.inner.scope.conference.clone().expect("checked in pre");
                    let token = session
                        .token
                        .get(|| {
                            let scope = Scope {
                                conference: Some(session.clone()),
                                ..Scope::default()
                            };
                            fetch_conference_token(self.scoped(scope), session.clone())
                        })
                        .await?;
                    used = Used::ConferenceToken(session, token.value.clone());
                    token.value.clone()
                }
                Scheme::HostPassword => {
                    let session = self.inner.scope.conference.as_ref().expect("checked in pre");
                    sensitive(session.host_password.expose())
                        .map_err(|m| AuthError::Failed(Arc::new(Error::Config(format!("host password: {m}")))))?
                }
                Scheme::AppIdSignature | Scheme::AccountPassword => {
                    self.inner.scope.authorization.clone().expect("checked in pre")
                }
            };
            request
                .headers_mut()
                .insert(HeaderName::from_static(scheme.header), value);
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
    ) -> Result<reqwest::Response, Error> {
        // progenitor adds `api-version` to every request; the service has no use for it.
        request.headers_mut().remove("api-version");
        let mut renewed = false;
        loop {
            // Credentials go on the original (a renewal overwrites them); each attempt sends a copy.
            let used = self.authorize(meta, &mut request).await.map_err(Error::Auth)?;
            let Sent { last, earlier } =
                send_with_retries(&self.client, &self.inner.shared.retry, meta, &request).await;
            let response = match last {
                Ok(response) => response,
                Err(e) if earlier.is_empty() => return Err(Error::from_transport(e)),
                Err(e) => {
                    let mut failures = earlier;
                    failures.push(AttemptFailure::Transport(Arc::new(e)));
                    return Err(Error::RetriesExhausted { failures });
                }
            };
            let status = response.status();
            // Only a caller-supplied HTTP client follows redirects: only its answers can come
            // from elsewhere.
            if self.inner.shared.may_follow_redirects && !self.inner.shared.is_own_origin(response.url()) {
                return Err(Error::Redirected {
                    status: status.as_u16(),
                    location: Some(response.url().to_string()),
                });
            }
            if status.is_redirection() {
                return Err(redirected(&response));
            }
            let limit = self.inner.shared.max_response_body;
            if status.as_u16() < 400 {
                let response = match declared_length(&response) {
                    // hyper reads no more than a declared length: the body is bounded already,
                    // and progenitor reads it as it arrives (no copy on the hot path).
                    Some(declared) if declared <= limit as u64 => response,
                    _ => rebuilt(status, read_capped(response, limit).await?),
                };
                return self.follow_token_effect(meta, &used, response).await;
            }
            let (headers, body, _) = read_capped(response, limit).await?;
            let status = status.as_u16();
            let mut error = ServiceError::from_response_parts(status, &headers, &body);
            error.earlier_attempts = earlier;
            // Signing out a token the service no longer accepts needs no new token.
            if error.is_token_rejected() && !renewed && meta.token_effect != TokenEffect::Revokes {
                match used {
                    Used::AccessToken(value) => self.inner.shared.access_token.invalidate(&value),
                    Used::ConferenceToken(session, value) => session.token.invalidate(&value),
                    Used::Fixed => return Err(Error::Service(error)),
                }
                tracing::debug!(
                    operation = meta.id,
                    "token rejected; renewing it and replaying the call once"
                );
                renewed = true;
                continue;
            }
            return Err(Error::Service(error));
        }
    }
}

impl Client {
    /// Keeps the token cache in step with what a successful call did to the token it
    /// presented (the spec's `x-meeting-token-effect`).
    async fn follow_token_effect(
        &self,
        meta: &'static OperationMeta,
        used: &Used,
        response: reqwest::Response,
    ) -> Result<reqwest::Response, Error> {
        let Used::AccessToken(presented) = used else {
            return Ok(response);
        };
        let cache = &self.inner.shared.access_token;
        match meta.token_effect {
            TokenEffect::Revokes => {
                cache.invalidate(presented);
                Ok(response)
            }
            TokenEffect::Renews => {
                let status = response.status();
                let parts = read_capped(response, self.inner.shared.max_response_body).await?;
                // The answer is a TokenDTO: the token with its new lifetime.
                if let Ok(token) = serde_json::from_slice::<types::TokenDto>(&parts.1) {
                    let expires_in = token.expire_time.map(|at| at - unix_now());
                    match cached_token(meta.id, token.access_token.as_ref(), &[token.valid_period, expires_in]) {
                        Ok(renewed) => cache.replace(presented, renewed),
                        Err(e) => tracing::debug!(operation = meta.id, error = %e, "kept the token as it was"),
                    }
                }
                Ok(rebuilt(status, parts))
            }
            _ => Ok(response),
        }
    }
}

/// The error for a redirect answer: it is never followed (credentials would go along).
pub(crate) fn redirected(response: &reqwest::Response) -> Error {
    Error::Redirected {
        status: response.status().as_u16(),
        location: response
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
    }
}

/// A response made of parts already read.
fn rebuilt(
    status: reqwest::StatusCode,
    (headers, body, version): (http::HeaderMap, bytes::Bytes, http::Version),
) -> reqwest::Response {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    *response.version_mut() = version;
    reqwest::Response::from(response)
}

/// The `Content-Length` header. (reqwest's `content_length()` reads the body's size hint, which
/// its timeout wrapper hides.)
fn declared_length(response: &reqwest::Response) -> Option<u64> {
    response
        .headers()
        .get(reqwest::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// The headers, body and version of a response, reading at most `limit` bytes of the body:
/// a larger (declared or actual) body is an error, and the response, so its connection, is
/// dropped unread.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<(http::HeaderMap, bytes::Bytes, http::Version), Error> {
    let too_large = |status: reqwest::StatusCode| Error::ResponseTooLarge {
        status: status.as_u16(),
        limit,
    };
    let status = response.status();
    if declared_length(&response).is_some_and(|declared| declared > limit as u64) {
        return Err(too_large(status));
    }
    let headers = std::mem::take(response.headers_mut());
    let version = response.version();
    let mut chunks: Vec<bytes::Bytes> = Vec::new();
    let mut read = 0usize;
    while let Some(chunk) = response.chunk().await.map_err(Error::from_transport)? {
        read += chunk.len();
        if read > limit {
            return Err(too_large(status));
        }
        chunks.push(chunk);
    }
    // Most bodies arrive in one chunk: no copy then.
    let body = match chunks.len() {
        0 => bytes::Bytes::new(),
        1 => chunks.pop().expect("one chunk"),
        _ => chunks.concat().into(),
    };
    Ok((headers, body, version))
}

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let meta = operation(info.operation_id)
            .ok_or_else(|| outcome::fail_pre(Error::Config(format!("unknown operation {}", info.operation_id))))?;
        if self.inner.shared.validate {
            validate::check(meta, request).map_err(|v| {
                outcome::fail_pre(Error::InvalidInput {
                    field: v.field,
                    reason: v.reason,
                })
            })?;
        }
        if !self.inner.shared.is_own_origin(request.url()) {
            return Err(outcome::fail_pre(Error::Config(format!(
                "{} would go to {}, outside the client's endpoint",
                meta.id,
                request.url()
            ))));
        }
        self.check_scope(meta, request).map_err(outcome::fail_pre)?;
        Ok(())
    }

    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let meta = operation(info.operation_id).expect("checked in pre");
        let span = tracing::info_span!(
            "huaweicloud_meeting.call",
            operation = meta.id,
            method = meta.method,
            // No secret is ever in a URL: build.rs refuses a secret query or path parameter.
            url = %request.url(),
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let result = if span.is_disabled() {
            // Nobody listens: skip the timing and the request-id lookup.
            self.execute(meta, request).await
        } else {
            let started = Instant::now();
            let result = self.execute(meta, request).instrument(span.clone()).await;
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            let (status, request_id) = match &result {
                Ok(response) => (
                    Some(response.status().as_u16()),
                    crate::error::request_id_header(response.headers()),
                ),
                Err(error) => (error.status(), error.request_id().map(str::to_owned)),
            };
            if let Some(status) = status {
                span.record("status", status);
            }
            if let Some(id) = &request_id {
                span.record("request_id", id.as_str());
            }
            match &result {
                Ok(_) => span.in_scope(|| tracing::debug!(status, "call finished")),
                Err(error) => span.in_scope(|| tracing::debug!(%error, "call failed")),
            }
            result
        };
        result.map_err(|error| outcome::fail_exec(&self.client, error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetime_takes_the_shortest_positive_candidate() {
        assert_eq!(lifetime(&[Some(84616), Some(600)]), Duration::from_secs(600));
        assert_eq!(lifetime(&[Some(84616), Some(-5)]), Duration::from_secs(84616));
        assert_eq!(lifetime(&[None, None]), DEFAULT_TOKEN_LIFETIME);
    }
}
