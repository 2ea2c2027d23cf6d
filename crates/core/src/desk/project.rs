//! Side-job projects (副業人材), as 大田区 matches its manufacturers with professionals who
//! work for them on the side: a business posts a project (its goal, the deliverable, hours
//! per week, remote or on site, the kind of reward and the period), the desk proposes
//! registered professionals with the same matching engine as for consultations, a
//! coordinator approves one, and the project goes 応募 → 面談 → 合意 → 実施中 → 完了, ending
//! with a short review from each side.
//!
//! The form's checks and every step of the workflow are decided here, so that the console
//! and any later channel refuse the same input and the same steps with the same words.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use super::expert::{Category, Requester, add_tags};
use super::intake::FieldError;
use super::matching::CaseNeed;
use crate::reference::LocalGovCode;
use crate::text::fold::half_width;

/// Hours a week a side job may ask for: at least one, at most a full-time week.
pub const MAX_HOURS_PER_WEEK: u32 = 40;
/// Each side's review at the end, at most.
pub const MAX_REVIEW_CHARS: usize = 400;
const MAX_BUSINESS_CHARS: usize = 100;
const MAX_TEXT_CHARS: usize = 1_000;
const MAX_TAGS: usize = 10;
const MAX_TAG_CHARS: usize = 30;

/// Where the work is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkStyle {
    Remote,
    OnSite,
    /// Mostly remote, on site now and then.
    Hybrid,
}

impl WorkStyle {
    pub const ALL: [Self; 3] = [Self::Remote, Self::OnSite, Self::Hybrid];

    pub fn code(self) -> &'static str {
        match self {
            Self::Remote => "remote",
            Self::OnSite => "on_site",
            Self::Hybrid => "hybrid",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Remote => "リモート",
            Self::OnSite => "現地（事業所）",
            Self::Hybrid => "リモートと現地の併用",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// How the professional is rewarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reward {
    /// A fee under a contract.
    Paid,
    /// A token of thanks.
    Honorarium,
    /// Unpaid (a volunteer, a trial).
    Unpaid,
    /// To be agreed at the interview.
    Negotiable,
}

impl Reward {
    pub const ALL: [Self; 4] = [Self::Paid, Self::Honorarium, Self::Unpaid, Self::Negotiable];

