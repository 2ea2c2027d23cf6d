//! `madoguchi desk`: the consultation desk's personal data from the server's command line.
//!
//! `purge` carries out the desk's retention now, as the server does once a day (the same
//! function, so that both read the settings alike); `export` and `erase` answer one
//! person's request to see or erase what the desk keeps about them, found by the e-mail
//! address or phone number they filed with. Each is audit-logged by the store as done by
//! 「コマンドライン」.

use anyhow::bail;
use madoguchi_core::calendar::JST;
use madoguchi_core::desk::{email_key, phone_key};
use madoguchi_staff::Operator;
use madoguchi_store::{Case, CaseEvent, DeskActor, Store};
use madoguchi_web::desk::DeskSettings;
use madoguchi_web::desk_jobs;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cli::{DeskArgs, DeskCommand};
use crate::config::Config;
use crate::output::emit_json;

pub async fn run(config: &Config, args: &DeskArgs) -> anyhow::Result<()> {
    let store = config.open_migrated_store().await?;
    let actor = DeskActor {
        account_id: None,
        name: Operator::COMMAND_LINE.to_owned(),
        client: None,
    };
    match &args.command {
        DeskCommand::Purge => purge(&store, &actor).await,
        DeskCommand::Export(arg) => export(&store, &arg.contact, &actor).await,
        DeskCommand::Erase(args) => erase(&store, &args.contact.contact, args.yes, &actor).await,
    }
}

async fn purge(store: &Store, actor: &DeskActor) -> anyhow::Result<()> {
    let settings = DeskSettings::load(store).await?;
    let purged =
        desk_jobs::purge_expired(store, &settings, OffsetDateTime::now_utc(), actor).await?;
    let period = format!(
        "保存期間：完了から{}日、取下げから{}日",
        settings.retention_closed_days, settings.retention_withdrawn_days
    );
    if purged == 0 {
        println!("保存期間を過ぎた相談はありませんでした（{period}）。");
    } else {
        println!("保存期間を過ぎた相談{purged}件の個人情報を消去しました（{period}）。");
    }
    Ok(())
}

/// What kind of contact `raw` is, said in Japanese; refused when it is neither an e-mail
/// address nor a phone number, before the store is asked.
fn contact_kind(raw: &str) -> anyhow::Result<&'static str> {
    if email_key(raw).is_some() {
        Ok("メールアドレス")
    } else if phone_key(raw).is_some() {
        Ok("電話番号")
    } else {
        bail!(
            "「{}」はメールアドレスでも電話番号でもありません。「name@example.jp」や「059-000-0000」のように指定してください。",
            raw.trim()
        )
    }
}

async fn export(store: &Store, contact: &str, actor: &DeskActor) -> anyhow::Result<()> {
    contact_kind(contact)?;
    let settings = DeskSettings::load(store).await?;
    let cases = store.export_person(contact, actor).await?;
    let cases: Vec<Value> = cases
        .iter()
        .map(|(case, events)| case_json(case, events, &settings))
        .collect();
    emit_json(&cases)?;
    // On standard error, so that standard output stays the JSON alone.
    eprintln!("{}件の相談を書き出しました。", cases.len());
    Ok(())
}

async fn erase(store: &Store, contact: &str, yes: bool, actor: &DeskActor) -> anyhow::Result<()> {
    let kind = contact_kind(contact)?;
    let contact = contact.trim();
    if !yes {
        println!(
            "{kind}「{contact}」で受け付けたすべての相談について、お名前・連絡先・相談の内容・ヒアリングや相談の記録を消去します。消去すると元に戻せません（受付番号・分野・状態などの件数の集計に使う項目は残ります）。"
        );
        println!(
            "本人にお渡しする場合は、先に `madoguchi desk export --contact {contact}` で書き出してください。"
        );
        println!("消去してよければ、--yes を付けてもう一度実行してください。");
        return Ok(());
    }
    let erased = store.erase_person(contact, actor).await?;
    if erased == 0 {
        println!("{kind}「{contact}」で受け付けた相談は見つかりませんでした。");
    } else {
        println!("{kind}「{contact}」で受け付けた相談{erased}件の個人情報を消去しました。");
    }
    Ok(())
}

/// One case as the person receives it: every field the desk keeps, times in JST.
fn case_json(case: &Case, events: &[CaseEvent], settings: &DeskSettings) -> Value {
    let history: Vec<Value> = events
        .iter()
        .map(|event| {
            json!({
                "at": jst(Some(event.at)),
                "by": event.actor,
                "step": event.step,
                "expert_id": event.expert_id,
                "text": event.text,
            })
        })
        .collect();
    json!({
        "receipt": case.receipt,
        "state": case.state.code(),
        "state_label": case.state.label(),
        "requester": case.requester.code(),
        "category": case.category.as_str(),
        "category_label": settings.label_of(&case.category),
        "expert_id": case.expert_id,
        "sessions": case.sessions,
        "max_sessions": case.max_sessions,
        "tags": case.tags,
        "received_at": jst(Some(case.received_at)),
        "first_contact_at": jst(case.first_contact_at),
        "referred_at": jst(case.referred_at),
        "closed_at": jst(case.closed_at),
        "personal": case.personal,
        "record": case.record,
        "history": history,
    })
}

fn jst(at: Option<OffsetDateTime>) -> Value {
    at.and_then(|at| at.to_offset(JST).format(&Rfc3339).ok())
        .map_or(Value::Null, Value::String)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_is_an_email_address_or_a_phone_number() {
        assert_eq!(contact_kind("Sato@Example.jp").unwrap(), "メールアドレス");
        assert_eq!(contact_kind("059-000-0012").unwrap(), "電話番号");
        assert_eq!(contact_kind("０５９-０００-００１２").unwrap(), "電話番号");
        let err = contact_kind("佐藤さん").unwrap_err().to_string();
        assert!(
            err.contains("メールアドレスでも電話番号でもありません"),
            "{err}"
        );
    }
}
