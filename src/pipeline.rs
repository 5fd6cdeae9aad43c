//! The call pipeline: what every operation's `send()` runs, phase by phase.
//!
//! build.rs reshapes each generated builder's `send()` into `into_request` (the builder's
//! values made into a `reqwest::Request`, or the input at fault) and a call of [`invoke`]
//! with the decoder of its success answer. [`invoke`] reads top to bottom:
//!
//! 1. **build and validate**: the request from the builder, its typed parameters and body
//!    checked against the spec's constraints first ([`crate::checks`], generated into
//!    `into_request`: nothing is serialised and parsed back); a missing, unconvertible or
//!    invalid value is [`Error::InvalidInput`] naming the field in the API's spelling and the
//!    rule it breaks;
//! 2. **check the origin**: the request goes to the client's endpoint and nowhere else;
//! 3. **check the scope**: this handle can provide the credentials the operation needs;
//! 4. **authorize**: the access token or the meeting-control token (fetched once, shared);
//! 5. **send with retries** when a repeat is safe ([`crate::retry`]);
//! 6. **renew once** a token the service rejected, and replay the call;
//! 7. **classify** the answer: an error status is a [`ServiceError`], a redirect or an
//!    oversized body is refused;
//! 8. **decode** the success body into the operation's type.
//!
//! Every phase returns `Result<_, Error>`: a failure is a plain value, nothing travels
//! beside the call.

use std::sync::Arc;

