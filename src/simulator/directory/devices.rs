//! Hard terminals (added by serial number, enabled and disabled within the enterprise's
//! hard terminal resources, their activation codes reset at most 5 times a day) and the
//! activation codes of smart screens, SmartRooms boards and IdeaHubs (each makes a device
//! account, not activated, in the directory).

use chrono::Duration;

use super::*;
use crate::types::{
    AddDeviceDto, QueryDeviceTypeResultDto, QueryVisionActiveCodeResultDto, SearchVisionActiveCodeResponse,
    UserStatusDto, VisionActiveCodeDtoDevType, VisionActiveCodeResponseBody,
};

/// The enterprise's hard terminal resources (show_corp_resource's `te1080pHardCount`).
pub(super) const HARD_TERMINALS: usize = 10;
/// Activation-code resets a terminal may have in 24 hours.
const RESETS_PER_DAY: usize = 5;
/// How long a smart screen's, board's or IdeaHub's activation code is valid (the simulator's
/// choice: Huawei documents none).
const VISION_CODE_VALIDITY: Duration = Duration::days(7);

/// The models show_device_types lists: (type, model, resolution, SVC).
const MODELS: &[(&str, &str, &str, bool)] = &[
    ("TE", "TE10", "720P", false),
    ("TE", "TE20", "1080P", false),
    ("TE", "TE30", "1080P", false),
    ("TE", "TE40", "1080P", false),
    ("TE", "TE50", "1080P", false),
    ("TE", "TE60", "1080P", false),
    ("TE", "HUAWEI Box 200", "1080P", true),
    ("TE", "HUAWEI Box 300", "1080P", true),
    ("TE", "HUAWEI Box 500", "1080P", true),
    ("TE", "HUAWEI Box 600", "1080P", true),
    ("TE", "HUAWEI Box 700", "1080P", true),
    ("TE", "HUAWEI Box 900", "1080P", true),
    ("TE", "DP300", "1080P", false),
    ("TE", "HUAWEI Board", "1080P", true),
    ("3rd", "polycom", "1080P", false),
    ("3rd", "cisco", "1080P", false),
];

/// The `n`th activation code of an enterprise: 12 digits, unique in it, and the same in
/// every run (tests compare answers across simulators).
pub(super) fn code_number(n: u64) -> Secret {
    Secret::new(format!("{:012}", (846_203_571_935 + n * 104_729) % 1_000_000_000_000))
}

impl Directory {
    /// A new activation code.
    fn new_code(&mut self) -> Secret {
        self.codes_issued += 1;
        code_number(self.codes_issued)
    }
}

/// The activation code of a smart screen, board or IdeaHub, and the device account it made.
pub(super) struct VisionCode {
    id: String,
    code: Secret,
    account: String,
    dev_name: String,
    dev_type: String,
    dept_code: String,
    /// Unix milliseconds.
    expires: i64,
}

impl Directory {
    /// The activation code search_vision_active_code's example lists, made for the device
    /// account reset_vision_active_code's example names.
    pub(super) fn seed_vision_codes(
        &mut self,
        examples: &crate::simulator::examples::SpecExamples,
        now: DateTime<Utc>,
    ) {
        let account = examples
            .operation_parameter("reset_vision_active_code", "account")
            .and_then(serde_json::Value::as_str);
        let listed = examples
            .response("search_vision_active_code")
            .and_then(|r| r.pointer("/data/0"))
            .and_then(|c| serde_json::from_value::<QueryVisionActiveCodeResultDto>(c.clone()).ok());
        let (Some(account), Some(listed)) = (account, listed) else {
            return;
        };
        let dept_code = listed.dept_code.unwrap_or_else(|| ROOT.to_owned());
        let dev_name = listed.dev_name.unwrap_or_default();
        self.users.push(device_account(
            account.to_owned(),
            dev_name.clone(),
            dept_code.clone(),
            13,
            now,
        ));
        self.vision_codes.push(VisionCode {
            id: listed.id.unwrap_or_else(hex_id),
            code: listed.active_code.unwrap_or_else(|| code_number(0)),
            account: account.to_owned(),
            dev_name,
            dev_type: listed.dev_type.unwrap_or_else(|| "idea-hub".into()),
            dept_code,
            expires: listed.expire_date.unwrap_or_default(),
        });
    }
}

fn device_not_found(sn: &str) -> Failure {
    fail(
        400,
        ErrorCode::DeviceNotFound,
        format!("Hard terminal {sn} does not exist"),
    )
}

