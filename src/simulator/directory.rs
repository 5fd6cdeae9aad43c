//! The enterprise directory: users (accounts, third-party user IDs, status, department),
//! the department tree, administrators, hard terminals and the activation codes of smart
//! screens, boards and IdeaHubs (`devices`), the enterprise's App IDs and SSO (`apps`), its
//! registration and resources (`corp`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::api::{Answer, Context, Handle, input};
use super::events::{Account, Event, Listener};
use super::wire::{Failure, fail, hex_id, int32, page, page_of};
use crate::ErrorCode;
use crate::Secret;
use crate::types::{
    AddDepartmentResponse, ChildDeptDto, CorpBasicInfoDto, DeptBasicDto, QueryCorpAdminResultDto, QueryDeptResultDto,
    QueryDeviceResultDto, QueryResourceResultDto, QueryUserResultDto, QueryVmrPkgResResultDto, ResDetailDto,
    SearchCorpDirResponse, SearchCorpDirSearchScope, SearchCorpResourcesResponse, SearchDevicesResponse,
    SearchUserResultDto, SearchUsersResponse, ShowCorpResourceResponse, ShowDepartmentResponse, ShowOrgResResponse,
    UserDto,
};

mod apps;
mod corp;
pub(super) use corp::default_resources;
mod departments;
mod devices;
mod members;
mod users;
mod verification;

/// Where the simulator serves profile pictures: `<base URL>/simulator/profile-images/<user
/// id>` (the `id` of show_my_info or search_users).
pub(super) const PROFILE_IMAGES_PATH: &str = "/simulator/profile-images";

/// The root department, which always exists.
const ROOT: &str = "1";

/// `adminType`: the default administrator, other administrators, members.
const DEFAULT_ADMIN: i32 = 0;
const ADMINISTRATOR: i32 = 1;
const MEMBER: i32 = 2;

/// `userType` of an ordinary user (device accounts have theirs: `devices::VisionType`).
const ORDINARY_USER: i32 = 2;

struct User {
    id: String,
    /// Huawei Cloud Meeting account (account/password authentication, `accountType` 0).
    account: String,
    /// Third-party user ID (App ID authentication, `accountType` 1).
    third_account: Option<String>,
    name: String,
    english_name: Option<String>,
    phone: Option<String>,
    country: Option<String>,
    email: Option<String>,
    password: Option<Secret>,
    dept_code: String,
    title: Option<String>,
    desc: Option<String>,
    signature: Option<String>,
    sort_level: i32,
    hide_phone: bool,
    /// 0 normal, 1 disabled.
    status: i32,
    admin_type: i32,
    created: DateTime<Utc>,
    /// 2 an ordinary user; 12 smart screen, 13 IdeaHub, 14 SmartRooms (device accounts).
    user_type: i32,
    /// A device account is not activated until its device uses the activation code (the
    /// simulator has no device: they stay inactive).
    activated: bool,
}

impl User {
    fn is_disabled(&self) -> bool {
        self.status == 1
    }

    /// How the user signs in, as the other areas learn it.
    fn changed(&self) -> Event {
        Event::UserChanged(Account {
            account: self.account.clone(),
            third_account: self.third_account.clone(),
            password: self.password.clone(),
            disabled: self.is_disabled(),
        })
    }

    /// The member the rooms area assigns rooms to: the third-party user ID, else the account.
    fn member(&self) -> &str {
        self.third_account.as_deref().unwrap_or(&self.account)
    }
}

struct Department {
    name: String,
    parent: Option<String>,
    note: Option<String>,
    sort_level: i32,
}

struct Device {
    name: String,
    model: String,
    sn: String,
    number: String,
    dept_code: String,
    /// The terminal's account (what its number belongs to).
    account: String,
    /// 0 normal, 1 disabled.
    status: i32,
    description: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    country: Option<String>,
    prj_code_mode: Option<i32>,
    /// Its activation code (sent by SMS or e-mail, never answered).
    code: Secret,
    /// When its activation code was reset (reset_activecode), for the daily limit.
    resets: Vec<DateTime<Utc>>,
}

