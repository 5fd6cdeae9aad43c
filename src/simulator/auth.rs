//! Authentication: App ID signatures and their nonces, Basic accounts, the enterprise's members
//! and the access tokens issued to them.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};

use super::SimulatorBuilder;
use super::clock::Clock;
use super::service::{Handler, Service};
use super::wire::{Call, Failure, Outcome, fail, random_token, reply};
use crate::Secret;
use crate::types::{AppAuthInfoV2, AuthReqDtov1, TokenDto, UserInfo, ValidateTokenReqDto};

/// Live tokens a user may hold with clientType 72; the next one evicts the oldest.
const MAX_TOKENS_PER_USER: usize = 64;
/// Key of the enterprise's default administrator in the token tables.
pub(super) const ADMIN: &str = "";

pub(super) const HANDLERS: &[(&str, Handler)] = &[
    ("create_app_id_token", create_app_id_token),
    ("create_token", create_token),
    ("check_token", check_token),
    ("update_token", update_token),
    ("delete_token", delete_token),
];

struct AccessToken {
    user: String,
    /// The account information given with the token.
    info: UserInfo,
    /// When it was issued and when it expires, as the service reports them (wall clock).
    created: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    /// When it expires, for liveness checks (monotonic).
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

    /// The examples' world: the example member (the `account` of the examples) belongs to the
    /// enterprise, and the token check_token's example checks is the administrator's.
    pub(super) fn seed_examples(&mut self, examples: &super::examples::SpecExamples, clock: &Clock) {
        let now = clock.instant();
        if let Some(member) = examples.parameter("account").and_then(serde_json::Value::as_str)
            && !self.members.iter().any(|m| m == member)
        {
            self.members.push(member.to_owned());
        }
        if let Some(token) = examples
            .body("check_token")
            .and_then(|b| b.get("token"))
            .and_then(serde_json::Value::as_str)
        {
            self.tokens.insert(
                token.to_owned(),
                AccessToken {
                    user: ADMIN.to_owned(),
                    info: UserInfo::default(),
                    created: clock.now(),
                    expires_at: clock.now() + self.validity,
                    expires: now + self.validity,
                },
            );
        }
    }

    /// The user a presented `X-Access-Token` belongs to.
    pub(super) fn user_of(&self, token: Option<String>, now: Instant) -> Result<String, Failure> {
        let token = token.ok_or_else(|| fail(401, "USG.000000004", "X-Access-Token is missing"))?;
        match self.tokens.get(&token) {
            Some(t) if t.expires > now => Ok(t.user.clone()),
            _ => Err(invalid_token()),
        }
    }

    /// Whether the enterprise knows `account`: a member (`accountType` 1) or an account.
    pub(super) fn knows(&self, account: &str, account_type: i64) -> bool {
        match account_type {
            1 => self.members.iter().any(|m| m == account),
            _ => self.accounts.contains_key(account),
        }
    }

    pub(super) fn expire_all(&mut self, now: Instant) {
        self.tokens.values_mut().for_each(|t| t.expires = now);
    }

    pub(super) fn expire(&mut self, token: &str, now: Instant) {
        if let Some(token) = self.tokens.get_mut(token) {
            token.expires = now;
        }
    }

    pub(super) fn live_tokens(&self, user_id: Option<&str>, now: Instant) -> usize {
        self.tokens_by_user.get(user_id.unwrap_or(ADMIN)).map_or(0, |queue| {
            queue
                .iter()
                .filter(|t| self.tokens.get(*t).is_some_and(|t| t.expires > now))
                .count()
        })
    }

    /// A new access token for `user`, evicting the oldest beyond the cap.
    fn issue(&mut self, user: &str, info: UserInfo, clock: &Clock) -> String {
        let now = clock.instant();
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
                info,
                created: clock.now(),
                expires_at: clock.now() + self.validity,
                expires: now + self.validity,
            },
        );
        token
    }

    /// A live token's entry.
    fn live(&self, token: &str, now: Instant) -> Option<&AccessToken> {
        self.tokens.get(token).filter(|t| t.expires > now)
    }
}

fn invalid_token() -> Failure {
    fail(401, "USG.000000004", "The token is invalid or has expired")
}

/// Issues an access token and answers the service's `TokenDTO` for it.
fn token_reply(service: &mut Service, user: &str, user_info: UserInfo) -> Outcome {
    let token = service.auth.issue(user, user_info.clone(), &service.clock);
    service.issued.push(token.clone());
    describe_token(service, token, Some(user_info))
}

/// The service's `TokenDTO` for a live token: when it was issued, when it expires and the
/// seconds it has left (a full lifetime for a new or renewed token, less for one checked later).
fn describe_token(service: &Service, token: String, user_info: Option<UserInfo>) -> Outcome {
    let now = service.clock.instant();
    let entry = service.auth.live(&token, now).ok_or_else(invalid_token)?;
    // Whole seconds left, rounded up: a token issued a moment ago has its full lifetime.
    let left = entry.expires.saturating_duration_since(now).as_secs_f64().ceil() as i64;
    reply(&TokenDto {
        access_token: Some(Secret::new(token)),
        client_type: Some(72),
        create_time: Some(entry.created.timestamp_millis()),
        expire_time: Some(entry.expires_at.timestamp()),
        valid_period: Some(left),
        token_ip: Some("127.0.0.1".into()),
        token_type: Some(0),
        first_login: Some(false),
        pwd_expired: Some(false),
        delay_delete: Some(false),
        user: user_info,
        ..TokenDto::default()
    })
}

/// Checks a token given in the body (no credential needed); with `needGenNewToken` a new
/// token of the same user comes back.
fn check_token(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: ValidateTokenReqDto = call.parse()?;
    let now = service.clock.instant();
    let (user, info) = service
        .auth
        .live(request.token.expose(), now)
        .map(|t| (t.user.clone(), t.info.clone()))
        .ok_or_else(invalid_token)?;
    let info = request.need_account_info.unwrap_or(true).then_some(info);
    if request.need_gen_new_token {
        let token = service
            .auth
            .issue(&user, info.clone().unwrap_or_default(), &service.clock);
        service.issued.push(token.clone());
        return describe_token(service, token, info);
    }
    let token = request.token.expose().to_owned();
    describe_token(service, token, info)
}

/// Renews the presented token: the same token, valid for a full lifetime from now. An
/// expired token cannot be renewed.
fn update_token(service: &mut Service, call: &Call<'_>) -> Outcome {
    let token = call.header("x-access-token").unwrap_or_default();
    let now = service.clock.instant();
    let validity = service.auth.validity;
    let entry = service
        .auth
        .tokens
        .get_mut(&token)
        .filter(|t| t.expires > now)
        .ok_or_else(invalid_token)?;
    entry.expires = now + validity;
    entry.expires_at = service.clock.now() + validity;
    let info = entry.info.clone();
    describe_token(service, token, Some(info))
}

/// Signs the presented token out: it stops working, freeing one of the user's token slots.
fn delete_token(service: &mut Service, call: &Call<'_>) -> Outcome {
    let token = call.header("x-access-token").unwrap_or_default();
    service.auth.tokens.remove(&token);
    Ok(None)
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
    service.check_user_enabled(&user, 1)?;
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
    // An account of the set-up, or a user of the directory with a password.
    let known = service.auth.accounts.get(account).map(String::as_str) == Some(password)
        || service
            .directory
            .find(account, 0)
            .and_then(|u| u.password.as_ref())
            .is_some_and(|p| p.expose() == password);
    if account != request.account || !known {
        return Err(wrong());
    }
    service.check_user_enabled(account, 0)?;
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
