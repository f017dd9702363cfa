//! The days a recurrence pattern falls on, as a `CalendarView` expands a series: daily, weekly,
//! absolute and relative monthly and yearly patterns, bounded by the range's end date or number
//! of occurrences. Task patterns (`…Regeneration`) have no fixed days and give none.
//!
//! Days are counted from the range's start date; an absolute monthly or yearly day past the end
//! of a short month falls on its last day, as in Outlook. Each occurrence has an index (0 for the
//! first of the series), which stays the same whatever window is asked for; EWS's
//! `InstanceIndex` is that index plus one. The simulator expands series with it, and the EWS
//! backend finds the `InstanceIndex` of the occurrence it changes.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::ews::{DayOfWeek, DayOfWeekIndex, Month, Recurrence, RecurrencePattern, RecurrenceRange};

/// Whether `wd` is one of the days `day` names (`Day`, `Weekday`, `WeekendDay` name several).
fn names(day: DayOfWeek, wd: Weekday) -> bool {
    match day {
        DayOfWeek::Sunday => wd == Weekday::Sun,
        DayOfWeek::Monday => wd == Weekday::Mon,
        DayOfWeek::Tuesday => wd == Weekday::Tue,
        DayOfWeek::Wednesday => wd == Weekday::Wed,
        DayOfWeek::Thursday => wd == Weekday::Thu,
        DayOfWeek::Friday => wd == Weekday::Fri,
        DayOfWeek::Saturday => wd == Weekday::Sat,
        DayOfWeek::Day => true,
        DayOfWeek::Weekday => !matches!(wd, Weekday::Sat | Weekday::Sun),
        DayOfWeek::WeekendDay => matches!(wd, Weekday::Sat | Weekday::Sun),
    }
}

fn month_number(m: Month) -> u32 {
    match m {
        Month::January => 1,
        Month::February => 2,
        Month::March => 3,
        Month::April => 4,
        Month::May => 5,
        Month::June => 6,
        Month::July => 7,
        Month::August => 8,
        Month::September => 9,
        Month::October => 10,
        Month::November => 11,
        Month::December => 12,
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt()).map_or(28, |d| d.day())
}

/// Whether `d` is the `index`-th day named `day` in its month.
fn is_nth(d: NaiveDate, day: DayOfWeek, index: DayOfWeekIndex) -> bool {
    let matching: Vec<u32> = (1..=days_in_month(d.year(), d.month()))
        .filter(|n| NaiveDate::from_ymd_opt(d.year(), d.month(), *n).is_some_and(|x| names(day, x.weekday())))
        .collect();
    let pick = match index {
        DayOfWeekIndex::First => matching.first(),
        DayOfWeekIndex::Second => matching.get(1),
        DayOfWeekIndex::Third => matching.get(2),
        DayOfWeekIndex::Fourth => matching.get(3),
        DayOfWeekIndex::Last => matching.last(),
    };
    pick == Some(&d.day())
}

/// Whether `d` is day `day_of_month` of its month (the last day when the month is shorter).
fn is_day_of_month(d: NaiveDate, day_of_month: u32) -> bool {
    d.day() == day_of_month.min(days_in_month(d.year(), d.month()))
}

fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month())
}

