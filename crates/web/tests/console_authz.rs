//! The authorization matrix: every console route, asked by an anonymous browser and by
//! 閲覧, 職員, 管理者 and 専門家, must give each the answer in the table — and a refused
//! request must change nothing.
//!
//! To add a route: add one `Route` to `ROUTES` with the answers of anonymous, 閲覧, 職員,
//! 管理者 and 専門家 in that order (`page(role)` and `form(role)` cover the usual cases) and a
//! form that succeeds for an allowed role. Placeholders in paths and form values:
//! `{program}` (a program id), `{version}` (its current version), `{victim}` (the id of a
//! fresh 職員 account made for this request), `{unique}` (a fresh number), and `{base}`
//! and `{revision}` (the published version and revision of the program's draft, which
//! each request finds waiting for review, written by someone other than the asker),
//! `{case}` (a consultation just filed, introduced to nobody), `{step}` (its first step,
//! the hearing) and `{expert}` (an expert in the registry, linked to no account),
//! `{dead}` (a notice's message that failed for good) and `{notice}` (a notice that does
//! not exist), `{draft}` and `{pending}` (a notice staff wrote, a draft and one sent for
//! approval, both by someone other than the asker) with `{draft_revision}` and
//! `{pending_revision}` (the revisions their pages show). A 専門家
//! asks with an account linked to the expert registry. The pair `PROGRAM_FIELDS_HERE` stands for the fields of a minimal program. Each request
//! runs with a fresh account of the asking role and a fresh session, so routes that sign
//! out or change the asker's password do not disturb the next row. A refused request must
//! leave the audit log as it was; an allowed form must add to it.
//! `every_console_route_is_in_the_table` fails until a new route is listed.

#![allow(clippy::unwrap_used)]

mod common;
mod console_support;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::http::StatusCode;
use madoguchi_core::program::{Program, ProgramId};
use madoguchi_store::testing::blank_program;
use madoguchi_store::{AuditFilter, Role};

use console_support::{Browser, Console, PASSWORD};

/// What one asker must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// This status, and no redirect to the login page.
    Status(u16),
    /// 303 to the login page: not signed in.
    SignIn,
    /// 403 from the role check, with nothing changed.
    Denied,
    /// 303 to exactly this place.
    SeeOther(&'static str),
}

use Answer::{Denied, SeeOther, SignIn, Status};

/// Who asks, in table order.
const ASKERS: [Option<Role>; 5] = [
    None,
    Some(Role::Viewer),
    Some(Role::Staff),
    Some(Role::Admin),
    Some(Role::Expert),
];

struct Route {
    method: &'static str,
    path: &'static str,
    form: &'static [(&'static str, &'static str)],
    /// Anonymous, 閲覧, 職員, 管理者, 専門家.
    expect: [Answer; 5],
}

/// A page that `least` and above may open.
const fn page(least: Role) -> [Answer; 5] {
    allowed_from(least, Status(200))
}

/// A form that `least` and above may post; success redirects (303).
const fn form(least: Role) -> [Answer; 5] {
    allowed_from(least, Status(303))
}

/// The program editor's own form: `least` and above save (303); a post without a session
/// is answered with the page itself, everything typed kept (401), instead of the login
/// page that would lose the edit.
const fn editor_form(least: Role) -> [Answer; 5] {
    let [_, viewer, staff, admin, expert] = form(least);
    [Status(401), viewer, staff, admin, expert]
}

/// Stands in a form for [`PROGRAM_FIELDS`].
const PROGRAM_FIELDS_HERE: (&str, &str) = ("{program fields}", "");

/// The fields of a minimal program the editor saves.
const PROGRAM_FIELDS: [(&str, &str); 8] = [
    ("action", "save"),
    ("title", "権限の確認用の制度"),
    ("kind", "subsidy"),
    ("status", "open"),
    ("issuer-level", "national"),
    ("issuer-name", "国"),
    ("areas-scope", "nationwide"),
    ("industries-scope", "all"),
];

const fn allowed_from(least: Role, ok: Answer) -> [Answer; 5] {
    match least {
        Role::Expert => [SignIn, ok, ok, ok, ok],
        Role::Viewer => [SignIn, ok, ok, ok, Denied],
        Role::Staff => [SignIn, Denied, ok, ok, Denied],
        Role::Admin => [SignIn, Denied, Denied, ok, Denied],
    }
}

