//! Building a [`Client`]: endpoint, credentials, timeouts, TLS roots, retries.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::Credentials;
use crate::clock::{Clock, SystemClock};
use crate::error::Error;
use crate::generated::Client;
use crate::retry::RetryConfig;
use crate::state::{ClientState, Settings};

/// The default endpoint (cn-north-4).
pub const DEFAULT_ENDPOINT: &str = "https://api.meeting.huaweicloud.com";

/// A region of the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Region {
    /// cn-north-4 (Chinese mainland).
    CnNorth4,
    /// ap-southeast-1 (international).
    ApSoutheast1,
}

impl Region {
    /// The region's endpoint.
    pub fn endpoint(self) -> &'static str {
        match self {
            Region::CnNorth4 => DEFAULT_ENDPOINT,
            Region::ApSoutheast1 => "https://api-intl.meeting.huaweicloud.com",
        }
    }
}

/// Builds a [`Client`].
///
/// ```
/// use huaweicloud_meeting::{Client, Credentials, Region};
/// use std::time::Duration;
///
/// let client = Client::builder()
///     .region(Region::ApSoutheast1)
///     .credentials(Credentials::app_id("my-app-id", "my-app-key").user_id("alice"))
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// # Ok::<(), huaweicloud_meeting::Error>(())
/// ```
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    endpoint: String,
    credentials: Option<Credentials>,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    root_certificates: Vec<Vec<u8>>,
    http_client: Option<reqwest::Client>,
    retry: RetryConfig,
    validate_requests: bool,
    max_response_body: usize,
    download_timeout: Duration,
    clock: Arc<dyn Clock>,
}

/// The default cap of a response body: far above any answer the API documents (a page of
/// meetings is tens of kilobytes).
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 32 * 1024 * 1024;

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            endpoint: DEFAULT_ENDPOINT.into(),
            credentials: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            user_agent: concat!("huaweicloud-meeting-rust/", env!("CARGO_PKG_VERSION")).into(),
            root_certificates: Vec::new(),
            http_client: None,
            retry: RetryConfig::default(),
            validate_requests: true,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            download_timeout: DEFAULT_DOWNLOAD_TIMEOUT,
            clock: Arc::new(SystemClock),
        }
    }
}

/// How much later than the client's own attempt timeout the HTTP client's fires: the
/// client's (on its clock) comes first, reqwest's is a backstop.
const BACKSTOP_MARGIN: Duration = Duration::from_secs(1);

/// The default time a file download may take, body included: a recording file is at most
/// 1 GB (the service splits longer recordings).
pub const DEFAULT_DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(3600);

/// Environment variables read by [`ClientBuilder::from_env`].
pub mod env_vars {
    /// Endpoint URL.
    pub const ENDPOINT: &str = "HUAWEICLOUD_MEETING_ENDPOINT";
    /// App ID.
    pub const APP_ID: &str = "HUAWEICLOUD_MEETING_APP_ID";
    /// App key.
    pub const APP_KEY: &str = "HUAWEICLOUD_MEETING_APP_KEY";
    /// Third-party user ID (App ID authentication).
    pub const USER_ID: &str = "HUAWEICLOUD_MEETING_USER_ID";
    /// Account (account/password authentication).
    pub const ACCOUNT: &str = "HUAWEICLOUD_MEETING_ACCOUNT";
    /// Password (account/password authentication).
    pub const PASSWORD: &str = "HUAWEICLOUD_MEETING_PASSWORD";
    /// PEM file of an extra trusted root certificate.
    pub const CA_FILE: &str = "HUAWEICLOUD_MEETING_CA_FILE";
}

impl ClientBuilder {
    /// The endpoint URL. `https` is required, except on loopback addresses (for tests).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// The endpoint of a region.
    pub fn region(self, region: Region) -> Self {
        self.endpoint(region.endpoint())
    }

