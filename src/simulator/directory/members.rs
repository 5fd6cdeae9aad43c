//! A member's own account (profile, password, picture, portal nonce) and what
//! administrators do for members (reset a password, set a picture, look users up in batch,
//! list a department with its children and the administrators, invite someone), and the
//! external contacts.

use super::*;
use crate::simulator::api::FilePart;
use crate::simulator::outbox::{Purpose, SentMessage};
use crate::types::{
    BatchShowUserDetailsIdType, CreatePortalRefNonceResponse, ExternalContactDto, InviteUserResponse,
    QueryCorpAdminResultDto, SearchCorpAdminsResponse, SearchCorpExternalDirResponse, SearchCorpExternalDirSearchScope,
    ShowDeptAndChildDeptResponse,
};

/// The largest profile picture (10 MiB) and its types, as the spec's `x-meeting-upload`.
const MAX_PICTURE: usize = 10 * 1024 * 1024;
const PICTURE_TYPES: &[&str] = &["image/jpeg", "image/png"];

/// The service's password rules, as the spec states them (the message names the rule, never
/// the value): 8 to 32 characters, at least two kinds of lowercase, uppercase, digits and
/// others; no character more than 3 times in a row; not the account forwards or backwards;
/// at least 2 characters different from the old password.
pub(super) fn password_rule_broken(new: &str, old: Option<&str>, account: &str) -> Option<&'static str> {
    let kinds = [
        new.chars().any(|c| c.is_ascii_lowercase()),
        new.chars().any(|c| c.is_ascii_uppercase()),
        new.chars().any(|c| c.is_ascii_digit()),
        new.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    let chars: Vec<char> = new.chars().collect();
    let reversed: String = account.chars().rev().collect();
    if !(8..=32).contains(&chars.len()) {
        Some("a password has 8 to 32 characters")
    } else if kinds.iter().filter(|k| **k).count() < 2 {
        Some("a password mixes at least two of lowercase letters, uppercase letters, digits and other characters")
    } else if chars.windows(4).any(|w| w.iter().all(|c| *c == w[0])) {
        Some("a password repeats no character more than 3 times in a row")
    } else if !account.is_empty() && (new.contains(account) || new.contains(&reversed)) {
        Some("a password contains neither the account nor the account reversed")
    } else if old.is_some_and(|old| {
        new.chars().zip(old.chars()).filter(|(a, b)| a != b).count() + new.len().abs_diff(old.len()) < 2
    }) {
        Some("a new password differs from the old one in at least 2 characters")
    } else {
        None
    }
}

fn not_yours() -> Failure {
    fail(
        403,
        ErrorCode::InsufficientPermission,
        "a member changes only their own account",
    )
}

impl Directory {
    /// Where the caller's own user is: `None` for the default administrator, else the index
    /// of the member (by account or third-party user ID).
    fn my_index(&self, cx: &Context<'_>) -> Result<Option<usize>, Failure> {
        let who = cx.caller.user.as_str();
        if who.is_empty() || who == self.admin.account {
            return Ok(None);
        }
        self.users
            .iter()
            .position(|u| u.account == who || u.third_account.as_deref() == Some(who))
            .map(Some)
            .ok_or_else(|| user_not_found(who))
    }

    /// The caller's own user.
    pub(super) fn me(&self, cx: &Context<'_>) -> Result<&User, Failure> {
        Ok(match self.my_index(cx)? {
            Some(index) => &self.users[index],
            None => &self.admin,
        })
    }

    pub(super) fn me_mut(&mut self, cx: &Context<'_>) -> Result<&mut User, Failure> {
        Ok(match self.my_index(cx)? {
            Some(index) => &mut self.users[index],
            None => &mut self.admin,
        })
    }

