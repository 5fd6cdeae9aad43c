//! SP administration: the enterprises a service provider manages (created with their
//! default administrator, updated field by field, deleted with everything in them), their
//! resource items (quantities and expiry dates on the simulator's clock, each change an
//! operation record), and what the SP sees across them (totals, which enterprise holds a
//! meeting). Only the SP administrator calls these; creating or deleting an enterprise is an
//! event the service applies (it owns the enterprises).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::SimulatorBuilder;
use super::api::{Answer, Context, Handle, input};
use super::events::Event;
use super::wire::{Failure, bad_parameter, fail, int32, page, page_of};
use crate::ErrorCode;
use crate::types::{
    AddCorpResponse, QueryAdminResultDto, QueryCorpBasicResultDto, QueryCorpResultDto, QueryResourceResultDto,
    ResDetailDto, ResourceDto, SearchCorpResourcesResponse, SearchCorpResponse, SearchResourceOpRecordResponse,
    ShowConfOrgResponse, ShowSpResResponse, ShowSpResourceResponse,
};

/// Enterprises an SP may hold (show_sp_resource's `corpCount`).
const MOST_ENTERPRISES: usize = 100;

/// `operateType` of a resource operation record.
const ADDED: i32 = 0;
const DELETED: i32 = 1;
const MODIFIED: i32 = 2;
const DISABLED: i32 = 3;
const ENABLED: i32 = 4;

struct Corp {
    id: String,
    basic: QueryCorpBasicResultDto,
    admin: QueryAdminResultDto,
    group_id: Option<String>,
    resources: Vec<QueryResourceResultDto>,
    /// Users of its directory (for the totals).
    users: usize,
}

/// A change of a resource item: the enterprise, its type, when, and the item after it.
struct Record {
    corp: String,
    operate_type: i32,
    at: DateTime<Utc>,
    item: QueryResourceResultDto,
}

pub(super) struct Sp {
    corps: Vec<Corp>,
    records: Vec<Record>,
    /// The enterprise of each meeting scheduled (show_conf_org), and the meetings in progress.
    meetings: HashMap<String, String>,
    in_progress: usize,
    made: u64,
}

fn no_such_corp(id: &str) -> Failure {
    bad_parameter(format!("enterprise {id} does not exist"))
}

impl Sp {
    /// The simulator's enterprises, each with the resources its directory reports.
    pub(super) fn new(config: &SimulatorBuilder) -> Self {
        let corps = std::iter::once(&config.corp_id)
            .chain(&config.other_corps)
            .map(|id| Corp {
                id: id.clone(),
                basic: QueryCorpBasicResultDto {
                    name: Some("Enterprise".into()),
                    ..QueryCorpBasicResultDto::default()
                },
                admin: QueryAdminResultDto {
                    account: Some("admin".into()),
                    name: Some("Admin".into()),
                    admin_type: Some(0),
                    ..QueryAdminResultDto::default()
                },
                group_id: None,
                resources: super::directory::default_resources(config.rooms, config.webinar_rooms),
                users: 0,
            })
            .collect();
        Sp {
            corps,
            records: Vec::new(),
            meetings: HashMap::new(),
            in_progress: 0,
            made: 0,
        }
    }

    /// The examples' world: enterprise `corp` holds these items.
    pub(super) fn seed_resources(&mut self, corp: &str, items: Vec<QueryResourceResultDto>) {
        if let Some(c) = self.corps.iter_mut().find(|c| c.id == corp) {
            c.resources = items;
        }
    }

    /// Another area's event in enterprise `corp`.
    pub(super) fn on(&mut self, corp: &str, event: &Event) {
        match event {
            Event::MeetingScheduled { conference_id, .. } => {
                self.meetings.insert(conference_id.clone(), corp.to_owned());
            }
            Event::MeetingStarted { conference_id, .. } => {
                self.meetings.insert(conference_id.clone(), corp.to_owned());
                self.in_progress += 1;
            }
            Event::MeetingEnded(_) => self.in_progress = self.in_progress.saturating_sub(1),
            Event::UserChanged(_) | Event::UserRemoved { .. } => {
                // Recounted from the directory's announcements: one more or one fewer.
                if let Some(c) = self.corps.iter_mut().find(|c| c.id == corp) {
                    match event {
                        Event::UserRemoved { .. } => c.users = c.users.saturating_sub(1),
                        _ => c.users += 1,
                    }
                }
            }
            _ => {}
        }
    }

