//! Recordings of held meetings: a recorded holding has recording files once it ends; their
//! download URLs serve a small file over the simulator's own HTTP(S), each with a one-use
//! download token valid for an hour.

mod minutes;

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::api::{Answer, Context, Handle, input};
use super::events::{Event, Held, Listener};
use super::wire::{Failure, MINUTE, fail, int32, page, page_of, paged, parse_time};
use crate::types::{
    RecordDownloadInfoBo, RecordDownloadUrlDo, RecordInfoDo, RecordResultDo, SearchRecordingsResponse, SegmentDo,
    SegmentFileDo, ShowRecordInfoResponse, ShowRecordingFileDownloadUrlsResponse,
};
use crate::{ErrorCode, Secret};

/// Where the recording files are served (`/<confUUID>/<fileType>.mp4`).
pub(super) const FILES_PATH: &str = "/simulator/recordings";

/// The files of a recording: the video (`Hd`) and the composed view (`Sd`).
const FILE_TYPES: [&str; 2] = ["Hd", "Sd"];

/// The files of a segment of show_record_info: each file type with its `recordType`.
const SEGMENT_FILES: [(&str, &str); 2] = [("Hd", "SPEAKER_VIDEO"), ("Sd", "SPEAKER_SHARE_VIDEO")];

/// How long a download token lives (it also dies when used).
const DOWNLOAD_TOKEN_VALIDITY: chrono::Duration = chrono::Duration::hours(1);

struct Recording {
    conf_uuid: String,
    conference_id: String,
    subject: String,
    owner: String,
    started: DateTime<Utc>,
    seconds: i64,
    record_auth_type: i32,
}

struct DownloadToken {
    conf_uuid: String,
    file_type: String,
    expires: DateTime<Utc>,
}

#[derive(Default)]
pub(super) struct Recordings {
    recordings: Vec<Recording>,
    downloads: HashMap<String, DownloadToken>,
    /// The minutes files of the enterprise's users.
    minutes: minutes::Minutes,
}

pub(super) fn not_found(conf_uuid: &str) -> Failure {
    fail(
        400,
        ErrorCode::MeetingNotFound,
        format!("RECORD_NOT_FOUND: no recording of the meeting with confUUID {conf_uuid}"),
    )
}

/// The content of a recording file: a few bytes of MP4 header and what it is.
pub(crate) fn file_content(conf_uuid: &str, file_type: &str) -> Vec<u8> {
    let mut content = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    content.extend_from_slice(format!("huaweicloud-meeting simulator recording {conf_uuid} {file_type}\n").as_bytes());
    content
}

impl Recordings {
    /// Whether it has the recording of holding `conf_uuid`.
    pub(super) fn has(&self, conf_uuid: &str) -> bool {
        self.recordings.iter().any(|r| r.conf_uuid == conf_uuid)
    }

    fn get(&self, conf_uuid: &str) -> Result<&Recording, Failure> {
        self.recordings
            .iter()
            .find(|r| r.conf_uuid == conf_uuid)
            .ok_or_else(|| not_found(conf_uuid))
    }