impl Directory {
    pub(super) fn device_result(&self, d: &Device) -> QueryDeviceResultDto {
        QueryDeviceResultDto {
            account: Some(d.account.clone()),
            name: Some(d.name.clone()),
            type_: Some(MODELS.iter().find(|m| m.1 == d.model).map_or("TE", |m| m.0).to_owned()),
            model: Some(d.model.clone()),
            sn: Some(d.sn.clone()),
            number: Some(d.number.clone()),
            dept_code: Some(d.dept_code.clone()),
            dept_name: self.departments.get(&d.dept_code).map(|x| x.name.clone()),
            dept_name_path: Some(self.path(&d.dept_code, true)),
            status: Some(d.status),
            description: d.description.clone(),
            phone: d.phone.clone(),
            email: d.email.clone(),
            country: d.country.clone(),
            prj_code_mode: d.prj_code_mode,
        }
    }

    fn device_mut(&mut self, sn: &str) -> Result<&mut Device, Failure> {
        self.devices
            .iter_mut()
            .find(|d| d.sn == sn)
            .ok_or_else(|| device_not_found(sn))
    }

    fn enabled_devices(&self) -> usize {
        self.devices.iter().filter(|d| d.status == 0).count()
    }
}

/// A serial number is unique in the enterprise; the model one of show_device_types'; a
/// phone or an e-mail to send the activation code to; one of the enterprise's hard terminal
/// resources per terminal.
impl Handle<input::AddDevice> for Directory {
    fn handle(&mut self, _: &mut Context<'_>, input: input::AddDevice) -> Answer<QueryDeviceResultDto> {
        let AddDeviceDto {
            country,
            dept_code,
            description,
            email,
            model,
            name,
            phone,
            prj_code_mode,
            send_notify: _,
            sn,
            status,
        } = input.body;
        if !MODELS.iter().any(|m| m.1 == model) {
            return Err(invalid(format!(
                "model {model:?} is not one of show_device_types' models"
            )));
        }
        if phone.is_none() && email.is_none() {
            return Err(invalid("phone or email is required: the activation code is sent there"));
        }
        let sn = sn.unwrap_or_else(|| hex_id()[..20].to_ascii_uppercase());
        if self.devices.iter().any(|d| d.sn == sn) {
            return Err(invalid(format!(
                "SN {sn} is already used by a terminal of the enterprise"
            )));
        }
        if self.devices.len() >= HARD_TERMINALS {
            return Err(fail(
                400,
                ErrorCode::DeviceResourcesUsedUp,
                format!("the enterprise's {HARD_TERMINALS} hard terminal resources are all used"),
            ));
        }
        let dept_code = dept_code.unwrap_or_else(|| ROOT.to_owned());
        self.department(&dept_code)?;
        let number = format!("+99111283520{:03}", 146 + self.devices.len());
        let code = self.new_code();
        self.devices.push(Device {
            name,
            model,
            sn,
            number,
            dept_code,
            account: hex_id(),
            status: status.unwrap_or(0),
            description,
            phone,
            email,
            // The service's default country of the phone number.
            country: Some(country.unwrap_or_else(|| "chinaPR".into())),
            prj_code_mode: Some(prj_code_mode.unwrap_or(0)),
            code,
            resets: Vec::new(),
        });
        Ok(self.device_result(self.devices.last().expect("just added")))
    }
}

/// Every serial number must be a terminal of the enterprise: an unknown one refuses the call.
impl Handle<input::BatchDeleteDevices> for Directory {
    fn handle(&mut self, _: &mut Context<'_>, input: input::BatchDeleteDevices) -> Answer<()> {
        if let Some(unknown) = input.body.iter().find(|sn| !self.devices.iter().any(|d| d.sn == **sn)) {
            return Err(device_not_found(unknown));
        }
        self.devices.retain(|d| !input.body.contains(&d.sn));
        Ok(())
    }
}

/// `value` 0 enables, 1 disables; an unknown serial number is skipped. Enabling needs a free
/// hard terminal resource for each terminal enabled.
impl Handle<input::BatchUpdateDevicesStatus> for Directory {
    fn handle(&mut self, _: &mut Context<'_>, input: input::BatchUpdateDevicesStatus) -> Answer<()> {
        let enabling = self
            .devices
            .iter()
            .filter(|d| input.body.contains(&d.sn) && d.status != input.value)
            .count();
        if input.value == 0 && self.enabled_devices() + enabling > HARD_TERMINALS {
            return Err(fail(
                400,
                ErrorCode::NoDeviceResourceLeft,
                "no hard terminal resource is left to enable these terminals",
            ));
        }
        for device in self.devices.iter_mut().filter(|d| input.body.contains(&d.sn)) {
            device.status = input.value;
        }
        Ok(())
    }
}

