//! Name normalisation for `naming = "words"`: `CheckCooldown`, `checkCooldown` and
//! `check_cooldown` are one name, `check_cooldown`.

/// Splits an identifier into lower-case words and joins them with `_`.
///
/// Word boundaries: `_`, a lower-case letter or digit followed by an upper-case one
/// (`checkCooldown`), and the last capital of an acronym followed by a lower-case letter
/// (`WFEStatus` -> `wfe_status`).
pub fn words_key(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_uppercase() && i > 0 && !out.is_empty() && !out.ends_with('_') {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::words_key;

    #[test]
    fn one_key_for_every_spelling() {
        for n in [
            "CheckCooldown",
            "checkCooldown",
            "check_cooldown",
            "CHECK_COOLDOWN",
            "Check_Cooldown",
            "_check_cooldown",
        ] {
            assert_eq!(words_key(n), "check_cooldown", "{n}");
        }
        assert_eq!(
            words_key("FindMostRecentTerminalWFE"),
            "find_most_recent_terminal_wfe"
        );
        assert_eq!(
            words_key("find_most_recent_terminal_wfe"),
            "find_most_recent_terminal_wfe"
        );
        assert_eq!(words_key("WFEStatus"), "wfe_status");
        assert_eq!(words_key("v1CompatStubs"), "v1_compat_stubs");
        assert_eq!(words_key("HTTPServer2"), "http_server2");
    }

    #[test]
    fn different_words_stay_different() {
        assert_ne!(words_key("CheckCooldowns"), words_key("CheckCooldown"));
        assert_ne!(words_key("Checkcooldown"), words_key("CheckCooldown"));
    }
}
