//! The consultation desk's part of `madoguchi demo` (and `serve --demo`): the example
//! registry of experts, a console account for one advisor, and invented consultations in
//! every state of the workflow, so that the console's desk pages, an expert's own view and
//! the retention and export commands can be tried without anyone's real data.
//!
//! The cases go through the store's ordinary steps (`file_case`, then `change_case`, one
//! step at a time), so that each carries the history, audit entries and counts a real case
//! would. Every person and business is invented and marked 「（例）」; e-mail addresses are
//! at example.jp and phone numbers in 059-000-00xx. Nothing is added twice: the registry
//! only into an empty registry, the cases only when there are none.

use std::collections::HashMap;

use anyhow::{Context, bail};
use madoguchi_core::calendar::JST;
use madoguchi_core::desk::{Candidate, Standing};
use madoguchi_core::desk::{
    CaseNeed, CaseState, Category, DEFAULT_CATEGORIES, Expert, Intake, IntakeForm, propose,
    sample_registry,
};
use madoguchi_core::staff::{DisplayName, Login, NewPassword, Role};
use madoguchi_staff::Operator;
use madoguchi_staff::accounts::{self, NewMember};
use madoguchi_store::{Case, CaseChange, CaseQuery, DeskActor, ExpertEntry, Store};
use madoguchi_web::desk::DeskSettings;
use time::{Date, OffsetDateTime};

/// The console login of the demo advisor.
pub const EXPERT_LOGIN: &str = "demo-expert";
/// The advisor who signs in with it.
pub const EXPERT_ID: &str = "adv-01";
/// Who files a case on the public form, as its history names them.
const REQUESTER: &str = "相談者";
/// The member of staff the demo's hearings, introductions and endings are done by.
const STAFF: &str = "（例）相談窓口 担当";

/// How a demo case ends, if it does.
#[derive(Debug, Clone, Copy)]
enum End {
    Open,
    Close(&'static str),
    Withdraw(&'static str),
}

/// One invented consultation and the steps it went through. The steps are taken in this
/// order, each only if given: the hearing (with its notes and tags), an introduction the
/// expert declined, the introduction, the expert's acceptance, sessions, the end.
#[derive(Debug, Clone, Copy)]
struct DemoCase {
    requester: &'static str,
    category: &'static str,
    name: &'static str,
    organisation: &'static str,
    email: &'static str,
    phone: &'static str,
    place: &'static str,
    message: &'static str,
    method: &'static str,
    times: &'static str,
    /// Hearing notes; empty for a case nobody has reached yet.
    notes: &'static str,
    tags: &'static [&'static str],
    declined: Option<(&'static str, &'static str)>,
    expert: Option<&'static str>,
    accepted: bool,
    sessions: &'static [&'static str],
    end: End,
}

/// A case as filed, before anyone acts on it.
const FILED: DemoCase = DemoCase {
    requester: "business",
    category: "strategy",
    name: "",
    organisation: "",
    email: "",
    phone: "",
    place: "",
    message: "",
    method: "any",
    times: "",
    notes: "",
    tags: &[],
    declined: None,
    expert: None,
    accepted: false,
    sessions: &[],
    end: End::Open,
};