    pub fn code(self) -> &'static str {
        match self {
            Self::Paid => "paid",
            Self::Honorarium => "honorarium",
            Self::Unpaid => "unpaid",
            Self::Negotiable => "negotiable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Paid => "有償",
            Self::Honorarium => "謝礼",
            Self::Unpaid => "無償",
            Self::Negotiable => "面談で相談",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// The project form as typed: every field text, nothing trusted yet.
#[derive(Debug, Clone, Default)]
pub struct ProjectForm<'a> {
    pub business: &'a str,
    pub goal: &'a str,
    pub deliverable: &'a str,
    pub hours_per_week: &'a str,
    pub work_style: &'a str,
    pub reward: &'a str,
    pub starts: &'a str,
    pub ends: &'a str,
    pub category: &'a str,
    pub place: &'a str,
    /// Skill tags, separated by commas (、 or ,) or spaces.
    pub tags: &'a str,
}

/// A project that passed every check, as the business posted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// 事業者名.
    pub business: String,
    pub goal: String,
    pub deliverable: String,
    pub hours_per_week: u32,
    pub work_style: WorkStyle,
    pub reward: Reward,
    pub starts: Date,
    pub ends: Date,
    pub category: Category,
    /// Where the business is, if given: nearness counts in matching.
    pub place: Option<LocalGovCode>,
    /// The skills asked for, as typed (trimmed, without repeats).
    pub tags: Vec<String>,
}

impl Project {
    /// Checks the form against the categories the desk offers. Returns every problem.
    pub fn check(form: &ProjectForm<'_>, categories: &[Category]) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail = |field, message: String| errors.push(FieldError { field, message });
        let business = required(
            &mut fail,
            "business",
            "事業者名",
            form.business,
            MAX_BUSINESS_CHARS,
        );
        let goal = required(
            &mut fail,
            "goal",
            "プロジェクトの目的",
            form.goal,
            MAX_TEXT_CHARS,
        );
        let deliverable = required(
            &mut fail,
            "deliverable",
            "成果物",
            form.deliverable,
            MAX_TEXT_CHARS,
        );
        let hours_text: String = form.hours_per_week.trim().chars().map(half_width).collect();
        let hours = hours_text
            .parse::<u32>()
            .ok()
            .filter(|h| (1..=MAX_HOURS_PER_WEEK).contains(h));
        if hours.is_none() {
            fail(
                "hours_per_week",
                format!(
                    "1週間あたりの時間は、1から{MAX_HOURS_PER_WEEK}までの整数で入力してください。"
                ),
            );
        }
        let work_style = WorkStyle::parse(form.work_style.trim());
        if work_style.is_none() {
            fail(
                "work_style",
                "働き方（リモート・現地）を選んでください。".to_owned(),
            );
        }
        let reward = Reward::parse(form.reward.trim());
        if reward.is_none() {
            fail("reward", "報酬の形を選んでください。".to_owned());
        }
        let starts = parse_date(form.starts);
        if starts.is_none() {
            fail(
                "starts",
                "開始日を「2027-04-01」の形で入力してください。".to_owned(),
            );
        }
        let ends = parse_date(form.ends);
        match (starts, ends) {
            (_, None) => fail(
                "ends",
                "終了日を「2027-09-30」の形で入力してください。".to_owned(),
            ),
            (Some(starts), Some(ends)) if ends < starts => fail(
                "ends",
                "終了日は開始日と同じか、それより後の日付にしてください。".to_owned(),
            ),
            _ => {}
        }
        let category = Category::parse(form.category)
            .ok()
            .filter(|c| categories.contains(c));
        if category.is_none() {
            fail("category", "分野を選んでください。".to_owned());
        }
        let place = match form.place.trim() {
            "" => None,
            raw => {
                let digits: String = raw.chars().map(half_width).collect();
                let code = LocalGovCode::parse(&digits).ok();
                if code.is_none() {
                    fail(
                        "place",
                        "所在地は、全国地方公共団体コード（「131113」のような半角数字6桁）で入力してください。".to_owned(),
                    );
                }
                code
            }
        };
        let tags = split_tags(form.tags);
        if tags.len() > MAX_TAGS {
            fail(
                "tags",
                format!(
                    "求めるスキルは{MAX_TAGS}個までにしてください（いまは{}個です）。",
                    tags.len()
                ),
            );
        }
        if let Some(long) = tags.iter().find(|t| t.chars().count() > MAX_TAG_CHARS) {
            fail(
                "tags",
                format!(
                    "求めるスキルは1つ{MAX_TAG_CHARS}文字以内にしてください（「{}…」）。",
                    long.chars().take(10).collect::<String>()
                ),
            );
        }
        match (hours, work_style, reward, starts, ends, category) {
            (
                Some(hours),
                Some(work_style),
                Some(reward),
                Some(starts),
                Some(ends),
                Some(category),
            ) if errors.is_empty() => Ok(Self {
                business,
                goal,
                deliverable,
                hours_per_week: hours,
                work_style,
                reward,
                starts,
                ends,
                category,
                place,
                tags,
            }),
            _ => Err(errors),
        }
    }

