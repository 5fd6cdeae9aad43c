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
        let dept = self.departments.get(&user.dept_code);
        Ok(QueryCorpAdminResultDto {
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
        })
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
            .map(|d| QueryDeviceResultDto {
                name: Some(d.name.clone()),
                type_: Some("TE".into()),
                model: Some(d.model.clone()),
                sn: Some(d.sn.clone()),
                number: Some(d.number.clone()),
                dept_code: Some(d.dept_code.clone()),
                dept_name: self.departments.get(&d.dept_code).map(|x| x.name.clone()),
                dept_name_path: Some(self.path(&d.dept_code, true)),
                status: Some(0),
                ..QueryDeviceResultDto::default()
            })
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
            te1080p_hard_count: Some(count(10, self.devices.len())),
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