/// Whether the pattern, started on `start`, falls on `d` (`d` not before `start`).
fn falls_on(pattern: &RecurrencePattern, start: NaiveDate, d: NaiveDate) -> bool {
    let every = |interval: u32, units: i64| units % i64::from(interval.max(1)) == 0;
    match pattern {
        RecurrencePattern::Daily { interval } => every(*interval, (d - start).num_days()),
        RecurrencePattern::Weekly { interval, days_of_week, first_day_of_week } => {
            let first = first_day_of_week.unwrap_or(DayOfWeek::Sunday);
            let week_start = |x: NaiveDate| {
                let back = (0..7).find(|n| names(first, (x - chrono::Days::new(*n)).weekday())).unwrap_or(0);
                x - chrono::Days::new(back)
            };
            days_of_week.0.iter().any(|day| names(*day, d.weekday()))
                && every(*interval, (week_start(d) - week_start(start)).num_days() / 7)
        }
        RecurrencePattern::AbsoluteMonthly { interval, day_of_month } => {
            every(*interval, months_between(start, d)) && is_day_of_month(d, *day_of_month)
        }
        RecurrencePattern::RelativeMonthly { interval, days_of_week, day_of_week_index } => {
            every(*interval, months_between(start, d)) && is_nth(d, *days_of_week, *day_of_week_index)
        }
        RecurrencePattern::AbsoluteYearly { day_of_month, month } => {
            d.month() == month_number(*month) && is_day_of_month(d, *day_of_month)
        }
        RecurrencePattern::RelativeYearly { days_of_week, day_of_week_index, month } => {
            d.month() == month_number(*month) && is_nth(d, *days_of_week, *day_of_week_index)
        }
        RecurrencePattern::DailyRegeneration { .. }
        | RecurrencePattern::WeeklyRegeneration { .. }
        | RecurrencePattern::MonthlyRegeneration { .. }
        | RecurrencePattern::YearlyRegeneration { .. } => false,
    }
}

/// How far past its start a series is expanded at most (a pattern that never falls on a day, such
/// as a task's, ends there).
const MAX_SPAN_DAYS: u64 = 200 * 366;

/// Every occurrence of `recurrence`, as (index in the series, day), in order.
fn all_days(recurrence: &Recurrence) -> impl Iterator<Item = (u32, NaiveDate)> + '_ {
    let start = recurrence.range.start_date().date;
    let (last, count) = match &recurrence.range {
        RecurrenceRange::NoEnd { .. } => (None, None),
        RecurrenceRange::EndDate { end_date, .. } => (Some(end_date.date), None),
        RecurrenceRange::Numbered { number_of_occurrences, .. } => (None, Some(*number_of_occurrences)),
    };
    let cap = start.checked_add_days(chrono::Days::new(MAX_SPAN_DAYS)).unwrap_or(NaiveDate::MAX);
    let last = last.map_or(cap, |l| l.min(cap));
    start
        .iter_days()
        .take_while(move |d| *d <= last)
        .filter(move |d| falls_on(&recurrence.pattern, start, *d))
        .zip(0u32..)
        .map(|(d, i)| (i, d))
        .take_while(move |(i, _)| count.is_none_or(|n| *i < n))
}

/// The occurrences of `recurrence` on or before `until`, as (index in the series, day), in order.
#[cfg_attr(not(feature = "sim"), allow(dead_code))] // the simulator's calendar view
pub(crate) fn occurrence_days(recurrence: &Recurrence, until: NaiveDate) -> Vec<(u32, NaiveDate)> {
    all_days(recurrence).take_while(|(_, d)| *d <= until).collect()
}

/// The day of occurrence `index` of `recurrence`, if the series has one.
pub(crate) fn occurrence_day(recurrence: &Recurrence, index: u32) -> Option<NaiveDate> {
    all_days(recurrence).find(|(i, _)| *i == index).map(|(_, d)| d)
}

