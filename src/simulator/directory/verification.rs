//! Verification codes and the slide captcha: a forgotten password (captcha, its pass, a code
//! to the bound phone or e-mail, the code checked for a reset token, the reset) and a contact
//! change (a code to the new phone or e-mail, checked, then the change). Codes are "sent"
//! into the outbox; each is valid for its documented time on the simulator's clock, used
//! once, and an account may check at most 5 codes a minute.

use chrono::Duration;

use super::members::password_rule_broken;
use super::*;
use crate::simulator::Simulator;
use crate::simulator::outbox::{Purpose, SentMessage};
use crate::types::{
    CheckSlideVerifyCodeResponse, CheckVerifyCodeResponse, SendSlideVerifyCodeResponse,
    SendVeriCodeForChangePwdResponse, VerifyCodeSendDtov1SendMethod,
};

/// A contact change's code lives 1 minute; a forgotten password's code and reset token 180
/// seconds (what the service's answers say); a captcha and its pass 60 seconds.
const CONTACT_CODE_VALIDITY: Duration = Duration::seconds(60);
const RESET_VALIDITY: Duration = Duration::seconds(180);
const CAPTCHA_VALIDITY: Duration = Duration::seconds(60);
/// Checks an account may make in a minute.
const CHECKS_PER_MINUTE: usize = 5;
/// How far off the captcha's solution a slide may end.
const SLIDE_TOLERANCE: i32 = 5;

struct Code {
    purpose: Purpose,
    account: String,
    /// Where it was sent.
    contact: String,
    code: Secret,
    expires: DateTime<Utc>,
}

/// Captchas shown and passes given: (token, account, expiry).
type Ticket = (String, String, DateTime<Utc>);

#[derive(Default)]
pub(super) struct Verification {
    codes: Vec<Code>,
    /// When each account checked a code (the last minute's).
    checks: Vec<(String, DateTime<Utc>)>,
    captchas: Vec<Ticket>,
    passes: Vec<Ticket>,
    issued: u64,
}

