//! The conformance suite for side-job projects (副業人材): posting a project, its workflow
//! from approval to both reviews with an audit entry for every change, refused steps and
//! old revisions, two coordinators approving at once, paged lists and the standings
//! matching reads. Run against every backend like `conformance.rs`.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use madoguchi_core::desk::{
    Category, Expert, ExpertKind, Project, ProjectForm, ProjectState, Requester, ServiceArea,
};
use madoguchi_store::testing::{TestDatabase, at_once_from_two_processes};
use madoguchi_store::{
    AuditFilter, DeskActor, ExpertEntry, ProjectChange, ProjectQuery, Store, StoreError,
};
use time::{Duration, OffsetDateTime};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

fn data() -> Category {
    Category::parse("data").unwrap()
}

fn project(business: &str) -> Project {
    let form = ProjectForm {
        business,
        goal: "受注から出荷までの工程を見える化したい",
        deliverable: "工程管理の表と運用の手順書",
        hours_per_week: "8",
        work_style: "remote",
        reward: "paid",
        starts: "2027-04-01",
        ends: "2027-09-30",
        category: "data",
        place: "",
        tags: "生産管理 Excel",
    };
    Project::check(&form, &[data()]).unwrap()
}

fn coordinator() -> DeskActor {
    DeskActor {
        account_id: Some("c".repeat(32)),
        name: "調整 花子".to_owned(),
        client: Some("192.0.2.7".to_owned()),
    }
}

fn talent(id: &str, kind: ExpertKind) -> ExpertEntry {
    let mut expert = Expert::new(id, kind, format!("（例）{id}")).with_tags(["Excel"]);
    expert.categories = vec![data()];
    expert.takes = vec![Requester::Business];
    expert.area = ServiceArea {
        areas: Vec::new(),
        remote: true,
    };
    expert.monthly_capacity = 2;
    ExpertEntry {
        expert,
        contact: format!("{id}@example.jp"),
        profile: String::new(),
        account_id: None,
    }
}

async fn with_talents(store: &Store, n: usize) {
    for i in 0..n {
        let entry = talent(&format!("tal-{i}"), ExpertKind::Talent);
        store.save_expert(&entry, &coordinator()).await.unwrap();
    }
}

async fn project_actions(store: &Store) -> Vec<(String, Option<String>, String)> {
    let mut entries = store.audit_entries(&AuditFilter::default()).await.unwrap();
    entries.sort_by_key(|e| e.id);
    entries
        .into_iter()
        .filter(|e| e.action.starts_with("project."))
        .map(|e| (e.action, e.target, e.detail))
        .collect()
}

#[tokio::test]
async fn a_project_goes_from_posting_to_both_reviews_with_an_audit_entry_for_each_change() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        with_talents(&store, 1).await;
        let posted = store
            .create_project(&project("（例）大田精機"), &coordinator())
            .await
            .unwrap();
        assert_eq!(posted.state, ProjectState::Open, "{}", db.backend_name());
        assert_eq!(posted.revision, 1);
        assert_eq!(posted.project, project("（例）大田精機"));
        assert_eq!(posted.talent_id, None);
        let steps = [
            ProjectChange::Approve {
                talent_id: "tal-0",
                reasons: "得意分野が一致：excel",
            },
            ProjectChange::Interview,
            ProjectChange::Agree,
            ProjectChange::Start,
            ProjectChange::Complete {
                business_review: " 工程表が現場で使われています。 ",
                talent_review: "現場の皆さんが協力的でした。",
            },
        ];
        let mut revision = posted.revision;
        let mut states = Vec::new();
        for step in &steps {
            let changed = store
                .change_project(posted.id, revision, step, &coordinator())
                .await
                .unwrap();
            assert_eq!(changed.revision, revision + 1);
            revision = changed.revision;
            states.push(changed.state);
        }
        use ProjectState as S;
        assert_eq!(
            states,
            [S::Applied, S::Interview, S::Agreed, S::Active, S::Done]
        );
        let done = store.project(posted.id).await.unwrap();
        assert_eq!(done.state, S::Done);
        assert_eq!(done.talent_id.as_deref(), Some("tal-0"));
        assert_eq!(done.reasons, "得意分野が一致：excel");
        assert_eq!(done.business_review, "工程表が現場で使われています。");
        assert_eq!(done.talent_review, "現場の皆さんが協力的でした。");
        assert!(done.approved_at.is_some() && done.done_at.is_some());
        let actions = project_actions(&store).await;
        let codes: Vec<_> = actions.iter().map(|(a, _, _)| a.as_str()).collect();
        assert_eq!(
            codes,
            [
                "project.create",
                "project.approve",
                "project.step",
                "project.step",
                "project.step",
                "project.step"
            ]
        );
        let target = format!("project-{}", posted.id);
        assert!(
            actions
                .iter()
                .all(|(_, t, _)| t.as_deref() == Some(&*target))
        );
        assert!(actions[5].2.contains("完了"), "{}", actions[5].2);
        // Nothing moves a completed project again.
        let again = store
            .change_project(posted.id, revision, &ProjectChange::Cancel, &coordinator())
            .await
            .unwrap_err();
        assert!(matches!(again, StoreError::ProjectStep(_)), "{again:?}");
    }
}