/// Three cases in each state: 受付, ヒアリング, 紹介, 相談中, 完了, 取下げ.
const CASES: [DemoCase; 18] = [
    // 受付
    DemoCase {
        category: "data",
        name: "（例）鈴木 健一",
        organisation: "（例）鈴鹿精密工業株式会社",
        email: "suzuki@suzuka-seimitsu.example.jp",
        phone: "059-000-0001",
        place: "242071",
        message: "自動車部品の切削加工をしている従業員30名ほどの会社です。設備の稼働状況を紙の日報で集計していますが、集計に時間がかかり、止まっている時間の原因もつかめていません。センサーなどで稼働状況を見える化したいのですが、何から始めればよいか相談させてください。",
        method: "visit",
        times: "平日の午後",
        ..FILED
    },
    DemoCase {
        category: "workstyle",
        name: "（例）中西 美和",
        organisation: "（例）社会福祉法人なばり福祉会",
        email: "nakanishi@nabari-fukushi.example.jp",
        phone: "059-000-0002",
        place: "242080",
        message: "訪問介護と通所介護の事業所を運営しています。介護記録を紙に書いて事務所で転記しており、職員の残業の原因になっています。タブレットで記録できる仕組みを入れたいのですが、年配の職員も多く、使いこなせるか不安です。",
        method: "online",
        times: "火曜か木曜の10時〜12時",
        ..FILED
    },
    DemoCase {
        requester: "municipality",
        category: "skills",
        name: "（例）浜口 誠",
        organisation: "（例）尾鷲市 商工観光課",
        email: "hamaguchi@city-owase.example.jp",
        phone: "059-000-0003",
        place: "242098",
        message: "市内の小規模事業者向けに、デジタル活用の入門セミナーを年度内に2回開きたいと考えています。キャッシュレス決済やSNSでの発信など、すぐに役立つ内容を話していただける講師を紹介していただけないでしょうか。",
        method: "phone",
        ..FILED
    },
    // ヒアリング
    DemoCase {
        category: "security",
        name: "（例）伊藤 隆",
        organisation: "（例）四日市ケミカル部品株式会社",
        email: "ito@yokkaichi-chem.example.jp",
        phone: "059-000-0004",
        place: "242021",
        message: "取引先の大手メーカーから、情報セキュリティ対策のチェックシートへの回答を求められました。ランサムウェアの被害の報道も多く、社内のパソコン20台ほどの管理を見直したいと思っています。",
        method: "visit",
        times: "平日の午前",
        notes: "パソコンは各自管理で、OSの更新は任意。バックアップは共有フォルダのみ。取引先のチェックシート（50項目）の回答期限は来月末。まず現状の確認と優先順位づけを希望。",
        tags: &["セキュリティ", "情報管理"],
        ..FILED
    },
    DemoCase {
        category: "data",
        name: "（例）服部 里美",
        organisation: "（例）亀山の菓子工房はっとり",
        email: "hattori@kameyama-kashi.example.jp",
        phone: "059-000-0005",
        place: "242101",
        message: "和菓子の製造と店頭販売をしています。ネットでの販売を始めたいのですが、ECサイトを自分で作るか、モールに出店するか決めかねています。SNSでの発信もあわせて相談したいです。",
        method: "online",
        notes: "従業員5名。商品の多くは日持ちが短く、配送できるのは焼き菓子中心。インスタグラムは店主が個人で更新中。販売量の見込みと手数料を比べたい。",
        tags: &["EC", "SNS"],
        ..FILED
    },
    DemoCase {
        requester: "municipality",
        category: "strategy",
        name: "（例）森 直樹",
        organisation: "（例）いなべ市 企画課",
        email: "mori@city-inabe.example.jp",
        phone: "059-000-0006",
        place: "242144",
        message: "市のDX推進計画を来年度に改定する予定です。市内事業者のデジタル化支援を計画にどう位置づけるか、他の自治体の例も含めて助言をいただきたいです。",
        method: "visit",
        notes: "現行計画は庁内業務が中心で、事業者支援は未記載。商工会との連携を検討中。改定案は秋の審議会にかける予定。",
        tags: &["DX戦略"],
        ..FILED
    },
    // 紹介（専門家の承諾待ち）
    DemoCase {
        category: "strategy",
        name: "（例）田中 大輔",
        organisation: "（例）津ものづくり株式会社",
        email: "tanaka@tsu-monozukuri.example.jp",
        phone: "059-000-0007",
        place: "242012",
        message: "父から工場を継ぐことになりました。受注から出荷までを紙とExcelで回していますが、今後5年を見すえてどこからデジタル化を進めるか、経営計画として整理したいと考えています。",
        method: "visit",
        times: "土曜の午前も可",
        notes: "板金加工、従業員18名。事業承継は2年後の予定。受注管理の属人化が課題。経営計画の作り方から伴走してほしいとの希望。",
        tags: &["DX戦略", "経営計画"],
        expert: Some(EXPERT_ID),
        ..FILED
    },
    DemoCase {
        category: "workstyle",
        name: "（例）濱田 早苗",
        organisation: "（例）旅館 鳥羽の浜",
        email: "hamada@toba-hama.example.jp",
        phone: "059-000-0008",
        place: "242110",
        message: "客室12室の旅館です。予約サイト3つと電話の予約を紙の台帳にまとめており、ダブルブッキングが年に何度か起きています。予約の管理をまとめられる仕組みを入れたいです。",
        method: "online",
        notes: "予約の約7割が予約サイト経由。台帳は女将が管理。繁忙期は電話対応で手が回らない。補助金が使えるなら活用したい。",
        tags: &["予約システム", "観光"],
        expert: Some("ptn-10"),
        ..FILED
    },
    DemoCase {
        category: "data",
        name: "（例）山本 浩二",
        organisation: "（例）伊賀ダイカスト株式会社",
        email: "yamamoto@iga-diecast.example.jp",
        phone: "059-000-0009",
        place: "242161",
        message: "生産計画をExcelで立てていますが、担当者しか分からない表になっています。ほかの社員も使える形に作り直したいので、生産管理に詳しい方に手伝っていただけないでしょうか。",
        method: "online",
        notes: "Excelのマクロが複雑で、担当者の退職が近い。専用システムの導入までは考えておらず、まずは表の整理を希望。オンラインでの打ち合わせで構わない。",
        tags: &["生産管理", "Excel"],
        expert: Some("tal-02"),
        ..FILED
    },
    // 相談中
    DemoCase {
        requester: "municipality",
        category: "strategy",
        name: "（例）西村 香織",
        organisation: "（例）松阪市 商工政策課",
        email: "nishimura@city-matsusaka.example.jp",
        phone: "059-000-0010",
        place: "242047",
        message: "商工会議所と連携して、市内の中小企業のDXを後押しする支援メニューを作りたいと考えています。事業者の実態をどう把握し、どんな順番で支援すればよいか相談させてください。",
        method: "visit",
        notes: "市内事業者アンケート（回答約300件）の結果あり。支援の柱を3つ程度に絞りたい。予算要求は秋。",
        tags: &["DX戦略", "経営計画"],
        expert: Some(EXPERT_ID),
        accepted: true,
        sessions: &[
            "アンケート結果をもとに、事業者を規模と業種で分けて課題を整理した。次回は支援メニューの案を持ち寄る。",
        ],
        ..FILED
    },
    DemoCase {
        category: "data",
        name: "（例）加藤 誠司",
        organisation: "（例）四日市工機株式会社",
        email: "kato@yokkaichi-koki.example.jp",
        phone: "059-000-0011",
        place: "242021",
        message: "見積書の作成に毎回半日ほどかかっています。過去の見積もりを生かして、生成AIなどで作業を短くできないか知りたいです。",
        method: "online",
        notes: "過去5年分の見積書（Excel、約2,000件）あり。図面の読み取りは人が行う前提。情報漏えいが心配との声が社内にある。",
        tags: &["生成AI", "業務効率化"],
        expert: Some("adv-02"),
        accepted: true,
        sessions: &[
            "見積作業の流れを確認し、類似案件の検索に時間がかかっていることが分かった。",
            "社外に出さない使い方を前提に、過去の見積書を検索しやすく整える手順を試した。",
        ],
        ..FILED
    },
    DemoCase {
        category: "workstyle",
        name: "（例）水谷 修",
        organisation: "（例）桑名鋳物製作所",
        email: "mizutani@kuwana-imono.example.jp",
        phone: "059-000-0012",
        place: "242055",
        message: "鋳物工場の設備の稼働と不良の記録を紙で残しています。IoTで自動的に記録できれば、段取りの見直しにつなげたいと考えています。",
        method: "visit",
        notes: "主要設備は6台。古い設備が多く、後付けのセンサーを検討したい。まず1台で試してから広げたい。",
        tags: &["IoT", "製造業"],
        expert: Some("ptn-05"),
        accepted: true,
        sessions: &["工場を見学し、試しにセンサーを付ける設備を1台選んだ。"],
        ..FILED
    },
    // 完了
    DemoCase {
        category: "data",
        name: "（例）大西 由美",
        organisation: "（例）松阪の肉店おおにし",
        email: "onishi@matsusaka-niku.example.jp",
        phone: "059-000-0013",
        place: "242047",
        message: "インボイス制度が始まり、請求書の管理が大変になりました。クラウド会計を入れたいのですが、どれを選べばよいか分かりません。",
        method: "visit",
        notes: "家族経営、従業員3名。税理士とのやり取りは紙。ネット販売の売上もある。",
        tags: &["クラウド会計", "インボイス"],
        expert: Some("adv-04"),
        accepted: true,
        sessions: &[
            "請求書と領収書の流れを確認し、クラウド会計の候補を2つに絞った。",
            "税理士と一緒に候補を比べ、1つに決めて初期設定を行った。",
        ],
        end: End::Close(
            "クラウド会計を導入し、請求書の発行と保存をインボイス制度に合わせた。IT導入補助金の申請を支援し、採択の結果待ち。3か月後に使い方の確認を予定。",
        ),
        ..FILED
    },
    DemoCase {
        category: "security",
        name: "（例）村田 洋子",
        organisation: "（例）すずか訪問看護ステーション",
        email: "murata@suzuka-houmon.example.jp",
        phone: "059-000-0014",
        place: "242071",
        message: "利用者さんの情報をUSBメモリで持ち歩いている職員がいて、紛失したらと心配です。安全に情報を扱うためのルールづくりを手伝ってほしいです。",
        method: "any",
        notes: "看護師12名。記録はパソコンと紙の併用。USBメモリの紛失は未発生だが、持ち出しのルールがない。",
        tags: &["セキュリティ", "情報管理"],
        expert: Some("adv-05"),
        accepted: true,
        sessions: &[
            "情報の持ち出しの実態を確認し、守るべき情報の一覧を作った。",
            "持ち出しのルールの案を作り、USBメモリの使用をやめてクラウドの共有に切り替える手順を決めた。",
            "職員向けの研修を行い、ルールを事業所内に掲示した。",
        ],
        end: End::Close(
            "情報の取り扱いルールを定め、USBメモリの使用をやめた。全職員が研修を受講。半年後に点検を行うことを事業所で決めた。",
        ),
        ..FILED
    },
    DemoCase {
        category: "skills",
        name: "（例）濱口 正人",
        organisation: "（例）鳥羽水産加工有限会社",
        email: "hamaguchi@toba-suisan.example.jp",
        phone: "059-000-0015",
        place: "242110",
        message: "受発注をFAXから切り替えたいと考えています。使える補助金があれば知りたいです。",
        method: "phone",
        notes: "受発注の相手は約40社、うち半数はFAXのみ。まずは補助金の情報が欲しいとのこと。",
        tags: &["補助金申請"],
        end: End::Close(
            "IT導入補助金と県の小規模事業者向け補助金の概要と締切を案内した。申請の準備ができたら改めて相談いただくことになった。",
        ),
        ..FILED
    },
    // 取下げ
    DemoCase {
        category: "data",
        name: "（例）鈴木 健一",
        organisation: "（例）鈴鹿精密工業株式会社",
        email: "suzuki@suzuka-seimitsu.example.jp",
        phone: "059-000-0001",
        place: "242071",
        message: "工場の機械にセンサーを付けて稼働状況を集めたいです。",
        method: "any",
        end: End::Withdraw("社内で内容をまとめ直してから改めて相談したいとの連絡があった。"),
        ..FILED
    },
    DemoCase {
        category: "workstyle",
        name: "（例）岡田 陽介",
        organisation: "（例）志摩パールの店おかだ",
        email: "okada@shima-pearl.example.jp",
        phone: "059-000-0016",
        place: "242152",
        message: "店舗の勤怠管理をタイムカードからスマートフォンに変えたいです。",
        method: "online",
        notes: "パート8名。給与計算は社労士に委託。社労士の事務所が勤怠システムを紹介できるとのこと。",
        tags: &["勤怠管理"],
        end: End::Withdraw(
            "社労士の紹介した勤怠システムを導入することになり、相談は不要となった。",
        ),
        ..FILED
    },
    DemoCase {
        category: "skills",
        name: "（例）前田 昌子",
        organisation: "（例）熊野古道みやげ店まえだ",
        email: "maeda@kumano-miyage.example.jp",
        phone: "059-000-0017",
        place: "242128",
        message: "レジをキャッシュレス決済に対応させたいのですが、どの決済サービスがよいか相談したいです。",
        method: "visit",
        notes: "観光客が中心で、外国人の来店も多い。現在は現金のみ。",
        tags: &["キャッシュレス"],
        declined: Some((
            "adv-07",
            "今月は予定が埋まっており、訪問での相談をお受けできないため。",
        )),
        end: End::Withdraw("観光協会の導入支援を受けることになったため。"),
        ..FILED
    },
];

