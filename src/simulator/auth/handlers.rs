//! The authentication operations: tokens for an App ID signature or an account's password,
//! their check, renewal and sign-out, and meeting-control tokens for a host password.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::{ADMIN, Auth, ConferenceToken, invalid_token};
use crate::simulator::api::{Answer, Caller, Context, Handle, input};
use crate::simulator::wire::{Failure, fail, int32, not_in_progress};
use crate::types::{RestLoginResponse, TokenDto, TokenInfo, UserInfo};
use crate::{ErrorCode, Secret};

fn wrong_credentials(message: &str) -> Failure {
    fail(401, ErrorCode::WrongCredentials, message.to_owned())
}

/// An App ID that is not (or no longer) one that may authenticate.
fn app_id_refused(message: &str) -> Failure {
    fail(401, ErrorCode::AppIdCheckFailed, message.to_owned())
}

impl Auth {
    /// Issues an access token for `caller` and answers the service's `TokenDTO` for it.
    fn issue(&mut self, cx: &mut Context<'_>, caller: Caller, info: UserInfo) -> Answer<TokenDto> {
        self.make_room(&caller, cx.instant);
        let token = cx.issue_token("stb");
        self.insert(token.clone(), caller, info.clone(), cx.now, cx.instant);
        self.describe(cx, token, Some(info))
    }

