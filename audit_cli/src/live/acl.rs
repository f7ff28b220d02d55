//! Expanding ACL items (`grantee=privileges/grantor`) into privileges.

use crate::model::{Privilege, PUBLIC_GRANTEE};

/// Expands one `aclitem` in its text form. An empty grantee means PUBLIC; `*` after a
/// letter marks the grant option and is ignored.
pub fn expand(item: &str) -> Vec<Privilege> {
    let (grantee, rest) = split_grantee(item);
    let letters = rest.split('/').next().unwrap_or("");
    let grantee = if grantee.is_empty() {
        PUBLIC_GRANTEE.to_string()
    } else {
        grantee
    };
    letters
        .chars()
        .filter_map(privilege_name)
        .map(|privilege| Privilege {
            grantee: grantee.clone(),
            privilege: privilege.to_string(),
        })
        .collect()
}

/// Splits off the grantee, unquoting `"name with ""quotes"" = and /"`.
fn split_grantee(item: &str) -> (String, &str) {
    if let Some(quoted) = item.strip_prefix('"') {
        let mut name = String::new();
        let mut chars = quoted.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if chars.peek().map(|(_, n)| *n) == Some('"') {
                    chars.next();
                    name.push('"');
                    continue;
                }
                let rest = &quoted[i + 1..];
                return (name, rest.strip_prefix('=').unwrap_or(rest));
            }
            name.push(c);
        }
        return (name, "");
    }
    match item.split_once('=') {
        Some((grantee, rest)) => (grantee.to_string(), rest),
        None => (String::new(), ""),
    }
}

fn privilege_name(letter: char) -> Option<&'static str> {
    Some(match letter {
        'r' => "SELECT",
        'a' => "INSERT",
        'w' => "UPDATE",
        'd' => "DELETE",
        'D' => "TRUNCATE",
        'x' => "REFERENCES",
        't' => "TRIGGER",
        'm' => "MAINTAIN",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(item: &str) -> Vec<(String, String)> {
        expand(item)
            .into_iter()
            .map(|p| (p.grantee, p.privilege))
            .collect()
    }

    #[test]
    fn expands_items() {
        assert_eq!(
            names("=rD/postgres"),
            [
                ("PUBLIC".into(), "SELECT".into()),
                ("PUBLIC".into(), "TRUNCATE".into())
            ]
        );
        assert_eq!(names("app=a*/owner"), [("app".into(), "INSERT".into())]);
        assert_eq!(
            names(r#""we""ird =/"=D/owner"#),
            [("we\"ird =/".into(), "TRUNCATE".into())]
        );
    }
}
