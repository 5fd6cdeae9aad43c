//! Credentials and the App ID signature.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use rand::Rng as _;
use rand::distr::Alphanumeric;
use sha2::Sha256;

use crate::secret::Secret;

/// `clientType` of API callers; allows 64 live tokens per user.
pub(crate) const CLIENT_TYPE_API: i32 = 72;
/// How long an App ID signature stays valid (the official SDKs use 10 minutes).
const SIGNATURE_VALIDITY_SECS: i64 = 600;

/// How the client authenticates.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// App ID authentication (HMAC-SHA256 signature).
    AppId(AppIdCredentials),
    /// A Huawei Cloud Meeting account and its password.
    Account {
        /// The account.
        account: String,
        /// Its password.
        password: Secret,
    },
    /// An access token the caller already has; it is used as is and never renewed.
    AccessToken(Secret),
}

impl Credentials {
    /// App ID credentials; add a user, corp or department with [`AppIdCredentials`]'s methods.
    pub fn app_id(app_id: impl Into<String>, app_key: impl Into<Secret>) -> AppIdCredentials {
        AppIdCredentials {
            app_id: app_id.into(),
            app_key: app_key.into(),
            user_id: None,
            corp_id: None,
            dept_code: None,
        }
    }

    /// Account and password credentials.
    pub fn account(account: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials::Account {
            account: account.into(),
            password: password.into(),
        }
    }

    /// A fixed access token.
    pub fn access_token(token: impl Into<Secret>) -> Self {
        Credentials::AccessToken(token.into())
    }
}

/// App ID credentials.
#[derive(Clone)]
#[non_exhaustive]
pub struct AppIdCredentials {
    /// The App ID.
    pub app_id: String,
    /// The App key that signs requests.
    pub app_key: Secret,
    /// Third-party user ID; none authenticates as the enterprise's default administrator.
    pub user_id: Option<String>,
    /// Enterprise ID, only in multi-tenant (service provider) mode.
    pub corp_id: Option<String>,
    /// Department code.
    pub dept_code: Option<String>,
}

impl fmt::Debug for AppIdCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppIdCredentials")
            .field("app_id", &self.app_id)
            .field("app_key", &self.app_key)
            .field("user_id", &self.user_id)
            .field("corp_id", &self.corp_id)
            .field("dept_code", &self.dept_code)
            .finish()
    }
}

impl AppIdCredentials {
    /// Acts as this third-party user.
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// Multi-tenant (service provider) mode for this enterprise.
    pub fn corp_id(mut self, corp_id: impl Into<String>) -> Self {
        self.corp_id = Some(corp_id.into());
        self
    }

    /// Department of the user.
    pub fn dept_code(mut self, dept_code: impl Into<String>) -> Self {
        self.dept_code = Some(dept_code.into());
        self
    }

    /// A fresh signature, valid for ten minutes from `now` (seconds since the Unix epoch).
    pub(crate) fn sign(&self, now: i64) -> SignedRequest {
        let expire_time = now + SIGNATURE_VALIDITY_SECS;
        let nonce = new_nonce();
        let signature = app_id_signature(
            &self.app_id,
            self.app_key.expose(),
            self.corp_id.as_deref(),
            self.user_id.as_deref(),
            expire_time,
            &nonce,
        );
        SignedRequest {
            authorization: app_id_authorization(&self.app_id, &signature),
            expire_time,
            nonce,
        }
    }
}

/// What create_app_id_token sends besides the credentials' IDs.
pub(crate) struct SignedRequest {
    /// The `Authorization` header value.
    pub(crate) authorization: String,
    pub(crate) expire_time: i64,
    pub(crate) nonce: String,
}

/// Hex HMAC-SHA256 of `appId:userId:expireTime:nonce`, with `corpId` after `appId` in
/// multi-tenant mode (when a corp ID is given). Missing IDs are empty strings.
pub fn app_id_signature(
    app_id: &str,
    app_key: &str,
    corp_id: Option<&str>,
    user_id: Option<&str>,
    expire_time: i64,
    nonce: &str,
) -> String {
    let user_id = user_id.unwrap_or("");
    let data = match corp_id {
        Some(corp_id) => format!("{app_id}:{corp_id}:{user_id}:{expire_time}:{nonce}"),
        None => format!("{app_id}:{user_id}:{expire_time}:{nonce}"),
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(app_key.as_bytes()).expect("HMAC accepts any key length");
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// `HMAC-SHA256 signature=<hex>,access=<base64(appId)>`.
pub fn app_id_authorization(app_id: &str, signature: &str) -> String {
    format!("HMAC-SHA256 signature={signature},access={}", BASE64.encode(app_id))
}

/// `Basic base64(account:password)`.
pub(crate) fn basic_authorization(account: &str, password: &Secret) -> String {
    format!("Basic {}", BASE64.encode(format!("{account}:{}", password.expose())))
}

/// 48 random alphanumeric characters (the service wants 32 to 64).
fn new_nonce() -> String {
    rand::rng().sample_iter(Alphanumeric).take(48).map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed independently with Python's hmac module:
    // hmac.new(b"app-key-123", data.encode(), hashlib.sha256).hexdigest()
    #[test]
    fn signature_matches_an_independent_vector() {
        let nonce = "EycLQsHwxhzK9OW8UEKWNfH2I3CGR2nINuU1EBpQ";
        assert_eq!(
            app_id_signature(
                "d5e1785afbe44c2588b642446652489e",
                "app-key-123",
                None,
                Some("alice@ent01"),
                1597824907,
                nonce
            ),
            SINGLE_TENANT_VECTOR
        );
        assert_eq!(
            app_id_signature(
                "d5e1785afbe44c2588b642446652489e",
                "app-key-123",
                None,
                None,
                1597824907,
                nonce
            ),
            NO_USER_VECTOR
        );
        assert_eq!(
            app_id_signature(
                "d5e1785afbe44c2588b642446652489e",
                "app-key-123",
                Some("807074304"),
                Some("alice@ent01"),
                1597824907,
                nonce
            ),
            MULTI_TENANT_VECTOR
        );
    }

    const SINGLE_TENANT_VECTOR: &str = "99644f67cc1b3e10ad05ce252b2985a56380c39893e791824fd09ff96b551b9d";
    const NO_USER_VECTOR: &str = "2f9ad59ce80e75e9efe5d4e51bbb79923a00bd6301ede7207052613eec088903";
    const MULTI_TENANT_VECTOR: &str = "d59c0b62375b269ba5d4a2410fe59e27a2f88dc27f7a8383ba2e64474ac0f04c";

    #[test]
    fn authorization_header_has_signature_and_base64_app_id() {
        assert_eq!(
            app_id_authorization("abc", "00ff"),
            "HMAC-SHA256 signature=00ff,access=YWJj"
        );
        assert_eq!(basic_authorization("alice", &Secret::new("pw")), "Basic YWxpY2U6cHc=");
    }

    #[test]
    fn signed_request_is_fresh_and_redacted() {
        let creds = Credentials::app_id("app", "the-app-key").user_id("u1");
        let first = creds.sign(1_700_000_000);
        let second = creds.sign(1_700_000_000);
        assert_ne!(first.nonce, second.nonce);
        assert!((32..=64).contains(&first.nonce.len()));
        assert_eq!(first.expire_time, 1_700_000_000 + 600);
        assert!(first.authorization.starts_with("HMAC-SHA256 signature="));
        assert!(!format!("{creds:?}").contains("the-app-key"));
    }
}