    /// The service's `TokenDTO` for a live token: when it was issued, when it expires and the
    /// seconds it has left (a full lifetime for a new or renewed token, less for one checked
    /// later).
    fn describe(&self, cx: &Context<'_>, token: String, user_info: Option<UserInfo>) -> Answer<TokenDto> {
        let entry = self.live(&token, cx.instant).ok_or_else(invalid_token)?;
        // Whole seconds left, rounded up: a token issued a moment ago has its full lifetime.
        let left = entry.expires.saturating_duration_since(cx.instant).as_secs_f64().ceil() as i64;
        Ok(TokenDto {
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
}

/// Checks a token given in the body (no credential needed); with `needGenNewToken` a new
/// token of the same user comes back.
impl Handle<input::CheckToken> for Auth {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::CheckToken) -> Answer<TokenDto> {
        let request = input.body;
        let (caller, info) = self
            .live(request.token.expose(), cx.instant)
            .map(|t| (t.caller.clone(), t.info.clone()))
            .ok_or_else(invalid_token)?;
        let info = request.need_account_info.unwrap_or(true).then_some(info);
        if request.need_gen_new_token {
            let token = self.issue(cx, caller, info.clone().unwrap_or_default())?;
            return Ok(TokenDto { user: info, ..token });
        }
        self.describe(cx, request.token.expose().to_owned(), info)
    }
}

/// Renews the presented token: the same token, valid for a full lifetime from now. An
/// expired token cannot be renewed.
impl Handle<input::UpdateToken> for Auth {
    fn handle(&mut self, cx: &mut Context<'_>, _: input::UpdateToken) -> Answer<TokenDto> {
        let token = cx.credential.clone().unwrap_or_default();
        let validity = self.validity;
        let entry = self
            .tokens
            .get_mut(&token)
            .filter(|t| t.expires > cx.instant)
            .ok_or_else(invalid_token)?;
        entry.expires = cx.instant + validity;
        entry.expires_at = cx.now + validity;
        let info = entry.info.clone();
        self.describe(cx, token, Some(info))
    }
}

/// Signs the presented token out: it stops working, freeing one of the user's token slots.
impl Handle<input::DeleteToken> for Auth {
    fn handle(&mut self, cx: &mut Context<'_>, _: input::DeleteToken) -> Answer<()> {
        self.tokens.remove(cx.credential.as_deref().unwrap_or_default());
        Ok(())
    }
}

impl Handle<input::CreateAppIdToken> for Auth {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::CreateAppIdToken) -> Answer<TokenDto> {
        let auth = input.body;
        let authorization = cx
            .credential
            .clone()
            .ok_or_else(|| wrong_credentials("Authorization is missing"))?;
        let (signature, access) = parse_hmac_authorization(&authorization)
            .ok_or_else(|| wrong_credentials("Authorization is not `HMAC-SHA256 signature=...`"))?;
        if access.is_some_and(|a| BASE64.decode(a).ok().as_deref() != Some(auth.app_id.as_bytes())) {
            return Err(wrong_credentials("Unknown App ID"));
        }
        // The simulator's App ID, or one an enterprise made for itself (add_app_id), which
        // acts in that enterprise only.
        let (key, own_corp) = if auth.app_id == self.app_id {
            (self.app_key.clone(), None)
        } else {
            match self.enterprise_apps.get(&auth.app_id) {
                Some(app) if app.enabled => (app.key.clone(), Some(app.corp.clone())),
                Some(_) => return Err(app_id_refused("The App ID is disabled")),
                None => return Err(app_id_refused("Unknown App ID")),
            }
        };
        // Single-enterprise mode refuses a corp ID; an SP's (multi-tenant) App ID names the
        // enterprise it acts in, and without one acts as the SP administrator.
        let corp = auth.corp_id.as_deref().filter(|c| !c.is_empty());
        if corp.is_some() && (self.sp.is_none() || own_corp.is_some()) {
            return Err(wrong_credentials("corpId is only allowed in multi-tenant mode"));
        }
        let expected = crate::auth::app_id_signature(
            &auth.app_id,
            key.expose(),
            corp.filter(|_| self.sp.is_some()),
            auth.user_id.as_deref(),
            auth.expire_time,
            &auth.nonce,
        );
        if !expected.eq_ignore_ascii_case(&signature) {
            return Err(wrong_credentials("The App ID signature is wrong"));
        }
        if auth.expire_time != 0 && auth.expire_time < chrono::Utc::now().timestamp() {
            return Err(fail(
                401,
                ErrorCode::AppIdAuthExpired,
                "APPID_AUTH_EXPIRE: the signature has expired",
            ));
        }
        if !self.nonces.insert(auth.nonce.clone()) {
            return Err(wrong_credentials("The nonce was already used"));
        }
        let user = auth.user_id.clone().unwrap_or_default();
        // The SP administrator acts in no enterprise.
        let corp = match (corp, &self.sp) {
            _ if own_corp.is_some() => own_corp,
            (Some(corp), _) => Some(corp.to_owned()),
            (None, Some(_)) if user.is_empty() => None,
            (None, _) => Some(self.default_corp.clone()),
        };
        if let Some(corp) = &corp {
            if !self.corps.contains(corp) {
                return Err(wrong_credentials(&format!("enterprise {corp} does not exist")));
            }
            self.check_enabled(corp, &user, true)?;
        }
        let admin = user.is_empty();
        let user_info = UserInfo {
            uclogin_account: Some(if admin { "admin".to_owned() } else { user.clone() }),
            user_id: Some(user.clone()),
            app_id: Some(auth.app_id),
            third_account: Some(user.clone()),
            company_id: auth.corp_id.clone(),
            user_type: Some(if corp.is_none() { 1 } else { 2 }),
            admin_type: Some(if admin { 0 } else { 2 }),
            status: Some(0),
            ..UserInfo::default()
        };
        self.issue(cx, Caller { corp, user }, user_info)
    }
}

impl Handle<input::CreateToken> for Auth {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::CreateToken) -> Answer<TokenDto> {
        let wrong = || wrong_credentials("User name or password is incorrect");
        let basic = cx
            .credential
            .as_deref()
            .and_then(|a| a.strip_prefix("Basic "))
            .ok_or_else(wrong)?;
        let decoded = BASE64
            .decode(basic.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(wrong)?;
        let (account, password) = decoded.split_once(':').ok_or_else(wrong)?;
        if account != input.body.account {
            return Err(wrong());
        }
        let is = |secret: Option<&Secret>| secret.is_some_and(|p| p.expose() == password);
        // The SP administrator, an account of the set-up, or a user of a directory with a
        // password.
        let (corp, user_type, admin_type) = if self.sp.as_ref().is_some_and(|(a, p)| a == account && is(Some(p))) {
            (None, 1, 0)
        } else if is(self.accounts.get(account)) {
            (Some(self.default_corp.clone()), 2, 1)
        } else {
            let corp = self
                .users
                .iter()
                .find(|(_, users)| users.iter().any(|u| u.account == account && is(u.password.as_ref())))
                .map(|(corp, _)| corp.clone())
                .ok_or_else(wrong)?;
            (Some(corp), 2, 1)
        };
        if let Some(corp) = &corp {
            self.check_enabled(corp, account, false)?;
        }
        let user_info = UserInfo {
            uclogin_account: Some(account.to_owned()),
            user_type: Some(user_type),
            admin_type: Some(admin_type),
            status: Some(0),
            ..UserInfo::default()
        };
        let caller = Caller {
            corp,
            user: account.to_owned(),
        };
        self.issue(cx, caller, user_info)
    }
}

/// A meeting-control token for the host password of a meeting in progress.
impl Handle<input::CreateConfToken> for Auth {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::CreateConfToken) -> Answer<RestLoginResponse> {
        let password = cx.credential.clone().unwrap_or_default();
        // An unknown meeting and a wrong password are the same answer, as at the service.
        let refused = || {
            fail(
                400,
                ErrorCode::MeetingNotFoundOrAuthFailed,
                "CONF_NOT_FOUND_OR_AUTH_FAILED",
            )
        };
        let (corp, live) = self
            .hosts
            .iter()
            .find(|((_, id), (host, _))| *id == input.conference_id && host.expose() == password)
            .map(|((corp, _), (_, live))| (corp.clone(), *live))
            .ok_or_else(refused)?;
        if !live {
            return Err(not_in_progress());
        }
        let validity = self.conference_validity;
        let token = cx.issue_token("stb");
        self.conference_tokens.insert(
            token.clone(),
            ConferenceToken {
                corp: corp.clone(),
                conference_id: input.conference_id.clone(),
                expires: cx.instant + validity,
            },
        );
        let expire_ms = cx.now.timestamp_millis() + validity.as_millis() as i64;
        Ok(RestLoginResponse {
            address_token: Some(Secret::new(cx.issue_token("cnr"))),
            gloabl_public_ip: Some("meeting.huaweicloud.com".into()),
            data: Some(TokenInfo {
                token: Some(Secret::new(token)),
                tmp_ws_token: Some(Secret::new(cx.issue_token(""))),
                ws_url: Some("wss://127.0.0.1".into()),
                role: Some(1),
                expire_time: Some(expire_ms),
                conf_token_expire_time: Some(int32(validity.as_secs())),
                user_id: Some(ADMIN.to_owned()),
                org_id: Some(corp),
                vmr_current_conf_id: Some(input.conference_id),
                support_notify_type: Some(vec!["INCREMENT".into()]),
                ..TokenInfo::default()
            }),
        })
    }
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
