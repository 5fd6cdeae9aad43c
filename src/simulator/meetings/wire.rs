//! Meetings as the service describes them: `ConferenceInfo`, a meeting's detail with a page
//! of its participants, a page of meetings.

use super::*;

/// `start` plus `length` minutes, as `yyyy-MM-dd HH:mm`.
pub(super) fn plus_minutes(start: NaiveDateTime, length: i64) -> String {
    minutes(start, length).format(MINUTE).to_string()
}

pub(super) fn password_entry(role: &str, password: &str) -> PasswordEntry {
    PasswordEntry {
        conference_role: Some(role.into()),
        password: Some(Secret::new(password)),
    }
}

/// A meeting as the service describes it (`ConferenceInfo`).
pub(super) fn conference_info(meeting: &Meeting) -> ConferenceInfo {
    let d = &meeting.definition;
    let length = meeting.length();
    let media_of = |types: &str| {
        if types.contains("HDVideo") || types.contains("Video") {
            "HDVideo,Data,Voice"
        } else {
            "Voice,Data"
        }
    };
    let media = media_of(&d.media_types);
    let recurring = meeting.is_series();
    let live = meeting.live.as_ref();
    let config = d.conf_config_info.clone().unwrap_or_default();
    let allow_guest_start = config.allow_guest_start_conf.unwrap_or(false);
    let participants = &meeting.participants;
    let size = int32(participants.len());
    let id = &meeting.conference_id;
    let sub_confs = || {
        meeting
            .sub_meetings
            .iter()
            .map(|sub| CycleSubConf {
                cycle_sub_conf_id: Some(sub.id.clone()),
                conference_id: Some(id.clone()),
                start_time: Some(sub.start.format(MINUTE).to_string()),
                end_time: Some(plus_minutes(sub.start, sub.length)),
                media_type: Some(media_of(sub.media_types.as_deref().unwrap_or(&d.media_types)).into()),
                is_auto_record: Some(d.is_auto_record.unwrap_or(0)),
                record_auth_type: Some(d.record_auth_type.unwrap_or(2)),
                conf_config_info: Some(CycleSubConfConfigDto {
                    call_in_restriction: Some(0),
                    audience_call_in_restriction: Some(0),
                    allow_guest_start_conf: Some(allow_guest_start.into()),
                    enable_waiting_room: Some(false.into()),
                    ..CycleSubConfConfigDto::default()
                }),
                ..CycleSubConf::default()
            })
            .collect()
    };
    ConferenceInfo {
        conference_id: Some(id.clone()),
        subject: Some(d.subject.clone().unwrap_or_default()),
        size: Some(size),
        time_zone_id: Some(d.time_zone_id.clone().unwrap_or_else(|| "56".into())),
        start_time: Some(meeting.start.format(MINUTE).to_string()),
        end_time: Some(plus_minutes(meeting.start, length)),
        media_types: Some(media.into()),
        conference_state: Some(if live.is_some() { "Created" } else { "Schedule" }.into()),
        language: Some(d.language.map_or_else(|| "zh-CN".to_owned(), |l| l.to_string())),
        access_number: Some("+991117".into()),
        password_entry: Some(vec![
            password_entry("chair", &meeting.host_password),
            password_entry("general", &meeting.guest_password),
        ]),
        user_uuid: Some(meeting.owner.clone()),
        scheduser_name: Some(
            if meeting.owner.is_empty() {
                "admin"
            } else {
                &meeting.owner
            }
            .into(),
        ),
        conference_type: Some(if recurring { 2 } else { 0 }),
        conf_type: Some(
            if recurring {
                "CYCLE"
            } else if d.start_time.as_deref().is_none_or(str::is_empty) {
                "IMMEDIATELY"
            } else {
                "FUTURE"
            }
            .into(),
        ),
        conf_uuid: live.map(|l| l.conf_uuid.clone()),
        cycle_sub_conf_id: live.and_then(|l| l.sub_meeting.clone()),
        online_attendee_amount: live.map(|_| size),
        is_auto_record: Some(d.is_auto_record.unwrap_or(0)),
        chair_join_uri: Some(format!("https://127.0.0.1/#/j/{id}/chair")),
        guest_join_uri: Some(format!("https://127.0.0.1/#/j/{id}/guest")),
        record_type: Some(d.record_type.unwrap_or(0)),
        record_aux_stream: Some(d.record_aux_stream.unwrap_or(0)),
        record_auth_type: Some(d.record_auth_type.unwrap_or(2)),
        conf_config_info: Some(ConfConfigInfo {
            is_send_notify: Some(config.is_send_notify.unwrap_or(true).into()),
            is_send_sms: Some(config.is_send_sms.unwrap_or(true).into()),
            is_send_calendar: Some(config.is_send_calendar.unwrap_or(true).into()),
            is_auto_mute: Some(config.is_auto_mute.unwrap_or(false).into()),
            is_guest_free_pwd: Some(config.is_guest_free_pwd.unwrap_or(false).into()),
            call_in_restriction: Some(config.call_in_restriction.unwrap_or(0).into()),
            audience_call_in_restriction: Some(0.into()),
            allow_guest_start_conf: Some(allow_guest_start.into()),
            enable_waiting_room: Some(config.enable_waiting_room.unwrap_or(false).into()),
            prolong_length: Some(config.prolong_length.unwrap_or(0).into()),
            invite_mode: Some("AUTO_INVITE".into()),
            ..ConfConfigInfo::default()
        }),
        vmr_flag: Some(d.vmr_flag.unwrap_or(0)),
        schedule_vmr: Some(false),
        is_has_record_file: Some(false.into()),
        // The service lists at most 20 participants here.
        part_attendee_info: Some(
            participants
                .iter()
                .take(20)
                .map(|p| PartAttendee {
                    name: Some(p.name.clone()),
                    phone: Some(p.number.clone()),
                    role: Some(0),
                    is_mute: Some(0),
                    type_: Some("normal".into()),
                    ..PartAttendee::default()
                })
                .collect(),
        ),
        terminl_count: Some(0),
        normal_count: Some(size),
        dept_name: Some("simulated enterprise".into()),
        conf_mode: Some("RTC".into()),
        webinar: Some(false.into()),
        multi_stream_flag: Some(1),
        concurrent_participants: Some(d.concurrent_participants.unwrap_or(0)),
        support_simultaneous_interpretation: Some(d.support_simultaneous_interpretation.unwrap_or(false).into()),
        cycle_params: d.cycle_params.as_ref().map(|cycle| CycleParamsInfo {
            start_date: Some(cycle.start_date.clone()),
            end_date: Some(cycle.end_date.clone()),
            cycle: Some(cycle.cycle.to_string()),
            interval: Some(cycle.interval.unwrap_or(1)),
            point: (!cycle.point.is_empty()).then(|| cycle.point.clone()),
            pre_remind_days: Some(cycle.pre_remind_days),
            cycle_count: Some(int32(meeting.sub_meetings.len())),
        }),
        sub_confs: d.cycle_params.as_ref().map(|_| sub_confs()),
        ..ConferenceInfo::default()
    }
}

