//! The client's own methods beside the generated operations (authenticate, conference
//! handles, sign-out) and the token fetches behind the pipeline's credentials.

use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt as _;
use futures::future::BoxFuture;

use crate::auth::{CLIENT_TYPE_API, Credentials, basic_authorization};
use crate::clock::unix_seconds;
use crate::error::{Error, TokenError};
use crate::generated::{Client, Conference, Guest, PasswordReset, builder, types};
use crate::pipeline::Caller;
use crate::secret::Secret;
use crate::state::{ClientState, ConferenceSession, GuestSession, Scope, sensitive};
use crate::token::{FetchResult, Token};

/// Tokens without a stated lifetime are assumed to last as long as the official SDKs
/// assume (12 hours).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(12 * 3600);

impl Client {
    pub(crate) fn scoped(&self, scope: Scope) -> Client {
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
            Some(_) => self.access_token().await.map(|_| ()).map_err(Error::Token),
        }
    }

    /// The handle for the meeting-control operations of one meeting in progress (they exist
    /// only on [`Conference`]).
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
    ///         DelAttendInfo::builder().number("+991116003815"),
    ///     ]))
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn conference(&self, conference_id: impl Into<String>, host_password: impl Into<Secret>) -> Conference {
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
        Conference {
            client: self.scoped(Scope {
                conference: Some(session),
                ..Scope::default()
            }),
        }
    }

    /// The handle for what a guest does with a meeting's ID and password (the operations
    /// exist only on [`Guest`]): checking the meeting and obtaining the random a client
    /// joins with. Add the meeting's password (host or guest) with [`Guest::with_password`];
    /// an operation that needs one is refused before sending without it.
    ///
    /// ```no_run
    /// # async fn run(client: huaweicloud_meeting::Client) -> Result<(), huaweicloud_meeting::Error> {
    /// let check = client.guest("914083136").create_auth_random().send().await?;
    /// if check.need_password == Some(true) {
    ///     let guest = client.guest("914083136").with_password("654321");
    ///     let random = guest.create_auth_random().send().await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn guest(&self, conference_id: impl Into<String>) -> Guest {
        Guest {
            client: self.scoped(Scope {
                guest: Some(Arc::new(GuestSession {
                    conference_id: conference_id.into(),
                    password: None,
                })),
                ..Scope::default()
            }),
        }
    }

    /// The handle for resetting a forgotten password (reset_pwd exists only on
    /// [`PasswordReset`]) with `token`, the short-lived token check_verify_code answers once
    /// the verification code sent for it is checked. The token is sent instead of a sign-in
    /// token, so this works on a client without credentials.
    pub fn password_reset(&self, token: impl Into<Secret>) -> PasswordReset {
        PasswordReset {
            client: self.scoped(Scope {
                reset_token: Some(token.into()),
                ..Scope::default()
            }),
        }
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

fn lifetime(candidates: &[Option<i64>]) -> Duration {
    candidates
        .iter()
        .flatten()
        .filter(|secs| **secs > 0)
        .min()
        .map(|secs| Duration::from_secs(*secs as u64))
        .unwrap_or(DEFAULT_TOKEN_LIFETIME)
}

/// A token the service returned at `now`, valid for the shortest of the stated lifetimes
/// (seconds).
fn cached_token(
    operation: &'static str,
    value: Option<&Secret>,
    lifetimes: &[Option<i64>],
    now: std::time::Instant,
) -> FetchResult {
    let invalid = |reason: &'static str| {
        let source = <serde_json::Error as serde::de::Error>::custom(reason);
        TokenError::new(
            operation,
            Error::Decode {
                snippet: String::new(),
                source,
            },
        )
    };
    let value = value
        .filter(|t| !t.is_empty())
        .ok_or_else(|| invalid("no token in the response"))?;
    Token::new(value.expose(), lifetime(lifetimes), now)
        .map(Arc::new)
        .map_err(|_| invalid("the token is not a valid header value"))
}

fn fetch_access_token(client: Client) -> BoxFuture<'static, FetchResult> {
    async move {
        let (operation, token) = match &client.inner.shared.credentials {
            Some(Credentials::AppId(app)) => {
                let operation = "create_app_id_token";
                let config = |m: String| TokenError::new(operation, Error::Config(m));
                let signed = app.sign(unix_seconds(&*client.inner.shared.clock));
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
                (
                    operation,
                    token.map_err(|e| TokenError::new(operation, e))?.into_inner(),
                )
            }
            Some(Credentials::Account { account, password }) => {
                let operation = "create_token";
                let config = |m: String| TokenError::new(operation, Error::Config(m));
                let scoped = client.scoped(Scope {
                    authorization: Some(sensitive(&basic_authorization(account, password)).map_err(config)?),
                    ..Scope::default()
                });
                let body = types::AuthReqDtov1::builder()
                    .account(account.clone())
                    .client_type(CLIENT_TYPE_API);
                let token = scoped.create_token().body(body).send().await;
                (
                    operation,
                    token.map_err(|e| TokenError::new(operation, e))?.into_inner(),
                )
            }
            _ => {
                let error = Error::Config("no credentials that can obtain a token".into());
                return Err(TokenError::new("create_token", error));
            }
        };
        let clock = &*client.inner.shared.clock;
        let expires_in = token.expire_time.map(|at| at - unix_seconds(clock));
        cached_token(
            operation,
            token.access_token.as_ref(),
            &[token.valid_period, expires_in],
            clock.now(),
        )
    }
    .boxed()
}