/// Loads the desk's demo: the example registry, the demo advisor's console account, and
/// the demo cases, each only where nothing is there yet.
pub async fn load(store: &Store) -> anyhow::Result<()> {
    let registry = load_registry(store).await?;
    load_cases(store, &registry).await
}

async fn load_registry(store: &Store) -> anyhow::Result<Vec<ExpertEntry>> {
    let stored = store.experts().await?;
    if !stored.is_empty() {
        println!(
            "相談窓口：専門家が{}人登録済みのため、例の名簿は登録しません。",
            stored.len()
        );
        remind_of_expert_account(store).await?;
        return Ok(stored);
    }
    let actor = staff_actor();
    for sample in sample_registry() {
        let account_id = if sample.expert.id == EXPERT_ID {
            Some(add_expert_account(store, &sample.expert.name).await?)
        } else {
            None
        };
        let entry = ExpertEntry {
            account_id,
            expert: sample.expert,
            contact: sample.contact,
            profile: sample.profile,
        };
        store.save_expert(&entry, &actor).await?;
    }
    let registry = store.experts().await?;
    println!(
        "相談窓口：例の専門家名簿（{}人・社）を登録しました。",
        registry.len()
    );
    Ok(registry)
}

/// Adds the console account the demo advisor signs in with, and prints its login and a
/// password made for it; returns the account's id. An account already under the login is
/// linked as it is.
async fn add_expert_account(store: &Store, name: &str) -> anyhow::Result<String> {
    let login = Login::parse(EXPERT_LOGIN)?;
    if let Some(account) = store.account_by_login(&login).await? {
        remind_of_expert_account(store).await?;
        return Ok(account.id);
    }
    let password = generated_password();
    let new = NewMember {
        display_name: DisplayName::parse(name)?,
        role: Role::Expert,
        password: NewPassword::parse(&password, &login)?,
        login,
    };
    let account = accounts::add(store, &Operator::CommandLine, new).await?;
    println!(
        "相談窓口：デモの専門家アカウントを作りました（{}、{}）。",
        account.display_name,
        Role::Expert.label()
    );
    println!("  ログインID: {}", account.login);
    println!("  パスワード: {password}");
    println!(
        "  パスワードは今回だけ表示します。変えるときは `madoguchi user set-password --login {EXPERT_LOGIN}` を実行してください。"
    );
    Ok(account.id)
}