    /// Refuses anyone but an administrator of the enterprise (the default or another).
    fn administrators_only(&self, cx: &Context<'_>) -> Result<(), Failure> {
        if self.me(cx).is_ok_and(|me| me.admin_type != MEMBER) {
            Ok(())
        } else {
            Err(fail(
                403,
                ErrorCode::InsufficientPermission,
                "only an administrator may",
            ))
        }
    }

    /// Stores a profile picture of `user_id` after the checks the spec states.
    fn store_picture(&mut self, user_id: String, file: FilePart) -> Result<(), Failure> {
        let kind = file.content_type.unwrap_or_default();
        if !PICTURE_TYPES.contains(&kind.as_str()) {
            return Err(fail(
                415,
                ErrorCode::InvalidParameter,
                format!("a profile picture is JPEG or PNG, not {kind:?}"),
            ));
        }
        if file.bytes.len() > MAX_PICTURE {
            return Err(fail(
                413,
                ErrorCode::InvalidParameter,
                "a profile picture is at most 10 MiB",
            ));
        }
        self.pictures.insert(user_id, (kind, file.bytes));
        Ok(())
    }

    /// A profile picture, as `GET /simulator/profile-images/<user id>` serves it.
    pub(in crate::simulator) fn picture(&self, user_id: &str) -> Option<(String, bytes::Bytes)> {
        self.pictures.get(user_id).cloned()
    }
}

impl Handle<input::ShowMyInfo> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, _: input::ShowMyInfo) -> Answer<QueryUserResultDto> {
        Ok(self.user_result(self.me(cx)?))
    }
}

/// The fields given replace the member's; `name` always.
impl Handle<input::UpdateMyInfo> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdateMyInfo) -> Answer<()> {
        let change = input.body;
        let me = self.me_mut(cx)?;
        me.name = change.name;
        for (field, value) in [
            (&mut me.english_name, change.english_name),
            (&mut me.signature, change.signature),
            (&mut me.title, change.title),
            (&mut me.desc, change.desc),
        ] {
            if value.is_some() {
                *field = value;
            }
        }
        Ok(())
    }
}

/// The old password must match; the new one follows the rules. Afterwards the old password
/// is refused at sign-in and the new one works; tokens already issued are kept.
impl Handle<input::UpdatePwd> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdatePwd) -> Answer<()> {
        let request = input.body;
        let me = self.me_mut(cx)?;
        if request.account != me.account && Some(&request.account) != me.third_account.as_ref() {
            return Err(not_yours());
        }
        if me
            .password
            .as_ref()
            .is_none_or(|p| p.expose() != request.old_pwd.expose())
        {
            return Err(fail(400, ErrorCode::WrongCredentials, "the old password is wrong"));
        }
        let old = me.password.as_ref().map(|p| p.expose().to_owned());
        if let Some(rule) = password_rule_broken(request.new_pwd.expose(), old.as_deref(), &me.account) {
            return Err(invalid(format!("newPwd: {rule}")));
        }
        me.password = Some(request.new_pwd);
        let changed = me.changed();
        cx.emit(changed);
        Ok(())
    }
}

impl Handle<input::SetProfileImage> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SetProfileImage) -> Answer<()> {
        let id = self.me_mut(cx)?.id.clone();
        self.store_picture(id, input.file)
    }
}

/// A one-use nonce for signing in to the portal without a password.
impl Handle<input::CreatePortalRefNonce> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, _: input::CreatePortalRefNonce) -> Answer<CreatePortalRefNonceResponse> {
        self.me_mut(cx)?;
        Ok(CreatePortalRefNonceResponse {
            nonce: Some(Secret::new(cx.issue_token("nonce"))),
        })
    }
}