    /// What matching needs to know of the project: its category, a business as the
    /// requester, its place if given, the skills asked for, and the business itself (a
    /// professional who declared it a client or competitor is left out), on `on`.
    pub fn need(&self, on: Date) -> CaseNeed {
        let need = CaseNeed::new(self.category.clone(), Requester::Business, on)
            .with_tags(self.tags.iter().map(String::as_str))
            .with_parties([self.business.as_str()]);
        match self.place {
            Some(place) => need.in_place(place),
            None => need,
        }
    }
}

/// Trims a required text, naming it when it is empty or longer than `max` characters (with
/// the count: a long text is refused, never cut); returns it trimmed.
fn required(
    fail: &mut impl FnMut(&'static str, String),
    field: &'static str,
    label: &str,
    text: &str,
    max: usize,
) -> String {
    let text = text.trim();
    let count = text.chars().count();
    if count == 0 {
        fail(field, format!("{label}を入力してください。"));
    } else if count > max {
        fail(
            field,
            format!("{label}は{max}文字以内にしてください（いまは{count}文字です）。"),
        );
    }
    text.to_owned()
}

/// `2027-04-01` or `2027/4/1` (full-width digits accepted).
fn parse_date(raw: &str) -> Option<Date> {
    let folded: String = raw.trim().chars().map(half_width).collect();
    let mut parts = folded.split(['-', '/']);
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(2000..=2100).contains(&year) {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// The tags as typed, split on commas and spaces, without empty ones or repeats (compared
/// as matching compares them).
fn split_tags(raw: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut tags = Vec::new();
    for tag in raw
        .split([',', '、', '，', ' ', '\u{3000}', '\n', '\r', '\t'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let mut key = Vec::new();
        add_tags(&mut key, [tag]);
        if !seen.contains(&key) {
            seen.push(key);
            tags.push(tag.to_owned());
        }
    }
    tags
}

/// Both sides' reviews at the end, each required and at most [`MAX_REVIEW_CHARS`]; every
/// problem named with its field (`business_review`, `talent_review`).
pub fn check_reviews(business: &str, talent: &str) -> Result<(String, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut fail = |field, message: String| errors.push(FieldError { field, message });
    let business = required(
        &mut fail,
        "business_review",
        "事業者からの評価",
        business,
        MAX_REVIEW_CHARS,
    );
    let talent = required(
        &mut fail,
        "talent_review",
        "副業人材からの評価",
        talent,
        MAX_REVIEW_CHARS,
    );
    if errors.is_empty() {
        Ok((business, talent))
    } else {
        Err(errors)
    }
}

/// Where a project stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProjectState {
    /// Posted, no professional approved yet (募集中).
    Open,
    /// A coordinator approved a professional's match (応募).
    Applied,
    Interview,
    Agreed,
    Active,
    Done,
    Cancelled,
}

impl ProjectState {
    pub const ALL: [Self; 7] = [
        Self::Open,
        Self::Applied,
        Self::Interview,
        Self::Agreed,
        Self::Active,
        Self::Done,
        Self::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Applied => "applied",
            Self::Interview => "interview",
            Self::Agreed => "agreed",
            Self::Active => "active",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "募集中",
            Self::Applied => "応募",
            Self::Interview => "面談",
            Self::Agreed => "合意",
            Self::Active => "実施中",
            Self::Done => "完了",
            Self::Cancelled => "取りやめ",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the project can still move.
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Done | Self::Cancelled)
    }

    /// Whether a professional is matched to it now.
    pub fn has_talent(self) -> bool {
        !matches!(self, Self::Open | Self::Cancelled)
    }
}

/// A step a coordinator takes on a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectStep {
    /// Approve the match with one proposed professional: 応募.
    Approve,
    /// The business and the professional meet: 面談.
    Interview,
    /// They agree on the terms: 合意.
    Agree,
    /// The work begins: 実施中.
    Start,
    /// The work is done, with both sides' reviews: 完了.
    Complete,
    /// The match did not work out before an agreement: back to 募集中, for another.
    Reopen,
    /// The business no longer needs it: 取りやめ.
    Cancel,
}

impl ProjectStep {
    pub const ALL: [Self; 7] = [
        Self::Approve,
        Self::Interview,
        Self::Agree,
        Self::Start,
        Self::Complete,
        Self::Reopen,
        Self::Cancel,
    ];

    /// The code a form sends.
    pub fn code(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Interview => "interview",
            Self::Agree => "agree",
            Self::Start => "start",
            Self::Complete => "complete",
            Self::Reopen => "reopen",
            Self::Cancel => "cancel",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// What the button says.
    pub fn label(self) -> &'static str {
        match self {
            Self::Approve => "この人材で承認する",
            Self::Interview => "面談へ進める",
            Self::Agree => "合意とする",
            Self::Start => "実施中にする",
            Self::Complete => "完了にする",
            Self::Reopen => "見送って募集に戻す",
            Self::Cancel => "取りやめにする",
        }
    }
}

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("「{state}」の案件は「{step}」ことができません。画面を開き直して、今の状態を確かめてください。", state = .state.label(), step = .step.label())]
pub struct ProjectError {
    pub state: ProjectState,
    pub step: ProjectStep,
}

/// The state after `step`.
pub fn next_project_state(
    state: ProjectState,
    step: ProjectStep,
) -> Result<ProjectState, ProjectError> {
    use ProjectState as S;
    use ProjectStep as T;
    let next = match (state, step) {
        (S::Open, T::Approve) => S::Applied,
        (S::Applied, T::Interview) => S::Interview,
        (S::Interview, T::Agree) => S::Agreed,
        (S::Agreed, T::Start) => S::Active,
        (S::Active, T::Complete) => S::Done,
        (S::Applied | S::Interview, T::Reopen) => S::Open,
        (open, T::Cancel) if open.is_open() => S::Cancelled,
        (state, step) => return Err(ProjectError { state, step }),
    };
    Ok(next)
}

/// The steps a coordinator may take from `state`, in the order the page offers them.
pub fn project_steps_from(state: ProjectState) -> Vec<ProjectStep> {
    ProjectStep::ALL
        .into_iter()
        .filter(|step| next_project_state(state, *step).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;
    use crate::desk::{
        Candidate, Expert, ExpertKind, ServiceArea, Standing, propose, sample_registry,
    };

    fn categories() -> Vec<Category> {
        vec![
            Category::parse("data").unwrap(),
            Category::parse("security").unwrap(),
        ]
    }

    fn form() -> ProjectForm<'static> {
        ProjectForm {
            business: "（例）大田精機株式会社",
            goal: "受注から出荷までの工程を見える化したい",
            deliverable: "工程管理の表と運用の手順書",
            hours_per_week: "８",
            work_style: "hybrid",
            reward: "paid",
            starts: "2027-04-01",
            ends: "2027/9/30",
            category: "data",
            place: "131113",
            tags: "生産管理、Excel, excel",
        }
    }

    #[test]
    fn a_complete_form_is_kept_trimmed_with_its_tags_once_each() {
        let project = Project::check(&form(), &categories()).unwrap();
        assert_eq!(project.hours_per_week, 8);
        assert_eq!(project.work_style, WorkStyle::Hybrid);
        assert_eq!(project.starts, date!(2027 - 04 - 01));
        assert_eq!(project.ends, date!(2027 - 09 - 30));
        assert_eq!(project.tags, ["生産管理", "Excel"]);
        assert_eq!(project.place.unwrap().to_string(), "131113");
    }

    #[test]
    fn every_problem_is_named_with_its_field_in_japanese() {
        let bad = ProjectForm {
            business: " ",
            goal: "",
            deliverable: &"あ".repeat(MAX_TEXT_CHARS + 1),
            hours_per_week: "41",
            work_style: "moon",
            reward: "",
            starts: "2027-02-30",
            ends: "来年",
            category: "tax",
            place: "13111x",
            tags: "",
        };
        let errors = Project::check(&bad, &categories()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "business",
                "goal",
                "deliverable",
                "hours_per_week",
                "work_style",
                "reward",
                "starts",
                "ends",
                "category",
                "place"
            ]
        );
        assert_eq!(errors[0].message, "事業者名を入力してください。");
        assert!(
            errors[2].message.contains("1001文字"),
            "{}",
            errors[2].message
        );
        assert!(
            errors[3].message.contains("1から40"),
            "{}",
            errors[3].message
        );
    }

