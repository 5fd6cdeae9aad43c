//! Cloud meeting rooms of the enterprise and their assignment to members.

use rand::Rng as _;

use super::SimulatorBuilder;
use super::service::{Handler, Service};
use super::wire::{Call, Outcome, fail, int32, page, paged, reply};
use crate::Secret;
use crate::types::{IdMarkDto, QueryOrgVmrPage, QueryOrgVmrResultDto, QueryVmrPage, QueryVmrResultDto};

/// Cloud meeting rooms of a new enterprise.
pub const DEFAULT_ROOMS: usize = 3;

pub(super) const HANDLERS: &[(&str, Handler)] = &[
    ("search_corp_vmr", search_corp_vmr),
    ("search_member_vmr", search_member_vmr),
    ("associate_vmr", |service, call| assign(service, call, true)),
    ("disassociate_vmr", |service, call| assign(service, call, false)),
];

struct Room {
    id: String,
    vmr_id: String,
    name: String,
    member: Option<String>,
    /// Host password of the meetings held in the room.
    host_password: String,
}

fn six_digits() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000))
}

impl Room {
    /// 0 assigned to a member, 2 free.
    fn status(&self) -> i32 {
        if self.member.is_some() { 0 } else { 2 }
    }
}

pub(super) struct Rooms {
    rooms: Vec<Room>,
}

impl Rooms {
    pub(super) fn new(config: &SimulatorBuilder) -> Self {
        let rooms = (0..config.rooms)
            .map(|i| Room {
                id: format!("5162fa32dc7e47afafeee39a72a2{i:04x}"),
                vmr_id: format!("{}", 912_992_631 + i),
                name: format!("Cloud meeting room {}", i + 1),
                member: None,
                host_password: six_digits(),
            })
            .collect();
        Rooms { rooms }
    }
}

impl Rooms {
    /// The `vmrId` of the first room assigned to `member`.
    pub(super) fn assigned_to(&self, member: &str) -> Option<String> {
        self.rooms
            .iter()
            .find(|r| r.member.as_deref() == Some(member))
            .map(|r| r.vmr_id.clone())
    }

    /// How many rooms are assigned.
    pub(super) fn assigned_count(&self) -> usize {
        self.rooms.iter().filter(|r| r.member.is_some()).count()
    }

    /// The example rooms (the body of associate_vmr's example) exist, assigned to the example
    /// member.
    pub(super) fn seed_examples(&mut self, examples: &super::examples::SpecExamples) {
        let member = examples.parameter("account").and_then(serde_json::Value::as_str);
        let ids = examples.body("associate_vmr").and_then(serde_json::Value::as_array);
        for (i, id) in ids
            .into_iter()
            .flatten()
            .filter_map(serde_json::Value::as_str)
            .enumerate()
        {
            if !self.rooms.iter().any(|r| r.id == id) {
                self.rooms.push(Room {
                    id: id.to_owned(),
                    vmr_id: format!("{}", 912_992_000 + i),
                    name: format!("Example cloud meeting room {}", i + 1),
                    member: member.map(str::to_owned),
                    host_password: six_digits(),
                });
            }
        }
    }
}

fn search_corp_vmr(service: &mut Service, call: &Call<'_>) -> Outcome {
    let (offset, limit) = page(call, 10);
    let limit = limit.max(1);
    let key = call.param("searchKey").unwrap_or_default();
    let status = call.int_param("status");
    let rooms: Vec<QueryOrgVmrResultDto> = service
        .rooms
        .rooms
        .iter()
        .filter(|r| {
            key.is_empty()
                || r.name.contains(&key)
                || r.vmr_id.contains(&key)
                || r.member.as_deref().is_some_and(|m| m.contains(&key))
        })
        .filter(|r| status.is_none_or(|s| s == i64::from(r.status())))
        .map(|r| QueryOrgVmrResultDto {
            id: Some(r.id.clone()),
            vmr_id: Some(r.vmr_id.clone()),
            vmr_name: Some(r.name.clone()),
            vmr_pkg_name: Some("Small cloud meeting room - 10".into()),
            vmr_pkg_parties: Some(10),
            max_audience_parties: Some(0),
            status: Some(r.status()),
            expire_date: Some(1_893_456_000_000),
            member: r.member.as_ref().map(|m| IdMarkDto {
                id: Some(m.clone()),
                mark: Some(m.clone()),
            }),
            ..QueryOrgVmrResultDto::default()
        })
        .collect();
    let count = rooms.len();
    let rooms = paged(rooms.into_iter(), offset, limit).collect();
    reply(&QueryOrgVmrPage {
        offset: Some(int32(offset)),
        limit: Some(int32(limit)),
        count: Some(int32(count)),
        data: Some(rooms),
    })
}