pub(super) struct Directory {
    departments: BTreeMap<String, Department>,
    users: Vec<User>,
    devices: Vec<Device>,
    /// The enterprise's cloud meeting rooms (for its resources).
    rooms: usize,
    /// The `vmrId` of each room the rooms area told of, in the order first told, with the
    /// member it is assigned to (`None`: free).
    assignments: Vec<(String, Option<String>)>,
    /// The conference IDs of the meetings in progress.
    in_progress: BTreeSet<String>,
    /// The enterprise's ID, name and what its registration info holds.
    corp_id: String,
    address: Option<String>,
    auto_user_create: bool,
    /// The holdings that ended (for the day's statistics): start and end.
    held: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Activation codes of smart screens, boards and IdeaHubs.
    vision_codes: Vec<devices::VisionCode>,
    /// Activation codes made so far (each new one differs).
    codes_issued: u64,
    /// The enterprise's App IDs.
    app_ids: Vec<apps::AppId>,
    /// The SSO configuration set (set_sso_config), its client secret kept.
    sso: Option<crate::types::AuthorizeConfigInfoRequestBody>,
    /// The enterprise's default administrator (not listed among the users).
    admin: User,
    /// Profile pictures by user ID: type and bytes.
    pictures: std::collections::HashMap<String, (String, bytes::Bytes)>,
    /// External contacts: the enterprise's (`None`) and each user's own.
    external: Vec<(Option<String>, crate::types::ExternalContactDto)>,
    /// Passwords the service made (reset_pwd_by_admin, invite_user), each different.
    passwords_issued: u64,
    /// Verification codes and slide captchas in flight.
    verification: verification::Verification,
    /// The enterprise's resource items (search_corp_resources), as the SP set them.
    resources: Vec<crate::types::QueryResourceResultDto>,
}

fn user_not_found(account: &str) -> Failure {
    fail(
        400,
        ErrorCode::UserNotFound,
        format!("User account {account} does not exist"),
    )
}

fn dept_not_found(code: &str) -> Failure {
    fail(
        400,
        ErrorCode::DepartmentNotFound,
        format!("Department {code} does not exist"),
    )
}

/// A rule of the service broken by a parameter (the service's "check the parameters").
/// The external contacts every enterprise of the simulator has: one of the enterprise's and
/// one of alice's own.
fn external_contacts() -> Vec<(Option<String>, crate::types::ExternalContactDto)> {
    let contact = |id: &str, name: &str, phone: &str, corp: &str, type_: &str| crate::types::ExternalContactDto {
        id: Some(id.to_owned()),
        name: Some(name.to_owned()),
        phone: Some(phone.to_owned()),
        country: Some("chinaPR".into()),
        email: Some(format!("{}@partner.example.com", name.to_lowercase())),
        corp_name: Some(corp.to_owned()),
        type_: Some(type_.to_owned()),
        ..crate::types::ExternalContactDto::default()
    };
    vec![
        (
            None,
            contact(
                "5a7d3c1e9f2b4d6a8c0e1f3a5b7d9c2e",
                "Erin",
                "+8613800000005",
                "Partner Co.",
                "CORP",
            ),
        ),
        (
            Some("alice".into()),
            contact(
                "6b8e4d2f0a3c5e7b9d1f2a4c6e8b0d3f",
                "Frank",
                "+8613800000006",
                "Supplier Ltd.",
                "PERSONAL",
            ),
        ),
    ]
}

fn invalid(message: impl Into<String>) -> Failure {
    fail(400, ErrorCode::InvalidParameter, message)
}

impl Directory {
    pub(super) fn new(config: &super::SimulatorBuilder, corp_id: &str) -> Self {
        let mut departments = BTreeMap::new();
        departments.insert(
            ROOT.to_owned(),
            Department {
                name: "Enterprise".into(),
                parent: None,
                note: None,
                sort_level: 10000,
            },
        );
        Directory {
            departments,
            users: Vec::new(),
            devices: vec![Device {
                name: "Meeting room 1 board".into(),
                model: "HUAWEI Board".into(),
                sn: "21500102863RM3900027".into(),
                number: "+99111283520146".into(),
                dept_code: ROOT.to_owned(),
                account: hex_id(),
                status: 0,
                description: None,
                phone: None,
                email: None,
                country: None,
                prj_code_mode: None,
                code: devices::code_number(0),
                resets: Vec::new(),
            }],
            rooms: config.rooms,
            assignments: Vec::new(),
            in_progress: BTreeSet::new(),
            corp_id: corp_id.to_owned(),
            address: None,
            auto_user_create: false,
            held: Vec::new(),
            vision_codes: Vec::new(),
            codes_issued: 0,
            app_ids: Vec::new(),
            sso: None,
            admin: User {
                id: hex_id(),
                account: "admin".into(),
                third_account: None,
                name: "Admin".into(),
                english_name: None,
                phone: Some("+8613800000000".into()),
                country: Some("chinaPR".into()),
                email: Some("admin@example.com".into()),
                password: None,
                dept_code: ROOT.to_owned(),
                title: None,
                desc: None,
                signature: None,
                sort_level: 10000,
                hide_phone: false,
                status: 0,
                admin_type: DEFAULT_ADMIN,
                created: DateTime::UNIX_EPOCH,
                user_type: ORDINARY_USER,
                activated: true,
            },
            pictures: std::collections::HashMap::new(),
            external: external_contacts(),
            passwords_issued: 0,
            verification: verification::Verification::default(),
            resources: corp::default_resources(config.rooms, config.webinar_rooms),
        }
    }

