//! A consultation as the requester files it, and the checks it passes before anyone keeps
//! it: consent to the stated purpose, a way to reach them that can be one, and sizes a
//! person can read. Every problem is named at once, with its field, so that a form can
//! show them all beside what was typed.

use serde::{Deserialize, Serialize};

use super::expert::{Category, Requester};
use crate::reference::LocalGovCode;
use crate::text::fold::half_width;

/// The longest message a consultation may carry: a page or two of text. Anything longer
/// is refused with the count, never cut.
pub const MAX_MESSAGE_CHARS: usize = 4_000;
/// What a diagnosis attaches (its answers and the programs chosen) at most.
pub const MAX_ATTACHED_CHARS: usize = 20_000;
const MAX_NAME_CHARS: usize = 60;
const MAX_ORGANISATION_CHARS: usize = 100;
/// What the business does, in its own words: a phrase (「ラーメン屋」「介護施設」).
const MAX_BUSINESS_CHARS: usize = 100;
const MAX_TIMES_CHARS: usize = 200;
const MAX_EMAIL_LEN: usize = 254;

/// How the requester would like to be consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Any,
    Visit,
    Online,
    Phone,
}

impl Method {
    pub const ALL: [Self; 4] = [Self::Any, Self::Visit, Self::Online, Self::Phone];

    pub fn code(self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::Visit => "visit",
            Self::Online => "online",
            Self::Phone => "phone",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Any => "どれでもよい",
            Self::Visit => "窓口で対面",
            Self::Online => "オンライン",
            Self::Phone => "電話",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// The form as typed: every field text, nothing trusted yet.
#[derive(Debug, Clone, Default)]
pub struct IntakeForm<'a> {
    pub requester: &'a str,
    pub category: &'a str,
    pub name: &'a str,
    pub organisation: &'a str,
    /// What the business does, in its own words (optional).
    pub business: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub place: &'a str,
    pub message: &'a str,
    pub method: &'a str,
    pub times: &'a str,
    pub attached: &'a str,
    pub consent: bool,
}

/// A consultation that passed every check: the personal data the desk keeps for it.
/// Its `Debug` leaves the personal data out, so that an error or trace never logs it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    pub requester: Requester,
    pub category: Category,
    pub name: String,
    /// 事業者名・団体名; empty for a resident.
    pub organisation: String,
    /// What the business does, in its own words; empty when not given. Staff see the
    /// industry finder's proposals for it beside the case, never a guess stored as fact.
    #[serde(default)]
    pub business: String,
    /// Empty when only a phone number was given.
    pub email: String,
    /// As typed (full-width digits folded); empty when only an e-mail was given.
    pub phone: String,
    pub place: Option<LocalGovCode>,
    pub message: String,
    pub method: Method,
    pub times: String,
    /// The diagnosis's answers and chosen programs, exactly as the requester saw them.
    pub attached: String,
}

impl std::fmt::Debug for Intake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Intake")
            .field("requester", &self.requester)
            .field("category", &self.category)
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

/// One problem with one field of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field's name.
    pub field: &'static str,
    pub message: String,
}

