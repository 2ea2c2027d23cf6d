//! The public pages of a subscription: subscribing from a diagnosis result or a search,
//! confirming the address (double opt-in), seeing, changing and deleting it, and one-click
//! unsubscribe.
//!
//! No account is needed: every page after the first is reached through a link signed with
//! the notices' key (`keys`), which only the subscriber's own messages carry. Confirming
//! and unsubscribing take a POST, so that a mail scanner that opens every link changes
//! nothing; the one exception is RFC 8058's one-click POST, which a mail provider sends
//! from its own servers, and which the unsubscribe URL takes without a session.

use std::time::Instant;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::middleware;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use madoguchi_core::desk::FieldError;
use madoguchi_core::eligibility::{Field, Profile};
use madoguchi_core::notices::{
    Address, Cadence, Criteria, Event, EventSet, SubscriptionChoices, SubscriptionError,
};
use madoguchi_store::{MessageBody, OutboxMessage, Subscription};
use serde::Deserialize;
use serde_json::Value;

use super::keys::{NoticeLinks, Purpose};
use super::redirect::SUBSCRIBER_CLICKS_NOTICE;
use crate::http::client::Client;
use crate::http::form::{self, FormData};
use crate::http::origin;
use crate::http::security;
use crate::http::session::{Visitor, with_cookie};
use crate::notices::saved_search::SavedSearch;
use crate::site::diagnosis::Wizard;
use crate::site::feeds::atom::escape;
use crate::site::search::SearchParams;
use crate::{AppError, AppState};

/// A confirmation link works this long; an unconfirmed subscription is then erased.
pub const CONFIRM_WITHIN_DAYS: i64 = 7;

/// The purpose the subscriber consents to (個人情報保護法 第61条・第62条); while the
/// click-recording setting is on, `purpose_of_use` adds that it is.
pub const PURPOSE: &str = "ご登録のメールアドレス（またはLINEのアカウント）と、診断の回答または検索条件は、条件に合う支援制度のお知らせを送るためにのみ利用します。登録はいつでも、お知らせに記載のリンクから変更・削除できます。削除すると、アドレスと回答はすぐに消去します。";

/// The purpose-of-use text as it stands now: [`PURPOSE`], and, while which subscriber opened
/// which link is recorded, [`SUBSCRIBER_CLICKS_NOTICE`], so that nobody subscribes or stays
/// subscribed without being told.
async fn purpose_of_use(state: &AppState) -> Result<String, AppError> {
    Ok(if state.store().records_subscriber_clicks().await? {
        format!("{PURPOSE}{SUBSCRIBER_CLICKS_NOTICE}")
    } else {
        PURPOSE.to_owned()
    })
}

/// Every page of a subscription.
pub fn routes() -> Router<AppState> {
    let pages = Router::new()
        .route("/notices/subscribe", get(show_subscribe).post(subscribe))
        .route("/notices/sent", get(show_sent))
        .route("/notices/confirm/{token}", get(show_confirm).post(confirm))
        .route("/notices/manage/{token}", get(show_manage).post(change))
        .route("/notices/manage/{token}/delete", post(delete))
        .route("/notices/unsubscribe/{token}", get(show_unsubscribe))
        .layer(middleware::from_fn(origin::refuse_cross_site_forms));
    // RFC 8058: the mail provider POSTs `List-Unsubscribe=One-Click` from its servers, with
    // no session and from no page of this site; the signed token is the whole authority.
    let one_click = Router::new().route("/notices/unsubscribe/{token}", post(unsubscribe));
    pages
        .merge(one_click)
        .layer(DefaultBodyLimit::max(form::MAX_FORM_BYTES))
        .layer(middleware::map_response(security::never_cached))
}

