//! Console settings: what each key means, its default, and the admin page that changes
//! them (`GET/POST /console/settings`).
//!
//! The store keeps text under keys; [`ConsoleSettings`] is the one place that reads it, so
//! the rest of the console asks for `settings.require_second_approval`, not a string.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::staff::Action;
use madoguchi_store::{Role, Setting, Store, StoreError};

use super::frame::Frame;
use super::staff::Staff;
use crate::AppError;
use crate::AppState;
use crate::http::form::FormData;

/// Whether publishing needs a second person's approval.
pub const REQUIRE_SECOND_APPROVAL: &str = "require_second_approval";
/// How many days after its last check a program counts as stale.
pub const STALE_AFTER_DAYS: &str = "stale_after_days";

const MAX_STALE_AFTER_DAYS: u32 = 3650;

/// Every console setting, each with its default where never set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsoleSettings {
    pub require_second_approval: bool,
    pub stale_after_days: u32,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        Self {
            require_second_approval: false,
            stale_after_days: 90,
        }
    }
}

impl ConsoleSettings {
    /// The settings as stored now; a stored value that no longer reads keeps its default.
    pub async fn load(store: &Store) -> Result<Self, StoreError> {
        Ok(Self::from_stored(&store.settings().await?))
    }

    fn from_stored(stored: &[Setting]) -> Self {
        let mut settings = Self::default();
        for setting in stored {
            let value = setting.value.trim();
            match setting.key.as_str() {
                REQUIRE_SECOND_APPROVAL => {
                    settings.require_second_approval = value == "true";
                }
                STALE_AFTER_DAYS => match value.parse() {
                    Ok(days) if (1..=MAX_STALE_AFTER_DAYS).contains(&days) => {
                        settings.stale_after_days = days;
                    }
                    _ => tracing::warn!(value, "stored stale_after_days does not read"),
                },
                _ => {}
            }
        }
        settings
    }
}

#[derive(Template)]
#[template(path = "console/settings.html")]
struct SettingsPage {
    frame: Option<Frame>,
    require_second_approval: bool,
    stale_after_days: String,
    error: Option<String>,
    saved: bool,
}

#[derive(Debug, serde::Deserialize)]
pub struct SettingsQuery {
    saved: Option<String>,
}

/// `GET /console/settings` (管理者).
pub async fn show_settings(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<SettingsQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    let settings = ConsoleSettings::load(state.store()).await?;
    let page = SettingsPage {
        frame: Some(staff.frame("/console/settings")),
        require_second_approval: settings.require_second_approval,
        stale_after_days: settings.stale_after_days.to_string(),
        error: None,
        saved: query.is_ok_and(|Query(q)| q.saved.is_some()),
    };
    Ok(Html(page.render()?).into_response())
}

/// `POST /console/settings` (管理者): saves what changed, each change audited.
pub async fn save_settings(
    State(state): State<AppState>,
    staff: Staff,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Admin, &form)?;
    let approval = form.get(REQUIRE_SECOND_APPROVAL) == Some("true");
    let raw_days = form.get(STALE_AFTER_DAYS).unwrap_or_default().trim();
    let Some(days) = parse_days(raw_days) else {
        let page = SettingsPage {
            frame: Some(staff.frame("/console/settings")),
            require_second_approval: approval,
            stale_after_days: raw_days.to_owned(),
            error: Some(format!(
                "日数は1から{MAX_STALE_AFTER_DAYS}までの半角数字で入力してください。"
            )),
            saved: false,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
    };
    let before = ConsoleSettings::load(state.store()).await?;
    let changes = [
        (
            REQUIRE_SECOND_APPROVAL,
            "公開に別の人の承認を必要とする",
            yes_no(before.require_second_approval),
            yes_no(approval),
            approval.to_string(),
        ),
        (
            STALE_AFTER_DAYS,
            "確認が必要になるまでの日数",
            before.stale_after_days.to_string(),
            days.to_string(),
            days.to_string(),
        ),
    ];
    for (key, label, old, new, stored) in changes {
        if old == new {
            continue;
        }
        state
            .store()
            .set_setting(key, &stored, Some(&staff.account.id))
            .await?;
        staff
            .audit(
                &state,
                Action::SettingChange,
                Some(key),
                format!("{label}：{old} → {new}"),
            )
            .await?;
    }
    Ok(Redirect::to("/console/settings?saved=1").into_response())
}

/// Days as typed, half- or full-width digits.
fn parse_days(raw: &str) -> Option<u32> {
    let digits: String = raw
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    digits
        .parse()
        .ok()
        .filter(|d| (1..=MAX_STALE_AFTER_DAYS).contains(d))
}

fn yes_no(on: bool) -> String {
    if on { "はい" } else { "いいえ" }.to_owned()
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use super::*;

    fn stored(key: &str, value: &str) -> Setting {
        Setting {
            key: key.to_owned(),
            value: value.to_owned(),
            updated_at: OffsetDateTime::UNIX_EPOCH,
            updated_by: None,
        }
    }

    #[test]
    fn unset_or_unreadable_settings_keep_their_defaults() {
        assert_eq!(
            ConsoleSettings::from_stored(&[]),
            ConsoleSettings::default()
        );
        let read = ConsoleSettings::from_stored(&[
            stored(REQUIRE_SECOND_APPROVAL, "true"),
            stored(STALE_AFTER_DAYS, "30"),
        ]);
        assert!(read.require_second_approval);
        assert_eq!(read.stale_after_days, 30);
        let broken = ConsoleSettings::from_stored(&[stored(STALE_AFTER_DAYS, "0")]);
        assert_eq!(broken.stale_after_days, 90);
    }

    #[test]
    fn days_are_read_in_either_width_and_within_range() {
        assert_eq!(parse_days("120"), Some(120));
        assert_eq!(parse_days("１２０"), Some(120));
        for bad in ["", "0", "3651", "九十", "-5", "90日"] {
            assert_eq!(parse_days(bad), None, "{bad}");
        }
    }
}
