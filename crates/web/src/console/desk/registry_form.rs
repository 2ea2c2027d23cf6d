//! The registry's add and edit form, read and checked: what an administrator typed for an
//! expert, kept as typed so that a refused form comes back whole, and turned into an
//! [`ExpertEntry`] only when every field reads.
//!
//! Lists are typed one item per line (areas, away periods, conflicts) or separated by
//! 「、」 or commas (tags), because that is how they arrive from a registration sheet. An area
//! is a 全国地方公共団体コード or a name (「三重県」, 「津市」); an ambiguous name such as
//! 「府中市」 is refused with the candidates rather than guessed.

use madoguchi_core::desk::{Availability, Category, Expert, ExpertKind, Requester, ServiceArea};
use madoguchi_core::reference::{LocalGovCode, NameLookup, find_local_gov, local_gov};
use madoguchi_core::staff::Role;
use madoguchi_store::{Account, ExpertEntry};
use time::Date;

use crate::console::audit_log::read_date;
use crate::desk::DeskSettings;
use crate::http::form::FormData;

/// The most new cases a month one expert may be given.
const MAX_CAPACITY: u32 = 999;

/// The form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpertForm {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub categories: Vec<String>,
    pub tags: String,
    pub areas: String,
    pub remote: bool,
    pub takes: Vec<String>,
    pub capacity: String,
    pub paused: bool,
    pub away: String,
    pub conflicts: String,
    pub contact: String,
    pub profile: String,
    pub account: String,
}

/// One field's complaint, by the field's name in the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// What the rest of the registry says about an entry being saved.
pub struct Context<'a> {
    pub settings: &'a DeskSettings,
    pub accounts: &'a [Account],
    pub registry: &'a [ExpertEntry],
    /// The id being edited; `None` for a new entry, whose id must be free.
    pub editing: Option<&'a str>,
}

impl ExpertForm {
    /// The form as posted.
    pub fn read(form: &FormData) -> Self {
        let text = |name: &str| form.get(name).unwrap_or_default().to_owned();
        let all = |name: &str| form.all(name).into_iter().map(str::to_owned).collect();
        Self {
            id: text("id").trim().to_owned(),
            kind: text("kind"),
            name: text("name"),
            categories: all("category"),
            tags: text("tags"),
            areas: text("areas"),
            remote: form.get("remote").is_some(),
            takes: all("takes"),
            capacity: text("capacity"),
            paused: form.get("paused").is_some(),
            away: text("away"),
            conflicts: text("conflicts"),
            contact: text("contact"),
            profile: text("profile"),
            account: text("account"),
        }
    }