/// What a subscription is made from.
#[derive(Debug, Clone)]
enum Source {
    /// A diagnosis: the profile, and its answers as lines to show.
    Diagnosis { profile: Value, lines: Vec<String> },
    /// A search, its words and filters.
    Search(SavedSearch),
    /// A kept search whose filters no longer read (a code taken out of the reference data).
    UnreadableSearch(Criteria),
}

impl Source {
    fn criteria(&self) -> Criteria {
        match self {
            Self::Diagnosis { profile, .. } => Criteria::Profile(profile.clone()),
            Self::Search(search) => search.criteria(),
            Self::UnreadableSearch(criteria) => criteria.clone(),
        }
    }

    /// What the notices are about, in one phrase for a message.
    fn summary(&self) -> String {
        match self {
            Self::Diagnosis { .. } => "診断の回答に合う支援制度".to_owned(),
            Self::Search(search) => format!("検索条件（{}）に合う支援制度", search.summary()),
            Self::UnreadableSearch(_) => "保存された検索条件に合う支援制度".to_owned(),
        }
    }

    /// The visitor's diagnosis, if they answered anything.
    fn diagnosis(visitor: &Visitor) -> Option<Self> {
        let wizard = Wizard::from_data(&visitor.data);
        if wizard.asked.is_empty() {
            return None;
        }
        Some(Self::Diagnosis {
            profile: wizard.profile.to_value(),
            lines: profile_lines(&wizard.profile),
        })
    }

    /// A search kept as its URL parameters; none when they do not read or ask for nothing.
    fn search(params: &str) -> Option<Self> {
        let params = SearchParams::from_query_string(params, 20).ok()?;
        SavedSearch::new(params).map(Self::Search)
    }

    /// As stored: a profile that no longer reads is shown as such, never as an error page.
    fn of(criteria: &Criteria) -> Self {
        match criteria {
            Criteria::Profile(value) => Self::Diagnosis {
                profile: value.clone(),
                lines: match Profile::from_value(value) {
                    Ok(profile) => profile_lines(&profile),
                    Err(_) => vec![
                        "（保存された回答の一部が、現在の項目と合わなくなっています。診断をやり直して登録し直してください。）"
                            .to_owned(),
                    ],
                },
            },
            Criteria::Search(_) | Criteria::SearchWithFilters { .. } => {
                match SavedSearch::of(criteria) {
                    Some(Ok(search)) => Self::Search(search),
                    _ => Self::UnreadableSearch(criteria.clone()),
                }
            }
        }
    }
}

/// Every answered field as 「label：value」.
fn profile_lines(profile: &Profile) -> Vec<String> {
    Field::ALL
        .iter()
        .filter_map(|&field| Some(format!("{}：{}", field.label(), profile.shown(field)?)))
        .collect()
}

/// One checkbox or radio button.
#[derive(Debug)]
struct Choice {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

/// The subscriber's choices as the form shows them.
#[derive(Debug)]
struct ChoicesView {
    events: Vec<Choice>,
    cadences: Vec<Choice>,
    needs_info: bool,
}

impl ChoicesView {
    fn of(choices: &SubscriptionChoices) -> Self {
        Self::typed(
            &choices.events.iter().map(Event::code).collect::<Vec<_>>(),
            choices.cadence.code(),
            choices.needs_info,
        )
    }

    fn typed(events: &[&str], cadence: &str, needs_info: bool) -> Self {
        Self {
            events: Event::ALL
                .iter()
                .map(|e| Choice {
                    value: e.code(),
                    label: e.label(),
                    checked: events.contains(&e.code()),
                })
                .collect(),
            cadences: [Cadence::Instant, Cadence::Weekly]
                .iter()
                .map(|c| Choice {
                    value: c.code(),
                    label: c.label(),
                    checked: c.code() == cadence,
                })
                .collect(),
            needs_info,
        }
    }

