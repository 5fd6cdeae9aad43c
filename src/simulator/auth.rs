//! Authentication, for every enterprise: App ID signatures and their nonces, Basic accounts,
//! the SP administrator, the access tokens issued, and the meeting-control tokens granted with
//! the host password of a meeting in progress. What it knows of users and meetings it learns
//! from the other areas' events.

mod handlers;

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::SimulatorBuilder;
use super::api::Caller;
use super::clock::Clock;
use super::events::{Account, Event};
use super::wire::{Failure, fail};
use crate::types::UserInfo;
use crate::{ErrorCode, Secret};

/// Live tokens a user may hold with clientType 72; the next one evicts the oldest.
const MAX_TOKENS_PER_USER: usize = 64;
/// The enterprise's default administrator (and a meeting's host, for meeting control).
pub(super) const ADMIN: &str = "";

struct AccessToken {
    caller: Caller,
    /// The account information given with the token.
    info: UserInfo,
    /// When it was issued and when it expires, as the service reports them (wall clock).
    created: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    /// When it expires, for liveness checks (monotonic).
    expires: Instant,
}

/// A meeting-control token: the meeting it controls (in its enterprise) and its expiry.
struct ConferenceToken {
    corp: String,
    conference_id: String,
    expires: Instant,
}

pub(super) struct Auth {
    default_corp: String,
    /// Every enterprise's ID.
    corps: HashSet<String>,
    app_id: String,
    app_key: Secret,
    /// The SP administrator (account, password), when the simulator has one: the App ID is
    /// then multi-tenant (signed with a corp ID).
    sp: Option<(String, Secret)>,
    /// Accounts of the set-up (account/password authentication), in the default enterprise.
    accounts: HashMap<String, Secret>,
    /// Each enterprise's users, as its directory announced them.
    users: HashMap<String, Vec<Account>>,
    nonces: HashSet<String>,
    tokens: HashMap<String, AccessToken>,
    tokens_by_user: HashMap<Caller, VecDeque<String>>,
    pub(super) validity: Duration,
    conference_tokens: HashMap<String, ConferenceToken>,
    pub(super) conference_validity: Duration,
    /// Host passwords of the meetings, by (enterprise, conferenceID), and whether each is in
    /// progress.
    hosts: HashMap<(String, String), (Secret, bool)>,
    /// The enterprises' own App IDs (add_app_id): App ID -> its enterprise, key, enabled.
    enterprise_apps: HashMap<String, EnterpriseApp>,
    /// Tokens a checked verification code gave for resetting a forgotten password: token ->
    /// (enterprise, account, expiry). Spent when the account's password changes.
    reset_tokens: HashMap<String, (String, String, Instant)>,
}

/// An App ID an enterprise made for itself: it acts in that enterprise.
pub(super) struct EnterpriseApp {
    pub(super) corp: String,
    pub(super) key: Secret,
    pub(super) enabled: bool,
}

fn invalid_token() -> Failure {
    fail(401, ErrorCode::TokenInvalid, "The token is invalid or has expired")
}

impl Auth {
    pub(super) fn new(config: &SimulatorBuilder) -> Self {
        Auth {
            default_corp: config.corp_id.clone(),
            corps: std::iter::once(&config.corp_id)
                .chain(&config.other_corps)
                .cloned()
                .collect(),
            app_id: config.app_id.clone(),
            app_key: Secret::new(config.app_key.clone()),
            sp: config.sp_account.clone(),
            accounts: config
                .accounts
                .iter()
                .map(|(account, password)| (account.clone(), Secret::new(password.clone())))
                .collect(),
            users: HashMap::new(),
            nonces: HashSet::new(),
            tokens: HashMap::new(),
            tokens_by_user: HashMap::new(),
            validity: config.access_token_validity,
            conference_tokens: HashMap::new(),
            conference_validity: config.conference_token_validity,
            hosts: HashMap::new(),
            enterprise_apps: HashMap::new(),
            reset_tokens: HashMap::new(),
        }
    }

    pub(super) fn default_corp(&self) -> &str {
        &self.default_corp
    }

    /// An enterprise the SP created: its users (and default administrator) come as events.
    pub(super) fn add_enterprise(&mut self, corp: &str) {
        self.corps.insert(corp.to_owned());
    }

    /// An enterprise the SP deleted: nobody signs in to it, its tokens and meetings end.
    pub(super) fn remove_enterprise(&mut self, corp: &str) {
        self.corps.remove(corp);
        self.users.remove(corp);
        self.tokens.retain(|_, t| t.caller.corp.as_deref() != Some(corp));
        self.tokens_by_user
            .retain(|caller, _| caller.corp.as_deref() != Some(corp));
        self.conference_tokens.retain(|_, t| t.corp != corp);
        self.hosts.retain(|(c, _), _| c != corp);
        self.enterprise_apps.retain(|_, app| app.corp != corp);
        self.reset_tokens.retain(|_, (c, _, _)| c != corp);
    }