async fn remind_of_expert_account(store: &Store) -> anyhow::Result<()> {
    let login = Login::parse(EXPERT_LOGIN)?;
    if store.account_by_login(&login).await?.is_some() {
        println!(
            "相談窓口：デモの専門家アカウント（ログインID: {EXPERT_LOGIN}）は作成済みです。パスワードを忘れたときは `madoguchi user set-password --login {EXPERT_LOGIN}` で設定し直してください。"
        );
    }
    Ok(())
}

/// A password nobody can guess, for the demo account. The command line has no random
/// source of its own; the standard library seeds each hasher from the operating system's
/// randomness, which is plenty for a password printed once and replaceable at any time.
fn generated_password() -> String {
    use std::hash::{BuildHasher, RandomState};
    // Letters and digits that cannot be misread.
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let base = ALPHABET.len() as u64;
    let mut groups = Vec::new();
    for part in 0..4u8 {
        let mut bits = RandomState::new().hash_one(part);
        let mut group = String::new();
        for _ in 0..5 {
            group.push(char::from(ALPHABET[(bits % base) as usize]));
            bits /= base;
        }
        groups.push(group);
    }
    groups.join("-")
}

async fn load_cases(store: &Store, registry: &[ExpertEntry]) -> anyhow::Result<()> {
    if store.count_cases(&CaseQuery::default()).await? > 0 {
        println!("相談窓口：相談が登録済みのため、例の相談は登録しません。");
        return Ok(());
    }
    let experts: HashMap<&str, &ExpertEntry> = registry
        .iter()
        .map(|entry| (entry.expert.id.as_str(), entry))
        .collect();
    let needed = CASES
        .iter()
        .flat_map(|case| case.expert.into_iter().chain(case.declined.map(|d| d.0)));
    if let Some(missing) = needed.into_iter().find(|id| !experts.contains_key(id)) {
        println!(
            "相談窓口：例の相談で紹介する専門家「{missing}」が名簿にないため、例の相談は登録しません。"
        );
        return Ok(());
    }
    let settings = DeskSettings::load(store).await?;
    let today = OffsetDateTime::now_utc().to_offset(JST).date();
    let mut introduced: HashMap<&str, u32> = HashMap::new();
    let mut states: HashMap<CaseState, u32> = HashMap::new();
    for case in &CASES {
        let state = file_and_move(store, case, &experts, &mut introduced, &settings, today)
            .await
            .with_context(|| format!("例の相談（{}）を登録できません", case.organisation))?;
        *states.entry(state).or_default() += 1;
    }
    let counts: Vec<String> = CaseState::ALL
        .iter()
        .map(|s| format!("{} {}件", s.label(), states.get(s).copied().unwrap_or(0)))
        .collect();
    println!(
        "相談窓口：例の相談を{}件登録しました（{}）。",
        CASES.len(),
        counts.join("、")
    );
    Ok(())
}

