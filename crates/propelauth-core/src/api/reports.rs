//! User and org insight reports and chart metrics of the backend API.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::ApiError;
use super::answer;
use super::call::{Call, route};
use crate::Auth;

/// The period a report covers. Which periods a report accepts depends on the report:
/// churn `7`/`14`/`30` days; growth, attrition, top inviters and champions `30`/`60`/`90`
/// days; re-engagement weekly or monthly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ReportInterval {
    /// `"7"` days.
    #[serde(rename = "7")]
    SevenDays,
    /// `"14"` days.
    #[serde(rename = "14")]
    FourteenDays,
    /// `"30"` days.
    #[serde(rename = "30")]
    ThirtyDays,
    /// `"60"` days.
    #[serde(rename = "60")]
    SixtyDays,
    /// `"90"` days.
    #[serde(rename = "90")]
    NinetyDays,
    /// `"Weekly"`.
    Weekly,
    /// `"Monthly"`.
    Monthly,
}

impl ReportInterval {
    /// The value sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SevenDays => "7",
            Self::FourteenDays => "14",
            Self::ThirtyDays => "30",
            Self::SixtyDays => "60",
            Self::NinetyDays => "90",
            Self::Weekly => "Weekly",
            Self::Monthly => "Monthly",
        }
    }
}

impl fmt::Display for ReportInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Period and paging of a report. Nothing is sent by default (the service's defaults
/// apply); any value set is sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportOptions {
    /// The period the report covers.
    pub report_interval: Option<ReportInterval>,
    /// Page size.
    pub page_size: Option<u64>,
    /// Page number, from 0.
    pub page_number: Option<u64>,
}

/// An org a user of a report belongs to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ReportOrgMembership {
    /// The org's id.
    pub org_id: Option<String>,
    /// The org's name.
    pub display_name: Option<String>,
    /// The user's role in the org.
    pub user_role: Option<String>,
}

/// One user of a user report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct UserReportRecord {
    /// The record's id.
    pub id: Option<String>,
    /// The report's id.
    pub report_id: Option<String>,
    /// The user's id.
    pub user_id: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Username.
    pub username: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Last activity, seconds since the Unix epoch.
    pub last_active_at: Option<i64>,
    /// The user's creation time, seconds since the Unix epoch.
    pub user_created_at: Option<i64>,
    /// The user's orgs (absent or `null` → empty).
    #[serde(deserialize_with = "answer::records")]
    pub org_data: Vec<ReportOrgMembership>,
    /// Figures specific to the report (for example the number of invites).
    pub extra_properties: Option<Map<String, Value>>,
}

/// One org of an org report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct OrgReportRecord {
    /// The record's id.
    pub id: Option<String>,
    /// The report's id.
    pub report_id: Option<String>,
    /// The org's id.
    pub org_id: Option<String>,
    /// The org's name.
    pub name: Option<String>,
    /// Number of members.
    pub num_users: Option<u64>,
    /// The org's creation time, seconds since the Unix epoch.
    pub org_created_at: Option<i64>,
    /// Figures specific to the report (for example the growth).
    pub extra_properties: Option<Map<String, Value>>,
}

/// One page of a user report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct UserReport {
    /// The users on this page.
    #[serde(deserialize_with = "answer::records")]
    pub user_reports: Vec<UserReportRecord>,
    /// This page's number (from 0).
    pub current_page: Option<u64>,
    /// How many users the report has in all.
    pub total_count: Option<u64>,
    /// The page size.
    pub page_size: Option<u64>,
    /// Whether a next page exists.
    pub has_more_results: Option<bool>,
    /// When the report was computed, seconds since the Unix epoch.
    pub report_time: Option<i64>,
}

/// One page of an org report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct OrgReport {
    /// The orgs on this page.
    #[serde(deserialize_with = "answer::records")]
    pub org_reports: Vec<OrgReportRecord>,
    /// This page's number (from 0).
    pub current_page: Option<u64>,
    /// How many orgs the report has in all.
    pub total_count: Option<u64>,
    /// The page size.
    pub page_size: Option<u64>,
    /// Whether a next page exists.
    pub has_more_results: Option<bool>,
    /// When the report was computed, seconds since the Unix epoch.
    pub report_time: Option<i64>,
}

/// The figure a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChartMetric {
    /// New users (`signups`).
    Signups,
    /// New orgs (`orgs_created`).
    OrgsCreated,
    /// Active users (`active_users`).
    ActiveUsers,
    /// Active orgs (`active_orgs`).
    ActiveOrgs,
}