    fn corp_mut(&mut self, id: &str) -> Result<&mut Corp, Failure> {
        self.corps
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or_else(|| no_such_corp(id))
    }

    fn next_id(&mut self, prefix: &str) -> String {
        self.made += 1;
        format!("{prefix}-{:04}", self.made)
    }

    /// A resource item as given, with a new ID when it has none.
    fn new_item(&mut self, r: ResourceDto) -> QueryResourceResultDto {
        QueryResourceResultDto {
            id: Some(r.id.unwrap_or_else(|| self.next_id("sp-res"))),
            type_: Some(r.type_.to_string()),
            type_id: r.type_id.map(serde_json::Value::String),
            count: Some(r.count),
            expire_date: Some(r.expire_date),
            status: Some(0),
            editable: Some(true),
            ..QueryResourceResultDto::default()
        }
    }

    /// Records the change of `item` and tells the enterprise its resources.
    fn changed(&mut self, cx: &mut Context<'_>, corp: &str, operate_type: i32, item: QueryResourceResultDto) {
        self.records.push(Record {
            corp: corp.to_owned(),
            operate_type,
            at: cx.now,
            item,
        });
        if let Some(c) = self.corps.iter().find(|c| c.id == corp) {
            cx.emit(Event::ResourcesChanged {
                corp: corp.to_owned(),
                items: c.resources.clone(),
            });
        }
    }
}

/// An item's status now: disabled stays disabled; past its expiry it is expired.
fn status_at(item: &QueryResourceResultDto, now: DateTime<Utc>) -> QueryResourceResultDto {
    let mut item = item.clone();
    if item.status != Some(2) && item.expire_date.is_some_and(|e| e < now.timestamp_millis()) {
        item.status = Some(1);
    }
    item
}

fn result(c: &Corp) -> QueryCorpResultDto {
    QueryCorpResultDto {
        id: Some(c.id.clone()),
        basic_info: Some(c.basic.clone()),
        admin_info: Some(c.admin.clone()),
        group_dto: None,
        res_info: None,
    }
}

/// A new enterprise, its default administrator (who can sign in with the password given)
/// and its resources.
impl Handle<input::AddCorp> for Sp {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::AddCorp) -> Answer<AddCorpResponse> {
        let request = input.body;
        if self.corps.len() >= MOST_ENTERPRISES {
            return Err(bad_parameter(format!(
                "the SP holds {MOST_ENTERPRISES} enterprises, the most it may"
            )));
        }
        if self
            .corps
            .iter()
            .any(|c| c.basic.name.as_deref() == Some(request.basic_info.name.as_str()))
        {
            return Err(bad_parameter(format!(
                "an enterprise is already named {:?}",
                request.basic_info.name
            )));
        }
        let id = self.next_id("sp-corp");
        let b = request.basic_info;
        let a = request.admin_info;
        let mut resources = Vec::new();
        for r in request.res_info.map(|r| r.resource).unwrap_or_default() {
            resources.push(self.new_item(r));
        }
        self.corps.push(Corp {
            id: id.clone(),
            basic: QueryCorpBasicResultDto {
                name: Some(b.name),
                address: b.address,
                country: b.country,
                description: b.description,
                email: b.email,
                fax: b.fax,
                phone: b.phone,
                sp_id: b.sp_id,
            },
            admin: QueryAdminResultDto {
                account: Some(a.account.clone()),
                name: Some(a.name.clone()),
                admin_type: Some(0),
                country: a.country.clone(),
                email: a.email.clone(),
                phone: a.phone.clone(),
                id: None,
            },
            group_id: request.group_id,
            resources: resources.clone(),
            users: 0,
        });
        cx.emit(Event::EnterpriseAdded {
            corp: id.clone(),
            admin_account: a.account,
            admin_name: a.name,
            admin_password: a.pwd,
            admin_phone: a.phone,
            admin_email: a.email,
        });
        for item in resources {
            self.changed(cx, &id, ADDED, item);
        }
        Ok(AddCorpResponse { value: Some(id) })
    }
}

/// The enterprise and everything in it go; its administrator can no longer sign in. One that
/// is gone already is deleted already.
impl Handle<input::DeleteCorp> for Sp {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::DeleteCorp) -> Answer<()> {
        if let Some(index) = self.corps.iter().position(|c| c.id == input.id) {
            self.corps.remove(index);
            self.meetings.retain(|_, corp| *corp != input.id);
            cx.emit(Event::EnterpriseRemoved { corp: input.id });
        }
        Ok(())
    }
}