const NEW_PASSWORD: &str = "a brand new passphrase here";

const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        path: "/console",
        form: &[],
        // A 専門家's console is their cases.
        expect: [
            SignIn,
            Status(200),
            Status(200),
            Status(200),
            SeeOther("/console/desk"),
        ],
    },
    Route {
        method: "GET",
        path: "/console/login",
        form: &[],
        expect: [
            Status(200),
            SeeOther("/console"),
            SeeOther("/console"),
            SeeOther("/console"),
            SeeOther("/console"),
        ],
    },
    Route {
        // A wrong password: refused alike for everyone.
        method: "POST",
        path: "/console/login",
        form: &[("login", "nobody"), ("password", "wrong password!")],
        expect: [Status(403); 5],
    },
    Route {
        method: "POST",
        path: "/console/logout",
        form: &[],
        expect: [
            SignIn,
            SeeOther("/console/login?done=logout"),
            SeeOther("/console/login?done=logout"),
            SeeOther("/console/login?done=logout"),
            SeeOther("/console/login?done=logout"),
        ],
    },
    Route {
        method: "POST",
        path: "/console/logout-everywhere",
        form: &[],
        expect: [
            SignIn,
            SeeOther("/console/login?done=everywhere"),
            SeeOther("/console/login?done=everywhere"),
            SeeOther("/console/login?done=everywhere"),
            SeeOther("/console/login?done=everywhere"),
        ],
    },
    Route {
        method: "POST",
        path: "/console/programs/{program}/verify",
        form: &[("version", "{version}")],
        expect: form(Role::Staff),
    },
    Route {
        method: "GET",
        path: "/console/users",
        form: &[],
        expect: page(Role::Admin),
    },
    Route {
        method: "POST",
        path: "/console/users",
        form: &[
            ("login", "new-{unique}"),
            ("display_name", "新しい職員"),
            ("role", "staff"),
            ("password", NEW_PASSWORD),
        ],
        expect: form(Role::Admin),
    },
    Route {
        method: "POST",
        path: "/console/users/{victim}/role",
        form: &[("role", "viewer")],
        expect: form(Role::Admin),
    },
    Route {
        method: "POST",
        path: "/console/users/{victim}/disable",
        form: &[],
        expect: form(Role::Admin),
    },
    Route {
        method: "POST",
        path: "/console/users/{victim}/enable",
        form: &[],
        expect: form(Role::Admin),
    },
    Route {
        method: "POST",
        path: "/console/users/{victim}/password",
        form: &[("password", NEW_PASSWORD)],
        expect: form(Role::Admin),
    },
    Route {
        method: "GET",
        path: "/console/settings",
        form: &[],
        expect: page(Role::Admin),
    },
    Route {
        method: "POST",
        path: "/console/settings",
        form: &[
            ("require_second_approval", "true"),
            ("stale_after_days", "{unique}"),
        ],
        expect: form(Role::Admin),
    },
    Route {
        method: "GET",
        path: "/console/audit",
        form: &[],
        expect: page(Role::Admin),
    },
    Route {
        method: "GET",
        path: "/console/audit.csv",
        form: &[],
        expect: page(Role::Admin),
    },
    Route {
        method: "GET",
        path: "/console/analytics",
        form: &[],
        expect: page(Role::Viewer),
    },
    Route {
        method: "GET",
        path: "/console/analytics.csv",
        form: &[],
        expect: page(Role::Viewer),
    },
    Route {
        method: "GET",
        path: "/console/account/password",
        form: &[],
        expect: page(Role::Expert),
    },
    Route {
        method: "POST",
        path: "/console/account/password",
        form: &[
            ("current", PASSWORD),
            ("new", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ],
        expect: form(Role::Expert),
    },
    Route {
        method: "GET",
        path: "/console/programs",
        form: &[],
        expect: page(Role::Viewer),
    },
    Route {
        method: "GET",
        path: "/console/industries",
        form: &[],
        expect: page(Role::Viewer),
    },
    Route {
        method: "GET",
        path: "/console/programs/new",
        form: &[],
        expect: page(Role::Staff),
    },
    Route {
        method: "POST",
        path: "/console/programs/new",
        form: &[
            PROGRAM_FIELDS_HERE,
            ("id", "authz-new-{unique}"),
            ("base-version", "0"),
            ("draft-revision", "0"),
        ],
        expect: editor_form(Role::Staff),
    },
    Route {
        method: "GET",
        path: "/console/programs/{program}/edit",
        form: &[],
        expect: page(Role::Viewer),
    },
    Route {
        method: "POST",
        path: "/console/programs/{program}/edit",
        form: &[
            PROGRAM_FIELDS_HERE,
            ("base-version", "{base}"),
            ("draft-revision", "{revision}"),
        ],
        expect: editor_form(Role::Staff),
    },
    Route {
        method: "POST",
        path: "/console/programs/{program}/publish",
        form: &[("draft-revision", "{revision}")],
        expect: form(Role::Staff),
    },
    Route {
        method: "POST",
        path: "/console/programs/{program}/return",
        form: &[("draft-revision", "{revision}")],
        expect: form(Role::Staff),
    },
    Route {
        method: "POST",
        path: "/console/programs/{program}/discard",
        form: &[("draft-revision", "{revision}")],
        expect: form(Role::Staff),
    },
    Route {
        method: "POST",
        path: "/console/programs/{program}/close-budget",
        form: &[("version", "{version}"), ("date", "2026-07-10")],
        expect: form(Role::Staff),
    },
    Route {
        method: "POST",
        path: "/console/programs/{program}/unpublish",
        form: &[("when", "set"), ("at", "2099-03-31")],
        expect: form(Role::Staff),
    },
    Route {
        method: "GET",
        path: "/console/programs/{program}/history",
        form: &[],
        expect: page(Role::Viewer),
    },
    Route {
        method: "GET",
        path: "/console/programs/{program}/diff",
        form: &[],
        expect: page(Role::Viewer),
    },
    Route {
        method: "POST",
        path: "/console/programs/{program}/restore",
        form: &[("version", "1"), ("draft-revision", "{revision}")],
        expect: form(Role::Staff),
    },
    Route {
        method: "GET",
        path: "/console/imports",
        form: &[],
        expect: page(Role::Viewer),
    },
    Route {
        // A plain form without a file: the role and the token pass, then 400 (no file).
        method: "POST",
        path: "/console/imports",
        form: &[("kind", "madoguchi")],
        expect: [SignIn, Denied, Status(400), Status(400), Denied],
    },
    Route {
        method: "GET",
        path: "/console/imports/{import}",
        form: &[],
        expect: page(Role::Viewer),
    },
    Route {
        method: "GET",
        path: "/console/desk",
        form: &[],
        // A 専門家 sees their own cases only (`console_desk.rs` checks which).
        expect: [SignIn, Denied, Status(200), Status(200), Status(200)],
    },
    Route {
        method: "GET",
        path: "/console/desk/figures",
        form: &[],
        expect: page(Role::Staff),
    },
    Route {
        // A case introduced to nobody: not the 専門家's, so for them it does not exist.
        method: "GET",
        path: "/console/desk/{case}",
        form: &[],
        expect: [SignIn, Denied, Status(200), Status(200), Status(404)],
    },
    Route {
        // The case's sheet is the case: opened (and audit-logged) by whoever may open it.
        method: "GET",
        path: "/console/desk/{case}/sheet",
        form: &[],
        expect: [SignIn, Denied, Status(200), Status(200), Status(404)],
    },
    Route {
        method: "GET",
        path: "/console/desk/{case}/sheet.pdf",
        form: &[],
        expect: [SignIn, Denied, Status(200), Status(200), Status(404)],
    },
    Route {
        method: "POST",
        path: "/console/desk/{case}/{step}",
        form: &[("revision", "1")],
        expect: [SignIn, Denied, Status(303), Status(303), Status(404)],
    },
    Route {
        method: "GET",
        path: "/console/desk/experts",
        form: &[],
        expect: page(Role::Staff),
    },
    Route {
        method: "GET",
        path: "/console/desk/experts/new",
        form: &[],
        expect: page(Role::Admin),
    },
    Route {
        method: "POST",
        path: "/console/desk/experts",
        form: &[
            ("id", "authz-new-{unique}"),
            ("kind", "advisor"),
            ("name", "権限 確認（例）"),
            ("category", "data"),
            ("takes", "business"),
            ("capacity", "3"),
            ("remote", "1"),
        ],
        expect: form(Role::Admin),
    },
    Route {
        method: "GET",
        path: "/console/desk/experts/{expert}",
        form: &[],
        expect: page(Role::Admin),
    },
    Route {
        method: "POST",
        path: "/console/desk/experts/{expert}",
        form: &[
            ("kind", "partner"),
            ("name", "権限確認株式会社（例）"),
            ("category", "data"),
            ("takes", "business"),
            ("capacity", "{unique}"),
            ("areas", "三重県"),
        ],
        expect: form(Role::Admin),
    },
    Route {
        method: "GET",
        path: "/console/projects",
        form: &[],
        expect: page(Role::Staff),
    },
    Route {
        method: "POST",
        path: "/console/projects",
        form: &[
            ("business", "（例）権限確認製作所"),
            ("goal", "工程を見える化したい"),
            ("deliverable", "工程管理の表"),
            ("hours_per_week", "8"),
            ("work_style", "remote"),
            ("reward", "paid"),
            ("starts", "2027-04-01"),
            ("ends", "2027-09-30"),
            ("category", "data"),
        ],
        expect: form(Role::Staff),
    },
    Route {
        method: "GET",
        path: "/console/projects/{project}",
        form: &[],
        expect: page(Role::Staff),
    },
    Route {
        // Nobody is registered to approve: refused after the role check, nothing changed.
        method: "POST",
        path: "/console/projects/{project}/approve",
        form: &[("revision", "1"), ("talent_id", "tal-none")],
        expect: [
            SignIn,
            Denied,
            Status(APPROVE_NOBODY),
            Status(APPROVE_NOBODY),
            Denied,
        ],
    },
    Route {
        method: "POST",
        path: "/console/projects/{project}/step",
        form: &[("revision", "1"), ("step", "cancel")],
        expect: form(Role::Staff),
    },
    Route {
        // A project still looking for someone cannot be completed.
        method: "POST",
        path: "/console/projects/{project}/complete",
        form: &[
            ("revision", "1"),
            ("business_review", "良い"),
            ("talent_review", "良い"),
        ],
        expect: [
            SignIn,
            Denied,
            Status(COMPLETE_EARLY),
            Status(COMPLETE_EARLY),
            Denied,
        ],
    },
    Route {
        method: "GET",
        path: "/console/notices",
        form: &[],
        expect: page(Role::Viewer),
    },
    Route {
        method: "POST",
        path: "/console/notices/click-recording",
        form: &[("record", "on")],
        expect: form(Role::Admin),
    },
    Route {
        method: "GET",
        path: "/console/notices/dead",
        form: &[],
        expect: page(Role::Viewer),
    },
    Route {
        method: "POST",
        path: "/console/notices/dead",
        form: &[("message", "{dead}")],
        expect: form(Role::Staff),
    },
    Route {
        // No such notice: a 404 after the role check.
        method: "GET",
        path: "/console/notices/{notice}",
        form: &[],
        expect: [SignIn, Status(404), Status(404), Status(404), Denied],
    },
    Route {
        method: "GET",
        path: "/console/notices/new",
        form: &[],
        expect: page(Role::Staff),
    },
    Route {
        method: "POST",
        path: "/console/notices/new",
        form: &NOTICE_FIELDS,
        expect: form(Role::Staff),
    },
    Route {
        method: "GET",
        path: "/console/notices/{draft}/edit",
        form: &[],
        expect: page(Role::Staff),
    },
    Route {
        method: "POST",
        path: "/console/notices/{draft}/edit",
        form: &[
            ("revision", "{draft_revision}"),
            ("title", "権限の確認用のお知らせ（編集）"),
            ("body", "本文"),
            ("segment-by", "search"),
            ("segment-words", "補助金"),
            ("when", "now"),
            ("action", "save"),
        ],
        expect: form(Role::Staff),
    },
    Route {
        method: "POST",
        path: "/console/notices/{pending}/approve",
        form: &[("revision", "{pending_revision}")],
        expect: form(Role::Staff),
    },
    Route {
        method: "POST",
        path: "/console/notices/{pending}/return",
        form: &[("revision", "{pending_revision}")],
        expect: form(Role::Staff),
    },
    Route {
        method: "POST",
        path: "/console/notices/{draft}/discard",
        form: &[("revision", "{draft_revision}")],
        expect: form(Role::Staff),
    },
    Route {
        // Last: the job each confirmation starts audits its end a moment later, which
        // must not land inside another row's "nothing changed" check.
        method: "POST",
        path: "/console/imports/{import}/confirm",
        form: &[],
        expect: form(Role::Staff),
    },
];

