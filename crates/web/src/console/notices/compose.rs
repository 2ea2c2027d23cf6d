//! Writing a notice to a segment of the subscribers: `GET/POST /console/notices/new` and
//! `GET/POST /console/notices/{notice}/edit` (a draft), for 職員 and above.
//!
//! The page posts back to itself; its first button (what Enter presses) only shows who the
//! notice would reach now — the count and up to five masked recipients — and never saves.
//! The rule builder's buttons change the page too. 「下書きを保存」 keeps a draft;
//! 「送信する」 saves and sends it on: for another member of staff's approval when the
//! setting 「公開に別の人の承認を必要とする」 is on (as publishing a program is), else
//! straight to the schedule (今すぐ, or a JST date and time). Every save and step is audited
//! with it in one transaction. Whatever is wrong comes back in Japanese beside the control
//! it is about, with everything typed kept.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::calendar::{DayEdge, JstDateTime};
use madoguchi_core::notices::{Segment, SegmentChannel};
use madoguchi_core::staff::{Action, Role};
use madoguchi_store::{
    StaffNotice, StaffNoticeContent, StaffNoticeState, StaffNoticeStep, StoreError,
};
use serde::Deserialize;
use time::OffsetDateTime;

use super::segment::{BY_PROFILE, BY_SEARCH, Preview, SegmentForm, SegmentProblems, preview};
use crate::console::editor::page::FieldView;
use crate::console::editor::rule_form::RuleAction;
use crate::console::editor::rule_view::{Choice, RuleRowsView};
use crate::console::frame::Frame;
use crate::console::programs::moment_label;
use crate::console::settings::ConsoleSettings;
use crate::console::staff::Staff;
use crate::http::clock;
use crate::http::form::FormData;
use crate::{AppError, AppState};

/// The most a compose form may send: a body of 2,000 characters is some 18 KB encoded,
/// and the rule builder's rows add more.
pub const COMPOSE_FORM_BYTES: usize = 256 * 1024;

/// The most characters of a title (it is the e-mail's subject).
pub const MAX_TITLE_CHARS: usize = 80;

/// The most characters of a body: well inside one LINE message (5,000) with the title and
/// the links at the foot.
pub const MAX_BODY_CHARS: usize = 2_000;

/// `now` or `at`, as the schedule's radios post them.
const SEND_NOW: &str = "now";
const SEND_AT: &str = "at";

const CSRF_STALE: &str = "画面の有効期限が切れたか、別の画面から送信されたため、保存していません。入力した内容はこの画面に残っています。内容を確かめて、もう一度ボタンを押してください。";

/// What a button of the page asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ComposeAction {
    /// 「宛先を確かめる」, or no button (Enter).
    Preview,
    Rule(RuleAction),
    Save,
    Submit,
}

impl ComposeAction {
    fn parse(raw: Option<&str>) -> Self {
        match raw.unwrap_or_default() {
            "save" => Self::Save,
            "submit" => Self::Submit,
            other => RuleAction::parse(other).map_or(Self::Preview, Self::Rule),
        }
    }
}

/// Everything typed into the page, as posted.
#[derive(Debug, Clone)]
struct Typed {
    title: String,
    body: String,
    segment: SegmentForm,
    /// [`SEND_NOW`] or [`SEND_AT`].
    when: String,
    send_at: String,
    /// The revision of the draft the page was opened on (empty for a new notice).
    revision: String,
}

impl Typed {
    fn blank() -> Self {
        Self {
            title: String::new(),
            body: String::new(),
            segment: SegmentForm::default(),
            when: SEND_NOW.to_owned(),
            send_at: String::new(),
            revision: String::new(),
        }
    }