#[tokio::test]
async fn a_refused_change_writes_nothing_and_says_why() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        with_talents(&store, 1).await;
        store
            .save_expert(&talent("adv-1", ExpertKind::Advisor), &coordinator())
            .await
            .unwrap();
        let posted = store
            .create_project(&project("（例）蒲田製作所"), &coordinator())
            .await
            .unwrap();
        let (id, r) = (posted.id, posted.revision);
        let skipped = store
            .change_project(id, r, &ProjectChange::Start, &coordinator())
            .await
            .unwrap_err();
        assert!(matches!(skipped, StoreError::ProjectStep(_)), "{skipped:?}");
        assert!(skipped.to_string().contains("募集中"), "{skipped}");
        // Only a registered side-job professional can be approved.
        for who in ["nobody", "adv-1"] {
            let approve = ProjectChange::Approve {
                talent_id: who,
                reasons: "",
            };
            assert!(matches!(
                store.change_project(id, r, &approve, &coordinator()).await,
                Err(StoreError::UnknownExpert(_))
            ));
        }
        let approve = ProjectChange::Approve {
            talent_id: "tal-0",
            reasons: "候補の1位",
        };
        let approved = store
            .change_project(id, r, &approve, &coordinator())
            .await
            .unwrap();
        // An old revision is refused even for a step that would be allowed now.
        let stale = store
            .change_project(id, r, &ProjectChange::Interview, &coordinator())
            .await
            .unwrap_err();
        assert!(
            matches!(stale, StoreError::StaleProject { .. }),
            "{stale:?}"
        );
        assert!(
            stale.to_string().contains("他の人が更新しました"),
            "{stale}"
        );
        let mut revision = approved.revision;
        for step in [
            ProjectChange::Interview,
            ProjectChange::Agree,
            ProjectChange::Start,
        ] {
            revision = store
                .change_project(id, revision, &step, &coordinator())
                .await
                .unwrap()
                .revision;
        }
        let long = "あ".repeat(401);
        let too_long = ProjectChange::Complete {
            business_review: "よかった",
            talent_review: &long,
        };
        let refused = store
            .change_project(id, revision, &too_long, &coordinator())
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("400文字以内"), "{refused}");
        let missing = ProjectChange::Complete {
            business_review: " ",
            talent_review: "よかった",
        };
        assert!(matches!(
            store
                .change_project(id, revision, &missing, &coordinator())
                .await,
            Err(StoreError::InvalidDesk(_))
        ));
        let now = store.project(id).await.unwrap();
        assert_eq!((now.state, now.revision), (ProjectState::Active, revision));
        assert!(now.business_review.is_empty() && now.done_at.is_none());
        assert!(matches!(
            store.project(id + 1000).await,
            Err(StoreError::UnknownProject(_))
        ));
        let actions = project_actions(&store).await;
        assert_eq!(actions.len(), 5, "{} {actions:?}", db.backend_name());
    }
}

