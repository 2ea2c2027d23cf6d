//! `madoguchi user`: staff console accounts from the command line — above all the first
//! administrator, before anyone can sign in to add the others.
//!
//! A password is read from `MADOGUCHI_PASSWORD` (for scripts), else prompted for twice at
//! a terminal without echo, else read as one line from standard input; never from an
//! argument, which other users of the machine can see. Each change is a use case of
//! madoguchi-staff, the same the console runs: the same rules (the last active 管理者 is
//! never disabled, from here either) and the same audit entry, as done by 「コマンドライン」.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use madoguchi_core::calendar::JST;
use madoguchi_core::staff::{DisplayName, Login, NewPassword, Role};
use madoguchi_staff::Operator;
use madoguchi_staff::accounts::{self, NewMember};
use madoguchi_store::{Account, Store};

use crate::cli::{RoleArg, UserAddArgs, UserArgs, UserCommand};
use crate::config::Config;

/// The environment variable a script passes a password in.
pub const PASSWORD_VAR: &str = "MADOGUCHI_PASSWORD";

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
    let new = NewMember {
        login,
        display_name,
        role,
        password,
    };
    let account = accounts::add(store, &Operator::CommandLine, new).await?;
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
    for account in &accounts {
        let state = if !account.is_active() {
            "無効"
        } else if account.must_change_password {
            "有効（仮のパスワードの変更待ち）"
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
    accounts::reset_password(store, &Operator::CommandLine, &account, password).await?;
    println!(
        "利用者「{}」のパスワードを変更しました。ログイン中のセッションは終了しました。",
        account.login
    );
    Ok(())
}

async fn disable(store: &Store, login: &str) -> anyhow::Result<()> {
    let account = find(store, login).await?;
    accounts::disable(store, &Operator::CommandLine, &account).await?;
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

fn role_of(arg: RoleArg) -> Role {
    match arg {
        RoleArg::Admin => Role::Admin,
        RoleArg::Staff => Role::Staff,
        RoleArg::Viewer => Role::Viewer,
        RoleArg::Expert => Role::Expert,
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
