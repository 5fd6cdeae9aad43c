//! Network quality of a meeting's participants, and the management site's state.
//!
//! The simulator has no media: each participant's figures are derived from its participant
//! ID (the same ID, the same figures, every time), so a test can rely on them:
//!
//! - `h` = the sum of the ID's bytes;
//! - `delay` = 20 + h mod 60 ms; `jitter` = h mod 10 ms;
//! - `lostPacketRateUp` = h mod 15, `lostPacketRateDown` = (h / 15) mod 15 (per mille);
//! - `bandWidthUp` = 512 + (h mod 8) × 128, `bandWidthDown` = 1024 + (h mod 4) × 256 kbit/s;
//! - `netRate` "5" when both loss rates are at most 3 and the delay under 40 ms, "4" when both
//!   loss rates are at most 8, else "3";
//! - one audio stream each way (OPUS) and one video stream each way (H264, 1280×720, 30 fps).

use super::Meetings;
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::simulator::wire::bad_request;
use crate::types::{MediaQos, MgmtSiteStatusResponse, Qos, RestQosResponse, UserQos};

/// The figures of one participant (see the module's documentation).
fn quality_of(participant_id: &str) -> UserQos {
    let h = participant_id.bytes().map(i32::from).sum::<i32>();
    let delay = 20 + h % 60;
    let (lost_up, lost_down) = (h % 15, (h / 15) % 15);
    let net_rate = match lost_up.max(lost_down) {
        worst if worst <= 3 && delay < 40 => "5",
        worst if worst <= 8 => "4",
        _ => "3",
    };
    let stream = |codec: &str, band_width: i32, lost: i32, video: bool| Qos {
        codec_type: Some(codec.to_owned()),
        band_width: Some(band_width),
        lost_packet_rate: Some(lost),
        delay: Some(delay),
        jitter: Some(h % 10),
        network_quality: Some(net_rate.to_owned()),
        resolution_width: video.then_some(1280),
        resolution_height: video.then_some(720),
        frame_rate: video.then_some(30),
        ..Qos::default()
    };
    let (up, down) = (512 + (h % 8) * 128, 1024 + (h % 4) * 256);
    UserQos {
        participant_id: Some(participant_id.to_owned()),
        net_rate: Some(net_rate.to_owned()),
        band_width_up: Some(up),
        band_width_down: Some(down),
        lost_packet_rate_up: Some(lost_up),
        lost_packet_rate_down: Some(lost_down),
        delay: Some(delay),
        audio_qos: Some(MediaQos {
            up_list: vec![stream("OPUS", 64, lost_up, false)],
            down_list: vec![stream("OPUS", 64, lost_down, false)],
        }),
        video_qos: Some(MediaQos {
            up_list: vec![stream("H264", up - 64, lost_up, true)],
            down_list: vec![stream("H264", down - 64, lost_down, true)],
        }),
        ..UserQos::default()
    }
}

/// Everyone in the meeting, or the participants the body names (each must be in it); the
/// `confuuid` must be this holding's.
impl Handle<input::ListNetworkQuality> for Meetings {
    fn handle(&mut self, _: &mut Context<'_>, input: input::ListNetworkQuality) -> Answer<RestQosResponse> {
        let meeting = self.in_progress_mut(&input.conferenceid)?.0;
        let holding = &meeting.live.as_ref().expect("in progress").conf_uuid;
        if *holding != input.confuuid {
            return Err(bad_request(format!(
                "confuuid {:?} is not the UUID of meeting {}'s holding in progress",
                input.confuuid, meeting.conference_id
            )));
        }
        let present: Vec<&str> = meeting
            .participants
            .iter()
            .filter(|p| p.is_present())
            .filter_map(|p| p.participant_id.as_deref())
            .collect();
        let asked: Vec<&str> = input.body.users.iter().filter_map(|u| u.pid.as_deref()).collect();
        if let Some(unknown) = asked.iter().find(|pid| !present.contains(pid)) {
            return Err(super::unknown_participant(unknown));
        }
        let listed = if asked.is_empty() { present } else { asked };
        Ok(RestQosResponse {
            return_code: Some(0),
            return_desc: Some("Success".into()),
            qos_list: listed.into_iter().map(quality_of).collect(),
        })
    }
}

/// The simulator's management site is always up.
impl Handle<input::ShowMgmtSiteStatus> for Meetings {
    fn handle(&mut self, _: &mut Context<'_>, _: input::ShowMgmtSiteStatus) -> Answer<MgmtSiteStatusResponse> {
        Ok(MgmtSiteStatusResponse {
            status: Some("NORMAL".into()),
            redirect_join_url: Some(String::new()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_follow_the_documented_rule() {
        // "ab": h = 97 + 98 = 195.
        let q = quality_of("ab");
        assert_eq!(q.delay, Some(20 + 195 % 60));
        assert_eq!((q.lost_packet_rate_up, q.lost_packet_rate_down), (Some(0), Some(13)));
        assert_eq!(
            (q.band_width_up, q.band_width_down),
            (Some(512 + 3 * 128), Some(1024 + 3 * 256))
        );
        assert_eq!(q.net_rate.as_deref(), Some("3"), "a loss of 13 per mille");
        assert_eq!(quality_of("ab").delay, q.delay, "the same every time");
    }
}
