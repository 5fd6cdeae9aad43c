//! Cloud meeting rooms and webinar rooms of the enterprise and their assignment to members.

use std::collections::HashSet;

use super::SimulatorBuilder;
use super::api::{Answer, Context, Handle, input};
use super::events::{Event, Listener};
use super::wire::{Failure, bad_parameter, fail, page, page_of, six_digits};
use crate::types::{IdMarkDto, QueryOrgVmrPage, QueryOrgVmrResultDto, QueryVmrPage, QueryVmrResultDto};
use crate::{ErrorCode, Secret};

/// Cloud meeting rooms of a new enterprise.
pub const DEFAULT_ROOMS: usize = 3;

/// Webinar rooms of a new enterprise.
pub const DEFAULT_WEBINAR_ROOMS: usize = 1;

/// `vmrMode`: a cloud meeting room, a webinar room.
const MEETING_ROOM: i32 = 1;
const WEBINAR_ROOM: i32 = 2;

struct Room {
    id: String,
    vmr_id: String,
    name: String,
    member: Option<String>,
    /// Host password of the meetings held in the room.
    host_password: String,
    /// `MEETING_ROOM` or `WEBINAR_ROOM`.
    mode: i32,
    /// What its member set (update_member_vmr): guest password, guests may join before the
    /// host, the member is told when it is used.
    guest_password: Option<String>,
    guests_first: bool,
    notify_member: bool,
}

impl Room {
    fn new(id: String, vmr_id: String, name: String, member: Option<String>, mode: i32) -> Self {
        Room {
            id,
            vmr_id,
            name,
            member,
            host_password: six_digits(),
            mode,
            guest_password: None,
            guests_first: false,
            notify_member: false,
        }
    }

    /// 0 assigned to a member, 2 free.
    fn status(&self) -> i32 {
        if self.member.is_some() { 0 } else { 2 }
    }

    /// Its package: name, participants, audience.
    fn package(&self) -> (&'static str, i32, i32) {
        match self.mode {
            WEBINAR_ROOM => ("Webinar - 1000 audience", 100, 1000),
            _ => ("Small cloud meeting room - 10", 10, 0),
        }
    }
}

pub(super) struct Rooms {
    rooms: Vec<Room>,
    /// Who rooms can be assigned to: accounts (`accountType` 0) and third-party user IDs
    /// (`accountType` 1) of the enterprise, as the set-up and the directory announce them.
    accounts: HashSet<String>,
    third_accounts: HashSet<String>,
    /// The rooms hosting a meeting in progress: conferenceID -> the room's `id` or `vmrId`.
    hosting: std::collections::HashMap<String, String>,
}

impl Rooms {
    pub(super) fn new(config: &SimulatorBuilder) -> Self {
        let meeting_rooms = (0..config.rooms).map(|i| {
            Room::new(
                format!("5162fa32dc7e47afafeee39a72a2{i:04x}"),
                format!("{}", 912_992_631 + i),
                format!("Cloud meeting room {}", i + 1),
                None,
                MEETING_ROOM,
            )
        });
        let webinar_rooms = (0..config.webinar_rooms).map(|i| {
            Room::new(
                format!("5162fa32dc7e47afafeee39a72a2e{:03x}", i + 1),
                format!("{}", 912_993_001 + i),
                format!("Webinar room {}", i + 1),
                None,
                WEBINAR_ROOM,
            )
        });
        let rooms = meeting_rooms.chain(webinar_rooms).collect();
        Rooms {
            rooms,
            accounts: config.accounts.iter().map(|(account, _)| account.clone()).collect(),
            third_accounts: config.members.iter().cloned().collect(),
            hosting: std::collections::HashMap::new(),
        }
    }

    /// The webinar rooms, for the webinars area.
    pub(super) fn announce(&self) -> Vec<Event> {
        self.rooms
            .iter()
            .filter(|r| r.mode == WEBINAR_ROOM)
            .map(|r| Event::WebinarRoomAdded {
                id: r.id.clone(),
                vmr_id: r.vmr_id.clone(),
            })
            .collect()
    }

    fn knows(&self, account: &str, account_type: i32) -> bool {
        match account_type {
            1 => self.third_accounts.contains(account),
            _ => self.accounts.contains(account),
        }
    }
}

impl Listener for Rooms {
    fn on(&mut self, event: &Event) {
        match event {
            Event::UserChanged(user) => {
                self.accounts.insert(user.account.clone());
                self.third_accounts.extend(user.third_account.clone());
            }
            Event::UserRemoved { account, third_account } => {
                self.accounts.remove(account);
                if let Some(third) = third_account {
                    self.third_accounts.remove(third);
                }
            }
            Event::MeetingStarted {
                conference_id,
                room: Some(room),
                ..
            } => {
                self.hosting.insert(conference_id.clone(), room.clone());
            }
            Event::MeetingEnded(held) => {
                self.hosting.remove(&held.conference_id);
            }
            _ => {}
        }
    }
}

