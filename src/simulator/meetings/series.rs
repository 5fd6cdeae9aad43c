//! The days of a recurring series, computed as the service does.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::simulator::wire::{Failure, bad_request};

/// Sub-meetings of a series at most.
const MAX_SUB_MEETINGS: usize = 50;

fn date(value: &str, field: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| bad_request(format!("cycleParams.{field} {value:?} is not a date (YYYY-MM-DD)")))
}

/// The days of a series, as the service computes them (at most 50).
pub(super) fn sub_meeting_dates(cycle: &crate::types::CycleParams) -> Result<Vec<NaiveDate>, Failure> {
    use crate::types::CycleParamsCycle as Cycle;
    let start = date(&cycle.start_date, "startDate")?;
    let end = date(&cycle.end_date, "endDate")?;
    if end < start {
        return Err(bad_request("cycleParams.endDate is before startDate"));
    }
    if end > start.checked_add_months(Months::new(12)).unwrap_or(start) {
        return Err(bad_request("cycleParams.endDate is more than one year after startDate"));
    }
    let interval = cycle.interval.unwrap_or(1).max(1) as u32;
    let (max_interval, unit) = match cycle.cycle {
        Cycle::Day => (15, "Day"),
        Cycle::Week => (5, "Week"),
        Cycle::Month => (3, "Month"),
    };
    if interval > max_interval {
        return Err(bad_request(format!(
            "cycleParams.interval {interval} is more than {max_interval} for {unit}"
        )));
    }
    let mut dates = Vec::new();
    match cycle.cycle {
        Cycle::Day => {
            let mut day = start;
            while day <= end && dates.len() < MAX_SUB_MEETINGS {
                dates.push(day);
                day = day + Days::new(u64::from(interval));
            }
        }
        Cycle::Week => {
            let weekdays: Vec<u32> = if cycle.point.is_empty() {
                vec![start.weekday().num_days_from_sunday()]
            } else {
                cycle.point.iter().map(|p| *p as u32).collect()
            };
            if weekdays.iter().any(|d| *d > 6) {
                return Err(bad_request("cycleParams.point must be 0 (Sunday) to 6 for Week"));
            }
            let mut week_start = start - Days::new(u64::from(start.weekday().num_days_from_sunday()));
            while week_start <= end && dates.len() < MAX_SUB_MEETINGS {
                for offset in 0..7 {
                    let day = week_start + Days::new(offset);
                    if weekdays.contains(&(offset as u32))
                        && day >= start
                        && day <= end
                        && dates.len() < MAX_SUB_MEETINGS
                    {
                        dates.push(day);
                    }
                }
                week_start = week_start + Days::new(7 * u64::from(interval));
            }
        }
        Cycle::Month => {
            let days: Vec<u32> = if cycle.point.is_empty() {
                vec![start.day()]
            } else {
                cycle.point.iter().map(|p| *p as u32).collect()
            };
            if days.iter().any(|d| !(1..=31).contains(d)) {
                return Err(bad_request("cycleParams.point must be 1 to 31 for Month"));
            }
            let mut month = start.with_day(1).expect("day 1 exists");
            while month <= end && dates.len() < MAX_SUB_MEETINGS {
                let last = (month + Months::new(1))
                    .pred_opt()
                    .expect("a month has a last day")
                    .day();
                let mut in_month: Vec<NaiveDate> = days
                    .iter()
                    .map(|d| month.with_day((*d).min(last)).expect("clamped day exists"))
                    .collect();
                in_month.sort();
                in_month.dedup();
                for day in in_month {
                    if day >= start && day <= end && dates.len() < MAX_SUB_MEETINGS {
                        dates.push(day);
                    }
                }
                month = month + Months::new(interval);
            }
        }
    }
    if dates.is_empty() {
        return Err(bad_request("the series has no meeting between startDate and endDate"));
    }
    Ok(dates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{CycleParams, CycleParamsCycle};

    fn cycle(kind: CycleParamsCycle, start: &str, end: &str, interval: i32, point: Vec<i32>) -> CycleParams {
        CycleParams::builder()
            .cycle(kind)
            .start_date(start)
            .end_date(end)
            .interval(interval)
            .point(point)
            .pre_remind_days(1)
            .try_into()
            .unwrap()
    }

    fn days(c: &CycleParams) -> Vec<String> {
        sub_meeting_dates(c)
            .unwrap_or_default()
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn series_dates_follow_the_cycle() {
        assert_eq!(
            days(&cycle(CycleParamsCycle::Day, "2021-09-01", "2021-09-02", 1, vec![])),
            ["2021-09-01", "2021-09-02"]
        );
        assert_eq!(
            days(&cycle(CycleParamsCycle::Day, "2021-09-01", "2021-09-07", 3, vec![])),
            ["2021-09-01", "2021-09-04", "2021-09-07"]
        );
        // 2026-11-23 is a Monday: Mondays and Wednesdays of two weeks.
        assert_eq!(
            days(&cycle(
                CycleParamsCycle::Week,
                "2026-11-23",
                "2026-12-04",
                1,
                vec![1, 3]
            )),
            ["2026-11-23", "2026-11-25", "2026-11-30", "2026-12-02"]
        );
        // Day 31 of a shorter month means its last day.
        assert_eq!(
            days(&cycle(CycleParamsCycle::Month, "2027-01-31", "2027-03-31", 1, vec![31])),
            ["2027-01-31", "2027-02-28", "2027-03-31"]
        );
        assert_eq!(
            sub_meeting_dates(&cycle(CycleParamsCycle::Day, "2026-01-01", "2026-12-31", 1, vec![]))
                .unwrap()
                .len(),
            MAX_SUB_MEETINGS
        );
        assert!(sub_meeting_dates(&cycle(CycleParamsCycle::Day, "2026-01-02", "2026-01-01", 1, vec![])).is_err());
        assert!(sub_meeting_dates(&cycle(CycleParamsCycle::Week, "2026-01-01", "2026-02-01", 6, vec![])).is_err());
    }
}
