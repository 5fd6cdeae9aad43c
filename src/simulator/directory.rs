//! The enterprise directory: users (accounts, third-party user IDs, status, department),
//! the department tree, administrators, devices and the enterprise's resources.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::auth::ADMIN;
use super::service::{Handler, Service};
use super::wire::{Call, Failure, Outcome, fail, hex_id, int32, page, paged, reply};
use crate::Secret;
use crate::types::{
    AddDepartmentResponse, AddUserDto, ChildDeptDto, CorpAdminDto, DeptBasicDto, DeptDto, ModDeptDto, ModUserDto,
    QueryCorpAdminResultDto, QueryDeptResultDto, QueryDeviceResultDto, QueryUserResultDto, QueryVmrPkgResResultDto,
    ResDetailDto, SearchCorpDirResponse, SearchDevicesResponse, SearchUserResultDto, SearchUsersResponse,
    ShowCorpResourceResponse, ShowDepartmentResponse, UserDto,
};

mod corp;
mod departments;

use corp::*;
use departments::*;

pub(super) const HANDLERS: &[(&str, Handler)] = &[
    ("add_user", add_user),
    ("search_users", search_users),
    ("show_user_detail", show_user_detail),
    ("update_user", update_user),
    ("batch_delete_users", batch_delete_users),
    ("batch_update_user_status", batch_update_user_status),
    ("add_department", add_department),
    ("update_department", update_department),
    ("delete_department", delete_department),
    ("show_department", show_department),
    ("search_department_by_name", search_department_by_name),
    ("search_corp_dir", search_corp_dir),
    ("add_corp_admin", add_corp_admin),
    ("show_corp_admin", show_corp_admin),
    ("batch_delete_corp_admins", batch_delete_corp_admins),
    ("search_devices", search_devices),
    ("show_corp_resource", show_corp_resource),
];

/// The root department, which always exists.
const ROOT: &str = "1";

/// `adminType`: the default administrator, other administrators, members.
const DEFAULT_ADMIN: i32 = 0;
const ADMINISTRATOR: i32 = 1;
const MEMBER: i32 = 2;

pub(super) struct User {
    id: String,
    /// Huawei Cloud Meeting account (account/password authentication, `accountType` 0).
    pub(super) account: String,
    /// Third-party user ID (App ID authentication, `accountType` 1).
    pub(super) third_account: Option<String>,
    name: String,
    english_name: Option<String>,
    phone: Option<String>,
    country: Option<String>,
    email: Option<String>,
    pub(super) password: Option<Secret>,
    dept_code: String,
    title: Option<String>,
    desc: Option<String>,
    signature: Option<String>,
    sort_level: i32,
    hide_phone: bool,
    /// 0 normal, 1 disabled.
    pub(super) status: i32,
    admin_type: i32,
    created: DateTime<Utc>,
}