    /// The enterprise holding the meeting `conference_id` (IDs are unique across them).
    pub(super) fn corp_of_meeting(&self, conference_id: &str) -> Option<&str> {
        self.hosts
            .keys()
            .find(|(_, id)| id == conference_id)
            .map(|(corp, _)| corp.as_str())
    }

    /// Another area's event in enterprise `corp`.
    pub(super) fn on(&mut self, corp: &str, event: &Event) {
        let key = |id: &String| (corp.to_owned(), id.clone());
        match event {
            Event::MeetingScheduled {
                conference_id,
                host_password,
            } => {
                self.hosts.insert(key(conference_id), (host_password.clone(), false));
            }
            Event::MeetingStarted {
                conference_id,
                host_password,
                ..
            } => {
                self.hosts.insert(key(conference_id), (host_password.clone(), true));
            }
            Event::MeetingRemoved { conference_id } => {
                self.hosts.remove(&key(conference_id));
            }
            Event::MeetingEnded(held) => {
                // A series goes on to its next occurrence: scheduled again.
                if let Some((_, live)) = self.hosts.get_mut(&key(&held.conference_id)) {
                    *live = false;
                }
                self.conference_tokens
                    .retain(|_, t| t.corp != corp || t.conference_id != held.conference_id);
            }
            Event::ResetTokenIssued {
                token,
                account,
                expires,
            } => {
                self.reset_tokens
                    .insert(token.expose().to_owned(), (corp.to_owned(), account.clone(), *expires));
            }
            Event::UserChanged(account) => {
                // A new password spends the tokens given to reset it.
                let before = self
                    .users
                    .get(corp)
                    .and_then(|users| users.iter().find(|u| u.account == account.account));
                let password = |a: &Account| a.password.as_ref().map(|p| p.expose().to_owned());
                if before.is_some_and(|before| password(before) != password(account)) {
                    self.reset_tokens.retain(|_, (c, a, _)| {
                        c != corp || (*a != account.account && Some(a.as_str()) != account.third_account.as_deref())
                    });
                }
                let users = self.users.entry(corp.to_owned()).or_default();
                users.retain(|u| u.account != account.account);
                users.push(account.clone());
                if account.disabled {
                    self.revoke(corp, &account.account, account.third_account.as_deref());
                }
            }
            Event::UserRemoved { account, third_account } => {
                if let Some(users) = self.users.get_mut(corp) {
                    users.retain(|u| u.account != *account);
                }
                self.revoke(corp, account, third_account.as_deref());
            }
            Event::AppIdChanged { app_id, key, enabled } => {
                let app = EnterpriseApp {
                    corp: corp.to_owned(),
                    key: key.clone(),
                    enabled: *enabled,
                };
                self.enterprise_apps.insert(app_id.clone(), app);
            }
            Event::AppIdRemoved { app_id } => {
                self.enterprise_apps.remove(app_id);
            }
            // The service applies these (auth hears of them through add/remove_enterprise).
            Event::RoomAssigned { .. }
            | Event::WebinarRoomAdded { .. }
            | Event::EnterpriseAdded { .. }
            | Event::EnterpriseRemoved { .. }
            | Event::ResourcesChanged { .. } => {}
        }
    }

    /// Ends the access tokens of a user disabled or deleted: signed in by account or by
    /// third-party user ID.
    fn revoke(&mut self, corp: &str, account: &str, third_account: Option<&str>) {
        let theirs = |caller: &Caller| {
            caller.corp.as_deref() == Some(corp)
                && (caller.user == account || Some(caller.user.as_str()) == third_account)
        };
        self.tokens.retain(|_, t| !theirs(&t.caller));
        self.tokens_by_user.retain(|caller, _| !theirs(caller));
    }

    /// The examples' world: the token check_token's example checks is the administrator's;
    /// the token check_verify_code's example answers resets its user's password.
    pub(super) fn seed_examples(&mut self, examples: &super::examples::SpecExamples, clock: &Clock) {
        let text = |v: Option<&serde_json::Value>| v.and_then(serde_json::Value::as_str).map(str::to_owned);
        if let (Some(token), Some(user)) = (
            text(examples.response("check_verify_code").and_then(|r| r.get("token"))),
            text(examples.body("check_verify_code").and_then(|b| b.get("user"))),
        ) {
            let expires = clock.instant() + Duration::from_secs(3600);
            self.reset_tokens
                .insert(token, (self.default_corp.clone(), user, expires));
        }
        if let Some(token) = examples
            .body("check_token")
            .and_then(|b| b.get("token"))
            .and_then(serde_json::Value::as_str)
        {
            let caller = Caller::admin(&self.default_corp);
            self.insert(
                token.to_owned(),
                caller,
                UserInfo::default(),
                clock.now(),
                clock.instant(),
            );
        }
    }

