//! The enterprise's App IDs (real credentials: the auth area hears of each change) and its
//! SSO configuration. Only the enterprise's default administrator manages App IDs.

use super::*;
use crate::types::{AppIdInfoDto, AuthorizeConfigInfoRequestBody, BatchSearchAppIdResponse, ShowSsoConfigResponse};

/// App IDs an enterprise may have.
const MOST_APP_IDS: usize = 10;
/// `create_time` and `last_update_time` as the service writes them.
const TIME: &str = "%Y-%m-%d %H:%M:%S";

pub(super) struct AppId {
    app_id: String,
    key: Secret,
    name: String,
    description: Option<String>,
    /// 0 normal, 1 disabled.
    status: i32,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
}

impl AppId {
    /// What the auth area learns: the key that signs for it, and whether it may.
    fn changed(&self) -> Event {
        Event::AppIdChanged {
            app_id: self.app_id.clone(),
            key: self.key.clone(),
            enabled: self.status == 0,
        }
    }

    /// The answer; the key only where the service shows it (creation and reset).
    fn info(&self, with_key: bool) -> AppIdInfoDto {
        AppIdInfoDto {
            app_id: Some(self.app_id.clone()),
            app_key: with_key.then(|| self.key.clone()),
            app_name: Some(self.name.clone()),
            description: self.description.clone(),
            status: Some(self.status),
            create_time: Some(self.created.format(TIME).to_string()),
            last_update_time: Some(self.updated.format(TIME).to_string()),
        }
    }
}

fn not_ours(app_id: &str) -> Failure {
    fail(
        400,
        ErrorCode::AppIdNotInEnterprise,
        format!("App ID {app_id} is not one of the enterprise's"),
    )
}

/// A new App Key: 64 hex digits.
fn new_key() -> Secret {
    Secret::new(format!("{}{}", hex_id(), hex_id()))
}

impl Directory {
    /// The App ID batch_search_app_id's example lists, with the key add_app_id's example
    /// answers.
    pub(super) fn seed_app_ids(
        &mut self,
        examples: &crate::simulator::examples::SpecExamples,
        now: DateTime<Utc>,
    ) -> Vec<Event> {
        use serde_json::Value;
        let key = examples
            .response("add_app_id")
            .and_then(|r| r.get("app_key"))
            .and_then(Value::as_str);
        let listed = examples
            .response("batch_search_app_id")
            .and_then(|r| r.pointer("/data/0"))
            .and_then(|a| serde_json::from_value::<AppIdInfoDto>(a.clone()).ok());
        let (Some(key), Some(listed)) = (key, listed) else {
            return Vec::new();
        };
        // The example's times (not the start's: answers compare across simulators).
        let at = |text: Option<&String>| {
            text.and_then(|t| chrono::NaiveDateTime::parse_from_str(t, TIME).ok())
                .map_or(now, |t| t.and_utc())
        };
        let app = AppId {
            app_id: listed.app_id.clone().unwrap_or_else(hex_id),
            key: Secret::new(key.to_owned()),
            name: listed.app_name.clone().unwrap_or_default(),
            description: listed.description.clone(),
            status: listed.status.unwrap_or(0),
            created: at(listed.create_time.as_ref()),
            updated: at(listed.last_update_time.as_ref()),
        };
        let event = app.changed();
        self.app_ids.push(app);
        vec![event]
    }

    /// Refuses anyone but the enterprise's default administrator.
    fn default_admin_only(&self, cx: &Context<'_>) -> Result<(), Failure> {
        let is_default_admin = self.me(cx).is_ok_and(|me| me.admin_type == DEFAULT_ADMIN);
        if is_default_admin {
            Ok(())
        } else {
            Err(fail(
                403,
                ErrorCode::InsufficientPermission,
                "only the enterprise's default administrator manages App IDs",
            ))
        }
    }

    fn app_mut(&mut self, app_id: &str) -> Result<&mut AppId, Failure> {
        self.app_ids
            .iter_mut()
            .find(|a| a.app_id == app_id)
            .ok_or_else(|| not_ours(app_id))
    }
}

/// An App ID usable at once; its key is shown here (and at a reset) only.
impl Handle<input::AddAppId> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::AddAppId) -> Answer<AppIdInfoDto> {
        self.default_admin_only(cx)?;
        if self.app_ids.len() >= MOST_APP_IDS {
            return Err(fail(
                400,
                ErrorCode::AppIdLimitReached,
                format!("the enterprise has {MOST_APP_IDS} App IDs, the most it may have"),
            ));
        }
        let app = AppId {
            app_id: hex_id(),
            key: new_key(),
            name: input.body.app_name,
            description: input.body.description,
            status: 0,
            created: cx.now,
            updated: cx.now,
        };
        cx.emit(app.changed());
        let answer = app.info(true);
        self.app_ids.push(app);
        Ok(answer)
    }
}