impl Handle<input::ShowDeviceDetail> for Directory {
    fn handle(&mut self, _: &mut Context<'_>, input: input::ShowDeviceDetail) -> Answer<QueryDeviceResultDto> {
        let device = self.devices.iter().find(|d| d.sn == input.sn);
        Ok(self.device_result(device.ok_or_else(|| device_not_found(&input.sn))?))
    }
}

/// Sets the fields given (an absent field keeps its value).
impl Handle<input::UpdateDevice> for Directory {
    fn handle(&mut self, _: &mut Context<'_>, input: input::UpdateDevice) -> Answer<()> {
        let change = input.body;
        if let Some(code) = &change.dept_code {
            self.department(code)?;
        }
        let enabled = self.enabled_devices();
        let device = self.device_mut(&input.sn)?;
        if change.status == Some(0) && device.status != 0 && enabled >= HARD_TERMINALS {
            return Err(fail(
                400,
                ErrorCode::NoDeviceResourceLeft,
                "no hard terminal resource is left to enable this terminal",
            ));
        }
        let keep = |field: &mut Option<String>, new: Option<String>| {
            if new.is_some() {
                *field = new;
            }
        };
        keep(&mut device.description, change.description);
        keep(&mut device.email, change.email);
        keep(&mut device.phone, change.phone);
        keep(&mut device.country, change.country);
        if let Some(name) = change.name {
            device.name = name;
        }
        if let Some(code) = change.dept_code {
            device.dept_code = code;
        }
        if let Some(status) = change.status {
            device.status = status;
        }
        if change.prj_code_mode.is_some() {
            device.prj_code_mode = change.prj_code_mode;
        }
        Ok(())
    }
}

/// A new code, sent to the phone or e-mail given; the old one stops working. At most 5 resets
/// in any 24 hours (on the simulator's clock).
impl Handle<input::ResetActivecode> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ResetActivecode) -> Answer<()> {
        if input.body.sms_number.is_none() && input.body.email_addr.is_none() {
            return Err(invalid(
                "smsNumber or emailAddr is required: the new code is sent there",
            ));
        }
        let device = self.device_mut(&input.sn)?;
        device.resets.retain(|at| cx.now - *at < Duration::hours(24));
        if device.resets.len() >= RESETS_PER_DAY {
            return Err(fail(
                400,
                ErrorCode::ActivationCodeResetLimit,
                format!(
                    "the activation code of {} was reset {RESETS_PER_DAY} times in 24 hours",
                    input.sn
                ),
            ));
        }
        device.resets.push(cx.now);
        let code = self.new_code();
        self.device_mut(&input.sn)?.code = code;
        Ok(())
    }
}

impl Handle<input::ShowDeviceTypes> for Directory {
    fn handle(&mut self, _: &mut Context<'_>, _: input::ShowDeviceTypes) -> Answer<Vec<QueryDeviceTypeResultDto>> {
        Ok(MODELS
            .iter()
            .map(|(type_, model, resolution, svc)| QueryDeviceTypeResultDto {
                type_: Some((*type_).to_owned()),
                model: Some((*model).to_owned()),
                resolution: Some((*resolution).to_owned()),
                support_svc: Some(*svc),
                enable_active_code: Some(*type_ == "TE"),
                support_projection_code: Some(*type_ == "TE"),
            })
            .collect())
    }
}

/// Only the enterprise's terminals: another number refuses the call. A disabled terminal is
/// not registered; an enabled one is registered and idle.
impl Handle<input::ShowDeviceStatus> for Directory {
    fn handle(&mut self, _: &mut Context<'_>, input: input::ShowDeviceStatus) -> Answer<Vec<UserStatusDto>> {
        input
            .body
            .iter()
            .map(|number| {
                let device = self.devices.iter().find(|d| d.number == *number).ok_or_else(|| {
                    fail(
                        403,
                        ErrorCode::InsufficientPermission,
                        format!("{number} is not a terminal of the enterprise"),
                    )
                })?;
                let enabled = device.status == 0;
                Ok(UserStatusDto {
                    number: Some(format!("tel:{number}")),
                    reg_status: Some(if enabled { "0" } else { "1" }.into()),
                    call_status: Some(if enabled { "1" } else { "0" }.into()),
                })
            })
            .collect()
    }
}