impl Rooms {
    /// The example rooms (the body of associate_vmr's example) exist, assigned to the example
    /// member.
    pub(super) fn seed_examples(&mut self, examples: &super::examples::SpecExamples) -> Vec<Event> {
        let member = examples.parameter("account").and_then(serde_json::Value::as_str);
        // The example member belongs to the enterprise.
        self.third_accounts.extend(member.map(str::to_owned));
        let mut events = Vec::new();
        let ids = examples.body("associate_vmr").and_then(serde_json::Value::as_array);
        for (i, id) in ids
            .into_iter()
            .flatten()
            .filter_map(serde_json::Value::as_str)
            .enumerate()
        {
            if !self.rooms.iter().any(|r| r.id == id) {
                self.rooms.push(Room::new(
                    id.to_owned(),
                    format!("{}", 912_992_000 + i),
                    format!("Example cloud meeting room {}", i + 1),
                    member.map(str::to_owned),
                    MEETING_ROOM,
                ));
                events.push(Event::RoomAssigned {
                    vmr_id: format!("{}", 912_992_000 + i),
                    member: member.map(str::to_owned),
                });
            }
        }
        events
    }
}

impl Handle<input::SearchCorpVmr> for Rooms {
    fn handle(&mut self, _: &mut Context<'_>, input: input::SearchCorpVmr) -> Answer<QueryOrgVmrPage> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let limit = limit.max(1);
        let key = input.search_key.unwrap_or_default();
        let status = input.status;
        let mode = input.vmr_mode.unwrap_or(MEETING_ROOM);
        let rooms: Vec<QueryOrgVmrResultDto> = self
            .rooms
            .iter()
            .filter(|r| r.mode == mode)
            .filter(|r| {
                key.is_empty()
                    || r.name.contains(&key)
                    || r.vmr_id.contains(&key)
                    || r.member.as_deref().is_some_and(|m| m.contains(&key))
            })
            .filter(|r| status.is_none_or(|s| s == r.status()))
            .map(|r| QueryOrgVmrResultDto {
                id: Some(r.id.clone()),
                vmr_id: Some(r.vmr_id.clone()),
                vmr_name: Some(r.name.clone()),
                vmr_pkg_name: Some(r.package().0.into()),
                vmr_pkg_parties: Some(r.package().1),
                max_audience_parties: Some(r.package().2),
                status: Some(r.status()),
                expire_date: Some(1_893_456_000_000),
                member: r.member.as_ref().map(|m| IdMarkDto {
                    id: Some(m.clone()),
                    mark: Some(m.clone()),
                }),
                ..QueryOrgVmrResultDto::default()
            })
            .collect();
        Ok(page_of!(QueryOrgVmrPage, rooms, offset, limit))
    }
}

/// The caller's own cloud meeting rooms (the simulator gives members no personal meeting ID,
/// so `specialVmr=false` lists nothing).
impl Handle<input::SearchMemberVmr> for Rooms {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SearchMemberVmr) -> Answer<QueryVmrPage> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let limit = limit.max(1);
        let key = input.search_key.unwrap_or_default();
        let rooms_only = input.special_vmr != Some(false);
        let rooms: Vec<QueryVmrResultDto> = self
            .rooms
            .iter()
            .filter(|r| rooms_only && r.member.as_deref() == Some(cx.caller.user.as_str()))
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
                vmr_mode: Some(r.mode),
                vmr_pkg_name: Some(r.package().0.into()),
                vmr_pkg_parties: Some(r.package().1),
                status: Some(r.status()),
                ..QueryVmrResultDto::default()
            })
            .collect();
        Ok(page_of!(QueryVmrPage, rooms, offset, limit))
    }
}

impl Handle<input::AssociateVmr> for Rooms {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::AssociateVmr) -> Answer<()> {
        self.assign(cx, &input.account, input.account_type, &input.body, true)
    }
}

impl Handle<input::DisassociateVmr> for Rooms {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::DisassociateVmr) -> Answer<()> {
        self.assign(cx, &input.account, input.account_type, &input.body, false)
    }
}