/// The caller's own cloud meeting rooms (the simulator gives members no personal meeting ID,
/// so `specialVmr=false` lists nothing).
fn search_member_vmr(service: &mut Service, call: &Call<'_>) -> Outcome {
    let (offset, limit) = page(call, 10);
    let limit = limit.max(1);
    let key = call.param("searchKey").unwrap_or_default();
    let rooms_only = call.param("specialVmr").as_deref() != Some("false");
    let rooms: Vec<QueryVmrResultDto> = service
        .rooms
        .rooms
        .iter()
        .filter(|r| rooms_only && r.member.as_deref() == Some(call.user))
        .filter(|r| key.is_empty() || r.name.contains(&key) || r.vmr_id.contains(&key))
        .map(|r| QueryVmrResultDto {
            id: Some(r.id.clone()),
            vmr_id: Some(r.vmr_id.clone()),
            vmr_name: Some(r.name.clone()),
            chair_pwd: Some(Secret::new(r.host_password.clone())),
            chair_join_url: Some(format!("https://127.0.0.1/#/j/{}/chair", r.vmr_id)),
            gust_join_url: Some(format!("https://127.0.0.1/#/j/{}/guest", r.vmr_id)),
            allow_gust_first: Some(false),
            gust_first_notice: Some(false),
            vmr_mode: Some(1),
            vmr_pkg_name: Some("Small cloud meeting room - 10".into()),
            vmr_pkg_parties: Some(10),
            status: Some(r.status()),
            ..QueryVmrResultDto::default()
        })
        .collect();
    let count = rooms.len();
    let rooms = paged(rooms.into_iter(), offset, limit).collect();
    reply(&QueryVmrPage {
        offset: Some(int32(offset)),
        limit: Some(int32(limit)),
        count: Some(int32(count)),
        data: Some(rooms),
    })
}

/// associate_vmr (`assign`) or disassociate_vmr; the account is the last path segment.
fn assign(service: &mut Service, call: &Call<'_>, assign: bool) -> Outcome {
    let ids: Vec<String> = call.parse()?;
    let account = call.last_segment();
    if !service.knows_account(&account, call.int_param("accountType").unwrap_or(0)) {
        return Err(fail(400, "USG.201040000", format!("User {account} does not exist")));
    }
    let rooms = &mut service.rooms.rooms;
    for id in &ids {
        let room = rooms
            .iter()
            .find(|r| &r.id == id)
            .ok_or_else(|| fail(400, "USG.000000001", format!("cloud meeting room {id} does not exist")))?;
        match (&room.member, assign) {
            (Some(other), true) if *other != account => {
                return Err(fail(
                    400,
                    "USG.000000001",
                    format!("cloud meeting room {id} is assigned to another member"),
                ));
            }
            (member, false) if member.as_deref() != Some(account.as_str()) => {
                return Err(fail(
                    400,
                    "USG.000000001",
                    format!("cloud meeting room {id} is not assigned to {account}"),
                ));
            }
            _ => {}
        }
    }
    for room in rooms.iter_mut().filter(|r| ids.contains(&r.id)) {
        room.member = assign.then(|| account.clone());
    }
    Ok(None)
}