/// A device account, not activated, of `user_type`.
fn device_account(account: String, name: String, dept_code: String, user_type: i32, now: DateTime<Utc>) -> User {
    User {
        id: hex_id(),
        account,
        third_account: None,
        name,
        english_name: None,
        phone: None,
        country: None,
        email: None,
        password: None,
        dept_code,
        title: None,
        desc: None,
        signature: None,
        sort_level: 10000,
        hide_phone: false,
        status: 0,
        admin_type: MEMBER,
        created: now,
        user_type,
        activated: false,
    }
}

/// The device account a code makes: smart screen 12, IdeaHub 13, SmartRooms 14.
fn user_type_of(dev_type: VisionActiveCodeDtoDevType) -> i32 {
    match dev_type {
        VisionActiveCodeDtoDevType::HuaweiVision => 12,
        VisionActiveCodeDtoDevType::IdeaHub => 13,
        VisionActiveCodeDtoDevType::WelinkDesktop | VisionActiveCodeDtoDevType::SmartRooms => 14,
    }
}

impl Handle<input::CreateVisionActiveCode> for Directory {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::CreateVisionActiveCode,
    ) -> Answer<VisionActiveCodeResponseBody> {
        let request = input.body;
        let dept_code = request.dept_code.unwrap_or_else(|| ROOT.to_owned());
        self.department(&dept_code)?;
        let account = format!("{}-{}", request.dev_type, &hex_id()[..8]);
        let mut user = device_account(
            account.clone(),
            request.dev_name.clone(),
            dept_code.clone(),
            user_type_of(request.dev_type),
            cx.now,
        );
        user.phone = request.sms_number;
        user.email = request.email_addr;
        user.country = request.country;
        user.desc = request.description;
        self.users.push(user);
        let code = self.new_code();
        self.vision_codes.push(VisionCode {
            id: hex_id(),
            code: code.clone(),
            account,
            dev_name: request.dev_name,
            dev_type: request.dev_type.to_string(),
            dept_code,
            expires: (cx.now + VISION_CODE_VALIDITY).timestamp_millis(),
        });
        Ok(VisionActiveCodeResponseBody {
            active_code: Some(code),
        })
    }
}

/// Deletes the codes (by ID) and the device accounts they made; an unknown ID is skipped.
impl Handle<input::DeleteVisionActiveCode> for Directory {
    fn handle(&mut self, _: &mut Context<'_>, input: input::DeleteVisionActiveCode) -> Answer<()> {
        let (gone, kept): (Vec<VisionCode>, Vec<VisionCode>) = std::mem::take(&mut self.vision_codes)
            .into_iter()
            .partition(|c| input.body.contains(&c.id));
        self.vision_codes = kept;
        self.users
            .retain(|u| u.activated || !gone.iter().any(|c| c.account == u.account));
        Ok(())
    }
}

/// A new code for the device account; the old one stops working.
impl Handle<input::ResetVisionActiveCode> for Directory {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::ResetVisionActiveCode,
    ) -> Answer<VisionActiveCodeResponseBody> {
        let index = self
            .vision_codes
            .iter()
            .position(|c| c.account == input.account)
            .ok_or_else(|| user_not_found(&input.account))?;
        let code = self.new_code();
        let entry = &mut self.vision_codes[index];
        entry.code = code;
        entry.expires = (cx.now + VISION_CODE_VALIDITY).timestamp_millis();
        Ok(VisionActiveCodeResponseBody {
            active_code: Some(entry.code.clone()),
        })
    }
}

/// Fuzzy on the code or the device's name; by device type.
impl Handle<input::SearchVisionActiveCode> for Directory {
    fn handle(
        &mut self,
        _: &mut Context<'_>,
        input: input::SearchVisionActiveCode,
    ) -> Answer<SearchVisionActiveCodeResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let dev_type = input.dev_type.map(|t| t.to_string());
        let codes: Vec<QueryVisionActiveCodeResultDto> = self
            .vision_codes
            .iter()
            .filter(|c| key.is_empty() || c.dev_name.contains(&key) || c.code.expose().contains(&key))
            .filter(|c| dev_type.as_ref().is_none_or(|t| *t == c.dev_type))
            .map(|c| QueryVisionActiveCodeResultDto {
                id: Some(c.id.clone()),
                active_code: Some(c.code.clone()),
                dev_name: Some(c.dev_name.clone()),
                dev_type: Some(c.dev_type.clone()),
                dept_code: Some(c.dept_code.clone()),
                dept_name: self.departments.get(&c.dept_code).map(|d| d.name.clone()),
                expire_date: Some(c.expires),
            })
            .collect();
        Ok(page_of!(SearchVisionActiveCodeResponse, codes, offset, limit))
    }
}
