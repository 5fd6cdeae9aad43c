//! The handlers of the enterprise-wide operations: the directory, administrators, devices
//! and resources.

use super::*;

/// The directory: enabled users (or, with `searchScope` HARD_TERMINAL, the devices).
impl Handle<input::SearchCorpDir> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::SearchCorpDir) -> Answer<SearchCorpDirResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let departments = self.scope(input.dept_code, input.query_sub_dept);
        let in_dept = |code: &str| departments.as_ref().is_none_or(|d| d.iter().any(|c| c == code));
        // Terminals only for HARD_TERMINAL; users for any other scope (ALL included).
        let terminals = input.search_scope == Some(SearchCorpDirSearchScope::HardTerminal);
        let mut entries: Vec<UserDto> = Vec::new();
        if terminals {
            entries.extend(
                self.devices
                    .iter()
                    .filter(|d| in_dept(&d.dept_code) && (key.is_empty() || d.name.contains(&key)))
                    .map(|d| UserDto {
                        name: Some(d.name.clone()),
                        number: Some(d.number.clone()),
                        type_: Some("HARD_TERMINAL".into()),
                        dept_codes: Some(vec![d.dept_code.clone()]),
                        ..UserDto::default()
                    }),
            );
        } else {
            entries.extend(
                self.users
                    .iter()
                    .filter(|u| !u.is_disabled() && in_dept(&u.dept_code))
                    .filter(|u| {
                        key.is_empty()
                            || u.name.contains(&key)
                            || u.account.contains(&key)
                            || u.phone.as_deref().is_some_and(|p| p.contains(&key))
                            || u.email.as_deref().is_some_and(|e| e.contains(&key))
                    })
                    .map(|u| UserDto {
                        id: Some(u.id.clone()),
                        status_code: Some(0),
                        account: Some(u.account.clone()),
                        name: Some(u.name.clone()),
                        english_name: u.english_name.clone(),
                        email: u.email.clone(),
                        phone: if u.hide_phone { None } else { u.phone.clone() },
                        dept_name: self.departments.get(&u.dept_code).map(|d| d.name.clone()),
                        number: u.phone.clone(),
                        update_time: Some(u.created.timestamp_millis()),
                        vmr_id: self.vmr_of(u),
                        title: u.title.clone(),
                        description: u.desc.clone(),
                        hide_phone: Some(u.hide_phone),
                        type_: Some("NORMAL_USER".into()),
                        dept_codes: Some(vec![u.dept_code.clone()]),
                        ..UserDto::default()
                    }),
            );
        }
        Ok(page_of!(SearchCorpDirResponse, entries, offset, limit))
    }
}

/// Makes an existing user an administrator.
impl Handle<input::AddCorpAdmin> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::AddCorpAdmin) -> Answer<()> {
        let index = self.position(&input.body.account, input.account_type)?;
        let user = &mut self.users[index];
        if user.admin_type != MEMBER {
            return Err(fail(
                400,
                ErrorCode::NotAnOrdinaryUser,
                "Only an ordinary user can become an enterprise administrator",
            ));
        }
        user.admin_type = ADMINISTRATOR;
        Ok(())
    }
}

impl Handle<input::ShowCorpAdmin> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::ShowCorpAdmin) -> Answer<QueryCorpAdminResultDto> {
        let user = self
            .find(&input.account, input.account_type)
            .filter(|u| u.admin_type != MEMBER)
            .ok_or_else(|| user_not_found(&input.account))?;
        Ok(self.admin_result(user))
    }
}

impl Directory {
    /// An administrator as the administrator queries answer them.
    pub(super) fn admin_result(&self, user: &User) -> QueryCorpAdminResultDto {
        let dept = self.departments.get(&user.dept_code);
        QueryCorpAdminResultDto {
            id: Some(user.id.clone()),
            account: Some(user.account.clone()),
            name: Some(user.name.clone()),
            admin_type: Some(user.admin_type),
            email: user.email.clone(),
            phone: user.phone.clone(),
            country: user.country.clone(),
            dept: Some(DeptBasicDto {
                dept_code: Some(user.dept_code.clone()),
                dept_name: dept.map(|d| d.name.clone()),
                dept_name_path: Some(self.path(&user.dept_code, true)),
                parent_dept_code: dept.and_then(|d| d.parent.clone()),
                ..DeptBasicDto::default()
            }),
        }
    }
}