/// A new password, sent to the member's e-mail (else phone); the old one is refused from now.
impl Handle<input::ResetPwdByAdmin> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ResetPwdByAdmin) -> Answer<()> {
        self.administrators_only(cx)?;
        self.passwords_issued += 1;
        let password = Secret::new(format!("Meeting@{:04}", 2030 + self.passwords_issued));
        let index = self.position(&input.body.account, None)?;
        let user = &mut self.users[index];
        let to = user.email.clone().or_else(|| user.phone.clone()).ok_or_else(|| {
            invalid(format!(
                "user {} has no e-mail or phone to send the password to",
                user.account
            ))
        })?;
        user.password = Some(password.clone());
        let (changed, account) = (user.changed(), user.account.clone());
        cx.emit(changed);
        cx.send_message(SentMessage::to(&to, Purpose::NewPassword, &account, Some(password)));
        Ok(())
    }
}

impl Handle<input::SetUserProfileImage> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SetUserProfileImage) -> Answer<()> {
        self.administrators_only(cx)?;
        if !self.users.iter().any(|u| u.id == input.user_id) {
            return Err(user_not_found(&input.user_id));
        }
        self.store_picture(input.user_id, input.file)
    }
}

/// By user UUID (`USER_ID`, the default) or third-party user ID (`THIRD_ACCOUNT`); a user
/// not found is answered with `statusCode` 2.
impl Handle<input::BatchShowUserDetails> for Directory {
    fn handle(&mut self, _: &mut Context<'_>, input: input::BatchShowUserDetails) -> Answer<Vec<UserDto>> {
        let by_third = input.id_type == Some(BatchShowUserDetailsIdType::ThirdAccount);
        Ok(input
            .body
            .iter()
            .map(|wanted| {
                let id = wanted.id.clone().unwrap_or_default();
                let found = self.users.iter().find(|u| {
                    if by_third {
                        u.third_account.as_deref() == Some(id.as_str())
                    } else {
                        u.id == id
                    }
                });
                match found {
                    Some(u) => UserDto {
                        id: Some(id),
                        status_code: Some(0),
                        account: Some(u.account.clone()),
                        name: Some(u.name.clone()),
                        english_name: u.english_name.clone(),
                        email: u.email.clone(),
                        phone: u.phone.clone(),
                        dept_name: self.departments.get(&u.dept_code).map(|d| d.name.clone()),
                        dept_codes: Some(vec![u.dept_code.clone()]),
                        number: u.phone.clone(),
                        title: u.title.clone(),
                        signature: u.signature.clone(),
                        description: u.desc.clone(),
                        hide_phone: Some(u.hide_phone),
                        vmr_id: self.vmr_of(u),
                        type_: Some("NORMAL_USER".into()),
                        is_hard_terminal: Some(false),
                        update_time: Some(u.created.timestamp_millis()),
                    },
                    None => UserDto {
                        id: Some(id),
                        status_code: Some(2),
                        ..UserDto::default()
                    },
                }
            })
            .collect())
    }
}

/// The department and its direct children.
impl Handle<input::ShowDeptAndChildDept> for Directory {
    fn handle(
        &mut self,
        _: &mut Context<'_>,
        input: input::ShowDeptAndChildDept,
    ) -> Answer<ShowDeptAndChildDeptResponse> {
        self.department(&input.dept_code)?;
        let d = self.dept_result(&input.dept_code);
        let children: Vec<_> = self
            .departments
            .iter()
            .filter(|(_, c)| c.parent.as_deref() == Some(input.dept_code.as_str()))
            .map(|(code, _)| self.dept_result(code))
            .collect();
        Ok(ShowDeptAndChildDeptResponse {
            corp_id: Some(self.corp_id.clone()),
            dept_code: d.dept_code,
            dept_code_path: d.dept_code_path,
            dept_level: d.dept_level,
            dept_name: d.dept_name,
            dept_name_path: d.dept_name_path,
            is_leaf_node: d.is_leaf_node,
            parent_dept_code: d.parent_dept_code,
            note: d.note,
            sort_level: d.sort_level,
            in_permission: d.in_permission,
            out_permission: d.out_permission,
            designated_out_dept_codes: None,
            child_depts: Some(children),
        })
    }
}

