//! QoS of meetings, derived from what the simulator saw: the meetings held (history) and in
//! progress, their participants and durations (the statistics are in `statistics`).
//!
//! The simulator has no media: a participant's QoS samples follow a rule, so tests can
//! predict them. With `h` the sum of the bytes of the participant's ID, sample `k` (every 5 seconds from joining, 12 at most) is:
//! latency `20 + (h + 37k) mod 500` ms, jitter `(h + 13k) mod 120` ms, packet loss
//! `(h + 7k) mod 20` %, bitrate `1000 + (100k mod 500)` kbit/s, 30 frames, 1280x720; the
//! client's CPU `10 + (h + k) mod 60` % and the system's `20 + (h + k) mod 70` %, the same
//! both ways. A sample above its threshold is an alarm; a participant with one is reported
//! (`alarm` YES), and so is their meeting. Default thresholds: latency and jitter 800 ms,
//! packet loss 50 %, CPU 90 %.

use chrono::{DateTime, Duration};

use super::Meetings;
use crate::ErrorCode;
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::simulator::wire::{Failure, fail, int32, page};
use crate::types::{
    CpuThresholdData, PacketThresholdData, QosConferenceInfo, QosCpuInfo, QosDataElement, QosDataNoThrElement, QosInfo,
    QosParticipantInfo, QosSendReceiveInfo, SearchQosHistoryMeetingsResponse, SearchQosOnlineMeetingsResponse,
    SearchQosParticipantDetailQosType, SearchQosParticipantDetailResponse, SearchQosParticipantsResponse,
    SetQosThresholdResponse, ShowQosThresholdResponse, ThresholdData,
};

/// The longest history window.
const HISTORY_WINDOW: Duration = Duration::days(92);
const SAMPLES: i64 = 12;

/// A meeting's thresholds: latency, jitter (ms), packet loss (%), CPU (%).
#[derive(Clone, Copy)]
pub(super) struct Thresholds {
    latency: i32,
    jitter: i32,
    packet_loss: i32,
    cpu: i32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            latency: 800,
            jitter: 800,
            packet_loss: 50,
            cpu: 90,
        }
    }
}

/// A refusal with a dashboard (`MBI`) code.
pub(super) fn refused(code: &str, message: impl Into<String>) -> Failure {
    fail(400, ErrorCode::parse(code), message)
}

fn h(id: &str) -> i64 {
    id.bytes().map(i64::from).sum()
}

/// Sample `k` of a participant whose ID sums to `h` (the rule of the module's documentation).
fn latency(h: i64, k: i64) -> i64 {
    20 + (h + 37 * k) % 500
}
fn jitter(h: i64, k: i64) -> i64 {
    (h + 13 * k) % 120
}
fn packet_loss(h: i64, k: i64) -> i64 {
    (h + 7 * k) % 20
}
fn client_cpu(h: i64, k: i64) -> i64 {
    10 + (h + k) % 60
}
fn system_cpu(h: i64, k: i64) -> i64 {
    20 + (h + k) % 70
}

/// One participant of a holding, as QoS sees them.
struct Seen {
    id: String,
    name: String,
    joined: i64,
    left: Option<i64>,
}

/// The samples of one measure: (time, value) from joining.
fn series(joined: i64, value: impl Fn(i64) -> i64) -> Vec<(String, i64)> {
    (0..SAMPLES)
        .map(|k| {
            let at = DateTime::from_timestamp_millis(joined + k * 5000).unwrap_or_default();
            (at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(), value(k))
        })
        .collect()
}

fn with_threshold(samples: Vec<(String, i64)>, threshold: i32) -> Vec<QosDataElement> {
    samples
        .into_iter()
        .map(|(time, value)| QosDataElement {
            time: Some(time),
            value: Some(value as i32),
            threshold: Some(threshold),
            alarm: Some(value > i64::from(threshold)),
        })
        .collect()
}

fn yes(alarm: bool) -> Option<String> {
    Some(if alarm { "YES" } else { "NO" }.into())
}