    /// Serves a recording file for a download token, which dies with this use.
    pub(super) fn download(
        &mut self,
        conf_uuid: &str,
        file: &str,
        token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>, Failure> {
        let file_type = file.strip_suffix(".mp4").unwrap_or(file);
        let refused = || {
            fail(
                401,
                ErrorCode::AuthFailed,
                "the download token is invalid, used or expired",
            )
        };
        let granted = token.and_then(|t| self.downloads.remove(t)).ok_or_else(refused)?;
        if granted.expires <= now || granted.conf_uuid != conf_uuid || granted.file_type != file_type {
            return Err(refused());
        }
        self.get(conf_uuid)?;
        Ok(file_content(conf_uuid, file_type))
    }
}

fn result(recording: &Recording, base_url: &str) -> RecordResultDo {
    let size_mb = FILE_TYPES
        .iter()
        .map(|t| file_content(&recording.conf_uuid, t).len())
        .sum::<usize>()
        .div_ceil(1 << 20);
    RecordResultDo {
        conf_uuid: Some(recording.conf_uuid.clone()),
        conf_id: Some(recording.conference_id.clone()),
        url: Some(vec![format!("{base_url}/#/record/{}", recording.conf_uuid)]),
        rcd_time: Some(int32(recording.seconds)),
        rcd_size: Some(int32(size_mb)),
        subject: Some(recording.subject.clone()),
        scheduser_name: Some(
            if recording.owner.is_empty() {
                "admin"
            } else {
                &recording.owner
            }
            .into(),
        ),
        start_time: Some(recording.started.format("%Y-%m-%d %H:%M").to_string()),
        is_decode_finish: Some(true),
        decode_end_time: Some(recording.started.timestamp_millis() + recording.seconds * 1000),
        available: Some(true),
        record_auth_type: Some(recording.record_auth_type),
    }
}

/// A held meeting that was recorded gets its recording.
impl Listener for Recordings {
    fn on(&mut self, event: &Event) {
        if let Event::MeetingEnded(held) = event
            && held.recorded
        {
            self.add(held);
        }
    }
}

/// search_recordings: recordings of holdings that started in [startDate, endDate].
impl Handle<input::SearchRecordings> for Recordings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SearchRecordings) -> Answer<SearchRecordingsResponse> {
        let (offset, limit) = page(input.offset, input.limit, 20);
        let key = input.search_key.unwrap_or_default();
        let mut matching: Vec<&Recording> = self
            .recordings
            .iter()
            .filter(|r| (input.start_date..=input.end_date).contains(&r.started.timestamp_millis()))
            .filter(|r| key.is_empty() || r.subject.contains(&key) || r.conference_id.contains(&key))
            .collect();
        matching.sort_by_key(|r| r.started);
        if input.sort_type.is_some_and(|s| s.to_string() == "DSC_StartTIME") {
            matching.reverse();
        }
        Ok(page_of!(
            SearchRecordingsResponse,
            matching.into_iter().map(|r| result(r, cx.base_url)).collect(),
            offset,
            limit
        ))
    }
}

impl Handle<input::ShowRecordingDetail> for Recordings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ShowRecordingDetail) -> Answer<RecordResultDo> {
        Ok(result(self.get(&input.conf_uuid)?, cx.base_url))
    }
}

/// Download URLs with fresh one-use tokens; enterprise administrators only.
impl Handle<input::ShowRecordingFileDownloadUrls> for Recordings {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::ShowRecordingFileDownloadUrls,
    ) -> Answer<ShowRecordingFileDownloadUrlsResponse> {
        if !cx.caller.user.is_empty() {
            return Err(fail(
                403,
                ErrorCode::InsufficientPermission,
                "only an enterprise administrator can read the download URLs of recordings",
            ));
        }
        let (offset, limit) = page(input.offset, input.limit, 20);
        let conf_uuid = input.conf_uuid;
        self.get(&conf_uuid)?;
        let mut urls = Vec::new();
        for file_type in paged(FILE_TYPES.iter(), offset, limit) {
            let token = cx.issue_token("");
            self.downloads.insert(
                token.clone(),
                DownloadToken {
                    conf_uuid: conf_uuid.clone(),
                    file_type: (*file_type).to_owned(),
                    expires: cx.now + DOWNLOAD_TOKEN_VALIDITY,
                },
            );
            urls.push(RecordDownloadUrlDo {
                token: Some(Secret::new(token)),
                file_type: Some((*file_type).to_owned()),
                url: Some(format!("{}{FILES_PATH}/{conf_uuid}/{file_type}.mp4", cx.base_url)),
            });
        }
        Ok(ShowRecordingFileDownloadUrlsResponse {
            record_urls: Some(vec![RecordDownloadInfoBo {
                conf_uuid: Some(conf_uuid),
                urls: Some(urls),
            }]),
        })
    }
}