impl ChartMetric {
    /// The value used in the path.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Signups => "signups",
            Self::OrgsCreated => "orgs_created",
            Self::ActiveUsers => "active_users",
            Self::ActiveOrgs => "active_orgs",
        }
    }
}

impl fmt::Display for ChartMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How chart data points are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ChartMetricCadence {
    /// One point a day (`Daily`).
    Daily,
    /// One point a week (`Weekly`).
    Weekly,
    /// One point a month (`Monthly`).
    Monthly,
}

impl ChartMetricCadence {
    /// The value sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "Daily",
            Self::Weekly => "Weekly",
            Self::Monthly => "Monthly",
        }
    }
}

impl fmt::Display for ChartMetricCadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Cadence and range of [`Auth::fetch_chart_metric_data`]. Nothing is sent by default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartMetricOptions {
    /// How points are grouped.
    pub cadence: Option<ChartMetricCadence>,
    /// First day, ISO form (`2025-01-01`).
    pub start_date: Option<String>,
    /// Last day, ISO form (`2025-01-31`).
    pub end_date: Option<String>,
}

/// One point of a chart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ChartDataPoint {
    /// The day the point starts, ISO form (UTC).
    pub date: Option<String>,
    /// The figure.
    pub result: Option<i64>,
    /// Whether the period is over (the last point may be partial).
    pub cadence_completed: Option<bool>,
}

/// The points of a chart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ChartData {
    /// The figure shown, as the service names it.
    pub chart_type: Option<String>,
    /// The grouping, as the service names it (`Daily`, `Weekly`, `Monthly`).
    pub cadence: Option<String>,
    /// The points, oldest first.
    #[serde(deserialize_with = "answer::records")]
    pub metrics: Vec<ChartDataPoint>,
}

impl Auth {
    /// The users who invited the most others.
    pub fn fetch_user_top_inviter_report(
        &self,
        options: &ReportOptions,
    ) -> Result<UserReport, ApiError> {
        report(self, route!("/user_report/top_inviter"), options)
    }

    /// The most active users.
    pub fn fetch_user_champion_report(
        &self,
        options: &ReportOptions,
    ) -> Result<UserReport, ApiError> {
        report(self, route!("/user_report/champion"), options)
    }

    /// The users who stopped being active.
    pub fn fetch_user_churn_report(&self, options: &ReportOptions) -> Result<UserReport, ApiError> {
        report(self, route!("/user_report/churn"), options)
    }

    /// The users who came back after a pause.
    pub fn fetch_user_reengagement_report(
        &self,
        options: &ReportOptions,
    ) -> Result<UserReport, ApiError> {
        report(self, route!("/user_report/reengagement"), options)
    }

    /// The orgs that stopped being active.
    pub fn fetch_org_churn_report(&self, options: &ReportOptions) -> Result<OrgReport, ApiError> {
        report(self, route!("/org_report/churn"), options)
    }

    /// The orgs that came back after a pause.
    pub fn fetch_org_reengagement_report(
        &self,
        options: &ReportOptions,
    ) -> Result<OrgReport, ApiError> {
        report(self, route!("/org_report/reengagement"), options)
    }

    /// The orgs that gained the most members.
    pub fn fetch_org_growth_report(&self, options: &ReportOptions) -> Result<OrgReport, ApiError> {
        report(self, route!("/org_report/growth"), options)
    }

    /// The orgs that lost the most members.
    pub fn fetch_org_attrition_report(
        &self,
        options: &ReportOptions,
    ) -> Result<OrgReport, ApiError> {
        report(self, route!("/org_report/attrition"), options)
    }

    /// The points of the chart of `chart_metric`.
    pub fn fetch_chart_metric_data(
        &self,
        chart_metric: ChartMetric,
        options: &ChartMetricOptions,
    ) -> Result<ChartData, ApiError> {
        let call = Call::get(
            route!("/chart_metrics/{chart_metric}"),
            &[chart_metric.as_str()],
        )
        .query_opt("cadence", options.cadence)
        .query_opt("start_date", options.start_date.as_deref())
        .query_opt("end_date", options.end_date.as_deref());
        self.send(call)?.into_json()
    }
}

/// One page of the report at `path`.
fn report<T: DeserializeOwned>(
    auth: &Auth,
    route: &'static str,
    options: &ReportOptions,
) -> Result<T, ApiError> {
    let call = Call::get(route, &[])
        .query_opt("report_interval", options.report_interval)
        .query_opt("page_size", options.page_size)
        .query_opt("page_number", options.page_number);
    auth.send(call)?.into_json()
}