/// Authentication with a deleted App ID is refused; deleting one that is gone changes nothing.
impl Handle<input::DeleteAppId> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::DeleteAppId) -> Answer<()> {
        self.default_admin_only(cx)?;
        if let Some(index) = self.app_ids.iter().position(|a| a.app_id == input.app_id) {
            self.app_ids.remove(index);
            cx.emit(Event::AppIdRemoved { app_id: input.app_id });
        }
        Ok(())
    }
}

/// Sets the fields given; `status` 1 disables it (authentication is refused), 0 enables it.
impl Handle<input::UpdateAppId> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdateAppId) -> Answer<AppIdInfoDto> {
        self.default_admin_only(cx)?;
        let change = input.body;
        let app = self.app_mut(&input.app_id)?;
        if let Some(name) = change.app_name {
            app.name = name;
        }
        if change.description.is_some() {
            app.description = change.description;
        }
        if let Some(status) = change.status {
            app.status = status;
        }
        app.updated = cx.now;
        let (event, answer) = (app.changed(), app.info(false));
        cx.emit(event);
        Ok(answer)
    }
}

/// A new key: the old one is refused from now on.
impl Handle<input::ResetAppKey> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ResetAppKey) -> Answer<AppIdInfoDto> {
        self.default_admin_only(cx)?;
        let app = self.app_mut(&input.app_id)?;
        app.key = new_key();
        app.updated = cx.now;
        let (event, answer) = (app.changed(), app.info(true));
        cx.emit(event);
        Ok(answer)
    }
}

/// The list shows no key.
impl Handle<input::BatchSearchAppId> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::BatchSearchAppId) -> Answer<BatchSearchAppIdResponse> {
        self.default_admin_only(cx)?;
        let (offset, limit) = page(input.offset, input.limit, 10);
        let apps: Vec<AppIdInfoDto> = self.app_ids.iter().map(|a| a.info(false)).collect();
        Ok(page_of!(BatchSearchAppIdResponse, apps, offset, limit))
    }
}

/// Stored as set. With SSO on, the client secret is required when there is none stored or
/// the token or user-info URL changes; otherwise an absent one keeps the stored one.
impl Handle<input::SetSsoConfig> for Directory {
    fn handle(&mut self, _: &mut Context<'_>, input: input::SetSsoConfig) -> Answer<()> {
        let mut config: AuthorizeConfigInfoRequestBody = input.body;
        let stored = self.sso.as_ref();
        if config.client_secret.is_none() {
            let urls_changed = stored.is_none_or(|s| {
                s.get_token_url != config.get_token_url || s.get_user_info_url != config.get_user_info_url
            });
            if config.enable_sso && (urls_changed || stored.is_none_or(|s| s.client_secret.is_none())) {
                return Err(invalid(
                    "clientSecret is required when SSO is on and no secret is stored or the token or user-info URL changes",
                ));
            }
            config.client_secret = stored.and_then(|s| s.client_secret.clone());
        }
        self.sso = Some(config);
        Ok(())
    }
}

/// As set, without the client secret (the simulator never shows it back).
impl Handle<input::ShowSsoConfig> for Directory {
    fn handle(&mut self, _: &mut Context<'_>, _: input::ShowSsoConfig) -> Answer<ShowSsoConfigResponse> {
        let Some(c) = self.sso.clone() else {
            return Ok(ShowSsoConfigResponse {
                enable_sso: Some(false),
                ..ShowSsoConfigResponse::default()
            });
        };
        Ok(ShowSsoConfigResponse {
            acc_field_name: c.acc_field_name,
            android_schema_url: c.android_schema_url,
            authorize_url: c.authorize_url,
            client_id: c.client_id,
            client_secret: None,
            domain: c.domain,
            enable_sso: Some(c.enable_sso),
            get_token_url: c.get_token_url,
            get_user_info_url: c.get_user_info_url,
            ios_schema_url: c.ios_schema_url,
            oauth2_server_type: c.oauth2_server_type,
            pc_schema_url: c.pc_schema_url,
            scope: c.scope,
            third_access_token: c.third_access_token,
            third_email: c.third_email,
            third_head_img_url: c.third_head_img_url,
            third_mobile: c.third_mobile,
            third_name: c.third_name,
        })
    }
}