/// The enterprise's administrators (not the default one), by name or account.
impl Handle<input::SearchCorpAdmins> for Directory {
    fn handle(&mut self, _: &mut Context<'_>, input: input::SearchCorpAdmins) -> Answer<SearchCorpAdminsResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let admins: Vec<QueryCorpAdminResultDto> = self
            .users
            .iter()
            .filter(|u| u.admin_type != MEMBER)
            .filter(|u| key.is_empty() || u.name.contains(&key) || u.account.contains(&key))
            .map(|u| self.admin_result(u))
            .collect();
        Ok(page_of!(SearchCorpAdminsResponse, admins, offset, limit))
    }
}

/// The enterprise's external contacts, the caller's own, or both (the default).
impl Handle<input::SearchCorpExternalDir> for Directory {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::SearchCorpExternalDir,
    ) -> Answer<SearchCorpExternalDirResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let scope = input.search_scope.unwrap_or(SearchCorpExternalDirSearchScope::All);
        let who = cx.caller.user.clone();
        let contacts: Vec<ExternalContactDto> = self
            .external
            .iter()
            .filter(|(owner, _)| match (&scope, owner) {
                (SearchCorpExternalDirSearchScope::Corp, owner) => owner.is_none(),
                (SearchCorpExternalDirSearchScope::Personal, owner) => owner.as_deref() == Some(who.as_str()),
                (_, owner) => owner.is_none() || owner.as_deref() == Some(who.as_str()),
            })
            .map(|(_, c)| c)
            .filter(|c| {
                key.is_empty()
                    || [&c.name, &c.phone, &c.email, &c.corp_name]
                        .into_iter()
                        .flatten()
                        .any(|text| text.contains(&key))
            })
            .cloned()
            .collect();
        Ok(page_of!(SearchCorpExternalDirResponse, contacts, offset, limit))
    }
}

/// The simulator's enterprises are of the flagship edition: someone new is added at once,
/// their initial password sent to the contact; someone whose phone or e-mail is already a
/// user's is asked to confirm (nothing is added).
impl Handle<input::InviteUser> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::InviteUser) -> Answer<InviteUserResponse> {
        self.administrators_only(cx)?;
        let request = input.body;
        let contact = request.contact;
        let is_phone = contact.starts_with('+');
        let existing = self
            .users
            .iter()
            .find(|u| u.phone.as_deref() == Some(contact.as_str()) || u.email.as_deref() == Some(contact.as_str()));
        if let Some(user) = existing {
            let account = user.account.clone();
            cx.send_message(SentMessage::to(&contact, Purpose::Invitation, &account, None));
            return Ok(InviteUserResponse { user_exist: Some(true) });
        }
        let dept_code = request.dept_code.unwrap_or_else(|| ROOT.to_owned());
        self.department(&dept_code)?;
        self.passwords_issued += 1;
        let password = Secret::new(format!("Meeting@{:04}", 2030 + self.passwords_issued));
        let account = format!("member{}", &hex_id()[..8]);
        self.users.push(User {
            id: hex_id(),
            account: account.clone(),
            third_account: None,
            name: request.name,
            english_name: None,
            phone: is_phone.then(|| contact.clone()),
            country: Some(request.country.unwrap_or_else(|| "chinaPR".into())),
            email: (!is_phone).then(|| contact.clone()),
            password: Some(password.clone()),
            dept_code,
            title: request.title,
            desc: request.desc,
            signature: None,
            sort_level: request.sort_level.unwrap_or(10000),
            hide_phone: false,
            status: 0,
            admin_type: MEMBER,
            created: cx.now,
            user_type: ORDINARY_USER,
            activated: true,
        });
        let changed = self.users.last().expect("just added").changed();
        cx.emit(changed);
        cx.send_message(SentMessage::to(&contact, Purpose::Invitation, &account, Some(password)));
        Ok(InviteUserResponse {
            user_exist: Some(false),
        })
    }
}
