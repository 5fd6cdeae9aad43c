//! Webinars: scheduled in a webinar room of the enterprise, held from their start time for
//! their duration on the simulator's clock (upcoming, then ongoing, then history), edited as
//! a whole, cancelled while upcoming; and the settings of each webinar's room page (a full
//! replacement too).

mod wire;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::api::{Answer, Context, FilePart, Handle, input};
use super::events::{Event, Listener};
use super::wire::{Failure, bad_request, page, page_of, parse_time};
use crate::types::{
    CategorySuggestions, CreateWebinarResponse, ImageModerationResult, ListHistoryWebinarsResponse,
    ListOngoingWebinarsResponse, ListUpComingWebinarsResponse, OpenAttendeeEntity, OpenNotifySetting,
    OpenRoomSettingReq, ShowRoomSettingResponse, ShowWebinarResponse, UploadFileResponse,
};

/// A webinar, from its scheduling until it ends.
struct Webinar {
    conference_id: String,
    /// The user who scheduled it ("" for the default administrator).
    owner: String,
    subject: String,
    description: Option<String>,
    start: DateTime<Utc>,
    /// Minutes.
    duration: i64,
    time_zone_id: i32,
    attendees: Vec<OpenAttendeeEntity>,
    notify: Option<OpenNotifySetting>,
    /// The webinar room's `id`.
    room: String,
    chair_password: String,
    guest_password: String,
    audience_password: String,
    call_restriction: bool,
    scope: i32,
    audience_scope: i32,
    recording: bool,
    live_address: Option<String>,
    aux_address: Option<String>,
    live_url: Option<String>,
    /// The holding in progress: its `confUUID`.
    holding: Option<String>,
}

impl Webinar {
    fn end(&self) -> DateTime<Utc> {
        self.start + chrono::Duration::minutes(self.duration)
    }
}

/// What history keeps of a webinar held.
struct HeldWebinar {
    webinar: Webinar,
    conf_uuid: String,
    ended: DateTime<Utc>,
}

/// A webinar room: its `vmrId` and member, as the rooms area announced it.
struct Room {
    vmr_id: String,
    member: Option<String>,
}

#[derive(Default)]
pub(super) struct Webinars {
    webinars: BTreeMap<String, Webinar>,
    held: Vec<HeldWebinar>,
    settings: HashMap<String, OpenRoomSettingReq>,
    rooms: BTreeMap<String, Room>,
    /// Pictures uploaded for the room pages, by file ID.
    files: HashMap<String, FilePart>,
}

/// Huawei documents no code for an unknown webinar: the generic bad request.
fn not_found(conference_id: &str) -> Failure {
    bad_request(format!("no webinar has conferenceId {conference_id}"))
}

impl Listener for Webinars {
    fn on(&mut self, event: &Event) {
        match event {
            Event::WebinarRoomAdded { id, vmr_id } => {
                self.rooms.insert(
                    id.clone(),
                    Room {
                        vmr_id: vmr_id.clone(),
                        member: None,
                    },
                );
            }
            Event::RoomAssigned { vmr_id, member } => {
                for room in self.rooms.values_mut().filter(|r| r.vmr_id == *vmr_id) {
                    room.member.clone_from(member);
                }
            }
            _ => {}
        }
    }
}

impl Webinars {
    /// Holds the webinars whose start time has come, and ends those whose end has passed.
    pub(super) fn tick(&mut self, cx: &mut Context<'_>) {
        let now = cx.now;
        for webinar in self.webinars.values_mut() {
            if webinar.start <= now && webinar.holding.is_none() {
                webinar.holding = Some(cx.new_id());
            }
        }
        let over: Vec<String> = self
            .webinars
            .values()
            .filter(|w| w.end() <= now)
            .map(|w| w.conference_id.clone())
            .collect();
        for id in over {
            let webinar = self.webinars.remove(&id).expect("listed above");
            let conf_uuid = webinar.holding.clone().unwrap_or_else(|| cx.new_id());
            let ended = webinar.end();
            self.held.push(HeldWebinar {
                webinar,
                conf_uuid,
                ended,
            });
        }
    }