    /// The enterprise of the user with this account or third-party user ID.
    pub(super) fn corp_of_account(&self, account: &str) -> Option<&str> {
        self.users
            .iter()
            .find(|(_, users)| {
                users
                    .iter()
                    .any(|u| u.account == account || u.third_account.as_deref() == Some(account))
            })
            .map(|(corp, _)| corp.as_str())
    }

    /// The account a password-reset token (check_verify_code's answer) is for.
    pub(super) fn reset_caller(&self, token: Option<String>, now: Instant) -> Result<Caller, Failure> {
        match token.and_then(|t| self.reset_tokens.get(&t)) {
            Some((corp, account, expires)) if *expires > now => Ok(Caller {
                corp: Some(corp.clone()),
                user: account.clone(),
            }),
            _ => Err(invalid_token()),
        }
    }

    /// The caller a presented `X-Access-Token` belongs to.
    pub(super) fn caller_of(&self, token: Option<String>, now: Instant) -> Result<Caller, Failure> {
        let token = token.ok_or_else(|| fail(401, ErrorCode::TokenInvalid, "X-Access-Token is missing"))?;
        self.live(&token, now)
            .map(|t| t.caller.clone())
            .ok_or_else(invalid_token)
    }

    /// Checks a presented `X-Conference-Authorization` against the meeting the call names;
    /// the caller is the host, in the meeting's enterprise.
    pub(super) fn conference_caller(
        &self,
        token: Option<String>,
        conference_id: &str,
        now: Instant,
    ) -> Result<Caller, Failure> {
        let token = token.ok_or_else(|| {
            fail(
                401,
                ErrorCode::UserTokenAuthFailed,
                "X-Conference-Authorization is missing",
            )
        })?;
        match self.conference_tokens.get(&token) {
            Some(t) if t.expires > now && t.conference_id == conference_id => Ok(Caller::admin(&t.corp)),
            _ => Err(fail(
                401,
                ErrorCode::UserTokenAuthFailed,
                "USER_TOKEN_AUTH_FAILED: the meeting-control token is invalid or has expired",
            )),
        }
    }

    /// The user `account` of enterprise `corp`, by account (`accountType` 0) or third-party
    /// user ID (1).
    fn user(&self, corp: &str, account: &str, by_third_account: bool) -> Option<&Account> {
        self.users.get(corp)?.iter().find(|u| {
            if by_third_account {
                u.third_account.as_deref() == Some(account)
            } else {
                u.account == account
            }
        })
    }

    /// Refuses a disabled user's authentication (the service's "account not activated").
    fn check_enabled(&self, corp: &str, account: &str, by_third_account: bool) -> Result<(), Failure> {
        match self.user(corp, account, by_third_account) {
            Some(user) if account != ADMIN && user.disabled => Err(fail(
                401,
                ErrorCode::AccountNotActivated,
                format!("the account {account} is disabled"),
            )),
            _ => Ok(()),
        }
    }

    pub(super) fn expire_all(&mut self, now: Instant) {
        self.tokens.values_mut().for_each(|t| t.expires = now);
    }

    pub(super) fn expire_all_conference(&mut self, now: Instant) {
        self.conference_tokens.values_mut().for_each(|t| t.expires = now);
    }

    /// Expires `token`, an access or meeting-control token.
    pub(super) fn expire(&mut self, token: &str, now: Instant) {
        if let Some(token) = self.tokens.get_mut(token) {
            token.expires = now;
        }
        if let Some(token) = self.conference_tokens.get_mut(token) {
            token.expires = now;
        }
    }

    /// Live access tokens of a user of the default enterprise (`None`: its administrator).
    pub(super) fn live_tokens(&self, user_id: Option<&str>, now: Instant) -> usize {
        let caller = Caller {
            corp: Some(self.default_corp.clone()),
            user: user_id.unwrap_or(ADMIN).to_owned(),
        };
        self.tokens_by_user.get(&caller).map_or(0, |queue| {
            queue
                .iter()
                .filter(|t| self.tokens.get(*t).is_some_and(|t| t.expires > now))
                .count()
        })
    }