    /// How the client authenticates.
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.credentials = Some(credentials.into());
        self
    }

    /// No credentials: only the operations that need none work (`check_token`,
    /// `invite_with_pwd`, a guest's `create_anonymous_auth_random`); any other is refused
    /// before sending, naming what it needs.
    pub fn without_credentials(mut self) -> Self {
        self.credentials = None;
        self
    }

    /// Timeout of establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout of one attempt of a request, response body included (default 60 s), on the
    /// client's [`clock`](Self::clock). The HTTP client's own timeout, a second later, is a
    /// backstop.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The clock token lifetimes, retry back-offs, the retry deadline and attempt timeouts
    /// are read on (default [`SystemClock`]). The simulator's client builders share its
    /// clock, so moving the simulator's time moves the client's.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Time a file download ([`Client::download_recording_file`]) may take, body included
    /// (default [`DEFAULT_DOWNLOAD_TIMEOUT`], one hour).
    pub fn download_timeout(mut self, timeout: Duration) -> Self {
        self.download_timeout = timeout;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Trusts this root certificate (PEM) in addition to the system's.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// The most bytes of a response body the client reads (default 32 MiB, see
    /// [`DEFAULT_MAX_RESPONSE_BODY`]). A larger or endless body fails the call with
    /// [`DispatchError::ResponseTooLarge`](crate::DispatchError::ResponseTooLarge) after reading at most this much; the connection is dropped.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// Uses this reqwest client as is (timeouts, TLS roots and user agent of this builder
    /// are then not applied).
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`: reqwest follows
    /// redirects by default and would carry the client's credential headers (access token,
    /// host password) to wherever the redirect points. The client still refuses any answer
    /// that came from another origin ([`DispatchError::Redirected`](crate::DispatchError::Redirected)), but by then the request was
    /// sent. With the default features reqwest has no crypto provider of its own: install
    /// one first (`rustls::crypto::ring::default_provider().install_default()`).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// How failed calls are retried.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Whether every request is checked against the spec's constraints before it is sent
    /// (default true). Turning it off saves a few microseconds of CPU per call; invalid
    /// input is then reported by the service instead, after a round trip.
    pub fn validate_requests(mut self, validate: bool) -> Self {
        self.validate_requests = validate;
        self
    }

    /// A builder configured from the `HUAWEICLOUD_MEETING_*` environment variables
    /// (see [`env_vars`]): App ID and key (and optionally user ID), or account and
    /// password; optionally the endpoint and an extra root certificate.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        use env_vars::*;
        let mut builder = ClientBuilder::default();
        if let Some(endpoint) = lookup(ENDPOINT) {
            builder = builder.endpoint(endpoint);
        }
        let credentials = match (lookup(APP_ID), lookup(APP_KEY), lookup(ACCOUNT), lookup(PASSWORD)) {
            (Some(app_id), Some(app_key), _, _) => {
                let app = Credentials::app_id(app_id, app_key);
                Credentials::AppId(match lookup(USER_ID) {
                    Some(user) => app.user_id(user),
                    None => app,
                })
            }
            (Some(_), None, _, _) => {
                return Err(Error::Config(format!("{APP_KEY} is not set ({APP_ID} is)")));
            }
            (None, Some(_), _, _) => {
                return Err(Error::Config(format!("{APP_ID} is not set ({APP_KEY} is)")));
            }
            (None, None, Some(account), Some(password)) => Credentials::account(account, password),
            (None, None, Some(_), None) => {
                return Err(Error::Config(format!("{PASSWORD} is not set ({ACCOUNT} is)")));
            }
            (None, None, None, Some(_)) => {
                return Err(Error::Config(format!("{ACCOUNT} is not set ({PASSWORD} is)")));
            }
            (None, None, None, None) => {
                return Err(Error::Config(format!(
                    "no credentials: set {APP_ID} and {APP_KEY}, or {ACCOUNT} and {PASSWORD}"
                )));
            }
        };
        builder = builder.credentials(credentials);
        if let Some(path) = lookup(CA_FILE) {
            let pem = std::fs::read(&path).map_err(|e| Error::Config(format!("{CA_FILE}={path}: cannot read: {e}")))?;
            builder = builder.add_root_certificate_pem(pem);
        }
        Ok(builder)
    }

    /// Builds the client. Fails on a malformed or non-https endpoint or a bad certificate.
    ///
    /// This is the only way to make a [`Client`]: progenitor's `Client::new` and
    /// `Client::new_with_client` are crate-private, so the client's credentials can only ever
    /// go to the endpoint checked here.
    ///
    /// ```compile_fail
    /// let forged = huaweicloud_meeting::Client::new_with_client("http://127.0.0.2:1", reqwest::Client::new(), todo!());
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        let endpoint = checked_endpoint(&self.endpoint)?;
        let may_follow_redirects = self.http_client.is_some();
        let http = match self.http_client {
            Some(client) => client,
            None => crate::tls::http_client_builder(&self.root_certificates)?
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout + BACKSTOP_MARGIN)
                .user_agent(self.user_agent)
                // The service never redirects; a redirect would carry credentials elsewhere.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let base = endpoint.as_str().trim_end_matches('/').to_owned();
        let state = ClientState::new(Settings {
            endpoint,
            credentials: self.credentials,
            retry: self.retry,
            validate: self.validate_requests,
            max_response_body: self.max_response_body,
            download_timeout: self.download_timeout,
            may_follow_redirects,
            attempt_timeout: self.timeout,
            clock: self.clock,
        })
        .map_err(|e| Error::Config(format!("access token: {e}")))?;
        Ok(Client::new_with_client(&base, http, state))
    }
}

