//! The handlers of the enterprise-wide operations: the directory, administrators, devices
//! and resources.

use super::*;

/// The directory: enabled users (and, with `searchScope` for terminals, the devices).
pub(super) fn search_corp_dir(service: &mut Service, call: &Call<'_>) -> Outcome {
    let (offset, limit) = page(call, 10);
    let directory = &service.directory;
    let key = call.param("searchKey").unwrap_or_default();
    let departments = directory.scope(call, "querySubDept");
    let in_dept = |code: &str| departments.as_ref().is_none_or(|d| d.iter().any(|c| c == code));
    let scope = call.param("searchScope").unwrap_or_default();
    let mut entries: Vec<UserDto> = Vec::new();
    if !scope.contains("HARD_TERMINAL") || scope.contains("MEMBER") || scope.is_empty() {
        entries.extend(
            directory
                .users
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
                    dept_name: directory.departments.get(&u.dept_code).map(|d| d.name.clone()),
                    number: u.phone.clone(),
                    update_time: Some(u.created.timestamp_millis()),
                    vmr_id: vmr_of(service, u),
                    title: u.title.clone(),
                    description: u.desc.clone(),
                    hide_phone: Some(u.hide_phone),
                    type_: Some("NORMAL_USER".into()),
                    dept_codes: Some(vec![u.dept_code.clone()]),
                    ..UserDto::default()
                }),
        );
    }
    if scope.contains("HARD_TERMINAL") {
        entries.extend(
            directory
                .devices
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
    }
    let count = entries.len();
    reply(&SearchCorpDirResponse {
        offset: Some(int32(offset)),
        limit: Some(int32(limit)),
        count: Some(int32(count)),
        data: Some(paged(entries.into_iter(), offset, limit).collect()),
    })
}

/// Makes an existing user an administrator.
pub(super) fn add_corp_admin(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: CorpAdminDto = call.parse()?;
    let account_type = call.int_param("accountType").unwrap_or(0);
    let index = service.directory.position(&request.account, account_type)?;
    let user = &mut service.directory.users[index];
    if user.admin_type != MEMBER {
        return Err(fail(
            400,
            "USG.201040003",
            "Only an ordinary user can become an enterprise administrator",
        ));
    }
    user.admin_type = ADMINISTRATOR;
    Ok(None)
}

pub(super) fn show_corp_admin(service: &mut Service, call: &Call<'_>) -> Outcome {
    let (account, account_type) = account_of(call);
    let directory = &service.directory;
    let user = directory
        .find(&account, account_type)
        .filter(|u| u.admin_type != MEMBER)
        .ok_or_else(|| user_not_found(&account))?;
    let dept = directory.departments.get(&user.dept_code);
    reply(&QueryCorpAdminResultDto {
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
            dept_name_path: Some(directory.path(&user.dept_code, true)),
            parent_dept_code: dept.and_then(|d| d.parent.clone()),
            ..DeptBasicDto::default()
        }),
    })
}

pub(super) fn batch_delete_corp_admins(service: &mut Service, call: &Call<'_>) -> Outcome {
    let indexes = existing(service, call)?;
    sparing_the_default_admin(service, &indexes, "removed")?;
    for i in indexes {
        service.directory.users[i].admin_type = MEMBER;
    }
    Ok(None)
}

pub(super) fn search_devices(service: &mut Service, call: &Call<'_>) -> Outcome {
    let (offset, limit) = page(call, 10);
    let directory = &service.directory;
    let key = call.param("searchKey").unwrap_or_default();
    let model = call.param("model");
    let departments = directory.scope(call, "enableSubDept");
    let devices: Vec<&Device> = directory
        .devices
        .iter()
        .filter(|d| key.is_empty() || d.name.contains(&key) || d.sn.contains(&key) || d.number.contains(&key))
        .filter(|d| model.as_ref().is_none_or(|m| &d.model == m))
        .filter(|d| departments.as_ref().is_none_or(|codes| codes.contains(&d.dept_code)))
        .collect();
    let count = devices.len();
    reply(&SearchDevicesResponse {
        offset: Some(int32(offset)),
        limit: Some(int32(limit)),
        count: Some(int32(count)),
        data: Some(
            paged(devices.into_iter(), offset, limit)
                .map(|d| QueryDeviceResultDto {
                    name: Some(d.name.clone()),
                    type_: Some("TE".into()),
                    model: Some(d.model.clone()),
                    sn: Some(d.sn.clone()),
                    number: Some(d.number.clone()),
                    dept_code: Some(d.dept_code.clone()),
                    dept_name: directory.departments.get(&d.dept_code).map(|x| x.name.clone()),
                    dept_name_path: Some(directory.path(&d.dept_code, true)),
                    status: Some(0),
                    ..QueryDeviceResultDto::default()
                })
                .collect(),
        ),
    })
}

pub(super) fn show_corp_resource(service: &mut Service, _call: &Call<'_>) -> Outcome {
    let users = service.directory.users.len();
    let count = |sum: usize, used: usize| ResDetailDto {
        sum_count: Some(int32(sum)),
        used_count: Some(int32(used)),
        trial_count: Some(0),
        expired_count: Some(0),
        expiring_count: Some(0),
    };
    reply(&ShowCorpResourceResponse {
        te_soft_count: Some(count(500, users)),
        te1080p_hard_count: Some(count(10, service.directory.devices.len())),
        conf_call_count: Some(count(50, service.meetings.in_progress().count())),
        vmr: Some(vec![QueryVmrPkgResResultDto {
            vmr_pkg_id: Some("cloud-meeting-room-10".into()),
            vmr_name: Some("Small cloud meeting room - 10".into()),
            vmr_pkg_parties: Some(10),
            vmr_pkg_count: Some(int32(service.directory.rooms)),
            vmr_pkg_used_count: Some(int32(service.rooms.assigned_count())),
        }]),
        enable_pstn: Some(false),
        enable_sms: Some(true),
        single_conf_call_count: Some(50),
        conf_length: Some(1440),
        ..ShowCorpResourceResponse::default()
    })
}