fn staff_actor() -> DeskActor {
    actor(None, STAFF)
}

fn actor(account_id: Option<&str>, name: &str) -> DeskActor {
    DeskActor {
        account_id: account_id.map(str::to_owned),
        name: name.to_owned(),
        client: None,
    }
}

/// The intake the requester would have typed on the form, checked as the form checks it.
fn intake(case: &DemoCase) -> anyhow::Result<Intake> {
    let form = IntakeForm {
        requester: case.requester,
        category: case.category,
        name: case.name,
        organisation: case.organisation,
        business: "",
        email: case.email,
        phone: case.phone,
        place: case.place,
        message: case.message,
        method: case.method,
        times: case.times,
        attached: "",
        consent: true,
    };
    let categories: Vec<Category> = DEFAULT_CATEGORIES
        .iter()
        .filter_map(|(code, _)| Category::parse(code).ok())
        .collect();
    Intake::check(&form, &categories).map_err(|errors| {
        let messages: Vec<String> = errors.into_iter().map(|e| e.message).collect();
        anyhow::anyhow!("{}", messages.join(" "))
    })
}

/// The reasons matching gives for introducing `expert` to the case, with the introductions
/// the demo made so far as the expert's standing; refused if matching would leave them out.
fn reasons(
    intake: &Intake,
    tags: &[&str],
    expert: &Expert,
    introduced: u32,
    on: Date,
) -> anyhow::Result<String> {
    let mut need = CaseNeed::new(intake.category.clone(), intake.requester, on)
        .with_tags(tags.iter().copied())
        .with_parties(intake.parties());
    if let Some(place) = intake.place {
        need = need.in_place(place);
    }
    let standing = Standing {
        this_month: introduced,
        this_fiscal_year: introduced,
        similar_closed: 0,
    };
    let matching = propose(&need, expert.kind, &[Candidate { expert, standing }], 1);
    match (matching.proposals.first(), matching.excluded.first()) {
        (Some(proposal), _) => Ok(proposal.reasons.join("\n")),
        (None, Some((_, why))) => bail!("専門家「{}」は合いません：{}", expert.id, why.message()),
        (None, None) => bail!("専門家「{}」を提案できません", expert.id),
    }
}