impl Thresholds {
    /// Whether the participant's samples cross a media threshold, and the CPU one.
    fn alarms(&self, who: &Seen) -> (bool, bool) {
        let h = h(&who.id);
        let media = (0..SAMPLES).any(|k| {
            latency(h, k) > i64::from(self.latency)
                || jitter(h, k) > i64::from(self.jitter)
                || packet_loss(h, k) > i64::from(self.packet_loss)
        });
        let cpu = (0..SAMPLES).any(|k| client_cpu(h, k).max(system_cpu(h, k)) > i64::from(self.cpu));
        (media, cpu)
    }
}

impl Meetings {
    /// The participants of holding `conf_uuid`: in progress (`online`) or held.
    fn seen(&self, conf_uuid: &str, online: bool) -> Result<(String, Vec<Seen>), Failure> {
        if online {
            let meeting = self
                .meetings
                .values()
                .find(|m| m.live.as_ref().is_some_and(|l| l.conf_uuid == conf_uuid))
                .ok_or_else(|| {
                    refused(
                        "MBI.104000005",
                        format!("no meeting in progress has confUUID {conf_uuid}"),
                    )
                })?;
            let started = meeting.live.as_ref().expect("in progress").started.timestamp_millis();
            let seen = meeting
                .participants
                .iter()
                .filter_map(|p| {
                    Some(Seen {
                        id: p.participant_id.clone()?,
                        name: p.name.clone(),
                        joined: started,
                        left: None,
                    })
                })
                .collect();
            return Ok((meeting.conference_id.clone(), seen));
        }
        let held = self.history.get(conf_uuid)?;
        // The participants held, with the times their attendance records give (by name).
        let seen = held
            .participants
            .iter()
            .map(|p| {
                let name = p.name.clone().unwrap_or_default();
                let record = held
                    .attendance
                    .iter()
                    .find(|r| r.display_name.as_deref() == Some(name.as_str()));
                Seen {
                    id: p
                        .participant_id
                        .clone()
                        .or_else(|| p.subscriber_id.clone())
                        .unwrap_or_else(|| name.clone()),
                    joined: record
                        .and_then(|r| r.join_time)
                        .unwrap_or(held.started.timestamp_millis()),
                    left: record.and_then(|r| r.left_time).or(Some(held.ended.timestamp_millis())),
                    name,
                }
            })
            .collect();
        Ok((held.info.conference_id.clone().unwrap_or_default(), seen))
    }

    fn participant(&self, conf_uuid: &str, conference_id: &str, who: &Seen) -> QosParticipantInfo {
        let (media, cpu) = self.thresholds.alarms(who);
        QosParticipantInfo {
            participant_id: Some(who.id.clone()),
            display_name: Some(who.name.clone()),
            conf_uuid: Some(conf_uuid.to_owned()),
            conference_id: Some(conference_id.to_owned()),
            join_time: Some(who.joined),
            left_time: who.left,
            alarm: yes(media || cpu),
            audio_alarm_send: yes(media),
            audio_alarm_rec: yes(media),
            video_alarm_send: yes(media),
            video_alarm_rec: yes(media),
            screen_alarm_send: yes(false),
            screen_alarm_rec: yes(false),
            cpu_alarm: yes(cpu),
            exist_qos: Some(true),
            terminal_type: Some("PC".into()),
            network_type: Some("wifi".into()),
            ..QosParticipantInfo::default()
        }
    }

    fn conference(&self, conf_uuid: &str, online: bool) -> Result<QosConferenceInfo, Failure> {
        let (conference_id, seen) = self.seen(conf_uuid, online)?;
        let alarms: Vec<(bool, bool)> = seen.iter().map(|s| self.thresholds.alarms(s)).collect();
        let media = alarms.iter().any(|a| a.0);
        let cpu = alarms.iter().any(|a| a.1);
        let (subject, start, end) = if online {
            let m = &self.meetings[&conference_id];
            let live = m.live.as_ref().expect("in progress");
            (m.definition.subject.clone(), live.started.timestamp_millis(), None)
        } else {
            let held = self.history.get(conf_uuid)?;
            (
                held.info.subject.clone(),
                held.started.timestamp_millis(),
                Some(held.ended.timestamp_millis()),
            )
        };
        Ok(QosConferenceInfo {
            conf_uuid: Some(conf_uuid.to_owned()),
            conference_id: Some(conference_id),
            subject,
            start_time: Some(start),
            end_time: end,
            duration: end.map(|e| int32(usize::try_from((e - start) / 60_000).unwrap_or(0))),
            participants: Some(int32(seen.len())),
            alarm: yes(media || cpu),
            audio_alarm: yes(media),
            video_alarm: yes(media),
            screen_alarm: yes(false),
            cpu_alarm: yes(cpu),
            webinar: Some(false),
            ..QosConferenceInfo::default()
        })
    }
}