#[tokio::test]
async fn two_coordinators_approving_different_professionals_at_once_cannot_both_win() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        with_talents(&store, 8).await;
        let posted = store
            .create_project(&project("（例）羽田工業"), &coordinator())
            .await
            .unwrap();
        let (id, revision) = (posted.id, posted.revision);
        let results = at_once_from_two_processes(&db, &store, 8, |s| {
            let n = next_talent();
            async move {
                let talent_id = format!("tal-{n}");
                let approve = ProjectChange::Approve {
                    talent_id: &talent_id,
                    reasons: "候補の1位",
                };
                s.change_project(id, revision, &approve, &coordinator())
                    .await
            }
        })
        .await
        .unwrap();
        let won: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(won.len(), 1, "{}: {results:?}", db.backend_name());
        assert!(results.iter().all(|r| matches!(
            r,
            Ok(_) | Err(StoreError::StaleProject { .. } | StoreError::Busy)
        )));
        let now = store.project(id).await.unwrap();
        assert_eq!(now.talent_id, won[0].talent_id);
        assert_eq!(now.revision, revision + 1);
        let approvals = project_actions(&store)
            .await
            .into_iter()
            .filter(|(a, _, _)| a == "project.approve")
            .count();
        assert_eq!(approvals, 1);
    }
}

/// A different professional per call, so that the racing approvals differ.
fn next_talent() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed) % 8
}

#[tokio::test]
async fn lists_are_paged_newest_first_and_filtered_by_state() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        with_talents(&store, 1).await;
        let mut posted = Vec::new();
        for n in 0..23 {
            posted.push(
                store
                    .create_project(&project(&format!("（例）事業者{n:02}")), &coordinator())
                    .await
                    .unwrap(),
            );
        }
        let cancelled = &posted[3];
        store
            .change_project(
                cancelled.id,
                cancelled.revision,
                &ProjectChange::Cancel,
                &coordinator(),
            )
            .await
            .unwrap();
        let page = |page, state| ProjectQuery {
            state,
            page,
            per_page: 10,
        };
        let first = store.projects(&page(1, None)).await.unwrap();
        assert_eq!(first.total, 23, "{}", db.backend_name());
        assert_eq!(first.projects.len(), 10);
        assert_eq!(first.projects[0].project.business, "（例）事業者22");
        let third = store.projects(&page(3, None)).await.unwrap();
        assert_eq!(third.projects.len(), 3);
        assert_eq!(third.projects[2].project.business, "（例）事業者00");
        let open = store
            .projects(&page(1, Some(ProjectState::Open)))
            .await
            .unwrap();
        assert_eq!(open.total, 22);
        let gone = store
            .projects(&page(1, Some(ProjectState::Cancelled)))
            .await
            .unwrap();
        assert_eq!(gone.total, 1);
        assert_eq!(gone.projects[0].id, cancelled.id);
    }
}

#[tokio::test]
async fn standings_count_approvals_not_sent_back_and_completed_projects() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        with_talents(&store, 1).await;
        let approve = ProjectChange::Approve {
            talent_id: "tal-0",
            reasons: "理由",
        };
        for n in 0..3 {
            let p = store
                .create_project(&project(&format!("（例）町工場{n}")), &coordinator())
                .await
                .unwrap();
            let mut r = store
                .change_project(p.id, p.revision, &approve, &coordinator())
                .await
                .unwrap()
                .revision;
            let rest: &[ProjectChange<'_>] = match n {
                // Sent back at the interview: it does not count.
                0 => &[ProjectChange::Interview, ProjectChange::Reopen],
                1 => &[
                    ProjectChange::Interview,
                    ProjectChange::Agree,
                    ProjectChange::Start,
                    ProjectChange::Complete {
                        business_review: "よかった",
                        talent_review: "よかった",
                    },
                ],
                _ => &[],
            };
            for step in rest {
                r = store
                    .change_project(p.id, r, step, &coordinator())
                    .await
                    .unwrap()
                    .revision;
            }
        }
        let now = OffsetDateTime::now_utc();
        let around = (now - Duration::days(1), now + Duration::days(1));
        let standings = store
            .project_standings(&data(), around, around)
            .await
            .unwrap();
        let talent = standings["tal-0"];
        assert_eq!(talent.this_month, 2, "{}", db.backend_name());
        assert_eq!(talent.this_fiscal_year, 2);
        assert_eq!(talent.similar_closed, 1);
        let before = (now - Duration::days(60), now - Duration::days(30));
        let security = Category::parse("security").unwrap();
        let other = store
            .project_standings(&security, before, around)
            .await
            .unwrap();
        assert_eq!(other["tal-0"].this_month, 0);
        assert_eq!(other["tal-0"].similar_closed, 0);
    }
}