impl From<crate::auth::AppIdCredentials> for Credentials {
    fn from(app: crate::auth::AppIdCredentials) -> Self {
        Credentials::AppId(app)
    }
}

fn checked_endpoint(endpoint: &str) -> Result<url::Url, Error> {
    let url =
        reqwest::Url::parse(endpoint).map_err(|e| Error::Config(format!("endpoint {endpoint:?} is not a URL: {e}")))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::Config(format!(
                "endpoint {endpoint:?} must use https (http is allowed only on loopback)"
            )));
        }
        other => {
            return Err(Error::Config(format!(
                "endpoint {endpoint:?} has unsupported scheme {other:?}"
            )));
        }
    }
    Ok(url)
}

impl Client {
    /// A builder for a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment; see [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| vars.get(name).cloned()
    }

    #[test]
    fn env_names_what_is_missing() {
        let message = |vars: &[(&str, &str)]| ClientBuilder::from_lookup(lookup(vars)).unwrap_err().to_string();
        assert!(message(&[]).contains("set HUAWEICLOUD_MEETING_APP_ID and HUAWEICLOUD_MEETING_APP_KEY"));
        assert!(message(&[("HUAWEICLOUD_MEETING_APP_ID", "a")]).contains("HUAWEICLOUD_MEETING_APP_KEY is not set"));
        assert!(message(&[("HUAWEICLOUD_MEETING_ACCOUNT", "a")]).contains("HUAWEICLOUD_MEETING_PASSWORD is not set"));
        assert!(
            message(&[
                ("HUAWEICLOUD_MEETING_APP_ID", "a"),
                ("HUAWEICLOUD_MEETING_APP_KEY", "k"),
                ("HUAWEICLOUD_MEETING_CA_FILE", "/no/such.pem")
            ])
            .contains("HUAWEICLOUD_MEETING_CA_FILE=/no/such.pem")
        );
    }

    #[test]
    fn env_builds_app_id_and_account_clients() {
        let app = ClientBuilder::from_lookup(lookup(&[
            ("HUAWEICLOUD_MEETING_APP_ID", "app"),
            ("HUAWEICLOUD_MEETING_APP_KEY", "secret-key"),
            ("HUAWEICLOUD_MEETING_USER_ID", "alice"),
            ("HUAWEICLOUD_MEETING_ENDPOINT", "http://127.0.0.1:9"),
        ]))
        .unwrap();
        assert!(matches!(&app.credentials, Some(Credentials::AppId(a)) if a.user_id.as_deref() == Some("alice")));
        assert!(!format!("{app:?}").contains("secret-key"));
        assert!(app.build().is_ok());
        let account = ClientBuilder::from_lookup(lookup(&[
            ("HUAWEICLOUD_MEETING_ACCOUNT", "bob"),
            ("HUAWEICLOUD_MEETING_PASSWORD", "pw"),
        ]))
        .unwrap();
        assert!(matches!(account.credentials, Some(Credentials::Account { .. })));
    }

    #[test]
    fn endpoints_must_be_https_except_on_loopback() {
        assert_eq!(
            checked_endpoint("https://example.com/").unwrap().as_str(),
            "https://example.com/"
        );
        assert!(checked_endpoint("http://127.0.0.1:8080").is_ok());
        assert!(checked_endpoint("http://[::1]:8080").is_ok());
        assert!(checked_endpoint("http://localhost:8080").is_ok());
        assert!(
            checked_endpoint("http://example.com")
                .unwrap_err()
                .to_string()
                .contains("must use https")
        );
        assert!(checked_endpoint("ftp://example.com").is_err());
        assert!(checked_endpoint("not a url").is_err());
        assert_eq!(
            Region::ApSoutheast1.endpoint(),
            "https://api-intl.meeting.huaweicloud.com"
        );
    }
}