/// Held meetings that started between the two dates (at most about 3 months apart).
impl Handle<input::SearchQosHistoryMeetings> for Meetings {
    fn handle(
        &mut self,
        _: &mut Context<'_>,
        input: input::SearchQosHistoryMeetings,
    ) -> Answer<SearchQosHistoryMeetingsResponse> {
        if input.end_date < input.start_date {
            return Err(refused("MBI.104000003", "endDate is before startDate"));
        }
        if input.end_date - input.start_date > HISTORY_WINDOW.num_milliseconds() {
            return Err(refused(
                "MBI.104000004",
                "startDate and endDate are more than 3 months apart",
            ));
        }
        let (offset, limit) = page(input.offset, input.limit, 20);
        let key = input.search_key.unwrap_or_default();
        let uuids: Vec<String> = self
            .history
            .all()
            .filter(|h| (input.start_date..=input.end_date).contains(&h.started.timestamp_millis()))
            .filter(|h| h.info.subject.as_ref().is_some_and(|s| s.contains(&key)))
            .map(|h| h.conf_uuid.clone())
            .collect();
        let data = uuids
            .iter()
            .rev()
            .map(|u| self.conference(u, false))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SearchQosHistoryMeetingsResponse {
            offset: Some(int32(offset as usize)),
            limit: Some(int32(limit as usize)),
            count: Some(int32(data.len())),
            data: data.into_iter().skip(offset as usize).take(limit as usize).collect(),
        })
    }
}

impl Handle<input::SearchQosOnlineMeetings> for Meetings {
    fn handle(
        &mut self,
        _: &mut Context<'_>,
        input: input::SearchQosOnlineMeetings,
    ) -> Answer<SearchQosOnlineMeetingsResponse> {
        let (offset, limit) = page(input.offset, input.limit, 20);
        let key = input.search_key.unwrap_or_default();
        let uuids: Vec<String> = self
            .in_progress()
            .filter(|m| m.definition.subject.as_ref().is_some_and(|s| s.contains(&key)))
            .filter_map(|m| m.live.as_ref().map(|l| l.conf_uuid.clone()))
            .collect();
        let data = uuids
            .iter()
            .map(|u| self.conference(u, true))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SearchQosOnlineMeetingsResponse {
            offset: Some(int32(offset as usize)),
            limit: Some(int32(limit as usize)),
            count: Some(int32(data.len())),
            data: data.into_iter().skip(offset as usize).take(limit as usize).collect(),
        })
    }
}

impl Handle<input::SearchQosParticipants> for Meetings {
    fn handle(
        &mut self,
        _: &mut Context<'_>,
        input: input::SearchQosParticipants,
    ) -> Answer<SearchQosParticipantsResponse> {
        let (offset, limit) = page(input.offset, input.limit, 20);
        let online = input.conf_type.to_string() == "online";
        let (conference_id, seen) = self.seen(&input.conf_uuid, online)?;
        let key = input.search_key.unwrap_or_default();
        let data: Vec<QosParticipantInfo> = seen
            .iter()
            .filter(|s| s.name.contains(&key))
            .map(|s| self.participant(&input.conf_uuid, &conference_id, s))
            .collect();
        Ok(SearchQosParticipantsResponse {
            offset: Some(int32(offset as usize)),
            limit: Some(int32(limit as usize)),
            count: Some(int32(data.len())),
            data: data.into_iter().skip(offset as usize).take(limit as usize).collect(),
        })
    }
}