    #[test]
    fn a_project_cannot_end_before_it_starts_or_ask_for_too_many_skills() {
        let backwards = ProjectForm {
            ends: "2027-03-31",
            ..form()
        };
        let errors = Project::check(&backwards, &categories()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "ends");
        let one_day = ProjectForm {
            ends: "2027-04-01",
            ..form()
        };
        assert!(Project::check(&one_day, &categories()).is_ok());
        let many = ProjectForm {
            tags: "a b c d e f g h i j k",
            ..form()
        };
        let errors = Project::check(&many, &categories()).unwrap_err();
        assert_eq!(errors[0].field, "tags");
        assert!(errors[0].message.contains("11個"), "{}", errors[0].message);
    }

    #[test]
    fn reviews_are_both_required_and_short() {
        assert_eq!(
            check_reviews(" 助かりました ", "よい経験でした"),
            Ok(("助かりました".to_owned(), "よい経験でした".to_owned()))
        );
        let errors = check_reviews("", &"あ".repeat(MAX_REVIEW_CHARS + 1)).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["business_review", "talent_review"]);
        assert!(
            errors[1].message.contains("400文字以内"),
            "{}",
            errors[1].message
        );
        assert!(check_reviews("あ", &"い".repeat(MAX_REVIEW_CHARS)).is_ok());
    }

    #[test]
    fn the_engine_proposes_side_job_professionals_for_a_project_with_reasons() {
        let project = Project::check(&form(), &categories()).unwrap();
        let registry = sample_registry();
        let candidates: Vec<_> = registry
            .iter()
            .map(|s| Candidate {
                expert: &s.expert,
                standing: Standing::default(),
            })
            .collect();
        let need = project.need(date!(2027 - 03 - 01));
        let matching = propose(&need, ExpertKind::Talent, &candidates, 3);
        let ids: Vec<_> = matching
            .proposals
            .iter()
            .map(|p| p.expert.id.as_str())
            .collect();
        // tal-02 (生産管理・Excel) first; tal-01 takes the category too; tal-03 does not.
        assert_eq!(ids, ["tal-02", "tal-01"]);
        assert!(
            matching.proposals[0].reasons[0].contains("生産管理"),
            "{:?}",
            matching.proposals[0].reasons
        );
        assert!(
            matching
                .proposals
                .iter()
                .all(|p| p.expert.kind == ExpertKind::Talent)
        );
    }

    #[test]
    fn a_professional_who_declared_the_business_is_left_out() {
        let project = Project::check(&form(), &categories()).unwrap();
        let mut talent = Expert::new("tal-x", ExpertKind::Talent, "（例）人材")
            .with_conflicts(["(例)大田精機 株式会社"]);
        talent.categories = categories();
        talent.takes = vec![Requester::Business];
        talent.area = ServiceArea {
            areas: Vec::new(),
            remote: true,
        };
        talent.monthly_capacity = 1;
        let candidates = [Candidate {
            expert: &talent,
            standing: Standing::default(),
        }];
        let matching = propose(
            &project.need(date!(2027 - 03 - 01)),
            ExpertKind::Talent,
            &candidates,
            3,
        );
        assert!(matching.proposals.is_empty());
        assert!(matching.excluded[0].1.message().starts_with("利害関係"));
    }

    #[test]
    fn a_project_goes_from_approval_to_done_and_says_why_a_step_is_refused() {
        let mut state = ProjectState::Open;
        for step in [
            ProjectStep::Approve,
            ProjectStep::Reopen,
            ProjectStep::Approve,
            ProjectStep::Interview,
            ProjectStep::Agree,
            ProjectStep::Start,
            ProjectStep::Complete,
        ] {
            state = next_project_state(state, step).unwrap();
        }
        assert_eq!(state, ProjectState::Done);
        let err = next_project_state(ProjectState::Applied, ProjectStep::Complete).unwrap_err();
        assert_eq!(
            err.to_string(),
            "「応募」の案件は「完了にする」ことができません。画面を開き直して、今の状態を確かめてください。"
        );
        assert_eq!(
            project_steps_from(ProjectState::Interview),
            [ProjectStep::Agree, ProjectStep::Reopen, ProjectStep::Cancel]
        );
        assert!(project_steps_from(ProjectState::Done).is_empty());
        for state in ProjectState::ALL {
            assert_eq!(ProjectState::parse(state.code()), Some(state));
        }
    }

    /// The allowed graph, written out on its own so that the function is checked against
    /// it rather than against itself.
    const EDGES: [(ProjectState, ProjectState); 12] = {
        use ProjectState as S;
        [
            (S::Open, S::Applied),
            (S::Applied, S::Interview),
            (S::Interview, S::Agreed),
            (S::Agreed, S::Active),
            (S::Active, S::Done),
            (S::Applied, S::Open),
            (S::Interview, S::Open),
            (S::Open, S::Cancelled),
            (S::Applied, S::Cancelled),
            (S::Interview, S::Cancelled),
            (S::Agreed, S::Cancelled),
            (S::Active, S::Cancelled),
        ]
    };

    proptest! {
        /// Whatever steps are tried from any state, every step taken is an edge of the
        /// graph, a refused step changes nothing, and 完了 and 取りやめ never move again.
        #[test]
        fn no_sequence_of_steps_leaves_the_allowed_graph(
            start in prop::sample::select(ProjectState::ALL.to_vec()),
            steps in prop::collection::vec(prop::sample::select(ProjectStep::ALL.to_vec()), 0..60),
        ) {
            let mut state = start;
            for step in steps {
                match next_project_state(state, step) {
                    Ok(next) => {
                        prop_assert!(EDGES.contains(&(state, next)), "{state:?} -{step:?}-> {next:?}");
                        prop_assert!(state.is_open());
                        state = next;
                    }
                    Err(err) => prop_assert_eq!(err, ProjectError { state, step }),
                }
            }
        }
    }

    /// Every edge of the graph can be taken by some step: the function forbids nothing the
    /// desk needs.
    #[test]
    fn every_edge_of_the_graph_is_a_step() {
        for (from, to) in EDGES {
            assert!(
                ProjectStep::ALL
                    .into_iter()
                    .any(|step| next_project_state(from, step) == Ok(to)),
                "{from:?} -> {to:?}"
            );
        }
    }
}