impl Intake {
    /// Checks the form against the categories the desk offers. Returns every problem.
    pub fn check(form: &IntakeForm<'_>, categories: &[Category]) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail = |field, message: String| errors.push(FieldError { field, message });
        if !form.consent {
            fail(
                "consent",
                "個人情報の取り扱いに同意いただけない場合は、相談を受け付けられません。内容を確認して、同意の欄にチェックを入れてください。".to_owned(),
            );
        }
        let requester = Requester::parse(form.requester.trim());
        if requester.is_none() {
            fail("requester", "相談する方の区分を選んでください。".to_owned());
        }
        let category = Category::parse(form.category)
            .ok()
            .filter(|c| categories.contains(c));
        if category.is_none() {
            fail("category", "相談の分野を選んでください。".to_owned());
        }
        let name = form.name.trim();
        if name.is_empty() {
            fail("name", "お名前を入力してください。".to_owned());
        }
        too_long(&mut fail, "name", "お名前", name, MAX_NAME_CHARS);
        let organisation = form.organisation.trim();
        too_long(
            &mut fail,
            "organisation",
            "事業者名・団体名",
            organisation,
            MAX_ORGANISATION_CHARS,
        );
        let business = form.business.trim();
        too_long(
            &mut fail,
            "business",
            "事業の内容",
            business,
            MAX_BUSINESS_CHARS,
        );
        if requester.is_some_and(|r| r != Requester::Resident) && organisation.is_empty() {
            fail(
                "organisation",
                "事業者名または団体名を入力してください。".to_owned(),
            );
        }
        let email = form.email.trim();
        if !email.is_empty() && email_key(email).is_none() {
            fail(
                "email",
                "メールアドレスの形ではありません。「name@example.jp」のように、半角で入力してください。".to_owned(),
            );
        }
        let phone: String = form.phone.trim().chars().map(half_width).collect();
        if !phone.is_empty() && phone_key(&phone).is_none() {
            fail(
                "phone",
                "電話番号の形ではありません。「059-000-0000」のように、市外局番から10桁か11桁で入力してください。".to_owned(),
            );
        }
        if email.is_empty() && phone.is_empty() {
            fail(
                "email",
                "ご連絡先として、メールアドレスか電話番号のどちらかを入力してください。".to_owned(),
            );
        }
        let place = match form.place.trim() {
            "" => None,
            raw => {
                let code = LocalGovCode::parse(raw).ok();
                if code.is_none() {
                    fail(
                        "place",
                        "所在地の市区町村を一覧から選んでください。".to_owned(),
                    );
                }
                code
            }
        };
        let message = form.message.trim();
        if message.is_empty() {
            fail("message", "相談したい内容を入力してください。".to_owned());
        }
        too_long(
            &mut fail,
            "message",
            "相談の内容",
            message,
            MAX_MESSAGE_CHARS,
        );
        let method = Method::parse(form.method.trim());
        if method.is_none() {
            fail("method", "希望する相談の方法を選んでください。".to_owned());
        }
        let times = form.times.trim();
        too_long(&mut fail, "times", "希望する日時", times, MAX_TIMES_CHARS);
        too_long(
            &mut fail,
            "attached",
            "診断結果",
            form.attached,
            MAX_ATTACHED_CHARS,
        );
        match (requester, category, method) {
            (Some(requester), Some(category), Some(method)) if errors.is_empty() => Ok(Self {
                requester,
                category,
                name: name.to_owned(),
                organisation: organisation.to_owned(),
                business: business.to_owned(),
                email: email.to_owned(),
                phone,
                place,
                message: message.to_owned(),
                method,
                times: times.to_owned(),
                attached: form.attached.to_owned(),
            }),
            _ => Err(errors),
        }
    }

    /// The e-mail address folded for finding this person's cases again.
    pub fn email_key(&self) -> Option<String> {
        email_key(&self.email)
    }

    /// The phone number's digits, for finding this person's cases again.
    pub fn phone_key(&self) -> Option<String> {
        phone_key(&self.phone)
    }

    /// The names a conflict of interest is declared against: the requester's organisation.
    pub fn parties(&self) -> Vec<&str> {
        [self.organisation.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect()
    }
}

fn too_long(
    fail: &mut impl FnMut(&'static str, String),
    field: &'static str,
    label: &str,
    text: &str,
    max: usize,
) {
    let count = text.chars().count();
    if count > max {
        fail(
            field,
            format!("{label}は{max}文字以内にしてください（いまは{count}文字です）。"),
        );
    }
}

/// An e-mail address in lower case, if it can be one: one `@`, something before it, a
/// domain with a dot after it, printable ASCII without spaces.
pub fn email_key(raw: &str) -> Option<String> {
    let email = raw.trim();
    let (local, domain) = email.split_once('@')?;
    let ok = email.len() <= MAX_EMAIL_LEN
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| email.to_ascii_lowercase())
}

/// A Japanese phone number's digits, if it can be one: 10 or 11 digits from a leading 0,
/// written with or without hyphens, spaces or brackets (full-width digits accepted).
pub fn phone_key(raw: &str) -> Option<String> {
    let folded: String = raw.trim().chars().map(half_width).collect();
    if !folded
        .chars()
        .all(|c| c.is_ascii_digit() || "-() ".contains(c))
    {
        return None;
    }
    let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
    (digits.starts_with('0') && (10..=11).contains(&digits.len())).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn categories() -> Vec<Category> {
        vec![Category::parse("dx-strategy").unwrap()]
    }

    fn form() -> IntakeForm<'static> {
        IntakeForm {
            requester: "business",
            category: "dx-strategy",
            name: "山田 花子",
            organisation: "やまだ商店",
            business: "  ラーメン屋 ",
            email: "hanako@example.jp",
            phone: "",
            place: "242012",
            message: "在庫管理をデジタルにしたい",
            method: "online",
            times: "平日の午後",
            attached: "",
            consent: true,
        }
    }