impl Verification {
    /// The examples' world: the captcha, its pass and the codes the examples present, each
    /// valid for an hour from `now`.
    pub(super) fn seed_examples(&mut self, examples: &crate::simulator::examples::SpecExamples, now: DateTime<Utc>) {
        use serde_json::Value;
        let field = |op: &str, key: &str| {
            examples
                .body(op)
                .and_then(|b| b.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let later = now + Duration::hours(1);
        if let (Some(token), Some(user)) = (
            field("check_slide_verify_code", "token"),
            field("check_slide_verify_code", "user"),
        ) {
            self.captchas.push((token, user, later));
        }
        if let (Some(token), Some(user)) = (
            field("send_veri_code_for_change_pwd", "token"),
            field("send_veri_code_for_change_pwd", "user"),
        ) {
            self.passes.push((token, user, later));
        }
        let mut code = |purpose, account: String, contact: String, code: Option<String>| {
            if let Some(code) = code {
                self.codes.push(Code {
                    purpose,
                    account,
                    contact,
                    code: Secret::new(code),
                    expires: later,
                });
            }
        };
        if let Some(user) = field("check_verify_code", "user") {
            code(
                Purpose::PasswordReset,
                user,
                String::new(),
                field("check_verify_code", "code"),
            );
        }
        // The contact changes are the caller's: the examples call as the default administrator.
        for op in ["check_veri_code_for_update_user_info", "update_contact"] {
            if let Some(contact) = field(op, "contact") {
                code(
                    Purpose::ContactChange,
                    "admin".into(),
                    contact,
                    field(op, "verificationCode"),
                );
            }
        }
    }

    /// A new six-digit code (each differs from the last, the same in every run).
    fn next_code(&mut self) -> Secret {
        self.issued += 1;
        Secret::new(format!("{:06}", (482_915 + self.issued * 7_919) % 1_000_000))
    }

    fn issue(
        &mut self,
        purpose: Purpose,
        account: &str,
        contact: &str,
        validity: Duration,
        now: DateTime<Utc>,
    ) -> Secret {
        // A new code replaces the one sent before for the same purpose.
        self.codes.retain(|c| !(c.purpose == purpose && c.account == account));
        let code = self.next_code();
        self.codes.push(Code {
            purpose,
            account: account.to_owned(),
            contact: contact.to_owned(),
            code: code.clone(),
            expires: now + validity,
        });
        code
    }

    /// Checks `given` against the code of `purpose` sent for `account` (to `contact` when
    /// named); `spend` uses it up. The sixth check in a minute is refused whatever the code.
    fn check(
        &mut self,
        purpose: Purpose,
        account: &str,
        contact: Option<&str>,
        given: &Secret,
        spend: bool,
        now: DateTime<Utc>,
    ) -> Result<(), Failure> {
        self.checks.retain(|(_, at)| now - *at < Duration::minutes(1));
        if self.checks.iter().filter(|(a, _)| a == account).count() >= CHECKS_PER_MINUTE {
            return Err(fail(
                423,
                ErrorCode::AccountLocked,
                format!("{account} checked {CHECKS_PER_MINUTE} codes in the last minute: wait"),
            ));
        }
        self.checks.push((account.to_owned(), now));
        let index = self
            .codes
            .iter()
            .position(|c| c.purpose == purpose && c.account == account && contact.is_none_or(|to| to == c.contact))
            .ok_or_else(|| invalid("no verification code was sent for this (or it was used)"))?;
        let code = &self.codes[index];
        if code.expires <= now {
            return Err(invalid("the verification code has expired"));
        }
        if code.code.expose() != given.expose() {
            return Err(invalid("the verification code is wrong"));
        }
        if spend {
            self.codes.remove(index);
        }
        Ok(())
    }
}

/// `+86138****0001` / `a***@example.com`: a contact as the service shows it back.
fn masked(contact: &str) -> String {
    match contact.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", &local[..local.len().min(1)]),
        None if contact.len() > 8 => format!("{}****{}", &contact[..6], &contact[contact.len() - 4..]),
        None => "****".into(),
    }
}

impl Directory {
    /// The user a forgotten password's step names (the caller the service routed it as).
    fn named(&self, cx: &Context<'_>, user: &str) -> Result<&User, Failure> {
        if cx.caller.user != user {
            return Err(user_not_found(user));
        }
        self.me(cx)
    }
}

/// A captcha for the account: the piece to slide and its height; the position that solves
/// it is [`Simulator::slide_solution`].
impl Handle<input::SendSlideVerifyCode> for Directory {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::SendSlideVerifyCode,
    ) -> Answer<SendSlideVerifyCodeResponse> {
        let account = self.named(cx, &input.body.user)?.account.clone();
        let token = cx.issue_token("captcha");
        self.verification
            .captchas
            .push((token.clone(), account, cx.now + CAPTCHA_VALIDITY));
        // A 1x1 PNG: the simulator draws no picture.
        let pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
        Ok(SendSlideVerifyCodeResponse {
            shadow_image: Some(pixel.into()),
            cut_image: Some(pixel.into()),
            point_y: Some(45),
            token: Some(Secret::new(token)),
            expire: Some(int32(CAPTCHA_VALIDITY.num_seconds() as usize)),
        })
    }
}

/// Solved within 5 pixels: a pass for sending a code. A captcha is tried once.
impl Handle<input::CheckSlideVerifyCode> for Directory {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::CheckSlideVerifyCode,
    ) -> Answer<CheckSlideVerifyCodeResponse> {
        let request = input.body;
        let account = self.named(cx, &request.user)?.account.clone();
        let captchas = &mut self.verification.captchas;
        let index = captchas
            .iter()
            .position(|(t, a, expires)| t == request.token.expose() && *a == account && *expires > cx.now)
            .ok_or_else(|| invalid("the captcha is unknown, used or expired"))?;
        captchas.remove(index);
        if (request.point_x - Simulator::slide_solution(&request.user)).abs() > SLIDE_TOLERANCE {
            return Err(invalid("the slide did not end at the gap"));
        }
        let pass = cx.issue_token("pass");
        self.verification
            .passes
            .push((pass.clone(), account, cx.now + CAPTCHA_VALIDITY));
        Ok(CheckSlideVerifyCodeResponse {
            token: Some(Secret::new(pass)),
            expire: Some(int32(CAPTCHA_VALIDITY.num_seconds() as usize)),
        })
    }
}