impl Handle<input::BatchDeleteCorpAdmins> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::BatchDeleteCorpAdmins) -> Answer<()> {
        let indexes = self.existing(&input.body, input.account_type)?;
        self.sparing_the_default_admin(&indexes, "removed")?;
        for i in indexes {
            self.users[i].admin_type = MEMBER;
        }
        Ok(())
    }
}

impl Handle<input::SearchDevices> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::SearchDevices) -> Answer<SearchDevicesResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let departments = self.scope(input.dept_code, input.enable_sub_dept);
        let devices: Vec<QueryDeviceResultDto> = self
            .devices
            .iter()
            .filter(|d| key.is_empty() || d.name.contains(&key) || d.sn.contains(&key) || d.number.contains(&key))
            .filter(|d| input.model.as_ref().is_none_or(|m| &d.model == m))
            .filter(|d| departments.as_ref().is_none_or(|codes| codes.contains(&d.dept_code)))
            .map(|d| self.device_result(d))
            .collect();
        Ok(page_of!(SearchDevicesResponse, devices, offset, limit))
    }
}

impl Handle<input::ShowCorpResource> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, _input: input::ShowCorpResource) -> Answer<ShowCorpResourceResponse> {
        let count = |sum: usize, used: usize| ResDetailDto {
            sum_count: Some(int32(sum)),
            used_count: Some(int32(used)),
            trial_count: Some(0),
            expired_count: Some(0),
            expiring_count: Some(0),
        };
        Ok(ShowCorpResourceResponse {
            te_soft_count: Some(count(500, self.users.len())),
            te1080p_hard_count: Some(count(super::devices::HARD_TERMINALS, self.devices.len())),
            conf_call_count: Some(count(50, self.in_progress.len())),
            vmr: Some(vec![QueryVmrPkgResResultDto {
                vmr_pkg_id: Some("cloud-meeting-room-10".into()),
                vmr_name: Some("Small cloud meeting room - 10".into()),
                vmr_pkg_parties: Some(10),
                vmr_pkg_count: Some(int32(self.rooms)),
                vmr_pkg_used_count: Some(int32(self.assigned_count())),
            }]),
            enable_pstn: Some(false),
            enable_sms: Some(true),
            single_conf_call_count: Some(50),
            conf_length: Some(1440),
            ..ShowCorpResourceResponse::default()
        })
    }
}

/// The enterprise's registration: its ID and root department's name, the address and
/// automatic user creation as last set; the administrator is the simulator's `admin`.
impl Handle<input::ShowCorpBasicInfo> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, _input: input::ShowCorpBasicInfo) -> Answer<CorpBasicInfoDto> {
        Ok(CorpBasicInfoDto {
            id: Some(self.corp_id.clone()),
            name: self.departments.get(ROOT).map(|d| d.name.clone()),
            address: self.address.clone(),
            admin_name: Some("Admin".into()),
            account: Some("admin".into()),
            phone: Some("+8613800000000".into()),
            country: Some("chinaPR".into()),
            email: Some("admin@example.com".into()),
            enable_sms: Some(true),
            enable_cloud_disk: Some(false),
            enable_pstn: Some(false),
            auto_user_create: Some(self.auto_user_create),
            corp_type: Some(0),
        })
    }
}

/// Only the address and automatic user creation can be changed; an absent field is kept.
impl Handle<input::UpdateCorpBasicInfo> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::UpdateCorpBasicInfo) -> Answer<()> {
        if let Some(address) = input.body.address {
            self.address = Some(address);
        }
        if let Some(auto) = input.body.auto_user_create {
            self.auto_user_create = auto;
        }
        Ok(())
    }
}

/// Expiry of every resource of the simulator's enterprises: 2031-01-01 UTC.
const RESOURCES_EXPIRE: i64 = 1_924_992_000_000;

