//! A host runs a meeting, one line per step: start it, invite three people, mute everyone,
//! let one speak, rename one, make one co-host, record, lock, prolong, run simultaneous
//! interpretation (an interpreter group for Chinese and English, Ann in the English channel),
//! save a layout and list the saved ones, show a custom two-picture layout, hang up one, send
//! one to the waiting room and admit them back, stop. Meeting control goes through
//! `client.conference(id, host_password)`, which obtains the meeting-control token itself.
//!
//! Without configuration it starts the embedded simulator (HTTPS). With
//! HUAWEICLOUD_MEETING_APP_ID and HUAWEICLOUD_MEETING_APP_KEY set (and optionally
//! HUAWEICLOUD_MEETING_ENDPOINT, HUAWEICLOUD_MEETING_CA_FILE) it runs against that endpoint:
//! on the meeting HUAWEICLOUD_MEETING_CONFERENCE_ID with the host password in
//! HUAWEICLOUD_MEETING_HOST_PASSWORD when both are set (else it schedules and starts one), and
//! it invites the numbers of HUAWEICLOUD_MEETING_INVITEES (comma-separated), who must answer.
//!
//!     cargo run --example meeting_control

#[macro_use]
mod common;

use std::process::ExitCode;
use std::time::Duration;

use chrono::Utc;
use common::report;
use huaweicloud_meeting::types::{
    Attendee, AttendeeType, InterpreterGroupInfo, RestAllowWaitingParticipantReqBody, RestBulkHangUpReqBody,
    RestCustomMultiPictureBody, RestCustomMultiPictureBodyImageType, RestInviteReqBody, RestLockReqBody,
    RestMoveToWaitingRoomReqBody, RestMuteParticipantReqBody, RestMuteReqBody, RestPicLayout, RestPicLayoutBody,
    RestProlongDurReqBody, RestRenamePartReqBody, RestScheduleConfDto, RestSetAttendeeLanChannelBody,
    RestSetCohostBody, RestSetInterpreterGroupBody, RestSetRecordReqBody, RestSimultaneousInterpretationBody,
    RestSubscriberInPic, StartRequest,
};
use huaweicloud_meeting::{Client, Conference, Secret};

#[tokio::main]
async fn main() -> ExitCode {
    let (client, simulator) = match common::start().await {
        Ok(started) => started,
        Err(code) => return code,
    };
    let invitees: Vec<String> = std::env::var("HUAWEICLOUD_MEETING_INVITEES")
        .ok()
        .filter(|_| simulator.is_none())
        .map(|list| list.split(',').map(|n| n.trim().to_owned()).collect())
        .unwrap_or_else(|| {
            ["+8613800000011", "+8613800000012", "+8613800000013"]
                .map(String::from)
                .to_vec()
        });
    let existing = match (
        std::env::var("HUAWEICLOUD_MEETING_CONFERENCE_ID"),
        std::env::var("HUAWEICLOUD_MEETING_HOST_PASSWORD"),
    ) {
        (Ok(id), Ok(password)) if simulator.is_none() => Some((id, Secret::new(password))),
        _ => None,
    };
    // People answer at once on the simulator; on the service give them time.
    let patience = if simulator.is_some() { 1 } else { 20 };
    run(&client, existing, &invitees, patience).await
}

/// Schedules a meeting in five minutes and starts it: (conference id, host password).
async fn start_a_meeting(client: &Client) -> Result<(String, Secret), ExitCode> {
    let start = (Utc::now() + chrono::Duration::minutes(5)).format("%Y-%m-%d %H:%M");
    let body = RestScheduleConfDto::builder()
        .subject("Incident review".to_owned())
        .media_types("HDVideo")
        .start_time(start.to_string())
        .length(60);
    let created = client
        .create_meeting()
        .body(body)
        .send()
        .await
        .map_err(|e| common::failed("create_meeting", &e))?;
    let info = created.first().ok_or(ExitCode::FAILURE)?;
    let id = info.conference_id.clone().unwrap_or_default();
    let password = common::host_password(info);
    report("create_meeting", &format!("meeting {id}"), &created);
    let started = client
        .start_meeting()
        .body(StartRequest::builder().conference_id(&id).password(password.clone()))
        .send()
        .await
        .map_err(|e| common::failed("start_meeting", &e))?;
    report("start_meeting", &format!("meeting {id} in progress"), &started);
    Ok((id, password))
}