/// With a captcha's pass: a code to the bound phone (or e-mail; the other when the one asked
/// for is not bound).
impl Handle<input::SendVeriCodeForChangePwd> for Directory {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::SendVeriCodeForChangePwd,
    ) -> Answer<SendVeriCodeForChangePwdResponse> {
        let request = input.body;
        let user = self.named(cx, &request.user)?;
        let (account, phone, email) = (user.account.clone(), user.phone.clone(), user.email.clone());
        let pass = request
            .token
            .as_ref()
            .map(|t| t.expose().to_owned())
            .unwrap_or_default();
        let passes = &mut self.verification.passes;
        let index = passes
            .iter()
            .position(|(t, a, expires)| *t == pass && *a == account && *expires > cx.now)
            .ok_or_else(|| invalid("token: solve the slide captcha first (its pass is unknown, used or expired)"))?;
        passes.remove(index);
        let by_email = request.send_method == Some(VerifyCodeSendDtov1SendMethod::Email);
        let to = if by_email {
            email.clone().or(phone.clone())
        } else {
            phone.clone().or(email.clone())
        }
        .ok_or_else(|| invalid("the account has no phone or e-mail bound"))?;
        let code = self
            .verification
            .issue(Purpose::PasswordReset, &account, &to, RESET_VALIDITY, cx.now);
        cx.send_message(SentMessage::to(&to, Purpose::PasswordReset, &account, Some(code)));
        Ok(SendVeriCodeForChangePwdResponse {
            expire: Some(int32(RESET_VALIDITY.num_seconds() as usize)),
            bind_phone: phone.as_deref().map(masked),
            bind_email: email.as_deref().map(masked),
        })
    }
}

/// The right code (once): a token for reset_pwd.
impl Handle<input::CheckVerifyCode> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::CheckVerifyCode) -> Answer<CheckVerifyCodeResponse> {
        let request = input.body;
        let account = self.named(cx, &request.user)?.account.clone();
        self.verification
            .check(Purpose::PasswordReset, &account, None, &request.code, true, cx.now)?;
        let token = Secret::new(cx.issue_token("reset"));
        let validity = RESET_VALIDITY.to_std().expect("positive");
        cx.emit(Event::ResetTokenIssued {
            token: token.clone(),
            account,
            expires: cx.instant + validity,
        });
        Ok(CheckVerifyCodeResponse {
            token: Some(token),
            expire: Some(int32(RESET_VALIDITY.num_seconds() as usize)),
        })
    }
}

/// The reset token's account gets the new password (which follows the rules); the token is
/// spent.
impl Handle<input::ResetPwd> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ResetPwd) -> Answer<()> {
        let request = input.body;
        let me = self.me_mut(cx)?;
        if request.user != me.account && Some(&request.user) != me.third_account.as_ref() {
            return Err(fail(
                403,
                ErrorCode::InsufficientPermission,
                "the token resets the password of another account",
            ));
        }
        if let Some(rule) = password_rule_broken(request.new_pwd.expose(), None, &me.account) {
            return Err(invalid(format!("newPwd: {rule}")));
        }
        me.password = Some(request.new_pwd);
        let changed = me.changed();
        cx.emit(changed);
        Ok(())
    }
}

/// A code to the new phone or e-mail, valid 1 minute.
impl Handle<input::SendVeriCodeForUpdateUserInfo> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SendVeriCodeForUpdateUserInfo) -> Answer<()> {
        let contact = input.body.contact;
        let account = self.me(cx)?.account.clone();
        let code = self.verification.issue(
            Purpose::ContactChange,
            &account,
            &contact,
            CONTACT_CODE_VALIDITY,
            cx.now,
        );
        cx.send_message(SentMessage::to(&contact, Purpose::ContactChange, &account, Some(code)));
        Ok(())
    }
}

/// Checks the code without using it up (update_contact uses it).
impl Handle<input::CheckVeriCodeForUpdateUserInfo> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::CheckVeriCodeForUpdateUserInfo) -> Answer<()> {
        let request = input.body;
        let account = self.me(cx)?.account.clone();
        let code = request
            .verification_code
            .ok_or_else(|| invalid("verificationCode is required"))?;
        self.verification.check(
            Purpose::ContactChange,
            &account,
            Some(&request.contact),
            &code,
            false,
            cx.now,
        )
    }
}

/// The code sent to the new contact, used up: the phone (a `+` number) or e-mail changes.
impl Handle<input::UpdateContact> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdateContact) -> Answer<()> {
        let request = input.body;
        let contact = request.contact;
        let is_phone = contact.starts_with('+');
        let me = self.me(cx)?;
        let (account, id) = (me.account.clone(), me.id.clone());
        let code = request
            .verification_code
            .ok_or_else(|| invalid("verificationCode is required"))?;
        let (phone, email) = if is_phone {
            (Some(contact.as_str()), None)
        } else {
            (None, Some(contact.as_str()))
        };
        self.check_contact(phone, email, Some(&id))?;
        self.verification
            .check(Purpose::ContactChange, &account, Some(&contact), &code, true, cx.now)?;
        let me = self.me_mut(cx)?;
        if is_phone {
            me.phone = Some(contact);
            if request.country.is_some() {
                me.country = request.country;
            }
        } else {
            me.email = Some(contact);
        }
        let changed = me.changed();
        cx.emit(changed);
        Ok(())
    }
}