    /// A stored draft in the form, and whether its segment still reads (one that does not
    /// comes back blank).
    fn of(notice: &StaffNotice) -> (Self, bool) {
        let segment = Segment::from_json(&notice.segment);
        let readable = segment.is_some();
        let typed = Self {
            title: notice.title.clone(),
            body: notice.body.clone(),
            segment: segment.as_ref().map(SegmentForm::of).unwrap_or_default(),
            when: if notice.scheduled_at.is_some() {
                SEND_AT
            } else {
                SEND_NOW
            }
            .to_owned(),
            send_at: notice
                .scheduled_at
                .map(|at| {
                    let jst = JstDateTime::from_offset(at).as_offset();
                    format!("{}T{:02}:{:02}", jst.date(), jst.hour(), jst.minute())
                })
                .unwrap_or_default(),
            revision: notice.revision(),
        };
        (typed, readable)
    }

    fn read(form: &FormData) -> Result<Self, AppError> {
        let raw = |name: &str| form.get(name).unwrap_or_default().replace("\r\n", "\n");
        Ok(Self {
            title: raw("title").trim().to_owned(),
            body: raw("body").trim_end().to_owned(),
            segment: SegmentForm::read(form).map_err(|e| AppError::BadRequest(e.to_string()))?,
            when: raw("when").trim().to_owned(),
            send_at: raw("send-at").trim().to_owned(),
            revision: raw("revision").trim().to_owned(),
        })
    }
}

/// What is wrong with what was typed, by control.
#[derive(Debug, Clone, Default)]
struct Problems {
    title: Option<String>,
    body: Option<String>,
    when: Option<String>,
    send_at: Option<String>,
    segment: SegmentProblems,
}

impl Problems {
    fn count(&self) -> usize {
        [
            &self.title,
            &self.body,
            &self.when,
            &self.send_at,
            &self.segment.by,
            &self.segment.words,
            &self.segment.channel,
        ]
        .iter()
        .filter(|p| p.is_some())
        .count()
    }
}

/// A notice ready to be kept.
#[derive(Debug, Clone)]
struct Checked {
    segment: Segment,
    scheduled_at: Option<OffsetDateTime>,
}

/// Checks everything typed as of `now`.
fn check(typed: &Typed, now: OffsetDateTime) -> Result<Checked, Box<Problems>> {
    let mut problems = Problems::default();
    let title_chars = typed.title.chars().count();
    if typed.title.is_empty() {
        problems.title = Some("件名を入力してください。".to_owned());
    } else if title_chars > MAX_TITLE_CHARS {
        problems.title = Some(format!(
            "件名は{MAX_TITLE_CHARS}文字以内にしてください（いま{title_chars}文字）。"
        ));
    } else if typed.title.chars().any(char::is_control) {
        problems.title = Some("件名に改行などの制御文字は使えません。".to_owned());
    }
    let body_chars = typed.body.chars().count();
    if typed.body.trim().is_empty() {
        problems.body = Some("本文を入力してください。".to_owned());
    } else if body_chars > MAX_BODY_CHARS {
        problems.body = Some(format!(
            "本文は2,000文字以内にしてください（いま{body_chars}文字）。"
        ));
    } else if typed
        .body
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        problems.body = Some("本文に使えない制御文字が含まれています。".to_owned());
    }
    let scheduled_at = match typed.when.as_str() {
        SEND_NOW => None,
        SEND_AT if typed.send_at.is_empty() => {
            problems.send_at = Some(
                "送信する日時を入力してください（例：2026-04-01T09:00）。今すぐ送るときは「今すぐ」を選びます。"
                    .to_owned(),
            );
            None
        }
        SEND_AT => match JstDateTime::parse(&typed.send_at, DayEdge::Start) {
            Ok(at) if at.as_offset() <= now => {
                problems.send_at = Some(format!(
                    "送信する日時（{}）が過ぎています。これから先の日時を入力するか、「今すぐ」を選んでください。",
                    moment_label(at.as_offset())
                ));
                None
            }
            Ok(at) => Some(at.as_offset()),
            Err(_) => {
                problems.send_at = Some(format!(
                    "送信する日時「{}」を読み取れません。「2026-04-01T09:00」のように、日本時間で入力してください。",
                    typed.send_at
                ));
                None
            }
        },
        _ => {
            problems.when = Some("送信の時期を選んでください。".to_owned());
            None
        }
    };
    let segment = typed.segment.to_segment();
    match segment {
        Ok(segment) if problems.count() == 0 => Ok(Checked {
            segment,
            scheduled_at,
        }),
        Ok(_) => Err(Box::new(problems)),
        Err(segment_problems) => {
            problems.segment = segment_problems;
            Err(Box::new(problems))
        }
    }
}