    fn insert(&mut self, token: String, caller: Caller, info: UserInfo, now: DateTime<Utc>, instant: Instant) {
        self.tokens_by_user
            .entry(caller.clone())
            .or_default()
            .push_back(token.clone());
        self.tokens.insert(
            token,
            AccessToken {
                caller,
                info,
                created: now,
                expires_at: now + self.validity,
                expires: instant + self.validity,
            },
        );
    }

    /// Makes room for one more token of `caller`, evicting the oldest beyond the cap.
    fn make_room(&mut self, caller: &Caller, now: Instant) {
        self.tokens.retain(|_, t| t.expires > now);
        let queue = self.tokens_by_user.entry(caller.clone()).or_default();
        queue.retain(|t| self.tokens.contains_key(t));
        while queue.len() >= MAX_TOKENS_PER_USER {
            // The 65th token invalidates the oldest.
            if let Some(oldest) = queue.pop_front() {
                self.tokens.remove(&oldest);
            }
        }
    }

    /// A live token's entry.
    fn live(&self, token: &str, now: Instant) -> Option<&AccessToken> {
        self.tokens.get(token).filter(|t| t.expires > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::api::{Handle, Ids, input, tests::context};
    use crate::simulator::events::Held;

    fn token_call(conference_id: &str) -> input::CreateConfToken {
        input::CreateConfToken {
            conference_id: conference_id.into(),
            x_nonce: None,
        }
    }

    #[test]
    fn meeting_control_follows_the_meetings_events() {
        let config = SimulatorBuilder::default();
        let mut auth = Auth::new(&config);
        let mut ids = Ids::default();
        let corp = config.corp_id.as_str();
        let id = "914000001";
        let password = Secret::new("123456");
        let mut cx = context(&mut ids);
        cx.credential = Some("123456".into());
        // Unheard of: refused as a wrong password is.
        let e = auth.handle(&mut cx, token_call(id)).unwrap_err();
        assert_eq!(e.code, ErrorCode::MeetingNotFoundOrAuthFailed);
        auth.on(
            corp,
            &Event::MeetingScheduled {
                conference_id: id.into(),
                host_password: password.clone(),
            },
        );
        let e = auth.handle(&mut cx, token_call(id)).unwrap_err();
        assert_eq!(e.code, ErrorCode::MeetingNotInProgress);
        auth.on(
            corp,
            &Event::MeetingStarted {
                conference_id: id.into(),
                host_password: password,
                room: None,
            },
        );
        let granted = auth.handle(&mut cx, token_call(id)).unwrap();
        let token = granted.data.unwrap().token.unwrap().expose().to_owned();
        let now = cx.instant;
        assert_eq!(
            auth.conference_caller(Some(token.clone()), id, now).unwrap(),
            Caller::admin(corp)
        );
        assert!(auth.conference_caller(Some(token.clone()), "914000002", now).is_err());
        // The meeting ends: its tokens end with it.
        auth.on(
            corp,
            &Event::MeetingEnded(Held {
                conf_uuid: "u".into(),
                conference_id: id.into(),
                subject: String::new(),
                owner: String::new(),
                started: cx.now,
                ended: cx.now,
                recorded: false,
                record_auth_type: 2,
            }),
        );
        assert!(auth.conference_caller(Some(token), id, now).is_err());
        assert_eq!(
            cx.finish().issued.len(),
            3,
            "the token, its address token and web-socket token"
        );
    }

    #[test]
    fn a_disabled_user_is_refused_at_sign_in_and_loses_her_tokens() {
        let config = SimulatorBuilder::default().account("dora", "pw");
        let mut auth = Auth::new(&config);
        let corp = config.corp_id.clone();
        assert!(auth.check_enabled(&corp, "dora", false).is_ok());
        let now = Instant::now();
        let dora = Caller {
            corp: Some(corp.clone()),
            user: "dora".into(),
        };
        let token = "stb-dora".to_owned();
        auth.insert(token.clone(), dora, UserInfo::default(), Utc::now(), now);
        assert!(auth.live(&token, now).is_some());
        auth.on(
            &corp,
            &Event::UserChanged(Account {
                account: "dora".into(),
                third_account: Some("dora-id".into()),
                password: None,
                disabled: true,
            }),
        );
        let e = auth.check_enabled(&corp, "dora", false).unwrap_err();
        assert!(auth.live(&token, now).is_none(), "her token ends with her account");
        assert_eq!(e.code, ErrorCode::AccountNotActivated);
        assert!(auth.check_enabled(&corp, "dora-id", true).is_err());
        assert!(
            auth.check_enabled("other", "dora", false).is_ok(),
            "another enterprise's Dora"
        );
    }
}