/// A notice to the saved searches holding 「補助金」, to be sent at once, saved as a draft.
const NOTICE_FIELDS: [(&str, &str); 6] = [
    ("title", "権限の確認用のお知らせ"),
    ("body", "本文"),
    ("segment-by", "search"),
    ("segment-words", "補助金"),
    ("when", "now"),
    ("action", "save"),
];

const PROGRAM: &str = "authz-program";
/// What approving a professional nobody registered answers.
const APPROVE_NOBODY: u16 = 409;
/// What completing a project that has not begun answers.
const COMPLETE_EARLY: u16 = 409;

fn program() -> Program {
    Program {
        id: ProgramId::parse(PROGRAM).unwrap(),
        ..blank_program()
    }
}

/// A number no other request of this run has had (kept small: it doubles as a day count).
fn unique() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed).to_string()
}

/// Fills the placeholders of one request.
struct Fill {
    program: String,
    version: String,
    victim: String,
    unique: String,
    base: String,
    revision: String,
    /// An upload waiting for confirmation (with nothing to save).
    import: String,
    /// A consultation just filed.
    case: String,
    /// A side-job project just posted.
    project: String,
    /// A notice's message that failed for good.
    dead: String,
    /// A staff notice's draft and one waiting for approval, by another account, with the
    /// revisions their pages show.
    draft: (String, String),
    pending: (String, String),
}