/// When a notice goes, in words: 「今すぐ（承認されたらすぐ）」 or the moment.
pub(super) fn when_label(at: Option<OffsetDateTime>) -> String {
    at.map_or_else(|| "今すぐ（承認されたらすぐ）".to_owned(), moment_label)
}

/// How one rendering of the page differs from a plain one.
#[derive(Debug, Default)]
struct Shown {
    status: Option<StatusCode>,
    notice: Option<String>,
    alert: Option<String>,
    problems: Problems,
    preview: Option<Preview>,
}

#[derive(Template)]
#[template(path = "console/notices/compose.html")]
struct ComposePage {
    frame: Option<Frame>,
    csrf: String,
    heading: String,
    form_action: String,
    notice_id: Option<String>,
    revision: String,
    notice: Option<String>,
    alert: Option<String>,
    content_fields: Vec<FieldView>,
    by_fields: Vec<FieldView>,
    rule: RuleRowsView,
    search_fields: Vec<FieldView>,
    channel_fields: Vec<FieldView>,
    schedule_fields: Vec<FieldView>,
    preview: Option<Preview>,
    submit_label: &'static str,
    approval_note: &'static str,
}

fn with_error(mut field: FieldView, error: &Option<String>) -> FieldView {
    field.error.clone_from(error);
    field
}

fn required(mut field: FieldView) -> FieldView {
    field.required = true;
    field
}

fn choices(options: &[(&str, &str)], current: &str) -> Vec<Choice> {
    options
        .iter()
        .map(|(value, label)| Choice::new(value, label, *value == current))
        .collect()
}

