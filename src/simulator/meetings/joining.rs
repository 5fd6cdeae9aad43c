//! Joining checks by meeting ID and password: what a guest's client, or an app without an
//! account of the meeting's enterprise, asks before joining (the random it joins with), an
//! invitation of a terminal by password, and whether a number is in a meeting in progress.

use super::{Meeting, Meetings, control::HOST};
use crate::ErrorCode;
use crate::Secret;
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::simulator::wire::{Failure, bad_request, fail};
use crate::types::{AuthRandomResponseV2, QueryCallNumberInConfRsp, RestAnonymousTokenResponse};

/// Whose password a caller gave.
#[derive(PartialEq)]
enum PasswordOf {
    Host,
    Guest,
}

fn wrong_password(conference_id: &str) -> Failure {
    fail(
        400,
        ErrorCode::MeetingNotFoundOrAuthFailed,
        format!("CONF_NOT_FOUND_OR_AUTH_FAILED: wrong password for meeting {conference_id}"),
    )
}

impl Meeting {
    /// Whose password `given` is, or the service's refusal.
    fn password_of(&self, given: &str) -> Result<PasswordOf, Failure> {
        if given == self.host_password {
            Ok(PasswordOf::Host)
        } else if given == self.guest_password {
            Ok(PasswordOf::Guest)
        } else {
            Err(wrong_password(&self.conference_id))
        }
    }

    /// Guests join without the guest password (`isGuestFreePwd`).
    fn guests_need_no_password(&self) -> bool {
        let config = self.definition.conf_config_info.as_ref();
        config.and_then(|c| c.is_guest_free_pwd).unwrap_or(false)
    }
}

impl Meetings {
    /// A random no earlier call was given: 15 digits.
    fn next_random(&mut self) -> Secret {
        self.randoms_issued += 1;
        Secret::new(format!("{:015}", 402_077_141_839_821 + self.randoms_issued * 7_919))
    }
}

/// A wrong password is refused; without one, a meeting whose guests need a password answers
/// `need_password` and no random.
impl Handle<input::CreateAuthRandom> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::CreateAuthRandom) -> Answer<AuthRandomResponseV2> {
        let meeting = self.get(&input.conf_id)?;
        let need_password = !meeting.guests_need_no_password();
        let checked = match cx.meeting_password.as_deref() {
            Some(given) => meeting.password_of(given).map(|_| true)?,
            None => !need_password,
        };
        let subject = meeting.definition.subject.clone();
        Ok(AuthRandomResponseV2 {
            random: checked.then(|| self.next_random()),
            subject,
            conf_mode: Some("RTC".into()),
            webinar: Some(false),
            need_password: Some(need_password),
            support_applets: Some(true),
        })
    }
}

impl Handle<input::CreateAnonymousAuthRandom> for Meetings {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::CreateAnonymousAuthRandom,
    ) -> Answer<RestAnonymousTokenResponse> {
        let meeting = self.get(&input.conference_id)?;
        meeting.password_of(cx.meeting_password.as_deref().unwrap_or_default())?;
        Ok(RestAnonymousTokenResponse {
            random: Some(self.next_random()),
            site_url: Some(format!("{}/conferences", cx.base_url)),
        })
    }
}

/// The host password always may; the guest password only where the enterprise lets guests
/// invite terminals. The terminal joins as a participant named by its number.
impl Handle<input::InviteWithPwd> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::InviteWithPwd) -> Answer<()> {
        let request = input.body;
        if request.conf_id != input.conference_id {
            return Err(bad_request(format!(
                "confID {:?} and conferenceID {:?} name different meetings",
                request.conf_id, input.conference_id
            )));
        }
        let may_guests = self.guests_invite_terminals;
        let (meeting, next) = self.in_progress_mut(&input.conference_id)?;
        if meeting.password_of(request.pwd.expose())? == PasswordOf::Guest && !may_guests {
            return Err(fail(
                403,
                ErrorCode::InsufficientPermission,
                "the enterprise does not let guests invite hardware terminals with the guest password",
            ));
        }
        let id = meeting.join(&request.call_num, &request.call_num, cx.now, next);
        meeting.log_control(cx.now, HOST, "INVITE", &id);
        Ok(())
    }
}

/// Whether the number is in one of the enterprise's meetings in progress, and which.
impl Handle<input::CheckCallNumberInConf> for Meetings {
    fn handle(&mut self, _: &mut Context<'_>, input: input::CheckCallNumberInConf) -> Answer<QueryCallNumberInConfRsp> {
        let number = input.call_number.trim();
        if number.is_empty() {
            return Err(bad_request("call_number is blank"));
        }
        let holding = self
            .in_progress()
            .find(|m| m.participants.iter().any(|p| p.number == number && p.is_present()));
        Ok(QueryCallNumberInConfRsp {
            in_conf: Some(holding.is_some()),
            conf_id: Some(holding.map(|m| m.conference_id.clone()).unwrap_or_default()),
        })
    }
}
