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
}

impl Room {
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
}

impl Rooms {
    pub(super) fn new(config: &SimulatorBuilder) -> Self {
        let meeting_rooms = (0..config.rooms).map(|i| Room {
            id: format!("5162fa32dc7e47afafeee39a72a2{i:04x}"),
            vmr_id: format!("{}", 912_992_631 + i),
            name: format!("Cloud meeting room {}", i + 1),
            member: None,
            host_password: six_digits(),
            mode: MEETING_ROOM,
        });
        let webinar_rooms = (0..config.webinar_rooms).map(|i| Room {
            id: format!("5162fa32dc7e47afafeee39a72a2e{:03x}", i + 1),
            vmr_id: format!("{}", 912_993_001 + i),
            name: format!("Webinar room {}", i + 1),
            member: None,
            host_password: six_digits(),
            mode: WEBINAR_ROOM,
        });
        let rooms = meeting_rooms.chain(webinar_rooms).collect();
        Rooms {
            rooms,
            accounts: config.accounts.iter().map(|(account, _)| account.clone()).collect(),
            third_accounts: config.members.iter().cloned().collect(),
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
                self.rooms.push(Room {
                    id: id.to_owned(),
                    vmr_id: format!("{}", 912_992_000 + i),
                    name: format!("Example cloud meeting room {}", i + 1),
                    member: member.map(str::to_owned),
                    host_password: six_digits(),
                    mode: MEETING_ROOM,
                });
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