/// The participant id (`pid`) of each number, once all of them are in the meeting.
async fn participant_ids(host: &Conference, id: &str, numbers: &[String], patience: u32) -> Option<Vec<String>> {
    for attempt in 0..patience {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        let info = host
            .show_real_time_info_of_meeting()
            .conference_id(id)
            .send()
            .await
            .ok()?;
        let present = info.participants.clone().unwrap_or_default();
        let ids: Vec<String> = numbers
            .iter()
            .filter_map(|n| {
                present
                    .iter()
                    .find(|p| p.phone.as_deref() == Some(n))
                    .and_then(|p| p.pid.clone())
            })
            .collect();
        if ids.len() == numbers.len() {
            report(
                "show_real_time_info",
                &format!("{} participants in", present.len()),
                &info,
            );
            return Some(ids);
        }
    }
    None
}

async fn run(client: &Client, existing: Option<(String, Secret)>, invitees: &[String], patience: u32) -> ExitCode {
    let (id, password) = match existing {
        Some(meeting) => meeting,
        None => match start_a_meeting(client).await {
            Ok(meeting) => meeting,
            Err(code) => return code,
        },
    };
    let host = client.conference(&id, password);

    let names = ["Ann", "Ben", "Cat"];
    let attendees: Vec<Attendee> = invitees
        .iter()
        .zip(names)
        .map(|(number, name)| {
            Attendee::builder()
                .name(name.to_owned())
                .phone(number.clone())
                .type_(AttendeeType::Mobile)
                .try_into()
                .expect("name, number and type are set")
        })
        .collect();
    let invited = step!(
        "invite_participant",
        host.invite_participant()
            .conference_id(&id)
            .body(RestInviteReqBody::builder().attendees(attendees))
            .send()
    );
    report(
        "invite_participant",
        &format!("{} people called", invitees.len()),
        &invited,
    );
    let Some(ids) = participant_ids(&host, &id, invitees, patience).await else {
        println!("FAIL  show_real_time_info: the invited people did not join");
        return ExitCode::FAILURE;
    };
    let [speaker, cohost, leaving] = [&ids[0], &ids[1], &ids[ids.len() - 1]];

    let muted = step!(
        "mute_meeting",
        host.mute_meeting()
            .conference_id(&id)
            .body(RestMuteReqBody::builder().is_mute(1))
            .send()
    );
    report("mute_meeting", "everyone but the host muted", &muted);
    let unmuted = step!(
        "mute_participant",
        host.mute_participant()
            .conference_id(&id)
            .participant_id(speaker)
            .body(RestMuteParticipantReqBody::builder().is_mute(0))
            .send()
    );
    report("mute_participant", &format!("{} may speak", names[0]), &unmuted);
    let renamed = step!(
        "rename_participant",
        host.rename_participant()
            .conference_id(&id)
            .body(
                RestRenamePartReqBody::builder()
                    .participant_id(cohost.clone())
                    .number(invitees[1].clone())
                    .new_name("Ben (on call)"),
            )
            .send()
    );
    report("rename_participant", "Ben is now \"Ben (on call)\"", &renamed);
    let promoted = step!(
        "set_cohost",
        host.set_cohost()
            .conference_id(&id)
            .participant_id(cohost)
            .body(RestSetCohostBody::builder().is_cohost(1))
            .send()
    );
    report("set_cohost", "Ben is co-host", &promoted);
    let recording = step!(
        "record",
        host.record()
            .conference_id(&id)
            .body(RestSetRecordReqBody::builder().is_record(1))
            .send()
    );
    report("record", "recording", &recording);
    let locked = step!(
        "lock_meeting",
        host.lock_meeting()
            .conference_id(&id)
            .body(RestLockReqBody::builder().is_lock(1))
            .send()
    );
    report("lock_meeting", "nobody else may join", &locked);
    let prolonged = step!(
        "prolong_meeting",
        host.prolong_meeting()
            .conference_id(&id)
            .body(RestProlongDurReqBody::builder().auto(0).duration(30))
            .send()
    );
    report("prolong_meeting", "30 minutes more", &prolonged);
    let group = step!(
        "set_interpreter_group",
        host.set_interpreter_group()
            .conference_id(&id)
            .body(RestSetInterpreterGroupBody::builder().interpreter_groups(vec![
                InterpreterGroupInfo::builder()
                    .group_id("zh-en")
                    .group_name("Chinese-English")
                    .first_language("zh")
                    .second_language("en"),
            ]))
            .send()
    );
    report("set_interpreter_group", "channels zh and en", &group);
    let interpreting = step!(
        "resume_simultaneous_interpretation",
        host.resume_simultaneous_interpretation()
            .conference_id(&id)
            .body(RestSimultaneousInterpretationBody::builder().simultaneous_interpretation(1))
            .send()
    );
    report("resume_simultaneous_interpretation", "interpreting", &interpreting);
    let channel = step!(
        "set_attendee_lan_channel",
        host.set_attendee_lan_channel()
            .conference_id(&id)
            .body(
                RestSetAttendeeLanChannelBody::builder()
                    .listen_lan_channel("en")
                    .speak_lan_channel("en")
                    .participant_ids(vec![speaker.clone()]),
            )
            .send()
    );
    report(
        "set_attendee_lan_channel",
        "Ann listens and speaks in English",
        &channel,
    );
    let saved = step!(
        "save_layout",
        host.save_layout()
            .conference_id(&id)
            .body(
                RestPicLayoutBody::builder().rest_pic_layout(
                    RestPicLayout::builder()
                        .lay_out_name("Speaker")
                        .pic_num(1)
                        .image_type("Single"),
                )
            )
            .send()
    );
    report("save_layout", "layout \"Speaker\" saved", &saved);
    let layouts = step!("show_layout", host.show_layout().conference_id(&id).send());
    let names_saved: Vec<String> = layouts
        .pic_layouts
        .iter()
        .filter_map(|l| l.lay_out_name.clone())
        .collect();
    report("show_layout", &format!("saved: {}", names_saved.join(", ")), &layouts);
    let pictures = step!(
        "set_custom_multi_picture",
        host.set_custom_multi_picture()
            .conference_id(&id)
            .body(
                RestCustomMultiPictureBody::builder()
                    .manual_set(1)
                    .image_type(RestCustomMultiPictureBodyImageType::Two)
                    .subscriber_in_pics(
                        invitees
                            .iter()
                            .take(2)
                            .zip(1..)
                            .map(|(number, index)| {
                                RestSubscriberInPic::builder()
                                    .index(index)
                                    .subscriber(vec![number.clone()])
                                    .try_into()
                                    .expect("a picture")
                            })
                            .collect::<Vec<RestSubscriberInPic>>(),
                    ),
            )
            .send()
    );
    report("set_custom_multi_picture", "Ann and Ben side by side", &pictures);
    let hung_up = step!(
        "hang_up",
        host.hang_up()
            .conference_id(&id)
            .body(RestBulkHangUpReqBody::builder().bulk_hang_up_participants(vec![leaving.clone()]))
            .send()
    );
    report(
        "hang_up",
        &format!("{} hung up", names[invitees.len().min(3) - 1]),
        &hung_up,
    );
    let waiting = step!(
        "move_to_waiting_room",
        host.move_to_waiting_room()
            .conference_id(&id)
            .body(RestMoveToWaitingRoomReqBody::builder().participant_id(speaker.clone()))
            .send()
    );
    report("move_to_waiting_room", "Ann waits", &waiting);
    let admitted = step!(
        "allow_waiting_participant",
        host.allow_waiting_participant()
            .conference_id(&id)
            .body(RestAllowWaitingParticipantReqBody::builder().participant_id(speaker.clone()))
            .send()
    );
    report("allow_waiting_participant", "Ann is back", &admitted);
    let stopped = step!("stop_meeting", host.stop_meeting().conference_id(&id).send());
    report("stop_meeting", &format!("meeting {id} ended"), &stopped);
    println!("done: every step succeeded");
    ExitCode::SUCCESS
}