/// A case being taken through its steps, each on the revision the previous one left.
struct Step<'s> {
    store: &'s Store,
    case: &'s mut Case,
}

impl Step<'_> {
    async fn take(&mut self, change: CaseChange<'_>, by: &DeskActor) -> anyhow::Result<()> {
        *self.case = self
            .store
            .change_case(self.case.id, self.case.revision, &change, by)
            .await?;
        Ok(())
    }
}

/// Files the case and takes it through its steps; returns where it ended.
async fn file_and_move<'a>(
    store: &Store,
    case: &'a DemoCase,
    experts: &HashMap<&str, &ExpertEntry>,
    introduced: &mut HashMap<&'a str, u32>,
    settings: &DeskSettings,
    today: Date,
) -> anyhow::Result<CaseState> {
    let intake = intake(case)?;
    let staff = staff_actor();
    let mut filed = store
        .file_case(&intake, settings.max_sessions, &actor(None, REQUESTER))
        .await?;
    let mut step = Step {
        store,
        case: &mut filed,
    };
    if !case.notes.is_empty() {
        step.take(CaseChange::StartHearing, &staff).await?;
        let note = CaseChange::Note {
            category: intake.category.clone(),
            tags: case.tags,
            notes: case.notes,
        };
        step.take(note, &staff).await?;
    }
    let introductions = case.declined.map(|d| (d.0, Some(d.1)));
    for (expert_id, declined) in introductions
        .into_iter()
        .chain(case.expert.map(|e| (e, None)))
    {
        let entry = experts[expert_id];
        let count = introduced.entry(expert_id).or_default();
        let reasons = reasons(&intake, case.tags, &entry.expert, *count, today)?;
        *count += 1;
        let refer = CaseChange::Refer {
            expert_id,
            reasons: &reasons,
        };
        step.take(refer, &staff).await?;
        let by_expert = actor(entry.account_id.as_deref(), &entry.expert.name);
        if let Some(reason) = declined {
            step.take(CaseChange::Decline { reason }, &by_expert)
                .await?;
        } else if case.accepted {
            step.take(CaseChange::Accept, &by_expert).await?;
            for summary in case.sessions {
                let session = CaseChange::RecordSession { on: today, summary };
                step.take(session, &by_expert).await?;
            }
        }
    }
    match case.end {
        End::Open => {}
        End::Close(outcome) => step.take(CaseChange::Close { outcome }, &staff).await?,
        End::Withdraw(reason) => step.take(CaseChange::Withdraw { reason }, &staff).await?,
    }
    Ok(filed.state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_case_passes_the_forms_checks_and_is_marked_as_an_example() {
        for case in &CASES {
            let intake = intake(case).unwrap_or_else(|err| panic!("{}: {err}", case.organisation));
            assert!(intake.name.starts_with("（例）"), "{}", intake.name);
            assert!(intake.organisation.starts_with("（例）"));
            assert!(intake.email.ends_with(".example.jp"), "{}", intake.email);
            assert!(intake.phone.starts_with("059-000-00"), "{}", intake.phone);
        }
    }

    #[test]
    fn every_demo_introduction_is_one_matching_would_propose() {
        let registry = sample_registry();
        let today = time::macros::date!(2026 - 06 - 01);
        let mut introduced: HashMap<&str, u32> = HashMap::new();
        for case in &CASES {
            let intake = intake(case).unwrap();
            for id in case.declined.map(|d| d.0).into_iter().chain(case.expert) {
                let sample = registry.iter().find(|s| s.expert.id == id).unwrap();
                let count = introduced.entry(id).or_default();
                let reasons = reasons(&intake, case.tags, &sample.expert, *count, today)
                    .unwrap_or_else(|err| panic!("{}: {err}", case.organisation));
                *count += 1;
                assert!(!reasons.is_empty());
            }
        }
        // The demo advisor has one case waiting for their answer and one in consultation.
        let advisor = |accepted| {
            CASES
                .iter()
                .filter(|c| c.expert == Some(EXPERT_ID) && c.accepted == accepted)
                .count()
        };
        assert!(advisor(false) >= 1 && advisor(true) >= 1);
    }

    #[test]
    fn a_generated_password_meets_the_policy_and_differs_each_time() {
        let login = Login::parse(EXPERT_LOGIN).unwrap();
        let first = generated_password();
        assert!(NewPassword::parse(&first, &login).is_ok());
        assert_eq!(first.len(), 23);
        assert_ne!(first, generated_password());
    }
}
