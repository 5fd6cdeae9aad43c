//! The dashboard's statistics per day or month, derived from the meetings held: meetings and
//! their minutes, who attended, the rooms' use, the people who attended.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};

use super::Meetings;
use super::metrics::refused;
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::simulator::wire::{Failure, int32, page};
use crate::types::{
    SearchStatisticConferenceInfoResponse, SearchStatisticConferenceParticipantResponse,
    SearchStatisticResourceInfoResponse, SearchStatisticUserInfoResponse, StatisticConferenceDataItem,
    StatisticParticipateDataItem, StatisticResourceDataItem, StatisticUserDataItem,
};

/// The buckets between `start` and `end`: days (`D`, `yyyy-MM-dd`, 31 at most) or months
/// (`M`, `yyyy-MM`, 12 at most), each with its label and span.
fn buckets(unit: &str, start: &str, end: &str) -> Result<Vec<(String, NaiveDate, NaiveDate)>, Failure> {
    let parse = |text: &str| {
        let full = if unit == "M" {
            format!("{text}-01")
        } else {
            text.to_owned()
        };
        NaiveDate::parse_from_str(&full, "%Y-%m-%d").map_err(|_| {
            refused(
                "MBI.104000007",
                format!(
                    "{text:?} is not a {} date",
                    if unit == "M" { "yyyy-MM" } else { "yyyy-MM-dd" }
                ),
            )
        })
    };
    let (from, to) = (parse(start)?, parse(end)?);
    if to < from {
        return Err(refused("MBI.104000003", "endTime is before startTime"));
    }
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        let next = if unit == "M" {
            NaiveDate::from_ymd_opt(day.year() + i32::from(day.month() == 12), day.month() % 12 + 1, 1)
                .expect("a month")
        } else {
            day + Duration::days(1)
        };
        let label = if unit == "M" {
            day.format("%Y-%m")
        } else {
            day.format("%Y-%m-%d")
        }
        .to_string();
        out.push((label, day, next));
        day = next;
    }
    let most = if unit == "M" { 12 } else { 31 };
    if out.len() > most {
        return Err(refused(
            "MBI.104000008",
            format!("at most {most} {} at once", if unit == "M" { "months" } else { "days" }),
        ));
    }
    Ok(out)
}

impl Meetings {
    /// The holdings that started in [from, to), UTC.
    fn held_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<&super::history::HeldMeeting> {
        self.history
            .all()
            .filter(|h| (from..to).contains(&h.started.date_naive()))
            .collect()
    }
}

fn paged<T>(items: Vec<T>, offset: Option<i32>, limit: Option<i32>) -> (i64, i64, usize, Vec<T>) {
    let (offset, limit) = page(offset, limit, 20);
    let count = items.len();
    let page = items.into_iter().skip(offset as usize).take(limit as usize).collect();
    (offset, limit, count, page)
}

/// Per day or month: meetings held, their minutes and participants.
impl Handle<input::SearchStatisticConferenceInfo> for Meetings {
    fn handle(
        &mut self,
        _: &mut Context<'_>,
        input: input::SearchStatisticConferenceInfo,
    ) -> Answer<SearchStatisticConferenceInfoResponse> {
        let items: Vec<StatisticConferenceDataItem> =
            buckets(&input.time_unit.to_string(), &input.start_time, &input.end_time)?
                .into_iter()
                .map(|(label, from, to)| {
                    let held = self.held_between(from, to);
                    let minutes: i64 = held.iter().map(|h| (h.ended - h.started).num_minutes()).sum();
                    let attendees: usize = held.iter().map(|h| h.attendance.len()).sum();
                    StatisticConferenceDataItem {
                        time: Some(label),
                        conf_count: Some(held.len().to_string()),
                        conf_duration: Some(minutes.to_string()),
                        attendee_count: Some(attendees.to_string()),
                        ..StatisticConferenceDataItem::default()
                    }
                })
                .collect();
        let (offset, limit, count, data) = paged(items, input.offset, input.limit);
        Ok(SearchStatisticConferenceInfoResponse {
            offset: Some(offset as i32),
            limit: Some(limit as i32),
            count: Some(int32(count)),
            data,
        })
    }
}