    /// A webinar the caller may see: an administrator any of the enterprise's, a member their
    /// own.
    fn visible(&self, cx: &Context<'_>, conference_id: &str) -> Result<&Webinar, Failure> {
        self.webinars
            .get(conference_id)
            .filter(|w| cx.caller.user.is_empty() || w.owner == cx.caller.user)
            .ok_or_else(|| not_found(conference_id))
    }

    /// A webinar not started yet, to change.
    fn upcoming_mut(&mut self, cx: &Context<'_>, conference_id: &str) -> Result<&mut Webinar, Failure> {
        self.visible(cx, conference_id)?;
        let webinar = self.webinars.get_mut(conference_id).expect("visible");
        if webinar.holding.is_some() {
            return Err(bad_request(format!(
                "webinar {conference_id} has started: it can no longer be changed"
            )));
        }
        Ok(webinar)
    }

    fn mine<'a>(&'a self, cx: &'a Context<'_>, key: &'a str) -> impl Iterator<Item = &'a Webinar> {
        self.webinars
            .values()
            .filter(move |w| cx.caller.user.is_empty() || w.owner == cx.caller.user)
            .filter(move |w| key.is_empty() || w.subject.contains(key) || w.conference_id.contains(key))
    }

    /// The examples' world: the example webinar, scheduled in the first webinar room.
    pub(super) fn seed_examples(&mut self, examples: &super::examples::SpecExamples, now: DateTime<Utc>) {
        let Some(body) = examples.body("create_webinar").cloned() else {
            return;
        };
        let Ok(body) = serde_json::from_value::<crate::types::OpenScheduleConfReq>(body) else {
            return;
        };
        let id = examples
            .response("create_webinar")
            .and_then(|r| r.get("conferenceId"))
            .and_then(serde_json::Value::as_str)
            .unwrap_or("982311022")
            .to_owned();
        if let Ok(webinar) = wire::scheduled(id.clone(), String::new(), body, now) {
            self.webinars.insert(id, webinar);
        }
    }
}

impl Handle<input::CreateWebinar> for Webinars {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::CreateWebinar) -> Answer<CreateWebinarResponse> {
        let room = self.rooms.get(&input.body.vmr_id).ok_or_else(|| {
            bad_request(format!(
                "vmrID {}: not a webinar room of the enterprise",
                input.body.vmr_id
            ))
        })?;
        if room.member.as_ref().is_some_and(|m| *m != cx.caller.user) && !cx.caller.user.is_empty() {
            return Err(bad_request(format!(
                "vmrID {}: the webinar room is assigned to another member",
                input.body.vmr_id
            )));
        }
        let id = cx.new_conference_id();
        let webinar = wire::scheduled(id.clone(), cx.caller.user.clone(), input.body, cx.now)?;
        let answer = wire::described(&webinar, self.vmr_id(&webinar), cx);
        self.webinars.insert(id, webinar);
        wire::as_created(answer)
    }
}

/// A full replacement of the definition (the room stays): what the body leaves out returns
/// to its default.
impl Handle<input::UpdateWebinar> for Webinars {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdateWebinar) -> Answer<()> {
        let body = input.body;
        let webinar = self.upcoming_mut(cx, &body.conference_id)?;
        let replaced = wire::edited(webinar, body, cx.now)?;
        *webinar = replaced;
        Ok(())
    }
}

/// Cancels an upcoming webinar; one in progress cannot be cancelled.
impl Handle<input::DeleteWebinar> for Webinars {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::DeleteWebinar) -> Answer<()> {
        self.upcoming_mut(cx, &input.conference_id)?;
        self.webinars.remove(&input.conference_id);
        self.settings.remove(&input.conference_id);
        Ok(())
    }
}

impl Handle<input::ShowWebinar> for Webinars {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ShowWebinar) -> Answer<ShowWebinarResponse> {
        let webinar = self.visible(cx, &input.conference_id)?;
        Ok(wire::described(webinar, self.vmr_id(webinar), cx))
    }
}