/// The registry entry `{expert}` names.
const REGISTERED: &str = "authz-registered";

impl Fill {
    fn apply(&self, text: &str) -> String {
        text.replace("{program}", &self.program)
            .replace("{version}", &self.version)
            .replace("{victim}", &self.victim)
            .replace("{unique}", &self.unique)
            .replace("{base}", &self.base)
            .replace("{revision}", &self.revision)
            .replace("{import}", &self.import)
            .replace("{case}", &self.case)
            .replace("{step}", "hearing")
            .replace("{project}", &self.project)
            .replace("{expert}", REGISTERED)
            .replace("{dead}", &self.dead)
            .replace("{notice}", "authz-none")
            .replace("{draft_revision}", &self.draft.1)
            .replace("{draft}", &self.draft.0)
            .replace("{pending_revision}", &self.pending.1)
            .replace("{pending}", &self.pending.0)
    }
}

/// Waits (without a deadline) until no import job an earlier asker confirmed is still
/// queued or running: the job audits its end in the background, and that entry must not
/// be counted against the next asker.
async fn jobs_ended(store: &madoguchi_store::Store) {
    use madoguchi_store::ImportJobState::{Queued, Running};
    while store
        .pending_imports(1000)
        .await
        .unwrap()
        .iter()
        .any(|i| matches!(i.state, Queued | Running))
    {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// Keeps an upload with no programs for confirmation; returns its id.
async fn pending_import(store: &madoguchi_store::Store) -> String {
    let new = madoguchi_store::NewPendingImport {
        created_by: "authz".to_owned(),
        source_kind: madoguchi_core::program::SourceKind::Csv,
        file_name: "authz.csv".to_owned(),
        body: "[]".to_owned(),
        summary: "{}".to_owned(),
        total: 0,
    };
    store
        .create_pending_import(&new)
        .await
        .unwrap()
        .id
        .to_string()
}

/// Leaves the program with a draft of its current version waiting for review, written by
/// an account that is not the asker; returns its base version and revision.
async fn draft_in_review(store: &madoguchi_store::Store) -> (u32, u32) {
    let id = ProgramId::parse(PROGRAM).unwrap();
    let current = store.program(&id).await.unwrap().unwrap();
    let mut draft = match store.draft(&id).await.unwrap() {
        Some(d) if d.base_version == current.version => d,
        Some(stale) => {
            store.discard_draft(&id, stale.revision).await.unwrap();
            store
                .save_draft(&current, current.version, 0, "seed-author")
                .await
                .unwrap()
        }
        None => store
            .save_draft(&current, current.version, 0, "seed-author")
            .await
            .unwrap(),
    };
    if draft.state == madoguchi_store::DraftState::Draft {
        draft = store
            .change_draft(
                &id,
                draft.revision,
                madoguchi_store::DraftStep::RequestReview,
            )
            .await
            .unwrap();
    }
    (draft.base_version, draft.revision)
}

/// Files a consultation as the public form does; returns its id.
async fn fresh_case(store: &madoguchi_store::Store) -> String {
    use madoguchi_core::desk::{Category, Intake, Method, Requester};
    let intake = Intake {
        requester: Requester::Business,
        category: Category::parse("data").unwrap(),
        name: "権限 確認".to_owned(),
        organisation: "権限確認株式会社".to_owned(),
        business: String::new(),
        email: "authz@example.jp".to_owned(),
        phone: String::new(),
        place: None,
        message: "権限の確認用の相談です。".to_owned(),
        method: Method::Any,
        times: String::new(),
        attached: String::new(),
    };
    let actor = madoguchi_store::DeskActor {
        account_id: None,
        name: "相談者".to_owned(),
        client: None,
    };
    store
        .file_case(&intake, 3, &actor)
        .await
        .unwrap()
        .id
        .to_string()
}

/// Posts a side-job project as a coordinator does; returns its id.
async fn fresh_project(store: &madoguchi_store::Store) -> String {
    use madoguchi_core::desk::{Category, Project, ProjectForm};
    let form = ProjectForm {
        business: "（例）権限確認製作所",
        goal: "工程を見える化したい",
        deliverable: "工程管理の表",
        hours_per_week: "8",
        work_style: "remote",
        reward: "paid",
        starts: "2027-04-01",
        ends: "2027-09-30",
        category: "data",
        place: "",
        tags: "",
    };
    let project = Project::check(&form, &[Category::parse("data").unwrap()]).unwrap();
    let actor = madoguchi_store::DeskActor {
        account_id: None,
        name: "テスト".to_owned(),
        client: None,
    };
    store
        .create_project(&project, &actor)
        .await
        .unwrap()
        .id
        .to_string()
}

/// Leaves one message of a notice dead in the outbox; returns its id.
async fn fresh_dead_letter(store: &madoguchi_store::Store) -> String {
    let key = format!("authz-dead-{}", unique());
    let message = madoguchi_store::OutboxMessage {
        key: key.clone(),
        channel: "email",
        recipient: "authz@example.jp".to_owned(),
        subscription_id: None,
        notice_id: Some("authz-notice".to_owned()),
        body: madoguchi_store::MessageBody::default(),
    };
    store.enqueue(&[message]).await.unwrap();
    let mut dead = String::new();
    for item in store
        .claim_outbox(100, time::Duration::minutes(5))
        .await
        .unwrap()
    {
        let error = "権限の確認用".to_owned();
        store
            .finish_delivery(item.id, &madoguchi_store::Delivery::Dead { error })
            .await
            .unwrap();
        if item.key == key {
            dead = item.id.to_string();
        }
    }
    dead
}

/// A staff notice written by an account other than the asker: a draft, or sent for
/// approval; returns its id and revision.
async fn staff_notice(store: &madoguchi_store::Store, pending: bool) -> (String, String) {
    let entry = |id: &str| madoguchi_store::NewAuditEntry {
        actor_id: Some("seed-author".to_owned()),
        actor_name: "作成者".to_owned(),
        action: "notice.draft_save".to_owned(),
        target: Some(id.to_owned()),
        detail: "権限の確認用".to_owned(),
        client: None,
    };
    let content = madoguchi_store::StaffNoticeContent {
        title: "権限の確認用のお知らせ",
        body: "本文",
        segment: r#"{"by":{"search":"補助金"}}"#,
        scheduled_at: None,
    };
    let mut notice = store
        .create_staff_notice(&content, "seed-author", entry)
        .await
        .unwrap();
    if pending {
        notice = store
            .step_staff_notice(
                &notice.id,
                &notice.revision(),
                madoguchi_store::StaffNoticeStep::RequestApproval,
                &entry(&notice.id),
            )
            .await
            .unwrap();
    }
    let revision = notice.revision();
    (notice.id, revision)
}

/// Registers an expert under `id`, linked to a 専門家 account or to none.
async fn register_expert(store: &madoguchi_store::Store, account_id: Option<&str>, id: &str) {
    use madoguchi_core::desk::{Expert, ExpertKind};
    let entry = madoguchi_store::ExpertEntry {
        expert: Expert::new(id.to_owned(), ExpertKind::Advisor, "権限 確認（例）"),
        contact: "expert@example.jp".to_owned(),
        profile: String::new(),
        account_id: account_id.map(str::to_owned),
    };
    let actor = madoguchi_store::DeskActor {
        account_id: None,
        name: "テスト".to_owned(),
        client: None,
    };
    store.save_expert(&entry, &actor).await.unwrap();
}

async fn ask<'c>(
    console: &'c Console,
    route: &Route,
    asker: Option<Role>,
) -> (console_support::Page, Browser<'c>, u64) {
    let store = &console.app.store;
    let version = store
        .program(&ProgramId::parse(PROGRAM).unwrap())
        .await
        .unwrap()
        .unwrap()
        .version;
    let (base, revision) = draft_in_review(store).await;
    let fill = Fill {
        base: base.to_string(),
        revision: revision.to_string(),
        program: PROGRAM.to_owned(),
        version: version.to_string(),
        victim: console
            .account(&format!("victim-{}", unique()), Role::Staff)
            .await
            .id,
        unique: unique(),
        import: pending_import(store).await,
        case: fresh_case(store).await,
        project: fresh_project(store).await,
        dead: fresh_dead_letter(store).await,
        draft: staff_notice(store, false).await,
        pending: staff_notice(store, true).await,
    };
    if store.expert(REGISTERED).await.unwrap().is_none() {
        register_expert(store, None, REGISTERED).await;
    }
    let mut browser = match asker {
        None => console.browser(),
        Some(role) => {
            let login = format!("{}-{}", role.code(), unique());
            let account = console.account(&login, role).await;
            if role == Role::Expert {
                register_expert(store, Some(&account.id), &login).await;
            }
            console.signed_in(&account).await
        }
    };
    if route.path == "/console/login" && route.method == "POST" {
        // The form's own token, as a browser that opened the page has it.
        let _ = browser.get("/console/login").await;
    }
    let path = fill.apply(route.path);
    jobs_ended(store).await;
    // Counted after the setup above, which files a case and registers an expert.
    let audited_before = store
        .count_audit_entries(&AuditFilter::default())
        .await
        .unwrap();
    let page = match route.method {
        "GET" => browser.get(&path).await,
        "POST" => {
            let values: Vec<(String, String)> = route
                .form
                .iter()
                .flat_map(|&pair| {
                    if pair == PROGRAM_FIELDS_HERE {
                        PROGRAM_FIELDS.to_vec()
                    } else {
                        vec![pair]
                    }
                })
                .map(|(name, value)| (name.to_owned(), fill.apply(value)))
                .collect();
            let fields: Vec<(&str, &str)> = values
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            browser.post(&path, &fields).await
        }
        other => panic!("no such method in the table: {other}"),
    };
    (page, browser, audited_before)
}

fn who(asker: Option<Role>) -> &'static str {
    asker.map_or("anonymous", Role::label)
}