    #[test]
    fn a_complete_form_is_kept_as_typed_and_trimmed() {
        let intake = Intake::check(&form(), &categories()).unwrap();
        assert_eq!(intake.requester, Requester::Business);
        assert_eq!(intake.place.unwrap().to_string(), "242012");
        assert_eq!(intake.email_key().as_deref(), Some("hanako@example.jp"));
        assert_eq!(intake.parties(), ["やまだ商店"]);
        assert_eq!(intake.business, "ラーメン屋");
    }

    #[test]
    fn every_problem_is_named_with_its_field() {
        let bad = IntakeForm {
            consent: false,
            email: "hanako@",
            phone: "12-34",
            message: &"あ".repeat(MAX_MESSAGE_CHARS + 1),
            category: "tax",
            business: &"ラーメン屋".repeat(21),
            ..form()
        };
        let errors = Intake::check(&bad, &categories()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "consent", "category", "business", "email", "phone", "message"
            ]
        );
        assert!(
            errors[2].message.contains("105文字"),
            "{}",
            errors[2].message
        );
        assert!(
            errors[5].message.contains("4001文字"),
            "{}",
            errors[5].message
        );
    }

    #[test]
    fn a_way_to_reach_the_requester_is_needed() {
        let bad = IntakeForm {
            email: "",
            phone: "",
            ..form()
        };
        let errors = Intake::check(&bad, &categories()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("どちらか"));
        let phone_only = IntakeForm {
            email: "",
            phone: "０５９－２２４－００００",
            ..form()
        };
        let intake = Intake::check(&phone_only, &categories()).unwrap();
        assert_eq!(intake.phone_key().as_deref(), Some("0592240000"));
    }

    #[test]
    fn e_mail_and_phone_shapes() {
        assert_eq!(
            email_key(" A.B@Example.JP ").as_deref(),
            Some("a.b@example.jp")
        );
        for bad in [
            "a@b",
            "@example.jp",
            "a b@example.jp",
            "a@@example.jp",
            "あ@例.jp",
        ] {
            assert_eq!(email_key(bad), None, "{bad}");
        }
        assert_eq!(phone_key("(059) 224-0000").as_deref(), Some("0592240000"));
        assert_eq!(phone_key("090-1234-5678").as_deref(), Some("09012345678"));
        for bad in [
            "1234567890",
            "059-224",
            "059-224-0000 内線3",
            "0901234567890",
        ] {
            assert_eq!(phone_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn debug_output_leaves_the_personal_data_out() {
        let intake = Intake::check(&form(), &categories()).unwrap();
        let shown = format!("{intake:?}");
        assert!(shown.contains("Business"), "{shown}");
        for personal in ["山田", "やまだ", "hanako", "在庫", "242012", "午後"] {
            assert!(!shown.contains(personal), "{personal} in {shown}");
        }
    }

    #[test]
    fn a_resident_needs_no_organisation() {
        let resident = IntakeForm {
            requester: "resident",
            organisation: "",
            ..form()
        };
        assert!(Intake::check(&resident, &categories()).is_ok());
        let business = IntakeForm {
            organisation: "",
            ..form()
        };
        assert_eq!(
            Intake::check(&business, &categories()).unwrap_err()[0].field,
            "organisation"
        );
    }
}