impl Handle<input::ListUpComingWebinars> for Webinars {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::ListUpComingWebinars,
    ) -> Answer<ListUpComingWebinarsResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let mut upcoming: Vec<&Webinar> = self.mine(cx, &key).filter(|w| w.holding.is_none()).collect();
        wire::sort(&mut upcoming, input.sort_type.map(|s| s.to_string()), |w| w.start);
        let items = upcoming.into_iter().map(|w| wire::upcoming(w, cx)).collect();
        Ok(page_of!(ListUpComingWebinarsResponse, items, offset, limit))
    }
}

impl Handle<input::ListOngoingWebinars> for Webinars {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::ListOngoingWebinars,
    ) -> Answer<ListOngoingWebinarsResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let mut ongoing: Vec<&Webinar> = self.mine(cx, &key).filter(|w| w.holding.is_some()).collect();
        wire::sort(&mut ongoing, input.sort_type.map(|s| s.to_string()), |w| w.start);
        let items = ongoing.into_iter().map(|w| wire::ongoing(w, cx)).collect();
        Ok(page_of!(ListOngoingWebinarsResponse, items, offset, limit))
    }
}

/// Held webinars that started in [startTime, endTime] (UTC `yyyy-MM-dd HH:mm`).
impl Handle<input::ListHistoryWebinars> for Webinars {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::ListHistoryWebinars,
    ) -> Answer<ListHistoryWebinarsResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let bound = |t: Option<&String>| t.and_then(|t| parse_time(t));
        let (from, to) = (bound(input.start_time.as_ref()), bound(input.end_time.as_ref()));
        let mut held: Vec<&HeldWebinar> = self
            .held
            .iter()
            .filter(|h| cx.caller.user.is_empty() || h.webinar.owner == cx.caller.user)
            .filter(|h| key.is_empty() || h.webinar.subject.contains(&key) || h.webinar.conference_id.contains(&key))
            .filter(|h| from.is_none_or(|f| h.webinar.start >= f) && to.is_none_or(|t| h.webinar.start <= t))
            .collect();
        wire::sort(&mut held, input.sort_type.map(|s| s.to_string()), |h| h.webinar.start);
        let items = held
            .into_iter()
            .map(|h| wire::history(&h.webinar, &h.conf_uuid, h.ended))
            .collect();
        Ok(page_of!(ListHistoryWebinarsResponse, items, offset, limit))
    }
}

impl Handle<input::ShowRoomSetting> for Webinars {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ShowRoomSetting) -> Answer<ShowRoomSettingResponse> {
        self.visible(cx, &input.conference_id)?;
        Ok(wire::room_setting(self.settings.get(&input.conference_id)))
    }
}

/// A full replacement: what the body leaves out returns to its default.
impl Handle<input::UpdateRoomSetting> for Webinars {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdateRoomSetting) -> Answer<()> {
        self.visible(cx, &input.conference_id)?;
        self.settings.insert(input.conference_id, input.body);
        Ok(())
    }
}

/// Stores a picture for the room pages: its file ID names it as a logo or cover picture.
/// The simulator's review of its content always passes.
impl Handle<input::UploadFile> for Webinars {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UploadFile) -> Answer<UploadFileResponse> {
        let file_id = cx.new_id();
        self.files.insert(file_id.clone(), input.file);
        let pass = || Some("pass".to_owned());
        Ok(UploadFileResponse {
            file_id: Some(file_id),
            image_moderation: Some(ImageModerationResult {
                suggestion: pass(),
                category_suggestions: Some(CategorySuggestions {
                    politics: pass(),
                    terrorism: pass(),
                    porn: pass(),
                }),
            }),
        })
    }
}

impl Webinars {
    /// An uploaded picture.
    pub(super) fn file(&self, file_id: &str) -> Option<&FilePart> {
        self.files.get(file_id)
    }

    /// The `vmrId` of a webinar's room.
    fn vmr_id(&self, webinar: &Webinar) -> String {
        self.rooms
            .get(&webinar.room)
            .map_or_else(|| webinar.room.clone(), |r| r.vmr_id.clone())
    }
}