    /// A `UserChanged` event for each user (and the default administrator, when they sign
    /// in with a password): how each signs in (published at start).
    pub(super) fn accounts(&self) -> Vec<Event> {
        let admin = self.admin.password.is_some().then_some(&self.admin);
        self.users.iter().chain(admin).map(User::changed).collect()
    }

    /// The default administrator an SP made the enterprise with (add_corp).
    pub(super) fn set_default_admin(
        &mut self,
        account: String,
        name: String,
        password: Secret,
        phone: Option<String>,
        email: Option<String>,
    ) {
        self.admin.account = account;
        self.admin.name = name;
        self.admin.password = Some(password);
        self.admin.phone = phone;
        self.admin.email = email;
    }

    /// The user `account` names: its account (`accountType` 0) or third-party user ID (1).
    fn find(&self, account: &str, account_type: Option<i32>) -> Option<&User> {
        self.position(account, account_type).ok().map(|i| &self.users[i])
    }

    fn position(&self, account: &str, account_type: Option<i32>) -> Result<usize, Failure> {
        self.users
            .iter()
            .position(|u| match account_type.unwrap_or(0) {
                1 => u.third_account.as_deref() == Some(account),
                _ => u.account == account,
            })
            .ok_or_else(|| user_not_found(account))
    }

    fn department(&self, code: &str) -> Result<&Department, Failure> {
        self.departments.get(code).ok_or_else(|| dept_not_found(code))
    }

    /// `Root#Child#...` names (or codes) from the root down to `code`.
    fn path(&self, code: &str, names: bool) -> String {
        let mut parts = Vec::new();
        let mut current = Some(code.to_owned());
        while let Some(c) = current {
            let Some(dept) = self.departments.get(&c) else { break };
            parts.push(if names { dept.name.clone() } else { c.clone() });
            current = dept.parent.clone();
        }
        parts.reverse();
        parts.join("#")
    }

    /// `code` and every department under it.
    fn subtree(&self, code: &str) -> Vec<String> {
        let mut found = vec![code.to_owned()];
        let mut i = 0;
        while i < found.len() {
            let parent = found[i].clone();
            found.extend(
                self.departments
                    .iter()
                    .filter(|(_, d)| d.parent.as_deref() == Some(parent.as_str()))
                    .map(|(c, _)| c.clone()),
            );
            i += 1;
        }
        found
    }

    /// The departments a search is limited to: `dept_code` and, unless `sub_depts` is false,
    /// every department under it; `None` for the whole enterprise.
    fn scope(&self, dept_code: Option<String>, sub_depts: Option<bool>) -> Option<Vec<String>> {
        let code = dept_code?;
        Some(if sub_depts == Some(false) {
            vec![code]
        } else {
            self.subtree(&code)
        })
    }

    /// Checks the phone and e-mail of a user as the service does: formats and uniqueness.
    fn check_contact(&self, phone: Option<&str>, email: Option<&str>, except: Option<&str>) -> Result<(), Failure> {
        let others = || self.users.iter().filter(|u| Some(u.id.as_str()) != except);
        if let Some(phone) = phone {
            if !(phone.starts_with('+') && phone.len() > 4 && phone[1..].chars().all(|c| c.is_ascii_digit())) {
                return Err(invalid(format!(
                    "phone {phone:?}: a + and the country code, then digits"
                )));
            }
            if others().any(|u| u.phone.as_deref() == Some(phone)) {
                return Err(invalid(format!("phone {phone} is already used by another user")));
            }
        }
        if let Some(email) = email {
            let valid = email
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.starts_with('.'));
            if !valid {
                return Err(invalid(format!("email {email:?} is not an e-mail address")));
            }
            if others().any(|u| u.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(email))) {
                return Err(invalid(format!("email {email} is already used by another user")));
            }
        }
        Ok(())
    }

    /// The `vmrId` of the first room assigned to `user`.
    fn vmr_of(&self, user: &User) -> Option<String> {
        self.assignments
            .iter()
            .find(|(_, member)| member.as_deref() == Some(user.member()))
            .map(|(vmr_id, _)| vmr_id.clone())
    }

    /// How many rooms are assigned.
    fn assigned_count(&self) -> usize {
        self.assignments.iter().filter(|(_, member)| member.is_some()).count()
    }

    fn user_result(&self, user: &User) -> QueryUserResultDto {
        QueryUserResultDto {
            id: Some(user.id.clone()),
            user_account: Some(user.account.clone()),
            name: Some(user.name.clone()),
            english_name: user.english_name.clone(),
            phone: user.phone.clone(),
            country: user.country.clone(),
            email: user.email.clone(),
            sip_num: user.phone.clone(),
            dept_code: Some(user.dept_code.clone()),
            dept_name: self.departments.get(&user.dept_code).map(|d| d.name.clone()),
            dept_name_path: Some(self.path(&user.dept_code, true)),
            user_type: Some(user.user_type),
            admin_type: Some(user.admin_type),
            signature: user.signature.clone(),
            title: user.title.clone(),
            desc: user.desc.clone(),
            status: Some(user.status),
            sort_level: Some(user.sort_level),
            hide_phone: Some(user.hide_phone),
            third_account: user.third_account.clone(),
            license: Some(0),
            active_time: Some(user.created.timestamp_millis()),
            ..QueryUserResultDto::default()
        }
    }
}