    fn read(form: &FormData) -> Self {
        Self::typed(
            &form.all("event"),
            form.get("cadence").unwrap_or_default(),
            form.get("needs_info") == Some("yes"),
        )
    }
}

/// The choices a form sent, or what is wrong with them, by field.
fn read_choices(form: &FormData) -> Result<SubscriptionChoices, Vec<FieldError>> {
    let mut errors = Vec::new();
    let events = EventSet::parse(form.all("event"))
        .map_err(|err| errors.push(field_error("event", &err)))
        .ok();
    let cadence = form
        .get("cadence")
        .and_then(Cadence::parse)
        .ok_or(SubscriptionError::NoCadence)
        .map_err(|err| errors.push(field_error("cadence", &err)))
        .ok();
    match (events, cadence) {
        (Some(events), Some(cadence)) if errors.is_empty() => Ok(SubscriptionChoices {
            events,
            cadence,
            needs_info: form.get("needs_info") == Some("yes"),
        }),
        _ => Err(errors),
    }
}

fn field_error(field: &'static str, err: &SubscriptionError) -> FieldError {
    FieldError {
        field,
        message: err.to_string(),
    }
}

fn error_for<'e>(errors: &'e [FieldError], field: &str) -> Option<&'e str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

#[derive(Template)]
#[template(path = "notices/subscribe.html")]
struct SubscribeTemplate {
    csrf: String,
    source: Option<Source>,
    channel: String,
    email: String,
    consent: bool,
    choices: ChoicesView,
    errors: Vec<FieldError>,
    notice: Option<String>,
    purpose: String,
}

impl SubscribeTemplate {
    fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }

    fn render(self, status: StatusCode) -> Result<Response, AppError> {
        Ok((status, Html(Template::render(&self)?)).into_response())
    }
}