impl User {
    pub(super) fn is_disabled(&self) -> bool {
        self.status == 1
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
}

pub(super) struct Directory {
    departments: BTreeMap<String, Department>,
    pub(super) users: Vec<User>,
    devices: Vec<Device>,
    /// The enterprise's cloud meeting rooms (for its resources).
    rooms: usize,
}

fn user_not_found(account: &str) -> Failure {
    fail(400, "USG.201040000", format!("User account {account} does not exist"))
}

fn dept_not_found(code: &str) -> Failure {
    fail(400, "USG.201030000", format!("Department {code} does not exist"))
}

/// A rule of the service broken by a parameter (the service's "check the parameters").
fn invalid(message: impl Into<String>) -> Failure {
    fail(400, "USG.000000003", message)
}

impl Directory {
    pub(super) fn new(rooms: usize) -> Self {
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
            }],
            rooms,
        }
    }

    /// The user `account` names: its account (`accountType` 0) or third-party user ID (1).
    pub(super) fn find(&self, account: &str, account_type: i64) -> Option<&User> {
        self.position(account, account_type).ok().map(|i| &self.users[i])
    }

    fn position(&self, account: &str, account_type: i64) -> Result<usize, Failure> {
        self.users
            .iter()
            .position(|u| match account_type {
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

    /// The departments a search is limited to: `deptCode` and, unless `sub_flag` is false,
    /// every department under it; `None` for the whole enterprise.
    fn scope(&self, call: &Call<'_>, sub_flag: &str) -> Option<Vec<String>> {
        let code = call.param("deptCode")?;
        Some(if call.param(sub_flag).as_deref() == Some("false") {
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
}

fn vmr_of(service: &Service, user: &User) -> Option<String> {
    service
        .rooms
        .assigned_to(user.third_account.as_deref().unwrap_or(&user.account))
}

fn user_result(service: &Service, user: &User) -> QueryUserResultDto {
    let directory = &service.directory;
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
        dept_name: directory.departments.get(&user.dept_code).map(|d| d.name.clone()),
        dept_name_path: Some(directory.path(&user.dept_code, true)),
        user_type: Some(2),
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

fn add_user(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: AddUserDto = call.parse()?;
    let now = service.clock.now();
    let directory = &mut service.directory;
    let id = hex_id();
    let account = request
        .account
        .clone()
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| id.clone());
    if request.phone.is_none() && request.email.is_none() {
        return Err(invalid("phone or email: at least one is mandatory"));
    }
    if directory.users.iter().any(|u| u.account == account) {
        return Err(fail(400, "USG.201040017", format!("User ID {account} already exists")));
    }
    if let Some(third) = request.third_account.as_deref().filter(|t| !t.is_empty())
        && directory
            .users
            .iter()
            .any(|u| u.third_account.as_deref() == Some(third))
    {
        return Err(fail(
            400,
            "USG.201040017",
            format!("Third-party user ID {third} already exists"),
        ));
    }
    directory.check_contact(request.phone.as_deref(), request.email.as_deref(), None)?;
    let dept_code = request.dept_code.clone().unwrap_or_else(|| ROOT.to_owned());
    directory.department(&dept_code)?;
    directory.users.push(User {
        id,
        account,
        third_account: request.third_account.filter(|t| !t.is_empty()),
        name: request.name,
        english_name: request.english_name,
        phone: request.phone,
        country: request.country,
        email: request.email,
        password: request.pwd,
        dept_code,
        title: request.title,
        desc: request.desc,
        signature: request.signature,
        sort_level: request.sort_level.unwrap_or(10000),
        hide_phone: request.hide_phone.unwrap_or(false),
        status: request.status.unwrap_or(0),
        admin_type: MEMBER,
        created: now,
    });
    let user = service.directory.users.last().expect("just added");
    reply(&user_result(service, user))
}

fn search_users(service: &mut Service, call: &Call<'_>) -> Outcome {
    let (offset, limit) = page(call, 10);
    let directory = &service.directory;
    let key = call.param("searchKey").unwrap_or_default();
    let departments = directory.scope(call, "enableSubDept");
    let status = call.int_param("status");
    let admin_type = call.int_param("adminType");
    let mut users: Vec<&User> = directory
        .users
        .iter()
        .filter(|u| {
            key.is_empty()
                || [
                    Some(&u.name),
                    Some(&u.account),
                    u.phone.as_ref(),
                    u.email.as_ref(),
                    u.third_account.as_ref(),
                ]
                .into_iter()
                .flatten()
                .any(|field| field.contains(&key))
        })
        .filter(|u| departments.as_ref().is_none_or(|d| d.contains(&u.dept_code)))
        .filter(|u| status.is_none_or(|s| s == i64::from(u.status)))
        .filter(|u| admin_type.is_none_or(|a| a == i64::from(u.admin_type)))
        .collect();
    users.sort_by_key(|u| (u.sort_level, u.created));
    if call.param("isAsc").as_deref() == Some("false") {
        users.reverse();
    }
    let count = users.len();
    let data = paged(users.into_iter(), offset, limit)
        .map(|u| SearchUserResultDto {
            id: Some(u.id.clone()),
            user_account: Some(u.account.clone()),
            name: Some(u.name.clone()),
            english_name: u.english_name.clone(),
            phone: u.phone.clone(),
            country: u.country.clone(),
            email: u.email.clone(),
            vmr_id: vmr_of(service, u),
            dept_code: Some(u.dept_code.clone()),
            dept_name_path: Some(directory.path(&u.dept_code, true)),
            user_type: Some(2),
            admin_type: Some(u.admin_type),
            title: u.title.clone(),
            desc: u.desc.clone(),
            status: Some(u.status),
            sort_level: Some(u.sort_level),
            hide_phone: Some(u.hide_phone),
            third_account: u.third_account.clone(),
            license: Some(0),
            active_time: Some(u.created.timestamp_millis()),
            ..SearchUserResultDto::default()
        })
        .collect();
    reply(&SearchUsersResponse {
        offset: Some(int32(offset)),
        limit: Some(int32(limit)),
        count: Some(int32(count)),
        data: Some(data),
    })
}

/// The account of the path and its `accountType`.
fn account_of(call: &Call<'_>) -> (String, i64) {
    (call.last_segment(), call.int_param("accountType").unwrap_or(0))
}

fn show_user_detail(service: &mut Service, call: &Call<'_>) -> Outcome {
    let (account, account_type) = account_of(call);
    let user = service
        .directory
        .find(&account, account_type)
        .ok_or_else(|| user_not_found(&account))?;
    reply(&user_result(service, user))
}

/// Changes the fields the body carries; the others stay as they are.
fn update_user(service: &mut Service, call: &Call<'_>) -> Outcome {
    let change: ModUserDto = call.parse()?;
    let (account, account_type) = account_of(call);
    let directory = &mut service.directory;
    let index = directory.position(&account, account_type)?;
    let id = directory.users[index].id.clone();
    directory.check_contact(change.phone.as_deref(), change.email.as_deref(), Some(&id))?;
    if let Some(code) = &change.dept_code {
        directory.department(code)?;
    }
    let user = &mut directory.users[index];
    macro_rules! set {
        ($($field:ident),*) => { $( if let Some(value) = change.$field.clone() { user.$field = Some(value); } )* };
    }
    set!(english_name, phone, country, email, title, desc, signature);
    if let Some(name) = change.name {
        user.name = name;
    }
    if let Some(code) = change.dept_code {
        user.dept_code = code;
    }
    if let Some(level) = change.sort_level {
        user.sort_level = level;
    }
    if let Some(hide) = change.hide_phone {
        user.hide_phone = hide;
    }
    if let Some(status) = change.status {
        user.status = status;
    }
    let user = &service.directory.users[index];
    reply(&user_result(service, user))
}

/// The users the accounts of a batch body name, each of which must exist.
fn existing(service: &Service, call: &Call<'_>) -> Result<Vec<usize>, Failure> {
    let accounts: Vec<String> = call.parse()?;
    let account_type = call.int_param("accountType").unwrap_or(0);
    accounts
        .iter()
        .map(|a| service.directory.position(a, account_type))
        .collect()
}

/// Refuses a batch that would delete or demote the default administrator, who always stays.
fn sparing_the_default_admin(service: &Service, users: &[usize], done_to_them: &str) -> Result<(), Failure> {
    if users
        .iter()
        .any(|&i| service.directory.users[i].admin_type == DEFAULT_ADMIN)
    {
        return Err(fail(
            400,
            "USG.201040004",
            format!("The default administrator cannot be {done_to_them}"),
        ));
    }
    Ok(())
}

fn batch_delete_users(service: &mut Service, call: &Call<'_>) -> Outcome {
    let indexes = existing(service, call)?;
    sparing_the_default_admin(service, &indexes, "deleted")?;
    let ids: Vec<String> = indexes.iter().map(|i| service.directory.users[*i].id.clone()).collect();
    service.directory.users.retain(|u| !ids.contains(&u.id));
    Ok(None)
}

/// Enables (0) or disables (1) users: a disabled user cannot obtain a token.
fn batch_update_user_status(service: &mut Service, call: &Call<'_>) -> Outcome {
    let status = call
        .last_segment()
        .parse::<i32>()
        .map_err(|_| invalid("value: the status must be 0 or 1"))?;
    let indexes = existing(service, call)?;
    for i in indexes {
        service.directory.users[i].status = status;
    }
    Ok(None)
}

impl Directory {
    /// The examples' world: the departments and users the examples name (from search_users'
    /// and search_department_by_name's examples), alice an administrator.
    pub(super) fn seed_examples(&mut self, examples: &super::examples::SpecExamples, now: DateTime<Utc>) {
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
            });
        }
    }
}

impl Service {
    /// Whether the enterprise knows `account`: a member or account of the authentication
    /// set-up, or a user of the directory (by account, or third-party user ID with
    /// `accountType` 1).
    pub(super) fn knows_account(&self, account: &str, account_type: i64) -> bool {
        self.auth.knows(account, account_type) || self.directory.find(account, account_type).is_some()
    }

    /// Refuses a disabled user's authentication (the service's "account not activated").
    pub(super) fn check_user_enabled(&self, account: &str, account_type: i64) -> Result<(), Failure> {
        if account == ADMIN {
            return Ok(());
        }
        match self.directory.find(account, account_type) {
            Some(user) if user.is_disabled() => {
                Err(fail(401, "USG.206010007", format!("the account {account} is disabled")))
            }
            _ => Ok(()),
        }
    }
}