fn fetch_conference_token(client: Client, session: Arc<ConferenceSession>) -> BoxFuture<'static, FetchResult> {
    async move {
        // The conference handle's method, on the handle's scoped client.
        let response = builder::CreateConfToken::new(&client)
            .conference_id(session.conference_id.clone())
            .send()
            .await
            .map_err(|e| TokenError::new("create_conf_token", e))?
            .into_inner();
        let info = response.data.unwrap_or_default();
        let clock = &*client.inner.shared.clock;
        let expires_in = info.expire_time.map(|at_ms| at_ms / 1000 - unix_seconds(clock));
        cached_token(
            "create_conf_token",
            info.token.as_ref(),
            &[info.conf_token_expire_time.map(i64::from), expires_in],
            clock.now(),
        )
    }
    .boxed()
}

impl Conference {
    /// The meeting this handle controls. Its operations fill the meeting's ID themselves
    /// (`conferenceID`); setting another one is refused before anything is sent.
    pub fn conference_id(&self) -> &str {
        let session = self.client.inner.scope.conference.as_ref();
        session.map_or("", |s| s.conference_id.as_str())
    }
}

impl Guest {
    /// The meeting this handle is for. Its operations fill the meeting's ID themselves
    /// (`conferenceID`, `conf_id`); setting another one is refused before anything is sent.
    pub fn conference_id(&self) -> &str {
        let session = self.client.inner.scope.guest.as_ref();
        session.map_or("", |s| s.conference_id.as_str())
    }

    /// The same handle with the meeting's password (host or guest), sent as `X-Password`
    /// by the operations that take it.
    pub fn with_password(&self, password: impl Into<Secret>) -> Guest {
        Guest {
            client: self.client.scoped(Scope {
                guest: Some(Arc::new(GuestSession {
                    conference_id: self.conference_id().to_owned(),
                    password: Some(password.into()),
                })),
                ..Scope::default()
            }),
        }
    }
}

/// The role of the host's entry in a meeting's `passwordEntry`.
#[cfg(feature = "meetings")]
const HOST_ROLE: &str = "chair";

/// The role of the guests' entry.
#[cfg(feature = "meetings")]
const GUEST_ROLE: &str = "general";

// A meeting as the scheduling operations describe it (group `meetings`).
#[cfg(feature = "meetings")]
impl types::ConferenceInfo {
    /// The host password of this meeting (its `chair` entry of `passwordEntry`), when the
    /// answer carried it (the scheduler's own answers do).
    pub fn host_password(&self) -> Option<&Secret> {
        self.password_entry
            .iter()
            .flatten()
            .find(|entry| entry.conference_role.as_deref() == Some(HOST_ROLE))
            .and_then(|entry| entry.password.as_ref())
    }

    /// The guest password of this meeting (its `general` entry of `passwordEntry`), when the
    /// answer carried it: what [`Guest::with_password`] takes.
    pub fn guest_password(&self) -> Option<&Secret> {
        self.password_entry
            .iter()
            .flatten()
            .find(|entry| entry.conference_role.as_deref() == Some(GUEST_ROLE))
            .and_then(|entry| entry.password.as_ref())
    }
}

#[cfg(feature = "meetings")]
impl Client {
    /// The handle of a meeting the service described (the answer of `create_meeting`,
    /// `search_meetings`, `show_meeting_detail`...): its ID and its host password.
    ///
    /// ```no_run
    /// # async fn run(client: huaweicloud_meeting::Client) -> Result<(), huaweicloud_meeting::Error> {
    /// use huaweicloud_meeting::types::{RestLockReqBody, RestScheduleConfDto};
    /// let body = RestScheduleConfDto::builder().subject("Design review".to_owned()).media_types("HDVideo");
    /// let created = client.create_meeting().body(body).send().await?.into_inner();
    /// let meeting = client.conference_of(&created[0])?;
    /// meeting.lock_meeting().body(RestLockReqBody::builder().is_lock(1)).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn conference_of(&self, meeting: &types::ConferenceInfo) -> Result<Conference, Error> {
        let id = meeting
            .conference_id
            .as_deref()
            .filter(|id| !id.is_empty())
            .ok_or_else(|| Error::invalid_input("conferenceID", "the meeting has no ID"))?;
        let password = meeting.host_password().ok_or_else(|| {
            Error::invalid_input(
                "passwordEntry",
                "has no host (`chair`) password: only the scheduler's answers carry it",
            )
        })?;
        Ok(self.conference(id, password.clone()))
    }
}

impl Caller for Client {
    fn state(&self) -> &ClientState {
        &self.inner
    }

    fn http(&self) -> &reqwest::Client {
        &self.client
    }

    /// The scoped client for the fetch is only built when a fetch actually starts.
    fn access_token(&self) -> BoxFuture<'_, FetchResult> {
        self.inner
            .shared
            .access_token
            .get(self.inner.shared.clock.now(), || {
                fetch_access_token(self.scoped(Scope::default()))
            })
            .boxed()
    }

    fn conference_token(&self, session: &Arc<ConferenceSession>) -> BoxFuture<'_, FetchResult> {
        let session = session.clone();
        async move {
            let fetch = || {
                let scope = Scope {
                    conference: Some(session.clone()),
                    ..Scope::default()
                };
                fetch_conference_token(self.scoped(scope), session.clone())
            };
            session.token.get(self.inner.shared.clock.now(), fetch).await
        }
        .boxed()
    }

    fn renewed_token(&self, operation: &'static str, body: &[u8]) -> Option<FetchResult> {
        // The answer is a TokenDTO: the token with its new lifetime.
        let token = serde_json::from_slice::<types::TokenDto>(body).ok()?;
        let clock = &*self.inner.shared.clock;
        let expires_in = token.expire_time.map(|at| at - unix_seconds(clock));
        Some(cached_token(
            operation,
            token.access_token.as_ref(),
            &[token.valid_period, expires_in],
            clock.now(),
        ))
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