impl Handle<input::SearchCorp> for Sp {
    fn handle(&mut self, _: &mut Context<'_>, input: input::SearchCorp) -> Answer<SearchCorpResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let corps: Vec<QueryCorpResultDto> = self
            .corps
            .iter()
            .filter(|c| {
                key.is_empty()
                    || c.id.contains(&key)
                    || c.basic.name.as_ref().is_some_and(|n| n.contains(&key))
                    || c.admin.account.as_ref().is_some_and(|a| a.contains(&key))
            })
            .map(result)
            .collect();
        Ok(page_of!(SearchCorpResponse, corps, offset, limit))
    }
}

impl Handle<input::ShowCorp> for Sp {
    fn handle(&mut self, _: &mut Context<'_>, input: input::ShowCorp) -> Answer<QueryCorpResultDto> {
        self.corps
            .iter()
            .find(|c| c.id == input.id)
            .map(result)
            .ok_or_else(|| no_such_corp(&input.id))
    }
}

/// Only the fields sent change.
impl Handle<input::UpdateCorp> for Sp {
    fn handle(&mut self, _: &mut Context<'_>, input: input::UpdateCorp) -> Answer<()> {
        let change = input.body;
        let corp = self.corp_mut(&input.id)?;
        let set = |field: &mut Option<String>, value: Option<String>| {
            if value.is_some() {
                *field = value;
            }
        };
        if let Some(b) = change.basic_info {
            set(&mut corp.basic.name, b.name);
            set(&mut corp.basic.address, b.address);
            set(&mut corp.basic.country, b.country);
            set(&mut corp.basic.description, b.description);
            set(&mut corp.basic.email, b.email);
            set(&mut corp.basic.fax, b.fax);
            set(&mut corp.basic.phone, b.phone);
        }
        if let Some(a) = change.admin_info {
            set(&mut corp.admin.name, a.name);
            set(&mut corp.admin.country, a.country);
            set(&mut corp.admin.email, a.email);
            set(&mut corp.admin.phone, a.phone);
        }
        if change.group_id.is_some() {
            corp.group_id = change.group_id;
        }
        Ok(())
    }
}

/// An item with an `id` the enterprise has is modified (count, expiry); any other is added.
impl Handle<input::AddResource> for Sp {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::AddResource) -> Answer<()> {
        self.corp_mut(&input.corp_id)?;
        for r in input.body {
            let corp = self.corp_mut(&input.corp_id)?;
            let existing =
                r.id.as_ref()
                    .and_then(|id| corp.resources.iter_mut().find(|x| x.id.as_ref() == Some(id)));
            let (item, kind) = match existing {
                Some(item) => {
                    item.count = Some(r.count);
                    item.expire_date = Some(r.expire_date);
                    (item.clone(), MODIFIED)
                }
                None => {
                    let item = self.new_item(r);
                    self.corp_mut(&input.corp_id)?.resources.push(item.clone());
                    (item, ADDED)
                }
            };
            self.changed(cx, &input.corp_id, kind, item);
        }
        Ok(())
    }
}

/// Items that are gone already are skipped.
impl Handle<input::DeleteResource> for Sp {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::DeleteResource) -> Answer<()> {
        let corp = self.corp_mut(&input.corp_id)?;
        let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut corp.resources)
            .into_iter()
            .partition(|r| r.id.as_ref().is_some_and(|id| input.body.contains(id)));
        corp.resources = kept;
        for item in gone {
            self.changed(cx, &input.corp_id, DELETED, item);
        }
        Ok(())
    }
}

/// Sets an item's expiry and whether it is disabled; an unknown item refuses the call.
impl Handle<input::UpdateResource> for Sp {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdateResource) -> Answer<()> {
        let corp = self.corp_mut(&input.corp_id)?;
        if let Some(unknown) = input
            .body
            .iter()
            .find(|m| !corp.resources.iter().any(|r| r.id.as_ref() == Some(&m.id)))
        {
            return Err(bad_parameter(format!("resource item {} does not exist", unknown.id)));
        }
        let mut changes = Vec::new();
        for m in input.body {
            let item = corp
                .resources
                .iter_mut()
                .find(|r| r.id.as_ref() == Some(&m.id))
                .expect("checked above");
            if let Some(expiry) = m.expire_date {
                item.expire_date = Some(expiry);
                changes.push((MODIFIED, item.clone()));
            }
            if let Some(disabled) = m.is_disabled {
                item.status = Some(if disabled { 2 } else { 0 });
                changes.push((if disabled { DISABLED } else { ENABLED }, item.clone()));
            }
        }
        for (kind, item) in changes {
            self.changed(cx, &input.corp_id, kind, item);
        }
        Ok(())
    }
}

