//! Authentication: App ID signatures and their nonces, Basic accounts, the enterprise's members
//! and the access tokens issued to them.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::SimulatorBuilder;
use super::service::{Handler, Service};
use super::wire::{Call, Failure, Outcome, fail, random_token, reply};
use crate::Secret;
use crate::types::{AppAuthInfoV2, AuthReqDtov1, TokenDto, UserInfo};

/// Live tokens a user may hold with clientType 72; the next one evicts the oldest.
const MAX_TOKENS_PER_USER: usize = 64;
/// Key of the enterprise's default administrator in the token tables.
pub(super) const ADMIN: &str = "";

pub(super) const HANDLERS: &[(&str, Handler)] = &[
    ("create_app_id_token", create_app_id_token),
    ("create_token", create_token),
];

struct AccessToken {
    user: String,
    expires: Instant,
}

pub(super) struct Auth {
    app_id: String,
    app_key: String,
    accounts: HashMap<String, String>,
    members: Vec<String>,
    nonces: HashSet<String>,
    tokens: HashMap<String, AccessToken>,
    tokens_by_user: HashMap<String, VecDeque<String>>,
    pub(super) validity: Duration,
}

impl Auth {
    pub(super) fn new(config: &SimulatorBuilder) -> Self {
        Auth {
            app_id: config.app_id.clone(),
            app_key: config.app_key.clone(),
            accounts: config.accounts.iter().cloned().collect(),
            members: config.members.clone(),
            nonces: HashSet::new(),
            tokens: HashMap::new(),
            tokens_by_user: HashMap::new(),
            validity: config.access_token_validity,
        }
    }

    /// The example member (the `account` of the examples) belongs to the enterprise.
    pub(super) fn seed_examples(&mut self, examples: &super::examples::SpecExamples) {
        if let Some(member) = examples.parameter("account").and_then(serde_json::Value::as_str)
            && !self.members.iter().any(|m| m == member)
        {
            self.members.push(member.to_owned());
        }
    }

    /// The user a presented `X-Access-Token` belongs to.
    pub(super) fn user_of(&self, token: Option<String>) -> Result<String, Failure> {
        let token = token.ok_or_else(|| fail(401, "USG.000000004", "X-Access-Token is missing"))?;
        match self.tokens.get(&token) {
            Some(t) if t.expires > Instant::now() => Ok(t.user.clone()),
            _ => Err(fail(401, "USG.000000004", "The token is invalid or has expired")),
        }
    }

    /// Whether the enterprise knows `account`: a member (`accountType` 1) or an account.
    pub(super) fn knows(&self, account: &str, account_type: i64) -> bool {
        match account_type {
            1 => self.members.iter().any(|m| m == account),
            _ => self.accounts.contains_key(account),
        }
    }

    pub(super) fn expire_all(&mut self) {
        let now = Instant::now();
        self.tokens.values_mut().for_each(|t| t.expires = now);
    }

    pub(super) fn expire(&mut self, token: &str) {
        if let Some(token) = self.tokens.get_mut(token) {
            token.expires = Instant::now();
        }
    }

    pub(super) fn live_tokens(&self, user_id: Option<&str>) -> usize {
        let now = Instant::now();
        self.tokens_by_user.get(user_id.unwrap_or(ADMIN)).map_or(0, |queue| {
            queue
                .iter()
                .filter(|t| self.tokens.get(*t).is_some_and(|t| t.expires > now))
                .count()
        })
    }

    /// A new access token for `user`, evicting the oldest beyond the cap.
    fn issue(&mut self, user: &str) -> String {
        let now = Instant::now();
        self.tokens.retain(|_, t| t.expires > now);
        let queue = self.tokens_by_user.entry(user.to_owned()).or_default();
        queue.retain(|t| self.tokens.contains_key(t));
        while queue.len() >= MAX_TOKENS_PER_USER {
            // The 65th token invalidates the oldest.
            if let Some(oldest) = queue.pop_front() {
                self.tokens.remove(&oldest);
            }
        }
        let token = random_token("stb");
        queue.push_back(token.clone());
        self.tokens.insert(
            token.clone(),
            AccessToken {
                user: user.to_owned(),
                expires: now + self.validity,
            },
        );
        token
    }
}

