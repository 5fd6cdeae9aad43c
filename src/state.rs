//! What every `Client` handle carries (progenitor's "inner type"): the configuration and
//! caches shared by all handles of one client, and the scope of this handle.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use reqwest::header::HeaderValue;

use crate::auth::Credentials;
use crate::clock::Clock;
use crate::retry::RetryConfig;
use crate::secret::Secret;
use crate::token::TokenCache;

/// The state behind a [`Client`](crate::Client); made by
/// [`ClientBuilder`](crate::ClientBuilder), never by hand.
#[derive(Clone)]
#[doc(hidden)]
pub struct ClientState {
    pub(crate) shared: Arc<Shared>,
    pub(crate) scope: Scope,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("credentials", &self.shared.credentials)
            .field("conference", &self.scope.conference.as_ref().map(|c| &c.conference_id))
            .field("guest", &self.scope.guest.as_ref().map(|g| &g.conference_id))
            .finish_non_exhaustive()
    }
}

pub(crate) struct Shared {
    /// The origin the client was built for: every request, and so every credential, goes
    /// there and nowhere else.
    pub(crate) origin: url::Origin,
    /// The most bytes read of a response body.
    pub(crate) max_response_body: usize,
    /// How long a file download may take, body included.
    #[cfg_attr(not(feature = "recordings"), allow(dead_code))]
    pub(crate) download_timeout: std::time::Duration,
    /// The HTTP client is the caller's and may follow redirects (the client's own never does).
    pub(crate) may_follow_redirects: bool,
    pub(crate) credentials: Option<Credentials>,
    /// The header value of a fixed access token, made once.
    pub(crate) fixed_token: Option<HeaderValue>,
    pub(crate) validate: bool,
    pub(crate) retry: RetryConfig,
    /// How long one attempt may wait for the answer's headers, on `clock`.
    pub(crate) attempt_timeout: std::time::Duration,
    /// The time every token lifetime, back-off, deadline and timeout is read on.
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) access_token: TokenCache,
    pub(crate) conferences: Mutex<HashMap<String, Arc<ConferenceSession>>>,
}

/// What one handle may do beyond the shared credentials.
#[derive(Clone, Default)]
pub(crate) struct Scope {
    /// The meeting of a `client.conference(..)` handle.
    pub(crate) conference: Option<Arc<ConferenceSession>>,
    /// The meeting of a `client.guest(..)` handle.
    pub(crate) guest: Option<Arc<GuestSession>>,
    /// The token of a `client.password_reset(..)` handle.
    pub(crate) reset_token: Option<Secret>,
    /// `Authorization` for create_app_id_token / create_token, set by the token fetch.
    pub(crate) authorization: Option<HeaderValue>,
    /// The access token to present instead of the cached one (sign-out presents the token
    /// it signs out, even when it is due for renewal).
    pub(crate) access_token: Option<HeaderValue>,
}

/// A meeting's host password and its cached meeting-control token.
pub(crate) struct ConferenceSession {
    pub(crate) conference_id: String,
    pub(crate) host_password: Secret,
    pub(crate) token: TokenCache,
}

impl ConferenceSession {
    pub(crate) fn new(conference_id: &str, host_password: &Secret) -> Arc<Self> {
        Arc::new(ConferenceSession {
            conference_id: conference_id.to_owned(),
            host_password: host_password.clone(),
            token: TokenCache::default(),
        })
    }
}

/// A meeting's ID and, when it has one, the password a guest joins with.
pub(crate) struct GuestSession {
    pub(crate) conference_id: String,
    pub(crate) password: Option<Secret>,
}

/// How a client behaves, from its builder.
pub(crate) struct Settings {
    pub(crate) endpoint: url::Url,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) retry: RetryConfig,
    pub(crate) validate: bool,
    pub(crate) max_response_body: usize,
    pub(crate) download_timeout: std::time::Duration,
    pub(crate) may_follow_redirects: bool,
    pub(crate) attempt_timeout: std::time::Duration,
    pub(crate) clock: Arc<dyn Clock>,
}

impl ClientState {
    pub(crate) fn new(settings: Settings) -> Result<Self, String> {
        let Settings {
            endpoint,
            credentials,
            retry,
            validate,
            max_response_body,
            download_timeout,
            may_follow_redirects,
            attempt_timeout,
            clock,
        } = settings;
        let fixed_token = match &credentials {
            Some(Credentials::AccessToken(token)) => Some(sensitive(token.expose())?),
            _ => None,
        };
        Ok(ClientState {
            shared: Arc::new(Shared {
                origin: endpoint.origin(),
                max_response_body,
                download_timeout,
                may_follow_redirects,
                credentials,
                fixed_token,
                validate,
                retry,
                attempt_timeout,
                clock,
                access_token: TokenCache::default(),
                conferences: Mutex::new(HashMap::new()),
            }),
            scope: Scope::default(),
        })
    }
}

/// A header value marked sensitive (reqwest's Debug hides it).
pub(crate) fn sensitive(value: &str) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| "a credential contains characters not allowed in a header".to_owned())?;
    value.set_sensitive(true);
    Ok(value)
}

impl Shared {
    /// Whether `url` is on the client's origin (scheme, host and port), without allocating.
    pub(crate) fn is_own_origin(&self, url: &url::Url) -> bool {
        let url::Origin::Tuple(scheme, host, port) = &self.origin else {
            return false;
        };
        let same_host = match (host, url.host()) {
            (url::Host::Domain(own), Some(url::Host::Domain(other))) => own == other,
            (url::Host::Ipv4(own), Some(url::Host::Ipv4(other))) => *own == other,
            (url::Host::Ipv6(own), Some(url::Host::Ipv6(other))) => *own == other,
            _ => false,
        };
        same_host && url.scheme() == scheme && url.port_or_known_default() == Some(*port)
    }
}
