//! The two spellings of a connection string, as libpq reads them: a
//! `postgresql://` URL and a `key=value` list.

use std::collections::BTreeMap;

use crate::AuditError;

/// Parses what follows `postgresql://`: `[user[:password]@][host[:port],...][/dbname][?k=v&...]`.
pub(super) fn parse_url(rest: &str) -> Result<BTreeMap<String, String>, AuditError> {
    let mut values = BTreeMap::new();
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (userinfo, hosts) = match authority.rsplit_once('@') {
        Some((userinfo, hosts)) => (Some(userinfo), hosts),
        None => (None, authority),
    };
    if let Some(userinfo) = userinfo {
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        if !user.is_empty() {
            values.insert("user".into(), percent_decode(user)?);
        }
        if userinfo.contains(':') {
            values.insert("password".into(), percent_decode(password)?);
        }
    }
    let (mut host_list, mut port_list) = (Vec::new(), Vec::new());
    for spec in hosts.split(',').filter(|s| !s.is_empty()) {
        let (host, port) = if let Some(bracketed) = spec.strip_prefix('[') {
            let (host, after) = bracketed.split_once(']').ok_or_else(|| {
                AuditError::ConnectionSettings(format!("unterminated IPv6 address in {spec:?}"))
            })?;
            (host.to_string(), after.strip_prefix(':').unwrap_or(""))
        } else {
            let (host, port) = spec.split_once(':').unwrap_or((spec, ""));
            (percent_decode(host)?, port)
        };
        if !host.is_empty() {
            host_list.push(host);
        }
        if !port.is_empty() {
            port_list.push(port.to_string());
        }
    }
    if !host_list.is_empty() {
        values.insert("host".into(), host_list.join(","));
    }
    if !port_list.is_empty() {
        values.insert("port".into(), port_list.join(","));
    }
    if !path.is_empty() {
        values.insert("dbname".into(), percent_decode(path)?);
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            AuditError::ConnectionSettings(format!("missing \"=\" in URL parameter {pair:?}"))
        })?;
        values.insert(percent_decode(key)?, percent_decode(value)?);
    }
    Ok(values)
}

fn percent_decode(text: &str) -> Result<String, AuditError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            let byte = hex.ok_or_else(|| {
                AuditError::ConnectionSettings(format!("invalid percent-encoding in {text:?}"))
            })?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| AuditError::ConnectionSettings(format!("{text:?} is not UTF-8 once decoded")))
}

/// Parses `key=value` pairs separated by whitespace; values may be single-quoted with `\'`
/// and `\\` escapes.
pub(super) fn parse_keywords(text: &str) -> Result<BTreeMap<String, String>, AuditError> {
    let mut values = BTreeMap::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(values);
        }
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') {
            return Err(AuditError::ConnectionSettings(format!(
                "missing \"=\" after {key:?} in connection string"
            )));
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next() {
                    None => {
                        return Err(AuditError::ConnectionSettings(
                            "unterminated quoted string in connection string".into(),
                        ))
                    }
                    Some('\\') => value.extend(chars.next()),
                    Some('\'') => break,
                    Some(c) => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                if c == '\\' {
                    value.extend(chars.next());
                } else {
                    value.push(c);
                }
            }
        }
        values.insert(key, value);
    }
}
