//! What the simulator "sends" to people (verification codes, new passwords, invitations):
//! kept in an outbox a test reads with
//! [`Simulator::sent_messages`](super::Simulator::sent_messages), never sent anywhere.

use crate::Secret;

/// How a message reaches its recipient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Channel {
    /// A text message to a phone number.
    Sms,
    /// An e-mail.
    Email,
}

/// Why a message was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Purpose {
    /// A verification code for changing one's phone or e-mail (to the new contact).
    ContactChange,
    /// A verification code for resetting a forgotten password.
    PasswordReset,
    /// A new password an administrator set (reset_pwd_by_admin).
    NewPassword,
    /// An invitation to join the enterprise (invite_user).
    Invitation,
}

/// One message the simulator "sent".
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SentMessage {
    /// The phone number or e-mail address.
    pub to: String,
    /// SMS or e-mail.
    pub channel: Channel,
    /// What it is for.
    pub purpose: Purpose,
    /// The account it is about.
    pub account: String,
    /// The code or password it carries, if any (masked in Debug).
    pub secret: Option<Secret>,
}

impl SentMessage {
    /// A message to `to`, by SMS when it looks like a phone number (`+` and digits), else by
    /// e-mail.
    pub(crate) fn to(to: &str, purpose: Purpose, account: &str, secret: Option<Secret>) -> Self {
        let phone = to.starts_with('+') || to.chars().all(|c| c.is_ascii_digit());
        SentMessage {
            to: to.to_owned(),
            channel: if phone { Channel::Sms } else { Channel::Email },
            purpose,
            account: account.to_owned(),
            secret,
        }
    }
}