impl Rooms {
    /// Assigns the rooms `ids` to `account` (`assign`) or frees them from it.
    fn assign(
        &mut self,
        cx: &mut Context<'_>,
        account: &str,
        account_type: Option<i32>,
        ids: &[String],
        assign: bool,
    ) -> Result<(), Failure> {
        if !self.knows(account, account_type.unwrap_or(0)) {
            return Err(fail(
                400,
                ErrorCode::UserNotFound,
                format!("User {account} does not exist"),
            ));
        }
        for id in ids {
            let room = self
                .rooms
                .iter()
                .find(|r| &r.id == id)
                .ok_or_else(|| bad_parameter(format!("cloud meeting room {id} does not exist")))?;
            match (&room.member, assign) {
                (Some(other), true) if other != account => {
                    return Err(bad_parameter(format!(
                        "cloud meeting room {id} is assigned to another member"
                    )));
                }
                (member, false) if member.as_deref() != Some(account) => {
                    return Err(bad_parameter(format!(
                        "cloud meeting room {id} is not assigned to {account}"
                    )));
                }
                _ => {}
            }
        }
        for room in self.rooms.iter_mut().filter(|r| ids.contains(&r.id)) {
            room.member = assign.then(|| account.to_owned());
            cx.emit(Event::RoomAssigned {
                vmr_id: room.vmr_id.clone(),
                member: room.member.clone(),
            });
        }
        Ok(())
    }
}

/// A room assigned to a member or hosting a meeting in progress is refused (the simulator's
/// reading: Huawei documents no refusal); an unknown ID is skipped.
impl Handle<input::DeleteCorpVmr> for Rooms {
    fn handle(&mut self, _: &mut Context<'_>, input: input::DeleteCorpVmr) -> Answer<()> {
        let ids: &[String] = &input.body;
        for room in self.rooms.iter().filter(|r| ids.contains(&r.id)) {
            if let Some(member) = &room.member {
                return Err(bad_parameter(format!(
                    "room {} is assigned to {member}: reclaim it (disassociate_vmr) first",
                    room.id
                )));
            }
            if self
                .hosting
                .values()
                .any(|used| *used == room.id || *used == room.vmr_id)
            {
                return Err(bad_parameter(format!(
                    "room {} is hosting a meeting in progress",
                    room.id
                )));
            }
        }
        self.rooms.retain(|r| !ids.contains(&r.id));
        Ok(())
    }
}

/// The member whose room it is (or the default administrator) sets its name, passwords
/// (an empty guest password removes it), and whether guests may join first.
impl Handle<input::UpdateMemberVmr> for Rooms {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdateMemberVmr) -> Answer<()> {
        let caller = cx.caller.user.clone();
        let room = self
            .rooms
            .iter_mut()
            .find(|r| r.id == input.id)
            .ok_or_else(|| bad_parameter(format!("room {} does not exist", input.id)))?;
        if !caller.is_empty() && room.member.as_deref() != Some(caller.as_str()) {
            return Err(fail(
                403,
                ErrorCode::InsufficientPermission,
                "a member changes only their own room",
            ));
        }
        let change = input.body;
        if let Some(name) = change.vmr_name {
            room.name = name;
        }
        if let Some(host) = change.chair_pwd {
            room.host_password = host.expose().to_owned();
        }
        if let Some(guest) = change.gust_pwd {
            room.guest_password = Some(guest.expose().to_owned()).filter(|p| !p.is_empty());
        }
        if let Some(first) = change.allow_gust_first {
            room.guests_first = first;
        }
        if let Some(notice) = change.gust_first_notice {
            room.notify_member = notice;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::api::{Ids, tests::context};
    use crate::simulator::events::Account;
    use crate::types::VmrIdList;

    fn assign(account: &str, rooms: &[&str]) -> input::AssociateVmr {
        input::AssociateVmr {
            account: account.into(),
            account_type: Some(1),
            x_request_id: None,
            accept_language: None,
            body: VmrIdList(rooms.iter().map(|r| (*r).to_owned()).collect()),
        }
    }

    #[test]
    fn rooms_go_to_members_it_heard_of_and_say_so() {
        let mut rooms = Rooms::new(&SimulatorBuilder::default().members(["alice"]));
        let mut ids = Ids::default();
        let first = rooms.rooms[0].id.clone();
        let mut cx = context(&mut ids);
        let e = rooms.handle(&mut cx, assign("carol", &[&first])).unwrap_err();
        assert_eq!(e.code, ErrorCode::UserNotFound);
        // The directory announces Carol: now she can have a room.
        rooms.on(&Event::UserChanged(Account {
            account: "carol".into(),
            third_account: Some("carol".into()),
            password: None,
            disabled: false,
        }));
        rooms.handle(&mut cx, assign("carol", &[&first])).unwrap();
        let e = rooms.handle(&mut cx, assign("alice", &[&first])).unwrap_err();
        assert!(e.message.contains("assigned to another member"), "{}", e.message);
        let effects = cx.finish();
        assert!(
            matches!(&effects.events[..], [Event::RoomAssigned { member: Some(m), .. }] if m == "carol"),
            "{:?}",
            effects.events
        );
    }
}
