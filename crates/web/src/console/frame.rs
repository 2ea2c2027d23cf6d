//! What every console page shows around its content: who is signed in, the menu their
//! role may use, and the CSRF token for the forms in the layout (log out).

use madoguchi_store::Role;

/// One menu entry.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    /// The page being shown is this entry's (`aria-current="page"`).
    pub current: bool,
}

/// The layout's part of a console page (`templates/console/base.html`).
#[derive(Debug, Clone)]
pub struct Frame {
    pub name: String,
    pub role: &'static str,
    pub csrf: String,
    pub nav: Vec<NavItem>,
}

/// The menu: (path, label, the least role that sees it). Parts of the console add theirs.
const MENU: [(&str, &str, Role); 12] = [
    ("/console", "ホーム", Role::Viewer),
    ("/console/programs", "制度", Role::Viewer),
    ("/console/industries", "業種を探す", Role::Viewer),
    ("/console/imports", "取り込み", Role::Viewer),
    ("/console/desk", "相談", Role::Staff),
    ("/console/projects", "副業人材", Role::Staff),
    ("/console/notices", "お知らせ", Role::Viewer),
    ("/console/analytics", "集計", Role::Viewer),
    ("/console/users", "利用者", Role::Admin),
    ("/console/settings", "設定", Role::Admin),
    ("/console/audit", "監査ログ", Role::Admin),
    ("/console/account/password", "パスワード変更", Role::Viewer),
];

/// What a 専門家 sees, below every other role: their cases and their password.
const EXPERT_MENU: [&str; 2] = ["/console/desk", "/console/account/password"];

impl Frame {
    /// The frame for `role`, with `current` (a menu path) marked.
    pub fn new(name: &str, role: Role, csrf: &str, current: &str) -> Self {
        Self {
            name: name.to_owned(),
            role: role.label(),
            csrf: csrf.to_owned(),
            nav: MENU
                .iter()
                .filter(|(href, _, least)| {
                    if role == Role::Expert {
                        EXPERT_MENU.contains(href)
                    } else {
                        role.allows(*least)
                    }
                })
                .map(|&(href, label, _)| NavItem {
                    href,
                    label,
                    current: href == current,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_shows_only_what_the_role_may_open() {
        let labels = |role| -> Vec<&str> {
            Frame::new("田中", role, "t", "/console")
                .nav
                .iter()
                .map(|i| i.label)
                .collect()
        };
        assert_eq!(
            labels(Role::Viewer),
            [
                "ホーム",
                "制度",
                "業種を探す",
                "取り込み",
                "お知らせ",
                "集計",
                "パスワード変更"
            ]
        );
        assert_eq!(labels(Role::Admin).len(), MENU.len());
        assert!(labels(Role::Staff).contains(&"副業人材"));
        assert_eq!(labels(Role::Expert), ["相談", "パスワード変更"]);
        let frame = Frame::new("田中", Role::Admin, "t", "/console/users");
        assert!(frame.nav.iter().any(|i| i.current && i.label == "利用者"));
    }
}
