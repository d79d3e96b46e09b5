//! Name normalisation for `naming = "words"`: `CheckCooldown`, `checkCooldown` and
//! `check_cooldown` are one name, `check_cooldown`.

/// Splits an identifier into lower-case words and joins them with `_`.
///
/// Word boundaries: `_`, a lower-case letter or digit followed by an upper-case one
/// (`checkCooldown`), and the last capital of an acronym followed by a lower-case letter
/// (`WFEStatus` -> `wfe_status`).
pub fn words_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    words_key_into(name, &mut out);
    out
}

/// [`words_key`] into a buffer the caller reuses.
pub fn words_key_into(name: &str, out: &mut String) {
    out.clear();
    let mut prev: Option<char> = None;
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '_' {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev = Some(c);
            continue;
        }
        if c.is_uppercase()
            && !out.is_empty()
            && !out.ends_with('_')
            && let Some(p) = prev
        {
            let next_lower = chars.peek().is_some_and(|n| n.is_lowercase());
            if p.is_lowercase() || p.is_ascii_digit() || (p.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
        prev = Some(c);
    }
    while out.ends_with('_') {
        out.pop();
    }
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
