//! What one area tells the others: effects across areas are these events, applied by the
//! service in one place once a call is answered (or time passes), never reaches into another
//! area's state.

use chrono::{DateTime, Utc};

use crate::Secret;

/// Something that happened in one area that others act on.
#[derive(Clone, Debug)]
pub(crate) enum Event {
    /// A meeting was scheduled (or its series was): its host password will open meeting
    /// control once it starts (auth).
    MeetingScheduled {
        conference_id: String,
        host_password: Secret,
    },
    /// A scheduled meeting was cancelled or its time passed (auth).
    MeetingRemoved { conference_id: String },
    /// A meeting started: its host password now opens meeting control (auth); the cloud
    /// meeting room it is held in, if one (rooms).
    MeetingStarted {
        conference_id: String,
        host_password: Secret,
        room: Option<String>,
    },
    /// A meeting in progress ended: its meeting-control tokens end (auth); a recorded one
    /// gets its recording (recordings).
    MeetingEnded(Held),
    /// A user was added or changed: how they sign in, whether they may (auth, rooms).
    UserChanged(Account),
    /// A user was deleted (auth, rooms).
    UserRemoved {
        account: String,
        third_account: Option<String>,
    },
    /// A cloud meeting room was assigned to a member (`Some`) or freed (`None`) (directory,
    /// webinars).
    RoomAssigned { vmr_id: String, member: Option<String> },
    /// The enterprise has a webinar room (webinars).
    WebinarRoomAdded { id: String, vmr_id: String },
    /// One of the enterprise's App IDs was added or changed: the key it signs with, whether
    /// it may authenticate (auth).
    AppIdChanged { app_id: String, key: Secret, enabled: bool },
    /// One of the enterprise's App IDs was deleted (auth).
    AppIdRemoved { app_id: String },
    /// The SP created an enterprise with its default administrator (the service).
    EnterpriseAdded {
        corp: String,
        admin_account: String,
        admin_name: String,
        admin_password: Secret,
        admin_phone: Option<String>,
        admin_email: Option<String>,
    },
    /// The SP deleted an enterprise and everything in it (the service).
    EnterpriseRemoved { corp: String },
    /// The SP changed an enterprise's resource items: all of them now (directory).
    ResourcesChanged {
        corp: String,
        items: Vec<crate::types::QueryResourceResultDto>,
    },
    /// A checked verification code gave a token to reset the account's forgotten password,
    /// valid until `expires` (auth).
    ResetTokenIssued {
        token: Secret,
        account: String,
        expires: std::time::Instant,
    },
}

/// One holding of a meeting, as the areas other than meetings need it.
#[derive(Clone, Debug)]
pub(crate) struct Held {
    pub(crate) conf_uuid: String,
    pub(crate) conference_id: String,
    pub(crate) subject: String,
    /// The user who scheduled it ("" for the default administrator).
    pub(crate) owner: String,
    pub(crate) started: DateTime<Utc>,
    pub(crate) ended: DateTime<Utc>,
    pub(crate) recorded: bool,
    pub(crate) record_auth_type: i32,
}

/// How a user signs in: their account (`accountType` 0), third-party user ID (`accountType`
/// 1) and password.
#[derive(Clone, Debug)]
pub(crate) struct Account {
    pub(crate) account: String,
    pub(crate) third_account: Option<String>,
    pub(crate) password: Option<Secret>,
    pub(crate) disabled: bool,
}

/// An area's reaction to the events of the others (none by default).
pub(crate) trait Listener {
    fn on(&mut self, _event: &Event) {}
}