/// Issues an access token and answers the service's `TokenDTO` for it.
fn token_reply(service: &mut Service, user: &str, user_info: UserInfo) -> Outcome {
    let token = service.auth.issue(user);
    service.issued.push(token.clone());
    let validity = service.auth.validity.as_secs() as i64;
    let unix = chrono::Utc::now().timestamp();
    reply(&TokenDto {
        access_token: Some(Secret::new(token)),
        client_type: Some(72),
        create_time: Some(unix * 1000),
        expire_time: Some(unix + validity),
        valid_period: Some(validity),
        token_ip: Some("127.0.0.1".into()),
        token_type: Some(0),
        first_login: Some(false),
        pwd_expired: Some(false),
        delay_delete: Some(false),
        user: Some(user_info),
        ..TokenDto::default()
    })
}

fn create_app_id_token(service: &mut Service, call: &Call<'_>) -> Outcome {
    let auth: AppAuthInfoV2 = call.parse()?;
    let authorization = call
        .header("authorization")
        .ok_or_else(|| fail(401, "USG.206010000", "Authorization is missing"))?;
    let (signature, access) = parse_hmac_authorization(&authorization)
        .ok_or_else(|| fail(401, "USG.206010000", "Authorization is not `HMAC-SHA256 signature=...`"))?;
    let state = &mut service.auth;
    if auth.app_id != state.app_id
        || access.is_some_and(|a| BASE64.decode(a).ok().as_deref() != Some(auth.app_id.as_bytes()))
    {
        return Err(fail(401, "USG.206010000", "Unknown App ID"));
    }
    if auth.corp_id.as_deref().is_some_and(|c| !c.is_empty()) {
        return Err(fail(
            401,
            "USG.206010000",
            "corpId is only allowed in multi-tenant mode",
        ));
    }
    let expected = crate::auth::app_id_signature(
        &auth.app_id,
        &state.app_key,
        None,
        auth.user_id.as_deref(),
        auth.expire_time,
        &auth.nonce,
    );
    if !expected.eq_ignore_ascii_case(&signature) {
        return Err(fail(401, "USG.206010000", "The App ID signature is wrong"));
    }
    if auth.expire_time != 0 && auth.expire_time < chrono::Utc::now().timestamp() {
        return Err(fail(
            401,
            "USG.206010057",
            "APPID_AUTH_EXPIRE: the signature has expired",
        ));
    }
    if !state.nonces.insert(auth.nonce.clone()) {
        return Err(fail(401, "USG.206010000", "The nonce was already used"));
    }
    let user = auth.user_id.clone().unwrap_or_default();
    let admin = user.is_empty();
    let user_info = UserInfo {
        uclogin_account: Some(if admin { "admin".to_owned() } else { user.clone() }),
        user_id: Some(user.clone()),
        app_id: Some(auth.app_id),
        third_account: Some(user.clone()),
        user_type: Some(2),
        admin_type: Some(if admin { 0 } else { 2 }),
        status: Some(0),
        ..UserInfo::default()
    };
    token_reply(service, &user, user_info)
}

fn create_token(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: AuthReqDtov1 = call.parse()?;
    let wrong = || fail(401, "USG.206010000", "User name or password is incorrect");
    let basic = call
        .header("authorization")
        .and_then(|a| a.strip_prefix("Basic ").map(str::to_owned))
        .ok_or_else(wrong)?;
    let decoded = BASE64
        .decode(basic.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(wrong)?;
    let (account, password) = decoded.split_once(':').ok_or_else(wrong)?;
    if account != request.account || service.auth.accounts.get(account).map(String::as_str) != Some(password) {
        return Err(wrong());
    }
    let user_info = UserInfo {
        uclogin_account: Some(account.to_owned()),
        user_type: Some(2),
        admin_type: Some(1),
        status: Some(0),
        ..UserInfo::default()
    };
    token_reply(service, account, user_info)
}

/// `HMAC-SHA256 signature=<hex>[,access=<base64>]` -> (signature, access).
fn parse_hmac_authorization(value: &str) -> Option<(String, Option<&str>)> {
    let rest = value.strip_prefix("HMAC-SHA256 ")?;
    let mut signature = None;
    let mut access = None;
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("signature", v)) => signature = Some(v.to_owned()),
            Some(("access", v)) => access = Some(v),
            _ => {}
        }
    }
    Some((signature?, access))
}