/// The participant's samples of one kind (see the module's documentation).
impl Handle<input::SearchQosParticipantDetail> for Meetings {
    fn handle(
        &mut self,
        _: &mut Context<'_>,
        input: input::SearchQosParticipantDetail,
    ) -> Answer<SearchQosParticipantDetailResponse> {
        let online = input.conf_type.to_string() == "online";
        let (conference_id, seen) = self.seen(&input.conf_uuid, online)?;
        let who = seen.iter().find(|s| s.id == input.participant_id).ok_or_else(|| {
            refused(
                "MBI.104000006",
                format!("{} was not in this meeting", input.participant_id),
            )
        })?;
        let (hh, t, start) = (h(&who.id), self.thresholds, who.joined);
        let plain = |value: fn(i64) -> serde_json::Value| -> Vec<QosDataNoThrElement> {
            series(start, |_| 0)
                .into_iter()
                .enumerate()
                .map(|(k, (time, _))| QosDataNoThrElement {
                    time: Some(time),
                    value: Some(value(k as i64)),
                })
                .collect()
        };
        let direction = || QosSendReceiveInfo {
            latency: with_threshold(series(start, |k| latency(hh, k)), t.latency),
            jitter: with_threshold(series(start, |k| jitter(hh, k)), t.jitter),
            packet_loss_max: with_threshold(series(start, |k| packet_loss(hh, k)), t.packet_loss),
            bitrate: plain(|k| (1000 + (100 * k) % 500).into()),
            frame: plain(|_| 30.into()),
            resolution: plain(|_| "1280x720".into()),
        };
        let qos = match input.qos_type {
            SearchQosParticipantDetailQosType::Cpu => QosInfo {
                type_: Some("cpu".into()),
                cpu: Some(QosCpuInfo {
                    client_cpu_max: with_threshold(series(start, |k| client_cpu(hh, k)), t.cpu),
                    system_cpu_max: with_threshold(series(start, |k| system_cpu(hh, k)), t.cpu),
                }),
                send: None,
                receive: None,
            },
            other => QosInfo {
                type_: Some(other.to_string()),
                send: Some(direction()),
                receive: Some(direction()),
                cpu: None,
            },
        };
        Ok(SearchQosParticipantDetailResponse {
            user: Some(self.participant(&input.conf_uuid, &conference_id, who)),
            qos: Some(qos),
        })
    }
}

/// Sets the thresholds sent (the media ones for AUDIO/VIDEO/SCREEN, the CPU ones for CPU;
/// the simulator keeps one set for every medium and takes the sending value).
impl Handle<input::SetQosThreshold> for Meetings {
    fn handle(&mut self, _: &mut Context<'_>, input: input::SetQosThreshold) -> Answer<SetQosThresholdResponse> {
        let body = input.body;
        let t = &mut self.thresholds;
        if let Some(v) = body.latency.and_then(|d| d.sending.or(d.receiving)) {
            t.latency = v;
        }
        if let Some(v) = body.jitter.and_then(|d| d.sending.or(d.receiving)) {
            t.jitter = v;
        }
        if let Some(v) = body.packet_loss.and_then(|d| d.sending.or(d.receiving)) {
            t.packet_loss = v;
        }
        if let Some(v) = body.client_cpu_max.or(body.system_cpu_max).and_then(|d| d.cpu) {
            t.cpu = v;
        }
        Ok(SetQosThresholdResponse {
            code: Some("0".into()),
            message: Some("OK".into()),
        })
    }
}

impl Handle<input::ShowQosThreshold> for Meetings {
    fn handle(&mut self, _: &mut Context<'_>, input: input::ShowQosThreshold) -> Answer<ShowQosThresholdResponse> {
        let (t, d) = (self.thresholds, Thresholds::default());
        let pair = |now: i32, default: i32| ThresholdData {
            sending: Some(now),
            receiving: Some(now),
            sending_default: Some(default),
            receiving_default: Some(default),
        };
        if input.threshold_type.to_string() == "CPU" {
            let cpu = CpuThresholdData {
                cpu: Some(t.cpu),
                cpu_default: Some(d.cpu),
            };
            return Ok(ShowQosThresholdResponse {
                client_cpu_max: Some(cpu.clone()),
                system_cpu_max: Some(cpu),
                ..ShowQosThresholdResponse::default()
            });
        }
        Ok(ShowQosThresholdResponse {
            latency: Some(pair(t.latency, d.latency)),
            jitter: Some(pair(t.jitter, d.jitter)),
            packet_loss: Some(PacketThresholdData {
                sending: Some(t.packet_loss),
                receiving: Some(t.packet_loss),
                sending_default: Some(d.packet_loss),
                receiving_default: Some(d.packet_loss),
            }),
            ..ShowQosThresholdResponse::default()
        })
    }
}
