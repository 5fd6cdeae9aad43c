//! Recordings of held meetings: a recorded holding has recording files once it ends; their
//! download URLs serve a small file over the simulator's own HTTP(S), each with a one-use
//! download token valid for an hour.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::history::HeldMeeting;
use super::meetings::parse_time;
use super::service::{Handler, Service};
use super::wire::{Call, Failure, Outcome, fail, int32, page, paged, random_token, reply};
use crate::Secret;
use crate::types::{
    RecordDownloadInfoBo, RecordDownloadUrlDo, RecordResultDo, SearchRecordingsResponse,
    ShowRecordingFileDownloadUrlsResponse,
};

pub(super) const HANDLERS: &[(&str, Handler)] = &[
    ("search_recordings", search_recordings),
    ("show_recording_detail", show_recording_detail),
    ("show_recording_file_download_urls", show_recording_file_download_urls),
    ("delete_recordings", delete_recordings),
];

/// Where the recording files are served (`/<confUUID>/<fileType>.mp4`).
pub(super) const FILES_PATH: &str = "/simulator/recordings";

/// The files of a recording: the video (`Hd`) and the composed view (`Sd`).
const FILE_TYPES: [&str; 2] = ["Hd", "Sd"];

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
}

fn not_found(conf_uuid: &str) -> Failure {
    fail(
        400,
        "MMC.111070005",
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
    /// A held meeting that was recorded gets its recording.
    pub(super) fn add(&mut self, held: &HeldMeeting) {
        self.recordings.push(Recording {
            conf_uuid: held.conf_uuid.clone(),
            conference_id: held.info.conference_id.clone().unwrap_or_default(),
            subject: held.info.subject.clone().unwrap_or_default(),
            owner: held.owner.clone(),
            started: held.started,
            seconds: (held.ended - held.started).num_seconds().max(0),
            record_auth_type: held.info.record_auth_type.unwrap_or(2),
        });
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
        let refused = || fail(401, "MMC.111070004", "the download token is invalid, used or expired");
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

/// search_recordings: recordings of holdings that started in [startDate, endDate].
fn search_recordings(service: &mut Service, call: &Call<'_>) -> Outcome {
    let (offset, limit) = page(call, 20);
    let from = call.int_param("startDate").unwrap_or(i64::MIN);
    let to = call.int_param("endDate").unwrap_or(i64::MAX);
    let key = call.param("searchKey").unwrap_or_default();
    let mut matching: Vec<&Recording> = service
        .recordings
        .recordings
        .iter()
        .filter(|r| (from..=to).contains(&r.started.timestamp_millis()))
        .filter(|r| key.is_empty() || r.subject.contains(&key) || r.conference_id.contains(&key))
        .collect();
    matching.sort_by_key(|r| r.started);
    if call.param("sortType").as_deref() == Some("DSC_StartTIME") {
        matching.reverse();
    }
    reply(&SearchRecordingsResponse {
        offset: Some(int32(offset)),
        limit: Some(int32(limit)),
        count: Some(int32(matching.len())),
        data: Some(
            paged(matching.into_iter(), offset, limit)
                .map(|r| result(r, &service.base_url))
                .collect(),
        ),
    })
}

fn show_recording_detail(service: &mut Service, call: &Call<'_>) -> Outcome {
    let recording = service.recordings.get(&call.param("confUUID").unwrap_or_default())?;
    reply(&result(recording, &service.base_url))
}

/// Download URLs with fresh one-use tokens; enterprise administrators only.
fn show_recording_file_download_urls(service: &mut Service, call: &Call<'_>) -> Outcome {
    if call.user != super::auth::ADMIN {
        return Err(fail(
            403,
            "MMC.111070002",
            "only an enterprise administrator can read the download URLs of recordings",
        ));
    }
    let (offset, limit) = page(call, 20);
    let now = service.clock.now();
    let conf_uuid = call.param("confUUID").unwrap_or_default();
    service.recordings.get(&conf_uuid)?;
    let mut urls = Vec::new();
    for file_type in paged(FILE_TYPES.iter(), offset, limit) {
        let token = random_token("");
        service.recordings.downloads.insert(
            token.clone(),
            DownloadToken {
                conf_uuid: conf_uuid.clone(),
                file_type: (*file_type).to_owned(),
                expires: now + DOWNLOAD_TOKEN_VALIDITY,
            },
        );
        service.issued.push(token.clone());
        urls.push(RecordDownloadUrlDo {
            token: Some(Secret::new(token)),
            file_type: Some((*file_type).to_owned()),
            url: Some(format!("{}{FILES_PATH}/{conf_uuid}/{file_type}.mp4", service.base_url)),
        });
    }
    reply(&ShowRecordingFileDownloadUrlsResponse {
        record_urls: Some(vec![RecordDownloadInfoBo {
            conf_uuid: Some(conf_uuid),
            urls: Some(urls),
        }]),
    })
}

/// Deletes the recordings of the listed holdings; unknown ones are already gone.
fn delete_recordings(service: &mut Service, call: &Call<'_>) -> Outcome {
    let listed = call.param("confUUIDs").unwrap_or_default();
    let doomed: Vec<&str> = listed.split(',').map(str::trim).collect();
    let recordings = &mut service.recordings;
    recordings
        .recordings
        .retain(|r| !doomed.contains(&r.conf_uuid.as_str()));
    recordings
        .downloads
        .retain(|_, d| !doomed.contains(&d.conf_uuid.as_str()));
    Ok(None)
}

impl Recordings {
    /// The examples' world: the recording search_recordings' example lists.
    pub(super) fn seed_examples(&mut self, examples: &super::examples::SpecExamples) {
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