/// The resource items a new enterprise of the simulator holds, one per kind: its cloud
/// meeting rooms and webinar rooms, concurrent participants, hard terminals and user
/// accounts (the amounts show_corp_resource reports). The SP's resource operations change
/// them.
pub(in crate::simulator) fn default_resources(rooms: usize, webinar_rooms: usize) -> Vec<QueryResourceResultDto> {
    let item = |type_: &str, count: usize, vmr_mode: Option<i32>, desc: &str| QueryResourceResultDto {
        id: Some(format!(
            "{:0>32}",
            format!("{type_}{}", vmr_mode.unwrap_or(0))
                .to_lowercase()
                .replace('_', "")
        )),
        type_: Some(type_.to_owned()),
        type_desc: Some(desc.to_owned()),
        type_id: vmr_mode.map(|_| serde_json::Value::String("cloud-meeting-room-10".into())),
        vmr_mode,
        count: Some(int32(count)),
        expire_date: Some(RESOURCES_EXPIRE),
        order_id: Some(format!("order-{}", type_.to_lowercase())),
        status: Some(0),
        editable: Some(false),
    };
    vec![
        item("VMR", rooms, Some(1), "Small cloud meeting room - 10"),
        item("VMR", webinar_rooms, Some(2), "Webinar room"),
        item("CONF_CALL", 50, None, "Concurrent meeting participants"),
        item(
            "HARD_1080P",
            super::devices::HARD_TERMINALS,
            None,
            "1080P hard terminals",
        ),
        item("SOFT", 500, None, "Soft terminal accounts"),
    ]
}

/// The enterprise's resource items, filtered as asked (all filters together).
impl Handle<input::SearchCorpResources> for Directory {
    fn handle(
        &mut self,
        _cx: &mut Context<'_>,
        input: input::SearchCorpResources,
    ) -> Answer<SearchCorpResourcesResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let type_ = input.type_.map(|t| t.to_string());
        let items: Vec<QueryResourceResultDto> = self
            .resources
            .iter()
            .filter(|r| {
                key.is_empty()
                    || [&r.type_, &r.type_desc, &r.order_id]
                        .into_iter()
                        .flatten()
                        .any(|text| text.contains(&key))
            })
            .filter(|r| type_.is_none() || r.type_ == type_)
            .filter(|r| input.vmr_mode.is_none() || r.vmr_mode == input.vmr_mode)
            .filter(|r| input.status.is_none_or(|s| r.status == Some(s)))
            .filter(|r| input.order_id.is_none() || r.order_id == input.order_id)
            .filter(|r| {
                input
                    .type_id
                    .as_ref()
                    .is_none_or(|id| r.type_id.as_ref().and_then(|v| v.as_str()) == Some(id.as_str()))
            })
            .filter(|r| input.start_expire_date.is_none_or(|from| r.expire_date >= Some(from)))
            .filter(|r| input.end_expire_date.is_none_or(|to| r.expire_date <= Some(to)))
            .cloned()
            .collect();
        Ok(page_of!(SearchCorpResourcesResponse, items, offset, limit))
    }
}

/// The day's use: the meetings in progress and those held today (UTC) and their minutes;
/// the simulator keeps no recordings' storage or live streams in use, and does not count
/// attendees per day.
impl Handle<input::ShowOrgRes> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, _input: input::ShowOrgRes) -> Answer<ShowOrgResResponse> {
        let today = cx.now.date_naive();
        let held_today: Vec<_> = self
            .held
            .iter()
            .filter(|(start, _)| start.date_naive() == today)
            .collect();
        let minutes: i64 = held_today
            .iter()
            .map(|(start, end)| (*end - *start).num_minutes())
            .sum();
        Ok(ShowOrgResResponse {
            conf_count: Some(int32(held_today.len() + self.in_progress.len())),
            conf_length: Some(i32::try_from(minutes).unwrap_or(i32::MAX)),
            used_rec_storage: Some(0.0),
            used_live_count: Some(0),
            used_accounts_count: None,
            active_attendee_count: None,
            total_attendee_count: None,
        })
    }
}
