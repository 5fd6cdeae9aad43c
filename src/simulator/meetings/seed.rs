//! The meetings the spec's example requests assume.

use super::*;

impl Meetings {
    /// The examples' world: create_recurring_meeting's example series under the examples'
    /// `conferenceID` (its occurrences with the ids of search_meetings' example), the host
    /// password of start_meeting's example, the guest password of invite_with_pwd's example,
    /// its attendees and the one delete_attendees' example removes; and create_meeting's example meeting under update_meeting's example
    /// `conferenceID` (update_meeting edits single meetings only); and the held meeting of the
    /// history examples. Returns what the other areas hear: the start of the series when it
    /// is put in progress (`in_progress`).
    pub(in crate::simulator) fn seed_examples(
        &mut self,
        examples: &crate::simulator::examples::SpecExamples,
        in_progress: bool,
        now: DateTime<Utc>,
    ) -> Vec<Event> {
        use serde_json::Value;
        self.history.seed_examples(examples);
        let mut scheduled = Vec::new();
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let host_password = text(examples.body("start_meeting").and_then(|b| b.get("password"))).unwrap_or_default();
        let single = (
            text(examples.operation_parameter("update_meeting", "conferenceID")),
            examples
                .body("create_meeting")
                .and_then(|b| serde_json::from_value::<RestScheduleConfDto>(b.clone()).ok()),
        );
        if let (Some(id), Some(definition)) = single
            && let Ok(mut meeting) = Meeting::new(id.clone(), definition, String::new(), now)
        {
            meeting.host_password.clone_from(&host_password);
            scheduled.push(meeting.scheduled());
            self.meetings.insert(id, meeting);
        }
        let (Some(conference_id), Some(definition)) = (
            text(examples.parameter("conferenceID")),
            examples
                .body("create_recurring_meeting")
                .and_then(|b| serde_json::from_value::<RestScheduleConfDto>(b.clone()).ok()),
        ) else {
            return scheduled;
        };
        let Ok(mut meeting) = Meeting::new(conference_id.clone(), definition, String::new(), now) else {
            return scheduled;
        };
        meeting.host_password = host_password;
        if let Some(guest_password) = text(examples.body("invite_with_pwd").and_then(|b| b.get("pwd"))) {
            meeting.guest_password = guest_password;
        }
        // Occurrence ids as search_meetings' example lists them.
        let listed = examples
            .response("search_meetings")
            .and_then(|r| r.pointer("/data/0/subConfs"))
            .and_then(Value::as_array);
        for sub in listed.into_iter().flatten() {
            let (Some(id), Some(start)) = (text(sub.get("cycleSubConfID")), text(sub.get("startTime"))) else {
                continue;
            };
            if let Some(occurrence) = meeting
                .sub_meetings
                .iter_mut()
                .find(|s| s.start.format(MINUTE).to_string() == start)
            {
                occurrence.id = id;
            }
        }
        // The participants the examples name, with their participant IDs and roles: the one
        // delete_attendees' example removes, the one list_online_conf_attendee's lists.
        let removed = examples
            .body("delete_attendees")
            .and_then(|b| b.get("bulkDelAttendInfo"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| Some((text(r.get("number"))?, None, text(r.get("participantID")), 0)));
        let online = examples
            .response("list_online_conf_attendee")
            .and_then(|r| r.get("data"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| {
                Some((
                    text(r.get("call_number"))?,
                    text(r.get("name")),
                    text(r.get("participant_id")),
                    r.get("role").and_then(Value::as_i64).unwrap_or(0),
                ))
            });
        for (number, name, id, role) in removed.chain(online) {
            let index = match meeting.participants.iter().position(|p| p.number == number) {
                Some(index) => index,
                None => {
                    let name = name.clone().unwrap_or_else(|| number.clone());
                    meeting.participants.push(Participant::new(number, name));
                    meeting.participants.len() - 1
                }
            };
            let participant = &mut meeting.participants[index];
            if let Some(name) = name {
                participant.name = name;
            }
            if role == 1 {
                participant.role = Role::Chair;
            }
            if in_progress {
                participant.participant_id = id;
            }
        }
        let mut events = scheduled;
        events.push(meeting.scheduled());
        if in_progress {
            events.push(meeting.activate(now, &mut self.next_participant, ""));
            if let Some(live) = meeting.live.as_mut() {
                // The holding list_network_quality's example names.
                if let Some(uuid) = text(examples.operation_parameter("list_network_quality", "confuuid")) {
                    live.conf_uuid = uuid;
                }
                // The interpreter groups set_interpreter_group's example sets: their channels
                // exist for set_attendee_lan_channel's example.
                if let Some(groups) = examples
                    .body("set_interpreter_group")
                    .and_then(|b| serde_json::from_value::<crate::types::RestSetInterpreterGroupBody>(b.clone()).ok())
                {
                    live.controls.interpreter_groups = groups.interpreter_groups;
                }
            }
        }
        self.meetings.insert(conference_id, meeting);
        events
    }
}