#[tokio::test]
async fn every_console_route_answers_each_role_as_the_table_says() {
    let console = Console::new(&[program()]).await;
    let mut failures = Vec::new();
    for route in ROUTES {
        for (asker, expected) in ASKERS.into_iter().zip(route.expect) {
            let (page, _, audited_before) = ask(&console, route, asker).await;
            let audited_after = console
                .app
                .store
                .count_audit_entries(&AuditFilter::default())
                .await
                .unwrap();
            let location = page.location();
            let ok = match expected {
                Status(code) => {
                    page.status.as_u16() == code && !location.starts_with("/console/login?next")
                }
                SignIn => {
                    page.status == StatusCode::SEE_OTHER
                        && (location == "/console/login"
                            || location.starts_with("/console/login?next="))
                }
                Denied => {
                    page.status == StatusCode::FORBIDDEN
                        && page.body.contains("役割が必要です")
                        && audited_after == audited_before
                }
                SeeOther(place) => page.status == StatusCode::SEE_OTHER && location == place,
            };
            let untouched = !matches!(expected, SignIn | Denied) || audited_after == audited_before;
            // Every change an allowed form makes is in the audit log.
            let allowed_post =
                route.method == "POST" && matches!(expected, Status(303) | SeeOther(_));
            let audited = !allowed_post || audited_after > audited_before;
            if !ok || !untouched || !audited {
                failures.push(format!(
                    "{} {} as {}: expected {expected:?}, got {} → {location:?} (audit entries {audited_before} → {audited_after})",
                    route.method,
                    route.path,
                    who(asker),
                    page.status,
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn an_anonymous_page_request_comes_back_to_that_page_after_sign_in() {
    let console = Console::new(&[program()]).await;
    let mut browser = console.browser();
    let page = browser.get("/console/audit?q=x").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location(),
        "/console/login?next=%2Fconsole%2Faudit%3Fq%3Dx"
    );
}

#[tokio::test]
async fn a_form_without_the_sessions_csrf_token_is_refused_for_every_role() {
    let console = Console::new(&[program()]).await;
    for route in ROUTES
        .iter()
        .filter(|r| r.method == "POST" && r.path != "/console/login")
    {
        let mut browser = {
            let account = console
                .account(&format!("admin-{}", unique()), Role::Admin)
                .await;
            console.signed_in(&account).await
        };
        let before = console
            .app
            .store
            .count_audit_entries(&AuditFilter::default())
            .await
            .unwrap();
        let victim = console
            .account(&format!("victim-{}", unique()), Role::Staff)
            .await;
        let path = route
            .path
            .replace("{program}", PROGRAM)
            .replace("{victim}", &victim.id)
            .replace("{import}", "1")
            .replace("{case}", "1")
            .replace("{step}", "hearing")
            .replace("{project}", "1");
        let page = browser.post(&path, &[("_csrf", "forged")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}: {}", page.body);
        assert!(page.body.contains("画面の有効期限が切れたか"), "{path}");
        let after = console
            .app
            .store
            .count_audit_entries(&AuditFilter::default())
            .await
            .unwrap();
        assert_eq!(before, after, "{path} changed something");
    }
}

/// The routes the console's source declares: each `.route("/console…", …)` with the
/// methods named in it, read from every file under `src/console`.
fn declared_routes() -> BTreeSet<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/console");
    let mut found = BTreeSet::new();
    let mut stack = vec![dir];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).unwrap();
                found.extend(routes_in(&source));
            }
        }
    }
    found
}

fn routes_in(source: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find(".route(") {
        let call = &rest[start + ".route(".len()..];
        // The call's text up to its closing parenthesis.
        let mut depth = 1;
        let end = call
            .char_indices()
            .find_map(|(i, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                (depth == 0).then_some(i)
            })
            .unwrap();
        let args = &call[..end];
        if let Some(path) = args.split('"').nth(1).filter(|p| p.starts_with("/console")) {
            for (method, marker) in [("GET", "get("), ("POST", "post(")] {
                if args.contains(marker) {
                    found.push((method.to_owned(), path.to_owned()));
                }
            }
        }
        rest = &call[end..];
    }
    found
}

#[test]
fn every_console_route_is_in_the_table() {
    let declared = declared_routes();
    assert!(declared.len() >= 15, "{declared:?}");
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| {
            let path = r
                .path
                .replace("{program}", "{id}")
                .replace("{victim}", "{id}")
                .replace("{import}", "{id}")
                .replace("{case}", "{id}")
                .replace("{project}", "{id}")
                .replace("{draft}", "{notice}")
                .replace("{pending}", "{notice}");
            (r.method.to_owned(), path)
        })
        .collect();
    let missing: Vec<_> = declared.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in ROUTES: {missing:?}"
    );
    let stale: Vec<_> = listed.difference(&declared).collect();
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );
}