/// The rooms area's assignments (for the users' `vmrId` and the resources) and the meetings
/// in progress (for the resources).
impl Listener for Directory {
    fn on(&mut self, event: &Event) {
        match event {
            Event::RoomAssigned { vmr_id, member } => match self.assignments.iter_mut().find(|(id, _)| id == vmr_id) {
                Some((_, assigned)) => assigned.clone_from(member),
                None => self.assignments.push((vmr_id.clone(), member.clone())),
            },
            Event::MeetingStarted { conference_id, .. } => {
                self.in_progress.insert(conference_id.clone());
            }
            Event::MeetingEnded(held) => {
                self.in_progress.remove(&held.conference_id);
                self.held.push((held.started, held.ended));
            }
            Event::ResourcesChanged { items, .. } => self.resources.clone_from(items),
            _ => {}
        }
    }
}

impl Directory {
    /// The examples' world: the departments and users the examples name (from search_users'
    /// and search_department_by_name's examples), alice an administrator; the App ID and the
    /// activation code the examples name. Answers the `UserChanged` and `AppIdChanged` events
    /// of what it added.
    pub(super) fn seed_examples(&mut self, examples: &super::examples::SpecExamples, now: DateTime<Utc>) -> Vec<Event> {
        use serde_json::Value;
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        // A department's parent is its code without the last `-` part ("1-001" is under "1").
        let parent_of = |code: &str| {
            code.rsplit_once('-')
                .map_or_else(|| ROOT.to_owned(), |(up, _)| up.to_owned())
        };
        let departments = examples
            .response("search_department_by_name")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .chain(examples.response("show_department").cloned());
        for dept in departments {
            let Some(code) = text(&dept, "deptCode").filter(|c| c != ROOT) else {
                continue;
            };
            self.departments.entry(code.clone()).or_insert_with(|| Department {
                name: text(&dept, "deptName").unwrap_or_default(),
                parent: text(&dept, "parentDeptCode").or_else(|| Some(parent_of(&code))),
                note: text(&dept, "note"),
                sort_level: 10000,
            });
        }
        // The users of search_users' and show_user_detail's examples (and the departments
        // they name that no department example lists).
        let listed: Vec<Value> = examples
            .response("search_users")
            .and_then(|r| r.get("data"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .chain(examples.response("show_user_detail").cloned())
            .collect();
        let mut events = Vec::new();
        for user in &listed {
            let code = text(user, "deptCode").unwrap_or_else(|| ROOT.to_owned());
            let mut parent = code.clone();
            while let Some((up, _)) = parent.rsplit_once('-') {
                self.departments.entry(parent.clone()).or_insert_with(|| Department {
                    name: parent.clone(),
                    parent: Some(up.to_owned()),
                    note: None,
                    sort_level: 10000,
                });
                parent = up.to_owned();
            }
            let account = text(user, "userAccount").unwrap_or_else(hex_id);
            if self.users.iter().any(|u| u.account == account) {
                continue;
            }
            self.users.push(User {
                id: text(user, "id").unwrap_or_else(hex_id),
                account,
                third_account: text(user, "thirdAccount"),
                name: text(user, "name").unwrap_or_default(),
                english_name: text(user, "englishName"),
                phone: text(user, "phone"),
                country: text(user, "country"),
                email: text(user, "email"),
                password: None,
                dept_code: code,
                title: text(user, "title"),
                desc: text(user, "desc"),
                signature: text(user, "signature"),
                sort_level: 10000,
                hide_phone: false,
                status: 0,
                admin_type: user
                    .get("adminType")
                    .and_then(Value::as_i64)
                    .and_then(|t| i32::try_from(t).ok())
                    .unwrap_or(MEMBER),
                created: now,
                user_type: ORDINARY_USER,
                activated: true,
            });
            events.push(self.users.last().expect("just added").changed());
        }
        events.extend(self.seed_app_ids(examples, now));
        self.seed_vision_codes(examples, now);
        self.verification.seed_examples(examples, now);
        // update_pwd's example changes the default administrator's password.
        if let Some(old) = examples
            .body("update_pwd")
            .and_then(|b| b.get("oldPwd"))
            .and_then(Value::as_str)
        {
            self.admin.password = Some(Secret::new(old));
        }
        events
    }
}