/// A page that says one thing, with an optional link and an optional one-button form.
#[derive(Template)]
#[template(path = "notices/page.html")]
struct MessagePage {
    title: &'static str,
    paragraphs: Vec<String>,
    button: Option<(String, &'static str)>,
    link: Option<(String, &'static str)>,
}

impl MessagePage {
    fn new(title: &'static str, paragraph: impl Into<String>) -> Self {
        Self {
            title,
            paragraphs: vec![paragraph.into()],
            button: None,
            link: None,
        }
    }

    fn button(mut self, action: String, label: &'static str) -> Self {
        self.button = Some((action, label));
        self
    }

    fn link(mut self, href: String, text: &'static str) -> Self {
        self.link = Some((href, text));
        self
    }

    fn render(self, status: StatusCode) -> Result<Response, AppError> {
        Ok((status, Html(Template::render(&self)?)).into_response())
    }
}

#[derive(Template)]
#[template(path = "notices/manage.html")]
struct ManageTemplate {
    token: String,
    address: String,
    confirmed: bool,
    source: Source,
    choices: ChoicesView,
    errors: Vec<FieldError>,
    saved: bool,
    purpose: String,
}

impl ManageTemplate {
    fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

#[derive(Debug, Deserialize)]
pub struct SubscribeQuery {
    from: Option<String>,
}

/// `GET /notices/subscribe?from=diagnosis`, or with a search's parameters (`?q=…&area=…`):
/// the form, showing what will be kept.
pub async fn show_subscribe(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    query: Result<Query<SubscribeQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let query = query.map(|Query(q)| q).ok();
    let (visitor, cookie) = Visitor::load_or_start(&state, &headers).await?;
    let from_diagnosis = query
        .as_ref()
        .is_some_and(|q| q.from.as_deref() == Some("diagnosis"));
    let source = if from_diagnosis {
        Source::diagnosis(&visitor)
    } else {
        uri.query().and_then(Source::search)
    };
    let notice = match (&source, from_diagnosis) {
        (None, true) => Some(
            "診断の回答が見つかりませんでした。一定時間操作がないと、個人情報保護のため回答は消去されます。もう一度診断してから登録してください。",
        ),
        (None, false) => {
            Some("お知らせは、診断結果の画面か、制度の検索結果の画面から登録できます。")
        }
        (Some(_), _) => None,
    };
    let page = SubscribeTemplate {
        csrf: visitor.csrf.clone(),
        source,
        channel: "email".to_owned(),
        email: String::new(),
        consent: false,
        choices: ChoicesView::of(&SubscriptionChoices::default()),
        errors: Vec::new(),
        notice: notice.map(str::to_owned),
        purpose: purpose_of_use(&state).await?,
    };
    Ok(with_cookie(page.render(StatusCode::OK)?, cookie))
}

/// `POST /notices/subscribe`: keeps an unconfirmed subscription and queues the message
/// that confirms it (e-mail), or hands over to the LINE code page; every problem comes back
/// beside what was typed.
pub async fn subscribe(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    let from_diagnosis = form.get("from") == Some("diagnosis");
    let visitor = Visitor::load(&state, &headers).await?;
    let (visitor, cookie) = match visitor {
        Some(visitor) => (visitor, None),
        None => {
            let (visitor, cookie) = Visitor::start(&state, &headers).await?;
            (visitor, Some(cookie))
        }
    };
    let source = if from_diagnosis {
        Source::diagnosis(&visitor)
    } else {
        form.get("search").and_then(Source::search)
    };
    let mut page = SubscribeTemplate {
        csrf: visitor.csrf.clone(),
        source,
        channel: form.get("channel").unwrap_or("email").to_owned(),
        email: form.get("email").unwrap_or_default().to_owned(),
        consent: form.get("consent") == Some("yes"),
        choices: ChoicesView::read(&form),
        errors: Vec::new(),
        notice: None,
        purpose: purpose_of_use(&state).await?,
    };
    if cookie.is_some() || !visitor.accepts(form.csrf()) {
        page.notice = Some(if from_diagnosis && page.source.is_none() {
            "一定時間操作がなかったため、個人情報保護のため診断の回答は消去されました。入力した内容は残っています。もう一度診断してから登録してください。".to_owned()
        } else {
            "画面の有効期限が切れたか、別の画面で操作されたため、登録できませんでした。入力した内容は残っています。確かめて、もう一度「登録する」を押してください。".to_owned()
        });
        return Ok(with_cookie(page.render(StatusCode::FORBIDDEN)?, cookie));
    }
    let Some(source) = page.source.clone() else {
        page.notice = Some("登録する条件（診断の回答か検索のことば）が見つかりませんでした。診断結果か検索結果の画面から、もう一度お進みください。".to_owned());
        return page.render(StatusCode::UNPROCESSABLE_ENTITY);
    };
    let choices = read_choices(&form);
    let address = match page.channel.as_str() {
        "line" => None,
        _ => Some(Address::email(&page.email)),
    };
    if let Err(errors) = &choices {
        page.errors.extend(errors.iter().cloned());
    }
    if let Some(Err(err)) = &address {
        page.errors.push(field_error("email", err));
    }
    if !page.consent {
        page.errors
            .push(field_error("consent", &SubscriptionError::NoConsent));
    }
    let Ok(choices) = choices else {
        return page.render(StatusCode::UNPROCESSABLE_ENTITY);
    };
    if !page.errors.is_empty() {
        return page.render(StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Counted only for what would be kept: a person correcting the form is not slowed.
    if let Err(wait) = state.subscribe_limit().take(client.0, Instant::now()) {
        page.notice = Some(format!(
            "短い時間に多くの登録があったため、受け付けを止めています。入力した内容は残っています。{}秒ほど待ってから、もう一度「登録する」を押してください。",
            wait.as_secs().max(1)
        ));
        return page.render(StatusCode::TOO_MANY_REQUESTS);
    }
    let criteria = source.criteria();
    let links = state.notice_links(&headers);
    match address {
        Some(Ok(address)) => {
            state
                .store()
                .subscribe(&address, &criteria, &choices, |id| {
                    confirmation(&links, id, &address, &source)
                })
                .await?;
            Ok(Redirect::to("/notices/sent").into_response())
        }
        _ => {
            let link = state.store().subscribe_line(&criteria, &choices).await?;
            let token = state
                .notice_keys()
                .token(Purpose::Manage, &link.subscription_id);
            Ok(Redirect::to(&format!("/notices/line/{token}")).into_response())
        }
    }
}

/// The message that asks to confirm an e-mail address.
fn confirmation(
    links: &NoticeLinks,
    id: &str,
    address: &Address,
    source: &Source,
) -> OutboxMessage {
    let confirm = links.confirm(id);
    let what = source.summary();
    let text = format!(
        "支援制度の窓口です。\n\n{what}のお知らせを、このメールアドレスで受け取る登録を受け付けました。\n次のリンクを開いて「登録を完了する」を押すと、登録が完了します（{CONFIRM_WITHIN_DAYS}日以内）。\n\n{confirm}\n\nお心当たりがない場合は、このメールを破棄してください。登録は完了せず、{CONFIRM_WITHIN_DAYS}日後にアドレスは消去されます。\n"
    );
    let html = format!(
        "<p>支援制度の窓口です。</p><p>{}のお知らせを、このメールアドレスで受け取る登録を受け付けました。次のリンクを開いて「登録を完了する」を押すと、登録が完了します（{CONFIRM_WITHIN_DAYS}日以内）。</p><p><a href=\"{}\">登録を完了する</a></p><p>お心当たりがない場合は、このメールを破棄してください。登録は完了せず、{CONFIRM_WITHIN_DAYS}日後にアドレスは消去されます。</p>",
        escape(&what),
        escape(&confirm)
    );
    OutboxMessage {
        key: format!("confirm:{id}"),
        channel: address.channel(),
        recipient: address.to().to_owned(),
        subscription_id: Some(id.to_owned()),
        notice_id: None,
        body: MessageBody {
            subject: "【支援制度の窓口】お知らせの登録の確認".to_owned(),
            text,
            html: Some(html),
            unsubscribe: None,
        },
    }
}

/// `GET /notices/sent`: what happens next; it names no address.
pub async fn show_sent() -> Result<Response, AppError> {
    let mut page = MessagePage::new(
        "確認のメールを送りました",
        format!(
            "ご入力のメールアドレスに、登録の確認メールを送りました。メールのリンクを開いて「登録を完了する」を押すと、お知らせが届くようになります（{CONFIRM_WITHIN_DAYS}日以内）。"
        ),
    );
    page.paragraphs.push("メールが届かない場合は、迷惑メールのフォルダーを確認するか、アドレスを確かめてもう一度登録してください。".to_owned());
    page.link("/".to_owned(), "トップページへ")
        .render(StatusCode::OK)
}

/// The subscription a signed token names, or the page that says it is gone.
async fn opened(
    state: &AppState,
    purpose: Purpose,
    token: &str,
) -> Result<Result<Subscription, Response>, AppError> {
    let found = match state.notice_keys().open(purpose, token) {
        Some(id) => state.store().subscription(id).await?,
        None => None,
    };
    match found {
        Some(subscription) => Ok(Ok(subscription)),
        None => Ok(Err(MessagePage::new(
            "登録が見つかりません",
            "この登録は見つかりませんでした。すでに削除されたか、確認の期限が過ぎたか、リンクが途中で切れている可能性があります。メールのリンクをそのまま開くか、もう一度登録してください。",
        )
        .link("/programs".to_owned(), "支援制度をさがす")
        .render(StatusCode::NOT_FOUND)?)),
    }
}

fn manage_path(state: &AppState, id: &str) -> String {
    format!(
        "/notices/manage/{}",
        state.notice_keys().token(Purpose::Manage, id)
    )
}

fn confirm_expired(subscription: &Subscription) -> bool {
    !subscription.confirmed
        && crate::http::clock::now() - subscription.created_at
            > time::Duration::days(CONFIRM_WITHIN_DAYS)
}

/// `GET /notices/confirm/{token}`: one button that completes the subscription.
pub async fn show_confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let subscription = match opened(&state, Purpose::Confirm, &token).await? {
        Ok(subscription) => subscription,
        Err(page) => return Ok(page),
    };
    if subscription.confirmed {
        return done_page(&state, &subscription.id);
    }
    if confirm_expired(&subscription) {
        return expired_page();
    }
    MessagePage::new(
        "お知らせの登録を完了します",
        format!(
            "{} でお知らせを受け取る登録を完了します。よろしければ「登録を完了する」を押してください。",
            subscription.address.masked()
        ),
    )
    .button(format!("/notices/confirm/{token}"), "登録を完了する")
    .render(StatusCode::OK)
}

/// `POST /notices/confirm/{token}`: confirms the address.
pub async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let subscription = match opened(&state, Purpose::Confirm, &token).await? {
        Ok(subscription) => subscription,
        Err(page) => return Ok(page),
    };
    if confirm_expired(&subscription) {
        return expired_page();
    }
    state.store().confirm_subscription(&subscription.id).await?;
    done_page(&state, &subscription.id)
}

fn done_page(state: &AppState, id: &str) -> Result<Response, AppError> {
    MessagePage::new(
        "登録が完了しました",
        "条件に合う支援制度が公開・変更されたときや、締切が近づいたときに、お知らせをお送りします。受け取る内容や頻度は、いつでも変更・削除できます。",
    )
    .link(manage_path(state, id), "登録内容を確認・変更する")
    .render(StatusCode::OK)
}

fn expired_page() -> Result<Response, AppError> {
    MessagePage::new(
        "確認の期限が過ぎています",
        format!("登録の確認は、登録から{CONFIRM_WITHIN_DAYS}日以内にお願いしています。お手数ですが、診断結果か検索結果の画面から、もう一度登録してください。"),
    )
    .link("/programs".to_owned(), "支援制度をさがす")
    .render(StatusCode::GONE)
}

/// `GET /notices/manage/{token}`: what is kept, the choices, and deletion.
pub async fn show_manage(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let subscription = match opened(&state, Purpose::Manage, &token).await? {
        Ok(subscription) => subscription,
        Err(page) => return Ok(page),
    };
    render_manage(
        &state,
        token,
        &subscription,
        ChoicesView::of(&subscription.choices),
        Vec::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn render_manage(
    state: &AppState,
    token: String,
    subscription: &Subscription,
    choices: ChoicesView,
    errors: Vec<FieldError>,
    saved: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = ManageTemplate {
        token,
        address: subscription.address.masked(),
        confirmed: subscription.confirmed,
        source: Source::of(&subscription.criteria),
        choices,
        errors,
        saved,
        purpose: purpose_of_use(state).await?,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `POST /notices/manage/{token}`: saves changed choices, or shows what to fix.
pub async fn change(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    let subscription = match opened(&state, Purpose::Manage, &token).await? {
        Ok(subscription) => subscription,
        Err(page) => return Ok(page),
    };
    match read_choices(&form) {
        Ok(choices) => {
            state
                .store()
                .change_subscription(&subscription.id, &choices)
                .await?;
            let changed = Subscription {
                choices,
                ..subscription
            };
            render_manage(
                &state,
                token,
                &changed,
                ChoicesView::of(&changed.choices),
                Vec::new(),
                true,
                StatusCode::OK,
            )
            .await
        }
        Err(errors) => {
            render_manage(
                &state,
                token,
                &subscription,
                ChoicesView::read(&form),
                errors,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /notices/manage/{token}/delete`: deletes the subscription and what it kept.
pub async fn delete(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let subscription = match opened(&state, Purpose::Manage, &token).await? {
        Ok(subscription) => subscription,
        Err(page) => return Ok(page),
    };
    state.store().delete_subscription(&subscription.id).await?;
    deleted_page()
}

fn deleted_page() -> Result<Response, AppError> {
    MessagePage::new(
        "登録を削除しました",
        "お知らせの配信を停止し、ご登録のアドレスと回答を消去しました。ご利用ありがとうございました。",
    )
    .link("/".to_owned(), "トップページへ")
    .render(StatusCode::OK)
}

/// `GET /notices/unsubscribe/{token}`: asks before stopping (a link opened by a scanner
/// must not unsubscribe).
pub async fn show_unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let subscription = match opened(&state, Purpose::Manage, &token).await? {
        Ok(subscription) => subscription,
        Err(page) => return Ok(page),
    };
    MessagePage::new(
        "お知らせの配信を停止します",
        format!(
            "{} へのお知らせの配信を停止し、登録を削除します。よろしければ「配信を停止する」を押してください。",
            subscription.address.masked()
        ),
    )
    .button(format!("/notices/unsubscribe/{token}"), "配信を停止する")
    .link(manage_path(&state, &subscription.id), "停止せずに、受け取る内容を変更する")
    .render(StatusCode::OK)
}

/// `POST /notices/unsubscribe/{token}`: the one-click unsubscribe (RFC 8058), from the
/// page's button or a mail provider. Stopping what is already stopped is done, not an
/// error, so a repeated POST also answers 200.
pub async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some(id) = state.notice_keys().open(Purpose::Manage, &token) else {
        return Err(AppError::NotFound);
    };
    state.store().delete_subscription(id).await?;
    deleted_page()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_name_every_problem_and_read_when_right() {
        let bad = FormData::of_strs(&[("event", "weekly")]);
        let errors = read_choices(&bad).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["event", "cadence"]);
        let good = FormData::of_strs(&[
            ("event", "new"),
            ("event", "deadline7"),
            ("cadence", "weekly"),
            ("needs_info", "yes"),
        ]);
        let choices = read_choices(&good).unwrap();
        assert_eq!(choices.cadence, Cadence::Weekly);
        assert!(choices.needs_info);
        assert!(choices.events.contains(Event::Deadline7));
        assert!(!choices.events.contains(Event::Changed));
    }

    #[test]
    fn a_search_that_asks_nothing_or_does_not_read_makes_no_source() {
        assert!(Source::search("q=++").is_none());
        assert!(Source::search("status=all").is_none());
        assert!(Source::search("industry=Z").is_none());
        assert!(matches!(
            Source::search("area=052019"),
            Some(Source::Search(_))
        ));
    }

    #[test]
    fn a_stored_profile_that_no_longer_reads_is_shown_not_refused() {
        let source = Source::of(&Criteria::Profile(
            serde_json::json!({"employees": "たくさん"}),
        ));
        let Source::Diagnosis { lines, .. } = source else {
            panic!("a profile stays a diagnosis");
        };
        assert!(lines[0].contains("診断をやり直して"));
    }

    #[test]
    fn the_confirmation_carries_its_link_and_escapes_words() {
        let links = NoticeLinks::new(
            super::super::NoticeKeys::from_secret(b"k"),
            "https://example.jp",
        );
        let address = Address::email("taro@example.jp").unwrap();
        let message = confirmation(
            &links,
            "abc",
            &address,
            &Source::search("q=%3Cb%3E%E8%A8%AD%E5%82%99%3C%2Fb%3E").unwrap(),
        );
        assert_eq!(message.key, "confirm:abc");
        assert_eq!(message.recipient, "taro@example.jp");
        assert!(message.body.text.contains(&links.confirm("abc")));
        let html = message.body.html.unwrap();
        assert!(html.contains("&lt;b&gt;設備"));
        assert!(!html.contains("<b>設備"));
    }
}