/// The index of the occurrence of `recurrence` on `day`, if the series has one that day.
pub(crate) fn occurrence_index(recurrence: &Recurrence, day: NaiveDate) -> Option<u32> {
    all_days(recurrence).take_while(|(_, d)| *d <= day).find(|(_, d)| *d == day).map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::{DaysOfWeek, EwsDate};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn days(pattern: RecurrencePattern, range: RecurrenceRange, until: &str) -> Vec<String> {
        occurrence_days(&Recurrence { pattern, range }, day(until)).into_iter().map(|(_, d)| d.to_string()).collect()
    }

    fn from(s: &str) -> EwsDate {
        EwsDate::parse(s).unwrap()
    }

    #[test]
    fn daily_and_weekly() {
        let numbered = |n| RecurrenceRange::Numbered { start_date: from("2027-03-01"), number_of_occurrences: n };
        assert_eq!(
            days(RecurrencePattern::Daily { interval: 2 }, numbered(3), "2030-01-01"),
            ["2027-03-01", "2027-03-03", "2027-03-05"]
        );
        let weekly = |interval| RecurrencePattern::Weekly {
            interval,
            days_of_week: DaysOfWeek::new([DayOfWeek::Monday, DayOfWeek::Wednesday]),
            first_day_of_week: Some(DayOfWeek::Monday),
        };
        // 2027-03-01 is a Monday.
        assert_eq!(
            days(weekly(1), numbered(4), "2030-01-01"),
            ["2027-03-01", "2027-03-03", "2027-03-08", "2027-03-10"]
        );
        assert_eq!(
            days(weekly(2), numbered(4), "2030-01-01"),
            ["2027-03-01", "2027-03-03", "2027-03-15", "2027-03-17"]
        );
        // The window cuts a series without end; indexes count from the series' start.
        let no_end = RecurrenceRange::NoEnd { start_date: from("2027-03-01") };
        let all = occurrence_days(&Recurrence { pattern: weekly(1), range: no_end }, day("2027-03-09"));
        assert_eq!(all.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 1, 2]);
        let series = Recurrence { pattern: weekly(1), range: numbered(4) };
        assert_eq!(occurrence_day(&series, 3).map(|d| d.to_string()).as_deref(), Some("2027-03-10"));
        assert_eq!(occurrence_day(&series, 4), None);
    }

    #[test]
    fn monthly_and_yearly() {
        let until = |end: &str| RecurrenceRange::EndDate { start_date: from("2027-01-31"), end_date: from(end) };
        assert_eq!(
            days(
                RecurrencePattern::AbsoluteMonthly { interval: 1, day_of_month: 31 },
                until("2027-04-30"),
                "2030-01-01"
            ),
            ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]
        );
        let second_tuesday = RecurrencePattern::RelativeMonthly {
            interval: 2,
            days_of_week: DayOfWeek::Tuesday,
            day_of_week_index: DayOfWeekIndex::Second,
        };
        assert_eq!(days(second_tuesday, until("2027-06-30"), "2030-01-01"), ["2027-03-09", "2027-05-11"]);
        let last_weekday = RecurrencePattern::RelativeMonthly {
            interval: 1,
            days_of_week: DayOfWeek::Weekday,
            day_of_week_index: DayOfWeekIndex::Last,
        };
        assert_eq!(days(last_weekday, until("2027-02-28"), "2030-01-01"), ["2027-02-26"]);
        let no_end = || RecurrenceRange::NoEnd { start_date: from("2027-01-01") };
        assert_eq!(
            days(
                RecurrencePattern::AbsoluteYearly { day_of_month: 29, month: Month::February },
                no_end(),
                "2029-12-31"
            ),
            ["2027-02-28", "2028-02-29", "2029-02-28"]
        );
        let last_sunday_of_october = RecurrencePattern::RelativeYearly {
            days_of_week: DayOfWeek::Sunday,
            day_of_week_index: DayOfWeekIndex::Last,
            month: Month::October,
        };
        assert_eq!(days(last_sunday_of_october, no_end(), "2028-12-31"), ["2027-10-31", "2028-10-29"]);
        assert!(days(RecurrencePattern::DailyRegeneration { interval: 1 }, no_end(), "2027-02-01").is_empty());
        let task = Recurrence { pattern: RecurrencePattern::DailyRegeneration { interval: 1 }, range: no_end() };
        assert_eq!(occurrence_day(&task, 0), None);
    }

    #[test]
    fn indexes_are_found_by_day() {
        let r = Recurrence {
            pattern: RecurrencePattern::Daily { interval: 2 },
            range: RecurrenceRange::Numbered { start_date: from("2027-03-01"), number_of_occurrences: 3 },
        };
        assert_eq!(occurrence_index(&r, day("2027-03-01")), Some(0));
        assert_eq!(occurrence_index(&r, day("2027-03-05")), Some(2));
        assert_eq!(occurrence_index(&r, day("2027-03-02")), None);
        assert_eq!(occurrence_index(&r, day("2027-03-07")), None, "past the count");
        assert_eq!(occurrence_day(&r, 2), Some(day("2027-03-05")));
    }
}