/// A page of meetings, in start order (`descending`: `DSC_StartTIME` reverses it).
pub(super) fn list_response(
    mut meetings: Vec<&Meeting>,
    offset: Option<i32>,
    limit: Option<i32>,
    descending: bool,
) -> RestListConfResponse {
    let (offset, limit) = page(offset, limit, 20);
    meetings.sort_by_key(|m| m.live.as_ref().map_or(utc(m.start), |l| l.started));
    if descending {
        meetings.reverse();
    }
    page_of!(
        RestListConfResponse,
        meetings.into_iter().map(conference_info).collect(),
        offset,
        limit
    )
}

pub(super) fn participant_info(p: &Participant) -> ParticipantInfo {
    // What the invitation said of it, as the service gives it back.
    let invited = p.invited.clone().unwrap_or_default();
    ParticipantInfo {
        participant_id: Some(p.number.clone()),
        name: Some(p.name.clone()),
        role: Some(invited.role.unwrap_or(0)),
        state: Some("MEETTING".into()),
        attendee_type: Some(invited.type_.map_or_else(|| "normal".into(), |t| t.to_string())),
        subscriber_id: p.participant_id.clone(),
        account_id: invited.account_id,
        email: invited.email,
        sms: invited.sms,
        phone2: invited.phone2,
        phone3: invited.phone3,
        dept_name: invited.dept_name,
        user_uuid: invited.user_uuid,
        app_id: invited.app_id,
        address: invited.address,
        is_auto_invite: invited.is_auto_invite,
        ..ParticipantInfo::default()
    }
}

/// The detail of a meeting: its description and a page of its participants (those matching
/// `search_key`).
pub(super) fn detail(
    meeting: &Meeting,
    offset: Option<i32>,
    limit: Option<i32>,
    search_key: Option<&str>,
) -> ConfDetail {
    let (offset, limit) = page(offset, limit, 20);
    let key = search_key.unwrap_or_default();
    let participants: Vec<&Participant> = meeting
        .participants
        .iter()
        .filter(|p| key.is_empty() || p.name.contains(key) || p.number.contains(key))
        .collect();
    ConfDetail {
        conference_data: Some(conference_info(meeting)),
        data: Some(page_of!(
            PageParticipant,
            participants.into_iter().map(participant_info).collect(),
            offset,
            limit
        )),
    }
}