impl ComposePage {
    fn build(typed: &Typed, problems: &Problems) -> Self {
        let title = FieldView::new("title", "件名", "text", &typed.title).hint(format!(
            "メールの件名とLINEの1行目になります（{MAX_TITLE_CHARS}文字以内）。"
        ));
        let body = FieldView::textarea("body", "本文", &typed.body).hint(
            "やさしい日本語で書いてください（2,000文字以内）。「https://」で始まるアドレスは、開いた数を数えるリンクにして送ります。最後に、お知らせの設定と配信の停止のリンクが付きます。",
        );
        let by = FieldView::new(
            "segment-by",
            "送る相手の選び方",
            "radios",
            &typed.segment.by,
        )
        .options(choices(
            &[
                (BY_PROFILE, "登録者の条件（診断の回答）で選ぶ"),
                (BY_SEARCH, "検索条件で登録した人を、検索語で選ぶ"),
            ],
            &typed.segment.by,
        ));
        let words = FieldView::new("segment-words", "検索語", "text", &typed.segment.words).hint(
            "保存された検索条件に、入力した語がすべて含まれる人に送ります（例：「補助金」なら「ものづくり 補助金」で登録した人にも送ります）。空白で区切ると、すべてを含む人だけに送ります。",
        );
        let mut channel_options = vec![("", "メール・LINEのどちらで登録した人にも送る")];
        channel_options.extend(SegmentChannel::ALL.iter().map(|c| (c.code(), c.label())));
        let channel = FieldView::new(
            "segment-channel",
            "送る経路",
            "select",
            &typed.segment.channel,
        )
        .options(choices(&channel_options, &typed.segment.channel));
        let when = FieldView::new("when", "送信の時期", "radios", &typed.when).options(choices(
            &[
                (SEND_NOW, "今すぐ（承認が必要なときは、承認されたらすぐ）"),
                (SEND_AT, "日時を指定する"),
            ],
            &typed.when,
        ));
        let send_at = FieldView::new(
            "send-at",
            "送信する日時（日本時間）",
            "text",
            &typed.send_at,
        )
        .hint("「日時を指定する」を選んだときに使います。「2026-04-01T09:00」のように入力します。");
        Self {
            frame: None,
            csrf: String::new(),
            heading: String::new(),
            form_action: String::new(),
            notice_id: None,
            revision: typed.revision.clone(),
            notice: None,
            alert: None,
            content_fields: vec![
                required(with_error(title, &problems.title)),
                required(with_error(body, &problems.body)),
            ],
            by_fields: vec![required(with_error(by, &problems.segment.by))],
            rule: typed.segment.rows_view(),
            search_fields: vec![with_error(words, &problems.segment.words)],
            channel_fields: vec![with_error(channel, &problems.segment.channel)],
            schedule_fields: vec![
                required(with_error(when, &problems.when)),
                with_error(send_at, &problems.send_at),
            ],
            preview: None,
            submit_label: "",
            approval_note: "",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ComposeQuery {
    done: Option<String>,
}

/// The page of a draft's editor.
fn edit_path(id: &str) -> String {
    format!("/console/notices/{id}/edit")
}

/// `GET /console/notices/new`.
pub async fn new_notice(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(Role::Staff)?;
    render(&state, &staff, None, &Typed::blank(), Shown::default()).await
}

/// `GET /console/notices/{notice}/edit`: a draft; a notice sent for approval or scheduled
/// is returned to 下書き first (on its page).
pub async fn edit_notice(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    query: Result<Query<ComposeQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Staff)?;
    let notice = state
        .store()
        .staff_notice(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    if notice.state != StaffNoticeState::Draft {
        return Err(AppError::Conflict(format!(
            "このお知らせは「{}」のため編集できません。お知らせのページで「下書きに戻す」を押してから編集してください。",
            notice.state.label()
        )));
    }
    let (typed, readable) = Typed::of(&notice);
    let done = query.ok().and_then(|Query(q)| q.done);
    let shown = Shown {
        notice: (done.as_deref() == Some("saved"))
            .then(|| "下書きを保存しました。まだ送信していません。".to_owned()),
        alert: (!readable).then(|| {
            "保存されていた送る相手の条件を読み取れませんでした（項目の変更などによります）。送る相手を選び直してください。"
                .to_owned()
        }),
        ..Shown::default()
    };
    render(&state, &staff, Some(&id), &typed, shown).await
}

/// `POST /console/notices/new`.
pub async fn post_new_notice(
    State(state): State<AppState>,
    staff: Staff,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    post(&state, None, &staff, body).await
}

/// `POST /console/notices/{notice}/edit`.
pub async fn post_edit_notice(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    post(&state, Some(&id), &staff, body).await
}

async fn post(
    state: &AppState,
    id: Option<&str>,
    staff: &Staff,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let posted = FormData::read(body)?;
    staff.require(Role::Staff)?;
    let mut typed = Typed::read(&posted)?;
    if staff.check_csrf(&posted).is_err() {
        let shown = Shown {
            status: Some(StatusCode::FORBIDDEN),
            alert: Some(CSRF_STALE.to_owned()),
            ..Shown::default()
        };
        return render(state, staff, id, &typed, shown).await;
    }
    let mut shown = Shown::default();
    let action = ComposeAction::parse(posted.get("action"));
    match action {
        ComposeAction::Preview => match typed.segment.to_segment() {
            Ok(segment) => {
                shown.preview = Some(preview(state.store(), &segment, clock::today()).await?);
            }
            Err(problems) => {
                shown.alert = Some("送る相手の選び方を確かめてください。".to_owned());
                shown.problems.segment = problems;
            }
        },
        ComposeAction::Rule(change) => {
            if let Err(err) = typed.segment.apply(change) {
                shown.alert = Some(err.to_string());
            }
        }
        ComposeAction::Save | ComposeAction::Submit => {
            return save(state, staff, id, &typed, action).await;
        }
    }
    render(state, staff, id, &typed, shown).await
}

/// 「下書きを保存」 and 「送信する」: checks, keeps, and for the latter sends on.
async fn save(
    state: &AppState,
    staff: &Staff,
    id: Option<&str>,
    typed: &Typed,
    action: ComposeAction,
) -> Result<Response, AppError> {
    let checked = match check(typed, clock::now()) {
        Ok(checked) => checked,
        Err(problems) => {
            let shown = Shown {
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                alert: Some(format!(
                    "入力内容に{}件の確認事項があります。各項目の表示を確かめてください。まだ保存していません。",
                    problems.count()
                )),
                problems: *problems,
                ..Shown::default()
            };
            return render(state, staff, id, typed, shown).await;
        }
    };
    let store = state.store();
    let segment = checked.segment.to_json();
    let content = StaffNoticeContent {
        title: &typed.title,
        body: &typed.body,
        segment: &segment,
        scheduled_at: checked.scheduled_at,
    };
    let author = staff.account.id.as_str();
    let saved = match id {
        None => {
            store
                .create_staff_notice(&content, author, |id| {
                    staff.audit_entry(
                        Action::NoticeDraftSave,
                        Some(id),
                        format!("お知らせ「{}」の下書きを作成しました", typed.title),
                    )
                })
                .await
        }
        Some(id) => {
            let entry = staff.audit_entry(
                Action::NoticeDraftSave,
                Some(id),
                format!("お知らせ「{}」の下書きを保存しました", typed.title),
            );
            store
                .save_staff_notice(id, &typed.revision, &content, author, &entry)
                .await
        }
    };
    let notice = match saved {
        Ok(notice) => notice,
        Err(err @ (StoreError::StaleNotice | StoreError::NoticeState { .. })) => {
            let shown = Shown {
                status: Some(StatusCode::CONFLICT),
                alert: Some(format!("{err}（入力した内容はこの画面に残っています。）")),
                ..Shown::default()
            };
            return render(state, staff, id, typed, shown).await;
        }
        Err(err) => return Err(err.into()),
    };
    if action == ComposeAction::Save {
        return Ok(Redirect::to(&format!("{}?done=saved", edit_path(&notice.id))).into_response());
    }
    let settings = ConsoleSettings::load(store).await?;
    let when = when_label(notice.scheduled_at);
    let (step, audit, done) = if settings.require_second_approval {
        (
            StaffNoticeStep::RequestApproval,
            staff.audit_entry(
                Action::NoticeReviewRequest,
                Some(&notice.id),
                format!(
                    "お知らせ「{}」の承認を依頼しました（送信：{when}）",
                    notice.title
                ),
            ),
            "requested",
        )
    } else {
        (
            StaffNoticeStep::Schedule {
                approver: &staff.account.id,
            },
            staff.audit_entry(
                Action::NoticeSchedule,
                Some(&notice.id),
                format!(
                    "お知らせ「{}」の送信を予約しました（送信：{when}。別の人の承認を必要としない設定のため、作成者が確定）",
                    notice.title
                ),
            ),
            "scheduled",
        )
    };
    store
        .step_staff_notice(&notice.id, &notice.revision(), step, &audit)
        .await?;
    Ok(Redirect::to(&format!("/console/notices/{}?done={done}", notice.id)).into_response())
}

/// The page for `typed`.
async fn render(
    state: &AppState,
    staff: &Staff,
    id: Option<&str>,
    typed: &Typed,
    shown: Shown,
) -> Result<Response, AppError> {
    let settings = ConsoleSettings::load(state.store()).await?;
    let mut page = ComposePage::build(typed, &shown.problems);
    page.frame = Some(staff.frame("/console/notices"));
    page.csrf = staff.csrf.clone();
    page.heading = if id.is_some() {
        "お知らせを編集する".to_owned()
    } else {
        "お知らせを作成する".to_owned()
    };
    page.form_action = id.map_or_else(|| "/console/notices/new".to_owned(), edit_path);
    page.notice_id = id.map(str::to_owned);
    page.notice = shown.notice;
    page.alert = shown.alert;
    page.preview = shown.preview;
    if settings.require_second_approval {
        page.submit_label = "保存して承認を依頼する";
        page.approval_note = "送信には、別の職員の承認が必要です。承認されるまで送信されません。";
    } else {
        page.submit_label = "保存して送信する";
        page.approval_note = "「保存して送信する」を押すと、指定した時期に送信します（今すぐなら1分ほどで送信が始まります）。";
    }
    let status = shown.status.unwrap_or(StatusCode::OK);
    Ok((status, Html(page.render()?)).into_response())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn typed(pairs: &[(&str, &str)]) -> Typed {
        Typed::read(&FormData::of_strs(pairs)).unwrap()
    }

    const NOW: OffsetDateTime = datetime!(2026-06-01 00:00 UTC);

    #[test]
    fn a_complete_form_checks_and_a_time_is_read_in_japan() {
        let ok = typed(&[
            ("title", " 説明会のご案内 "),
            ("body", "6月10日に説明会を開きます。\r\n"),
            ("segment-by", "search"),
            ("segment-words", "補助金"),
            ("when", "at"),
            ("send-at", "2026-06-02T09:00"),
        ]);
        assert_eq!(ok.title, "説明会のご案内");
        assert_eq!(ok.body, "6月10日に説明会を開きます。");
        let checked = check(&ok, NOW).unwrap();
        assert_eq!(checked.scheduled_at, Some(datetime!(2026-06-02 00:00 UTC)));
        let now = typed(&[
            ("title", "t"),
            ("body", "b"),
            ("segment-by", "search"),
            ("segment-words", "補助金"),
            ("when", "now"),
        ]);
        assert_eq!(check(&now, NOW).unwrap().scheduled_at, None);
    }

    #[test]
    fn every_problem_is_said_in_japanese_beside_its_control() {
        let long = "あ".repeat(MAX_BODY_CHARS + 1);
        let bad = typed(&[
            ("title", ""),
            ("body", &long),
            ("segment-by", "search"),
            ("segment-words", ""),
            ("when", "at"),
            ("send-at", "2026-05-31T09:00"),
        ]);
        let problems = check(&bad, NOW).unwrap_err();
        assert_eq!(problems.title.as_deref(), Some("件名を入力してください。"));
        assert!(problems.body.as_deref().unwrap().contains("2,000文字以内"));
        assert!(problems.segment.words.is_some());
        assert!(
            problems
                .send_at
                .as_deref()
                .unwrap()
                .contains("過ぎています")
        );
        assert_eq!(problems.count(), 4);
        let unreadable = typed(&[
            ("title", "t"),
            ("body", "b"),
            ("segment-by", "search"),
            ("segment-words", "補助金"),
            ("when", "at"),
            ("send-at", "来週"),
        ]);
        let problems = check(&unreadable, NOW).unwrap_err();
        assert!(problems.send_at.unwrap().contains("読み取れません"));
    }

    #[test]
    fn the_page_labels_every_control_and_ties_errors_to_them() {
        let bad = typed(&[("title", ""), ("segment-by", "profile"), ("when", "now")]);
        let problems = check(&bad, NOW).unwrap_err();
        let mut page = ComposePage::build(&bad, &problems);
        page.csrf = "token".to_owned();
        page.form_action = "/console/notices/new".to_owned();
        page.heading = "お知らせを作成する".to_owned();
        let html = page.render().unwrap();
        let doc = scraper::Html::parse_document(&html);
        let controls =
            scraper::Selector::parse("input:not([type=hidden]), select, textarea").unwrap();
        for control in doc.select(&controls) {
            let id = control
                .value()
                .attr("id")
                .unwrap_or_else(|| panic!("{}", control.html()));
            let label = scraper::Selector::parse(&format!("label[for=\"{id}\"]")).unwrap();
            assert!(doc.select(&label).next().is_some(), "no label for {id}");
        }
        let title = scraper::Selector::parse("#f-title").unwrap();
        let input = doc.select(&title).next().unwrap();
        assert_eq!(input.value().attr("aria-invalid"), Some("true"));
        assert!(html.contains("件名を入力してください。"), "{html}");
        assert!(html.contains("送る相手の条件を設定してください"), "{html}");
    }
}