/// Per person who attended in the period: meetings and minutes.
impl Handle<input::SearchStatisticConferenceParticipant> for Meetings {
    fn handle(
        &mut self,
        _: &mut Context<'_>,
        input: input::SearchStatisticConferenceParticipant,
    ) -> Answer<SearchStatisticConferenceParticipantResponse> {
        let spans = buckets(&input.time_unit.to_string(), &input.start_time, &input.end_time)?;
        let (from, to) = (spans[0].1, spans[spans.len() - 1].2);
        let mut people: BTreeMap<String, (usize, i64)> = BTreeMap::new();
        for held in self.held_between(from, to) {
            for r in &held.attendance {
                let minutes = (r.left_time.unwrap_or(0) - r.join_time.unwrap_or(0)) / 60_000;
                let entry = people.entry(r.display_name.clone().unwrap_or_default()).or_default();
                entry.0 += 1;
                entry.1 += minutes.max(0);
            }
        }
        let items = people
            .into_iter()
            .map(|(name, (count, minutes))| StatisticParticipateDataItem {
                conf_user_name: Some(name),
                conf_user_count: Some(count.to_string()),
                conf_user_duration: Some(minutes.to_string()),
                ..StatisticParticipateDataItem::default()
            })
            .collect();
        let (offset, limit, count, data) = paged(items, input.offset, input.limit);
        Ok(SearchStatisticConferenceParticipantResponse {
            offset: Some(offset as i32),
            limit: Some(limit as i32),
            count: Some(int32(count)),
            data,
        })
    }
}

/// Per day or month: the rooms' parties (10 each) and no recording, PSTN or live use.
impl Handle<input::SearchStatisticResourceInfo> for Meetings {
    fn handle(
        &mut self,
        _: &mut Context<'_>,
        input: input::SearchStatisticResourceInfo,
    ) -> Answer<SearchStatisticResourceInfoResponse> {
        let items = buckets(&input.time_unit.to_string(), &input.start_time, &input.end_time)?
            .into_iter()
            .map(|(label, from, to)| StatisticResourceDataItem {
                time: Some(label),
                vmr_parties: Some("10".into()),
                max_concurrency_vmr_count: Some(self.held_between(from, to).len().min(1).to_string()),
                record_used_size: Some("0".into()),
                pstn_used_duration: Some("0".into()),
                live_port_used_count: Some("0".into()),
            })
            .collect();
        let (offset, limit, count, data) = paged(items, input.offset, input.limit);
        Ok(SearchStatisticResourceInfoResponse {
            offset: Some(offset as i32),
            limit: Some(limit as i32),
            count: Some(int32(count)),
            data,
        })
    }
}

/// Per day or month: the people who attended (the simulator counts attendance, not
/// sign-ins, as the logins: all from PCs).
impl Handle<input::SearchStatisticUserInfo> for Meetings {
    fn handle(
        &mut self,
        _: &mut Context<'_>,
        input: input::SearchStatisticUserInfo,
    ) -> Answer<SearchStatisticUserInfoResponse> {
        let items = buckets(&input.time_unit.to_string(), &input.start_time, &input.end_time)?
            .into_iter()
            .map(|(label, from, to)| {
                let mut names: Vec<String> = self
                    .held_between(from, to)
                    .iter()
                    .flat_map(|h| h.attendance.iter().filter_map(|r| r.display_name.clone()))
                    .collect();
                names.sort();
                names.dedup();
                StatisticUserDataItem {
                    time: Some(label),
                    user_login_count: Some(names.len().to_string()),
                    user_pc_login_count: Some(names.len().to_string()),
                    user_mobile_login_count: Some("0".into()),
                    user_activated_count: Some(names.len().to_string()),
                    ..StatisticUserDataItem::default()
                }
            })
            .collect();
        let (offset, limit, count, data) = paged(items, input.offset, input.limit);
        Ok(SearchStatisticUserInfoResponse {
            offset: Some(offset as i32),
            limit: Some(limit as i32),
            count: Some(int32(count)),
            data,
        })
    }
}