use progenitor_client::ResponseValue;
use reqwest::header::{HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use futures::future::BoxFuture;

use crate::clock::Clock;
use crate::error::{DispatchError, Error, ServiceError, request_id_header, snippet};
use crate::operations::{OperationMeta, Scheme, TokenEffect, scheme};
use crate::retry::{Attempts, NoAnswer, Sent};
use crate::state::{ClientState, ConferenceSession, sensitive};
use crate::token::FetchResult;
use crate::upload::Prepared;

/// What the pipeline needs of a client handle. `Client` implements it in `client.rs`: the
/// token calls are generated operations, which call the pipeline, so the pipeline reaches
/// them through this trait instead of naming the generated client.
pub(crate) trait Caller: Sync {
    /// The handle's configuration, caches and scope.
    fn state(&self) -> &ClientState;
    /// The HTTP client requests are sent with.
    fn http(&self) -> &reqwest::Client;
    /// The access token: cached, or the result of the one fetch all callers share.
    fn access_token(&self) -> BoxFuture<'_, FetchResult>;
    /// The meeting-control token of `session`: cached, or fetched with the host password.
    fn conference_token(&self, session: &Arc<ConferenceSession>) -> BoxFuture<'_, FetchResult>;
    /// The token a renewing operation answered with (`body` is its success answer).
    fn renewed_token(&self, operation: &'static str, body: &[u8]) -> Option<FetchResult>;
}

/// A success answer, read in full (at most the client's cap).
pub(crate) struct Answer {
    status: reqwest::StatusCode,
    headers: http::HeaderMap,
    body: bytes::Bytes,
}

/// Runs one call of the operation `operation_id` through every phase.
pub(crate) async fn invoke<C: Caller, T>(
    meta: &'static OperationMeta,
    built: Result<(&C, reqwest::Request), Error>,
    decode: fn(Answer) -> Result<ResponseValue<T>, Error>,
) -> Result<ResponseValue<T>, Error> {
    let (client, request) = built?;
    call(client, meta, request, None, decode).await
}

/// Runs one call of an upload operation: as `invoke`, with the file checked against the
/// spec's limits first and attached anew to each attempt.
// Only the groups with an upload operation call it (webinars: upload_file).
#[cfg_attr(not(feature = "webinars"), allow(dead_code))]
pub(crate) async fn invoke_upload<C: Caller, T>(
    meta: &'static OperationMeta,
    built: Result<(&C, reqwest::Request, Prepared), Error>,
    decode: fn(Answer) -> Result<ResponseValue<T>, Error>,
) -> Result<ResponseValue<T>, Error> {
    let (client, request, mut upload) = built?;
    upload.check().await?;
    call(client, meta, request, Some(&upload), decode).await
}

async fn call<C: Caller, T>(
    client: &C,
    meta: &'static OperationMeta,
    mut request: reqwest::Request,
    upload: Option<&Prepared>,
    decode: fn(Answer) -> Result<ResponseValue<T>, Error>,
) -> Result<ResponseValue<T>, Error> {
    let shared = &client.state().shared;
    if !shared.is_own_origin(request.url()) {
        return Err(Error::Config(format!(
            "{} would go to {}, outside the client's endpoint",
            meta.id,
            request.url()
        )));
    }
    check_scope(client, meta, &request)?;
    let span = call_span(meta, &request);
    let clock = &*client.state().shared.clock;
    let answer = traced(span, clock, attempt_until_answered(client, meta, &mut request, upload)).await?;
    decode(answer)
}

/// Phases 4 to 7: authorize, send with retries, renew a rejected token once, classify.
async fn attempt_until_answered(
    client: &impl Caller,
    meta: &'static OperationMeta,
    request: &mut reqwest::Request,
    upload: Option<&Prepared>,
) -> Result<Answer, Error> {
    let shared = &client.state().shared;
    let mut renewed = false;
    loop {
        // Credentials go on the original (a renewal overwrites them); each attempt sends a copy.
        let used = authorize(client, meta, request).await?;
        let attempts = Attempts {
            http: client.http(),
            clock: &*shared.clock,
            retry: &shared.retry,
            timeout: shared.attempt_timeout,
        };
        let Sent {
            last,
            earlier,
            mut last_expiry,
        } = attempts.send(meta, request, upload).await;
        let response = last.map_err(|none| none.into_error(earlier.clone()))?;
        let status = response.status();
        // Only a caller-supplied HTTP client follows redirects: only its answers can come
        // from elsewhere.
        if shared.may_follow_redirects && !shared.is_own_origin(response.url()) {
            return Err(Error::Dispatch(DispatchError::Redirected {
                status: status.as_u16(),
                location: Some(response.url().to_string()),
            }));
        }
        if status.is_redirection() {
            return Err(redirected(&response));
        }
        // Reading the body counts against the last attempt's timeout.
        let read = last_expiry.bound(read_capped(response, shared.max_response_body));
        let (headers, body, _) = read
            .await
            .map_err(|()| NoAnswer::TimedOut(shared.attempt_timeout).into_error(earlier.clone()))??;
        if status.as_u16() < 400 {
            let answer = Answer { status, headers, body };
            follow_token_effect(client, meta, &used, &answer);
            return Ok(answer);
        }
        let mut error = ServiceError::from_response_parts(status.as_u16(), &headers, &body);
        error.earlier_attempts = earlier;
        // Signing out a token the service no longer accepts needs no new token.
        // A stream already sent cannot be sent again with a new token.
        let replayable = upload.is_none_or(Prepared::replayable);
        if error.is_token_rejected() && !renewed && replayable && meta.token_effect != TokenEffect::Revokes {
            match used {
                Used::AccessToken(value) => shared.access_token.invalidate(&value),
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

/// The `huaweicloud_meeting.call` span of a call (disabled when nobody listens).
fn call_span(meta: &'static OperationMeta, request: &reqwest::Request) -> tracing::Span {
    tracing::info_span!(
        "huaweicloud_meeting.call",
        operation = meta.id,
        method = meta.method,
        // No secret is ever in a URL: build.rs refuses a secret query or path parameter.
        url = %request.url(),
        status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
        request_id = tracing::field::Empty,
    )
}

/// Runs `call` in `span`, recording its status, duration and request id when someone
/// listens.
async fn traced(
    span: tracing::Span,
    clock: &dyn Clock,
    call: impl Future<Output = Result<Answer, Error>>,
) -> Result<Answer, Error> {
    if span.is_disabled() {
        // Nobody listens: skip the timing and the request-id lookup.
        return call.await;
    }
    let started = clock.now();
    let result = call.instrument(span.clone()).await;
    let duration = clock.now().saturating_duration_since(started);
    span.record("duration_ms", duration.as_millis() as u64);
    let (status, request_id) = match &result {
        Ok(answer) => (Some(answer.status.as_u16()), request_id_header(&answer.headers)),
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
}

/// A success answer with a JSON body of the operation's type.
pub(crate) fn decode_json<T: DeserializeOwned>(answer: Answer) -> Result<ResponseValue<T>, Error> {
    match serde_json::from_slice(&answer.body) {
        Ok(value) => Ok(ResponseValue::new(value, answer.status, answer.headers)),
        Err(source) => Err(Error::Decode {
            snippet: snippet(&answer.body),
            source,
        }),
    }
}

/// A success answer whose body the API leaves empty (whatever came is ignored).
pub(crate) fn decode_empty(answer: Answer) -> Result<ResponseValue<()>, Error> {
    Ok(ResponseValue::new((), answer.status, answer.headers))
}

// The generated `into_request`s name it here.
pub(crate) use crate::error::unbuildable;

/// A credential put on a request, remembered so a rejection can invalidate it.
enum Used {
    Fixed,
    AccessToken(HeaderValue),
    ConferenceToken(Arc<ConferenceSession>, HeaderValue),
}

/// Checks that this handle can provide the operation's credentials, and that a handle's
/// operation is for the handle's meeting.
fn check_scope(client: &impl Caller, meta: &OperationMeta, request: &reqwest::Request) -> Result<(), Error> {
    let scope = &client.state().scope;
    let mut meeting = None;
    for &needed in meta.security.iter().chain(meta.optional_security) {
        let required = meta.security.contains(&needed);
        match needed {
            Scheme::AccessToken if client.state().shared.credentials.is_none() => {
                return Err(Error::Config(format!(
                    "{} needs an access token: configure credentials on the client",
                    meta.id
                )));
            }
            Scheme::ConferenceToken | Scheme::HostPassword | Scheme::QosConferenceToken => {
                let Some(session) = &scope.conference else {
                    return Err(crate::dispatch::on_handle(meta.id, "Conference"));
                };
                meeting = Some(&session.conference_id);
            }
            Scheme::GuestPassword => {
                let Some(session) = &scope.guest else {
                    return Err(crate::dispatch::on_handle(meta.id, "Guest"));
                };
                if required && session.password.is_none() {
                    return Err(Error::Config(format!(
                        "{} needs the meeting's password: make the handle with `client.guest(conference_id).with_password(password)`",
                        meta.id
                    )));
                }
                meeting = Some(&session.conference_id);
            }
            Scheme::PasswordResetToken if scope.reset_token.is_none() => {
                return Err(crate::dispatch::on_handle(meta.id, "PasswordReset"));
            }
            Scheme::AppIdSignature | Scheme::AccountPassword if client.state().scope.authorization.is_none() => {
                return Err(Error::Config(format!(
                    "{} is performed by the client itself when it needs a token",
                    meta.id
                )));
            }
            _ => {}
        }
    }
    let (Some(meeting), Some(parameter)) = (meeting, meta.meeting_parameter) else {
        return Ok(());
    };
    let requested = request
        .url()
        .query_pairs()
        .find(|(k, _)| k == parameter)
        .map(|(_, v)| v.into_owned());
    match requested {
        Some(requested) if requested != *meeting => Err(Error::Config(format!(
            "{} was called for {parameter} {requested:?} on the handle of conference {meeting:?}",
            meta.id
        ))),
        _ => Ok(()),
    }
}

/// Puts the operation's credentials on `request`.
async fn authorize(client: &impl Caller, meta: &OperationMeta, request: &mut reqwest::Request) -> Result<Used, Error> {
    let mut used = Used::Fixed;
    let guest_password = client.state().scope.guest.as_ref().and_then(|g| g.password.as_ref());
    // An optional credential goes along when the handle has it (checked by check_scope).
    let optional = meta
        .optional_security
        .iter()
        .filter(|&&scheme| scheme == Scheme::GuestPassword && guest_password.is_some());
    for &needed in meta.security.iter().chain(optional) {
        let scheme = scheme(needed);
        let value = match needed {
            Scheme::AccessToken => match (&client.state().scope.access_token, &client.state().shared.fixed_token) {
                (Some(token), _) => {
                    used = Used::AccessToken(token.clone());
                    token.clone()
                }
                (None, Some(token)) => token.clone(),
                (None, None) => {
                    let token = client.access_token().await.map_err(Error::Token)?;
                    used = Used::AccessToken(token.value.clone());
                    token.value.clone()
                }
            },
            // The same token; the network-quality API reads it from another header.
            Scheme::ConferenceToken | Scheme::QosConferenceToken => {
                let session = client.state().scope.conference.clone().expect("checked by check_scope");
                let token = client.conference_token(&session).await.map_err(Error::Token)?;
                used = Used::ConferenceToken(session, token.value.clone());
                token.value.clone()
            }
            Scheme::HostPassword => {
                let session = client
                    .state()
                    .scope
                    .conference
                    .as_ref()
                    .expect("checked by check_scope");
                sensitive(session.host_password.expose()).map_err(|m| Error::invalid_input("host password", m))?
            }
            Scheme::GuestPassword => {
                let password = guest_password.expect("checked by check_scope");
                sensitive(password.expose()).map_err(|m| Error::invalid_input("meeting password", m))?
            }
            Scheme::PasswordResetToken => {
                let token = client
                    .state()
                    .scope
                    .reset_token
                    .as_ref()
                    .expect("checked by check_scope");
                sensitive(token.expose()).map_err(|m| Error::invalid_input("password-reset token", m))?
            }
            Scheme::AppIdSignature | Scheme::AccountPassword => client
                .state()
                .scope
                .authorization
                .clone()
                .expect("checked by check_scope"),
        };
        request.headers_mut().insert(scheme.header.clone(), value);
        for (name, value) in scheme.fixed_headers {
            request
                .headers_mut()
                .insert(HeaderName::from_static(name), HeaderValue::from_static(value));
        }
    }
    Ok(used)
}

/// Keeps the token cache in step with what a successful call did to the access token it
/// presented (the spec's `x-meeting-token-effect`).
fn follow_token_effect(client: &impl Caller, meta: &'static OperationMeta, used: &Used, answer: &Answer) {
    let Used::AccessToken(presented) = used else {
        return;
    };
    let cache = &client.state().shared.access_token;
    match meta.token_effect {
        TokenEffect::Revokes => cache.invalidate(presented),
        TokenEffect::Renews => match client.renewed_token(meta.id, &answer.body) {
            Some(Ok(renewed)) => cache.replace(presented, renewed),
            Some(Err(e)) => tracing::debug!(operation = meta.id, error = %e, "kept the token as it was"),
            None => {}
        },
        _ => {}
    }
}

/// The error for a redirect answer: it is never followed (credentials would go along).
pub(crate) fn redirected(response: &reqwest::Response) -> Error {
    Error::Dispatch(DispatchError::Redirected {
        status: response.status().as_u16(),
        location: response
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
    })
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
    let too_large = |status: reqwest::StatusCode| {
        Error::Dispatch(DispatchError::ResponseTooLarge {
            status: status.as_u16(),
            limit,
        })
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
