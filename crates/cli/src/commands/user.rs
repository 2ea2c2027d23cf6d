//! `madoguchi user`: staff console accounts from the command line — above all the first
//! administrator, before anyone can sign in to add the others.
//!
//! A password is read from `MADOGUCHI_PASSWORD` (for scripts), else prompted for twice at
//! a terminal without echo, else read as one line from standard input; never from an
//! argument, which other users of the machine can see. Every change goes to the audit log
//! as done by 「コマンドライン」.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use madoguchi_core::calendar::JST;
use madoguchi_store::{Account, DisplayName, Login, NewAccount, NewAuditEntry, Role, Store};
use madoguchi_web::console::Action;
use madoguchi_web::console::password::NewPassword;

use crate::cli::{RoleArg, UserAddArgs, UserArgs, UserCommand};
use crate::config::Config;

/// The environment variable a script passes a password in.
pub const PASSWORD_VAR: &str = "MADOGUCHI_PASSWORD";

/// How the audit log names changes made here.
const ACTOR: &str = "コマンドライン";

pub async fn run(config: &Config, args: &UserArgs) -> anyhow::Result<()> {
    let store = config.open_migrated_store().await?;
    match &args.command {
        UserCommand::Add(add) => add_user(&store, add).await,
        UserCommand::List => list_users(&store).await,
        UserCommand::SetPassword(arg) => set_password(&store, &arg.login).await,
        UserCommand::Disable(arg) => disable(&store, &arg.login).await,
    }
}

async fn add_user(store: &Store, args: &UserAddArgs) -> anyhow::Result<()> {
    let login = Login::parse(&args.login)?;
    let display_name = DisplayName::parse(&args.name)?;
    let role = if args.admin {
        Role::Admin
    } else {
        role_of(args.role)
    };
    let password = read_password(&login)?;
    let new = NewAccount {
        login,
        display_name,
        role,
        password_hash: password.hash_off_thread().await?,
    };
    let account = store.create_account(&new).await?;
    let detail = format!(
        "利用者「{}」（{}、{}）を追加しました",
        account.login,
        account.display_name,
        role.label()
    );
    audit(store, Action::AccountCreate, &account, detail).await?;
    println!(
        "利用者「{}」（{}、{}）を追加しました。",
        account.login,
        account.display_name,
        role.label()
    );
    Ok(())
}

async fn list_users(store: &Store) -> anyhow::Result<()> {
    let accounts = store.accounts().await?;
    if accounts.is_empty() {
        println!(
            "利用者はまだいません。最初の管理者は `madoguchi user add --login ID --name 表示名 --admin` で追加します。"
        );
        return Ok(());
    }
    let now = time::OffsetDateTime::now_utc();
    for account in &accounts {
        let state = if !account.is_active() {
            "無効"
        } else if account.is_locked(now) {
            "一時停止中"
        } else {
            "有効"
        };
        let created = account.created_at.to_offset(JST).date();
        println!(
            "{}\t{}\t{}\t{state}\t{created}",
            account.login,
            account.display_name,
            account.role.label()
        );
    }
    Ok(())
}

async fn set_password(store: &Store, login: &str) -> anyhow::Result<()> {
    let account = find(store, login).await?;
    let password = read_password(&account.login)?;
    let hash = password.hash_off_thread().await?;
    store.set_password(&account.id, &hash).await?;
    let ended = store.delete_sessions_of(&account.id).await?;
    let detail = format!("パスワードを再設定しました（終了したセッション {ended}件）");
    audit(store, Action::AccountPasswordReset, &account, detail).await?;
    println!(
        "利用者「{}」のパスワードを変更しました。ログイン中のセッションは終了しました。",
        account.login
    );
    Ok(())
}

async fn disable(store: &Store, login: &str) -> anyhow::Result<()> {
    let account = find(store, login).await?;
    store.disable_account(&account.id).await?;
    let ended = store.delete_sessions_of(&account.id).await?;
    let detail = format!("利用者を無効にしました（終了したセッション {ended}件）");
    audit(store, Action::AccountDisable, &account, detail).await?;
    println!(
        "利用者「{}」を無効にしました。この利用者はログインできません。",
        account.login
    );
    Ok(())
}

async fn find(store: &Store, login: &str) -> anyhow::Result<Account> {
    let login = Login::parse(login)?;
    store.account_by_login(&login).await?.with_context(|| {
        format!("利用者「{login}」は見つかりません。`madoguchi user list` で確かめてください。")
    })
}

async fn audit(
    store: &Store,
    action: Action,
    account: &Account,
    detail: String,
) -> anyhow::Result<()> {
    store
        .append_audit(&NewAuditEntry {
            actor_id: None,
            actor_name: ACTOR.to_owned(),
            action: action.code().to_owned(),
            target: Some(account.login.to_string()),
            detail,
            client: None,
        })
        .await?;
    Ok(())
}

fn role_of(arg: RoleArg) -> Role {
    match arg {
        RoleArg::Admin => Role::Admin,
        RoleArg::Staff => Role::Staff,
        RoleArg::Viewer => Role::Viewer,
    }
}

/// The new password, from the environment, a prompt or standard input, checked against
/// the policy.
fn read_password(login: &Login) -> anyhow::Result<NewPassword> {
    let raw = if let Ok(password) = std::env::var(PASSWORD_VAR) {
        password
    } else if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("新しいパスワード（12文字以上）: ")
            .context("パスワードを読み取れません。")?;
        let again = rpassword::prompt_password("確認のため、もう一度入力してください: ")
            .context("パスワードを読み取れません。")?;
        if first != again {
            bail!("2回入力したパスワードが一致しません。もう一度実行してください。");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("標準入力からパスワードを読み取れません。")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    if raw.is_empty() {
        bail!(
            "パスワードがありません。環境変数 {PASSWORD_VAR} か標準入力の1行で渡すか、端末から実行して入力してください。"
        );
    }
    Ok(NewPassword::parse(&raw, login)?)
}