/// The recording's segments (one per start of the recording: a simulated meeting records
/// from its start to its end once), with their files, paged by `segmentOffset` and
/// `segmentLimit`, in the envelope `{code, message, data}`.
impl Handle<input::ShowRecordInfo> for Recordings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ShowRecordInfo) -> Answer<ShowRecordInfoResponse> {
        let request = input.body;
        let recording = self.get(&request.conf_uuid)?;
        let (offset, limit) = page(request.segment_offset, request.segment_limit, 10);
        let begin = recording.started.timestamp_millis();
        let file = |(file_type, record_type): &(&str, &str)| SegmentFileDo {
            record_type: Some((*record_type).to_owned()),
            begin_time: Some(begin),
            end_time: Some(begin + recording.seconds * 1000),
            duration: Some(recording.seconds),
            file_size: Some(i64::try_from(file_content(&recording.conf_uuid, file_type).len()).unwrap_or(i64::MAX)),
            play_url: Some(Secret::new(format!(
                "{}{FILES_PATH}/{}/{file_type}.mp4",
                cx.base_url, recording.conf_uuid
            ))),
            download_url: Some(Secret::new(format!(
                "{}{FILES_PATH}/{}/{file_type}.mp4",
                cx.base_url, recording.conf_uuid
            ))),
            sha256: None,
        };
        let segments = vec![SegmentDo {
            manual_order: Some(1),
            segment_order: Some(1),
            segment_size: Some(
                FILE_TYPES
                    .iter()
                    .map(|t| file_content(&recording.conf_uuid, t).len())
                    .sum::<usize>()
                    .to_string(),
            ),
            file_list: Some(SEGMENT_FILES.iter().map(file).collect()),
        }];
        Ok(ShowRecordInfoResponse {
            code: Some("0".into()),
            message: Some("success".into()),
            data: Some(RecordInfoDo {
                subject: Some(recording.subject.clone()),
                begin_time: Some(recording.started.format(MINUTE).to_string()),
                segment_offset: Some(int32(offset)),
                segment_limit: Some(int32(limit)),
                segment_count: Some(i64::try_from(segments.len()).unwrap_or(i64::MAX)),
                segment_list: Some(paged(segments.into_iter(), offset, limit).collect()),
            }),
        })
    }
}

/// Deletes the recordings of the listed holdings; unknown ones are already gone.
impl Handle<input::DeleteRecordings> for Recordings {
    fn handle(&mut self, _: &mut Context<'_>, input: input::DeleteRecordings) -> Answer<()> {
        let doomed: Vec<&str> = input.conf_uuids.split(',').map(str::trim).collect();
        self.recordings.retain(|r| !doomed.contains(&r.conf_uuid.as_str()));
        self.downloads.retain(|_, d| !doomed.contains(&d.conf_uuid.as_str()));
        Ok(())
    }
}

impl Recordings {
    fn add(&mut self, held: &Held) {
        self.recordings.push(Recording {
            conf_uuid: held.conf_uuid.clone(),
            conference_id: held.conference_id.clone(),
            subject: held.subject.clone(),
            owner: held.owner.clone(),
            started: held.started,
            seconds: (held.ended - held.started).num_seconds().max(0),
            record_auth_type: held.record_auth_type,
        });
    }

    /// The examples' world: the recording search_recordings' example lists.
    /// An IdeaHub shows a QR code, to save its whiteboard of `topic` (`Some`) or to show the
    /// scanner's files (`None`): the code's `uuid`.
    pub(super) fn ideahub_qr(&mut self, topic: Option<&str>) -> String {
        let uuid = super::wire::hex_id();
        match topic {
            Some(topic) => self.minutes.offer_save(uuid, topic),
            None => self.minutes.offer_list(uuid),
        }
    }

    /// The user whose files the IdeaHub that showed QR code `uuid` shows.
    pub(super) fn ideahub_shows(&self, uuid: &str) -> Option<String> {
        self.minutes.shown_by(uuid).map(str::to_owned)
    }

    pub(super) fn seed_examples(&mut self, examples: &super::examples::SpecExamples) {
        self.minutes.seed_examples(examples);
        let listed: Option<SearchRecordingsResponse> = examples
            .response("search_recordings")
            .and_then(|r| serde_json::from_value(r.clone()).ok());
        for r in listed.and_then(|l| l.data).into_iter().flatten() {
            let started = r.start_time.as_deref().and_then(parse_time).unwrap_or_else(Utc::now);
            self.recordings.push(Recording {
                conf_uuid: r.conf_uuid.unwrap_or_default(),
                conference_id: r.conf_id.unwrap_or_default(),
                subject: r.subject.unwrap_or_default(),
                owner: String::new(),
                started,
                seconds: i64::from(r.rcd_time.unwrap_or(0)),
                record_auth_type: r.record_auth_type.unwrap_or(2),
            });
        }
    }
}
