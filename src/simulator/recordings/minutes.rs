//! Meeting minutes: the whiteboard files IdeaHubs save. An IdeaHub shows a QR code (its
//! `uuid`); the user scans it with the mobile app, which sends the code's pairs with the
//! user's token: to save the IdeaHub's current file into the user's space, or to make the
//! IdeaHub show the user's files. Nothing in the API links a file to a held meeting.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::Recordings;
use crate::Secret;
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::simulator::wire::{Failure, bad_parameter, fail, page, page_of};
use crate::types::{ListMeetingFileResponseDto, SearchMeetingFileListResponse, ShowMeetingFileResponse};
use crate::{ErrorCode, simulator::examples::SpecExamples};

/// What a file's three parts (the whiteboard, its thumbnail, its PDF) weigh, in bytes.
const SIZES: [i64; 3] = [8044, 62816, 63787];

/// A minutes file in a user's space.
#[derive(Clone)]
struct MeetingFile {
    code: String,
    /// The user whose space holds it.
    owner: String,
    topic: String,
    created: DateTime<Utc>,
}

/// What a QR code an IdeaHub shows asks for.
enum Qr {
    /// Save the IdeaHub's current whiteboard (of this topic) to the scanner's space.
    Save { topic: String },
    /// Show the scanner's files on the IdeaHub.
    OpenList,
}

#[derive(Default)]
pub(super) struct Minutes {
    files: Vec<MeetingFile>,
    qr_codes: HashMap<String, Qr>,
    /// Whose file list each IdeaHub shows, by the QR code that asked.
    shown: HashMap<String, String>,
}

fn not_found(code: &str) -> Failure {
    fail(
        400,
        ErrorCode::InvalidParameter,
        format!("no minutes file has fileCode {code}"),
    )
}

impl Minutes {
    /// An IdeaHub shows a QR code (`uuid`) to save its whiteboard of `topic`.
    pub(super) fn offer_save(&mut self, uuid: String, topic: &str) -> String {
        self.qr_codes.insert(
            uuid.clone(),
            Qr::Save {
                topic: topic.to_owned(),
            },
        );
        uuid
    }

    /// An IdeaHub shows a QR code (`uuid`) to show the scanner's files.
    pub(super) fn offer_list(&mut self, uuid: String) -> String {
        self.qr_codes.insert(uuid.clone(), Qr::OpenList);
        uuid
    }

    /// Whose files the IdeaHub that showed QR code `uuid` shows now.
    pub(super) fn shown_by(&self, uuid: &str) -> Option<&str> {
        self.shown.get(uuid).map(String::as_str)
    }

    /// The examples' world: the example file (alice's) and the two QR codes the examples
    /// scan.
    pub(super) fn seed_examples(&mut self, examples: &SpecExamples) {
        if let Some(file) = examples
            .response("search_meeting_file_list")
            .and_then(|r| r.pointer("/data/0"))
            .and_then(|f| serde_json::from_value::<ListMeetingFileResponseDto>(f.clone()).ok())
        {
            self.files.push(MeetingFile {
                code: file.file_code.unwrap_or_default(),
                owner: file.user_id.unwrap_or_default(),
                topic: file.topic.unwrap_or_default(),
                created: file
                    .creation_timestamp
                    .and_then(DateTime::from_timestamp_millis)
                    .unwrap_or_else(Utc::now),
            });
        }
        let uuid = |id: &str| {
            examples
                .body(id)
                .and_then(|b| b.get("uuid"))
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        if let Some(uuid) = uuid("add_to_personal_space") {
            self.qr_codes.insert(
                uuid,
                Qr::Save {
                    topic: "Whiteboard".into(),
                },
            );
        }
        if let Some(uuid) = uuid("show_meeting_file_list") {
            self.qr_codes.insert(uuid, Qr::OpenList);
        }
    }

    /// The caller's files (an administrator's: the enterprise's).
    fn visible<'a>(&'a self, cx: &'a Context<'_>) -> impl Iterator<Item = &'a MeetingFile> {
        self.files
            .iter()
            .filter(|f| cx.caller.user.is_empty() || f.owner == cx.caller.user)
    }

    /// The QR code a scan sent (`uuid` among its pairs).
    fn scanned(&self, pairs: &HashMap<String, String>) -> Result<(&String, &Qr), Failure> {
        let uuid = pairs
            .get("uuid")
            .ok_or_else(|| bad_parameter("uuid: the QR code's uuid is missing"))?;
        self.qr_codes
            .get_key_value(uuid)
            .ok_or_else(|| bad_parameter(format!("uuid {uuid}: no IdeaHub shows this QR code")))
    }
}