    /// An entry as its edit form shows it.
    pub fn of(entry: &ExpertEntry) -> Self {
        let expert = &entry.expert;
        let areas = expert
            .area
            .areas
            .iter()
            .map(|code| match local_gov(*code) {
                Some(gov) => format!("{code} {}", gov.full_name()),
                None => code.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let away = expert
            .availability
            .away
            .iter()
            .map(|(from, to)| format!("{from} {to}"))
            .collect::<Vec<_>>()
            .join("\n");
        Self {
            id: expert.id.clone(),
            kind: expert.kind.code().to_owned(),
            name: expert.name.clone(),
            categories: expert.categories.iter().map(|c| c.to_string()).collect(),
            tags: expert.tags().join("、"),
            areas,
            remote: expert.area.remote,
            takes: expert.takes.iter().map(|r| r.code().to_owned()).collect(),
            capacity: expert.monthly_capacity.to_string(),
            paused: expert.availability.paused,
            away,
            conflicts: expert.conflicts().join("\n"),
            contact: entry.contact.clone(),
            profile: entry.profile.clone(),
            account: entry.account_id.clone().unwrap_or_default(),
        }
    }

    /// A blank form for a new advisor.
    pub fn blank() -> Self {
        Self {
            kind: ExpertKind::Advisor.code().to_owned(),
            takes: vec![Requester::Business.code().to_owned()],
            capacity: "3".to_owned(),
            ..Self::default()
        }
    }

    /// The entry this form describes, or every field that needs fixing. The id's format
    /// and the sizes of name and profile are the store's to check; this checks what only
    /// the form knows: the choices offered, numbers, dates, areas and the account.
    pub fn entry(&self, context: &Context<'_>) -> Result<ExpertEntry, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut refuse = |field: &'static str, message: String| {
            errors.push(FieldError { field, message });
        };
        let id = context.editing.map_or(self.id.as_str(), |id| id);
        if context.editing.is_none() && context.registry.iter().any(|e| e.expert.id == id) {
            refuse(
                "id",
                format!("ID「{id}」はすでに使われています。別のIDにしてください。"),
            );
        }
        let kind = ExpertKind::parse(&self.kind).unwrap_or_else(|| {
            refuse("kind", "種類を選んでください。".to_owned());
            ExpertKind::Advisor
        });
        if self.name.trim().is_empty() {
            refuse("name", "名前を入力してください。".to_owned());
        }
        let categories = self.categories(context);
        if categories.is_empty() {
            refuse(
                "category",
                "分野を1つ以上選んでください。分野のない専門家は提案されません。".to_owned(),
            );
        }
        let takes: Vec<Requester> = self
            .takes
            .iter()
            .filter_map(|code| Requester::parse(code))
            .collect();
        if takes.is_empty() {
            refuse(
                "takes",
                "受け付ける相談者を1つ以上選んでください。".to_owned(),
            );
        }
        let capacity = self
            .capacity
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_CAPACITY)
            .unwrap_or_else(|| {
                refuse(
                    "capacity",
                    format!(
                        "月の受け入れ件数は0から{MAX_CAPACITY}までの半角数字で入力してください。"
                    ),
                );
                0
            });
        let areas = match read_areas(&self.areas) {
            Ok(areas) if areas.is_empty() && !self.remote => {
                refuse(
                    "areas",
                    "対応する地域を入力するか、「オンラインで全国に対応」を選んでください。"
                        .to_owned(),
                );
                areas
            }
            Ok(areas) => areas,
            Err(message) => {
                refuse("areas", message);
                Vec::new()
            }
        };
        let away = read_away(&self.away).unwrap_or_else(|message| {
            refuse("away", message);
            Vec::new()
        });
        let account_id = self.account(context).unwrap_or_else(|message| {
            refuse("account", message);
            None
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut expert = Expert::new(id, kind, self.name.trim())
            .with_tags(split_tags(&self.tags))
            .with_conflicts(lines(&self.conflicts));
        expert.categories = categories;
        expert.takes = takes;
        expert.area = ServiceArea {
            areas,
            remote: self.remote,
        };
        expert.monthly_capacity = capacity;
        expert.availability = Availability {
            paused: self.paused,
            away,
        };
        Ok(ExpertEntry {
            expert,
            contact: self.contact.trim().to_owned(),
            profile: self.profile.trim().to_owned(),
            account_id,
        })
    }

    /// The chosen categories the desk offers, or the entry being edited already had (a
    /// category the desk stopped offering stays until someone unticks it).
    fn categories(&self, context: &Context<'_>) -> Vec<Category> {
        let offered = context.settings.category_codes();
        let had = context
            .editing
            .and_then(|id| context.registry.iter().find(|e| e.expert.id == id))
            .map(|e| e.expert.categories.as_slice())
            .unwrap_or_default();
        let mut chosen: Vec<Category> = self
            .categories
            .iter()
            .filter_map(|code| Category::parse(code).ok())
            .filter(|c| offered.contains(c) || had.contains(c))
            .collect();
        chosen.sort();
        chosen.dedup();
        chosen
    }

    /// The linked console account: none, or an active 専門家 account that no other
    /// expert signs in with.
    fn account(&self, context: &Context<'_>) -> Result<Option<String>, String> {
        let id = self.account.trim();
        if id.is_empty() {
            return Ok(None);
        }
        let account = context
            .accounts
            .iter()
            .find(|a| a.id == id)
            .filter(|a| a.role == Role::Expert)
            .ok_or("ログインする利用者は、役割が「専門家」の利用者から選んでください。")?;
        let taken = context.registry.iter().find(|e| {
            e.account_id.as_deref() == Some(id) && Some(e.expert.id.as_str()) != context.editing
        });
        if let Some(other) = taken {
            return Err(format!(
                "利用者「{}」は、すでに「{}」のログインに使われています。",
                account.login, other.expert.name
            ));
        }
        Ok(Some(account.id.clone()))
    }
}

/// Non-blank lines, trimmed.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// Tags separated by lines, 「、」, 「，」 or commas.
fn split_tags(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\n', '、', ',', '，'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// One area per line: a code (anything after it, such as its name, is ignored) or a name.
fn read_areas(text: &str) -> Result<Vec<LocalGovCode>, String> {
    let mut codes = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let at = |why: String| format!("地域の{}行目「{line}」：{why}", n + 1);
        let first = line.split_whitespace().next().unwrap_or(line);
        let code = if first.bytes().all(|b| b.is_ascii_digit()) {
            let code = LocalGovCode::parse(first).map_err(|err| at(err.to_string()))?;
            local_gov(code)
                .ok_or_else(|| at("このコードの団体は見つかりません。".to_owned()))?
                .code
        } else {
            match find_local_gov(line) {
                NameLookup::Found(gov) => gov.code,
                NameLookup::Ambiguous(candidates) => {
                    let names: Vec<String> = candidates
                        .iter()
                        .take(5)
                        .map(|g| format!("{}（{}）", g.full_name(), g.code))
                        .collect();
                    return Err(at(format!(
                        "同じ名前の団体があります。都道府県名から入力するか、コードで入力してください：{}",
                        names.join("、")
                    )));
                }
                NameLookup::NotFound => {
                    return Err(at(
                        "この名前の都道府県・市区町村は見つかりません。".to_owned()
                    ));
                }
            }
        };
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    Ok(codes)
}

/// One period per line: 「2026-12-28 2027-01-05」 (or joined by 「〜」), or one day.
fn read_away(text: &str) -> Result<Vec<(Date, Date)>, String> {
    let mut periods = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let at = |why: &str| format!("不在期間の{}行目「{line}」：{why}", n + 1);
        let parts: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || matches!(c, '〜' | '～' | '~'))
            .filter(|p| !p.is_empty())
            .collect();
        let date = |raw: &str| -> Result<Date, String> {
            read_date(raw)
                .map_err(&at)?
                .ok_or_else(|| at("日付を入力してください。"))
        };
        let (from, to) = match parts.as_slice() {
            [day] => (date(day)?, date(day)?),
            [from, to] => (date(from)?, date(to)?),
            _ => {
                return Err(at(
                    "「2026-12-28 2027-01-05」のように、始まりと終わりの日付を書いてください。",
                ));
            }
        };
        if from > to {
            return Err(at("終わりの日付が始まりより前です。"));
        }
        periods.push((from, to));
    }
    Ok(periods)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn context<'a>(settings: &'a DeskSettings, registry: &'a [ExpertEntry]) -> Context<'a> {
        Context {
            settings,
            accounts: &[],
            registry,
            editing: None,
        }
    }

    fn filled() -> ExpertForm {
        ExpertForm {
            id: "adv-new".to_owned(),
            name: "例：伊勢 太郎".to_owned(),
            categories: vec!["strategy".to_owned()],
            tags: "ＥＣ、在庫管理, kintone".to_owned(),
            areas: "240001\n津市".to_owned(),
            away: "2026-12-28〜2027-01-05\n2027/2/1".to_owned(),
            conflicts: "（株）ミエ 商事".to_owned(),
            ..ExpertForm::blank()
        }
    }

    #[test]
    fn a_filled_form_reads_into_an_entry_that_reads_back_the_same() {
        let settings = DeskSettings::default();
        let entry = filled().entry(&context(&settings, &[])).unwrap();
        let expert = &entry.expert;
        assert_eq!(expert.id, "adv-new");
        assert_eq!(expert.kind, ExpertKind::Advisor);
        assert_eq!(expert.tags(), ["ec", "kintone", "在庫管理"]);
        let areas: Vec<String> = expert.area.areas.iter().map(|c| c.to_string()).collect();
        assert_eq!(areas, ["240001", "242012"]);
        assert_eq!(
            expert.availability.away,
            [
                (date!(2026 - 12 - 28), date!(2027 - 01 - 05)),
                (date!(2027 - 02 - 01), date!(2027 - 02 - 01))
            ]
        );
        assert!(!expert.availability.open_on(date!(2027 - 01 - 04)));
        assert_eq!(expert.monthly_capacity, 3);
        assert_eq!(expert.takes, [Requester::Business]);
        // The edit form shows it so that saving it unchanged keeps it as it is.
        let again = ExpertForm::of(&entry)
            .entry(&Context {
                editing: Some("adv-new"),
                ..context(&settings, std::slice::from_ref(&entry))
            })
            .unwrap();
        assert_eq!(again, entry);
    }

    #[test]
    fn every_field_that_does_not_read_is_named_at_once() {
        let settings = DeskSettings::default();
        let registry = [filled().entry(&context(&settings, &[])).unwrap()];
        let form = ExpertForm {
            kind: "boss".to_owned(),
            name: " ".to_owned(),
            categories: vec!["no-such".to_owned()],
            takes: Vec::new(),
            capacity: "たくさん".to_owned(),
            areas: "府中市".to_owned(),
            away: "2027-01-05 2026-12-28".to_owned(),
            account: "acc-1".to_owned(),
            ..filled()
        };
        let errors = form.entry(&context(&settings, &registry)).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "id", "kind", "name", "category", "takes", "capacity", "areas", "away", "account"
            ]
        );
        let areas = &errors[6].message;
        assert!(
            areas.contains("東京都府中市") && areas.contains("広島県府中市"),
            "{areas}"
        );
    }

    #[test]
    fn an_expert_needs_an_area_or_remote_work() {
        let settings = DeskSettings::default();
        let nowhere = ExpertForm {
            areas: String::new(),
            ..filled()
        };
        let errors = nowhere.entry(&context(&settings, &[])).unwrap_err();
        assert_eq!(errors[0].field, "areas");
        let online = ExpertForm {
            remote: true,
            ..nowhere
        };
        assert!(
            online
                .entry(&context(&settings, &[]))
                .unwrap()
                .expert
                .area
                .remote
        );
    }
}