impl Handle<input::SearchResource> for Sp {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SearchResource) -> Answer<SearchCorpResourcesResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let type_ = input.type_.map(|t| t.to_string());
        let now = cx.now;
        let corp = self.corp_mut(&input.corp_id)?;
        let items: Vec<QueryResourceResultDto> = corp
            .resources
            .iter()
            .map(|r| status_at(r, now))
            .filter(|r| type_.is_none() || r.type_ == type_)
            .filter(|r| input.status.is_none_or(|s| r.status == Some(s)))
            .filter(|r| input.start_expire_date.is_none_or(|from| r.expire_date >= Some(from)))
            .filter(|r| input.end_expire_date.is_none_or(|to| r.expire_date <= Some(to)))
            .filter(|r| {
                input
                    .search_key
                    .as_ref()
                    .is_none_or(|k| r.id.as_ref().is_some_and(|id| id.contains(k.as_str())))
            })
            .collect();
        Ok(page_of!(SearchCorpResourcesResponse, items, offset, limit))
    }
}

/// Every change of the enterprise's resource items, oldest first.
impl Handle<input::SearchResourceOpRecord> for Sp {
    fn handle(
        &mut self,
        _: &mut Context<'_>,
        input: input::SearchResourceOpRecord,
    ) -> Answer<SearchResourceOpRecordResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let type_ = input.type_.map(|t| t.to_string());
        let items: Vec<QueryResourceResultDto> = self
            .records
            .iter()
            .filter(|r| r.corp == input.corp_id)
            .filter(|r| input.operate_type.is_none_or(|t| t == r.operate_type))
            .filter(|r| type_.is_none() || r.item.type_ == type_)
            .filter(|r| {
                input
                    .start_operate_date
                    .is_none_or(|from| r.at.timestamp_millis() >= from)
            })
            .filter(|r| input.end_operate_date.is_none_or(|to| r.at.timestamp_millis() <= to))
            .map(|r| r.item.clone())
            .collect();
        Ok(page_of!(SearchResourceOpRecordResponse, items, offset, limit))
    }
}

/// What the enterprises hold, by kind, and how many enterprises and users there are.
impl Handle<input::ShowSpResource> for Sp {
    fn handle(&mut self, _: &mut Context<'_>, _: input::ShowSpResource) -> Answer<ShowSpResourceResponse> {
        let held = |kind: &str| {
            self.corps
                .iter()
                .flat_map(|c| &c.resources)
                .filter(|r| r.type_.as_deref() == Some(kind) && r.status != Some(2))
                .map(|r| r.count.unwrap_or(0))
                .sum::<i32>()
        };
        let detail = |sum: i32, used: usize| ResDetailDto {
            sum_count: Some(sum),
            used_count: Some(int32(used)),
            ..ResDetailDto::default()
        };
        Ok(ShowSpResourceResponse {
            corp_count: Some(detail(int32(MOST_ENTERPRISES), self.corps.len())),
            te_soft_count: Some(detail(held("SOFT"), self.corps.iter().map(|c| c.users).sum())),
            conf_call_count: Some(detail(held("CONF_CALL"), 0)),
            te1080p_hard_count: Some(detail(held("HARD_1080P"), 0)),
            room_count: Some(detail(held("VMR"), 0)),
            enable_pstn: Some(false),
            enable_sms: Some(true),
            ..ShowSpResourceResponse::default()
        })
    }
}

/// The simulator counts the meetings in progress across the enterprises.
impl Handle<input::ShowSpRes> for Sp {
    fn handle(&mut self, _: &mut Context<'_>, _: input::ShowSpRes) -> Answer<ShowSpResResponse> {
        Ok(ShowSpResResponse {
            used_accounts_count: Some(int32(self.in_progress)),
        })
    }
}

impl Handle<input::ShowConfOrg> for Sp {
    fn handle(&mut self, _: &mut Context<'_>, input: input::ShowConfOrg) -> Answer<ShowConfOrgResponse> {
        let org = self.meetings.get(&input.conference_id).ok_or_else(|| {
            fail(
                400,
                ErrorCode::MeetingNotFound,
                format!("meeting {} is in none of the SP's enterprises", input.conference_id),
            )
        })?;
        Ok(ShowConfOrgResponse {
            org_id: Some(org.clone()),
        })
    }
}