fn names(file: &MeetingFile) -> [String; 3] {
    let stem = format!("{}_meeting_record.White", file.created.format("%Y%m%d_%H%M%S"));
    [format!("{stem}.cwb"), format!("{stem}.jpg"), format!("{stem}.pdf")]
}

fn listed(file: &MeetingFile) -> ListMeetingFileResponseDto {
    let [name, thumbnail, pdf] = names(file);
    ListMeetingFileResponseDto {
        file_code: Some(file.code.clone()),
        topic: Some(file.topic.clone()),
        file_id: Some(format!("{}-cwb", file.code)),
        file_name: Some(name),
        file_size: Some(SIZES[0]),
        thumbnail_file_id: Some(format!("{}-jpg", file.code)),
        thumbnail_file_name: Some(thumbnail),
        thumbnail_file_size: Some(SIZES[1]),
        pdf_file_id: Some(format!("{}-pdf", file.code)),
        pdf_file_name: Some(pdf),
        pdf_file_size: Some(SIZES[2]),
        user_id: Some(file.owner.clone()),
        creation_timestamp: Some(file.created.timestamp_millis()),
    }
}

impl Handle<input::SearchMeetingFileList> for Recordings {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::SearchMeetingFileList,
    ) -> Answer<SearchMeetingFileListResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let files = self
            .minutes
            .visible(cx)
            .filter(|f| key.is_empty() || f.topic.contains(&key))
            .map(listed)
            .collect();
        Ok(page_of!(SearchMeetingFileListResponse, files, offset, limit))
    }
}

impl Handle<input::ShowMeetingFile> for Recordings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ShowMeetingFile) -> Answer<ShowMeetingFileResponse> {
        let file = self
            .minutes
            .visible(cx)
            .find(|f| f.code == input.file_code)
            .ok_or_else(|| not_found(&input.file_code))?;
        let l = listed(file);
        let url = |part: &str| Secret::new(format!("{}/simulator/minutes/{}/{part}", cx.base_url, file.code));
        Ok(ShowMeetingFileResponse {
            file_url: Some(url("cwb")),
            thumbnail_url: Some(url("jpg")),
            pdf_url: Some(url("pdf")),
            file_code: l.file_code,
            topic: l.topic,
            file_id: l.file_id,
            file_name: l.file_name,
            file_size: l.file_size,
            thumbnail_file_id: l.thumbnail_file_id,
            thumbnail_file_name: l.thumbnail_file_name,
            thumbnail_file_size: l.thumbnail_file_size,
            pdf_file_id: l.pdf_file_id,
            pdf_file_name: l.pdf_file_name,
            pdf_file_size: l.pdf_file_size,
            creation_timestamp: l.creation_timestamp,
        })
    }
}

/// The IdeaHub that shows the QR code now shows the scanner's files.
impl Handle<input::ShowMeetingFileList> for Recordings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ShowMeetingFileList) -> Answer<()> {
        let (uuid, qr) = self.minutes.scanned(&input.body.0)?;
        if !matches!(qr, Qr::OpenList) {
            return Err(bad_parameter(format!("uuid {uuid}: the QR code is for saving a file")));
        }
        let uuid = uuid.clone();
        self.minutes.shown.insert(uuid, cx.caller.user.clone());
        Ok(())
    }
}

/// The IdeaHub's current whiteboard is saved to the scanner's space (each scan saves a copy).
impl Handle<input::AddToPersonalSpace> for Recordings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::AddToPersonalSpace) -> Answer<()> {
        let (uuid, qr) = self.minutes.scanned(&input.body.0)?;
        let Qr::Save { topic } = qr else {
            return Err(bad_parameter(format!("uuid {uuid}: the QR code is for showing files")));
        };
        let file = MeetingFile {
            code: cx.new_id(),
            owner: cx.caller.user.clone(),
            topic: topic.clone(),
            created: cx.now,
        };
        self.minutes.files.push(file);
        Ok(())
    }
}
