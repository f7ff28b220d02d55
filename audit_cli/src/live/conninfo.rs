//! Connection settings resolved like libpq: a URL or `key=value` string, then `PG*`
//! environment variables, then defaults.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use super::connstring::{parse_keywords, parse_url};
use crate::AuditError;

/// Connection keywords understood, as libpq spells them.
const KEYWORDS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "user",
    "password",
    "dbname",
    "options",
    "application_name",
    "connect_timeout",
    "sslmode",
    "sslrootcert",
    "target_session_attrs",
    "keepalives",
    "keepalives_idle",
    "channel_binding",
];

/// Environment variables that supply a keyword when the connection string does not.
const ENVIRONMENT: &[(&str, &str)] = &[
    ("PGHOST", "host"),
    ("PGHOSTADDR", "hostaddr"),
    ("PGPORT", "port"),
    ("PGUSER", "user"),
    ("PGPASSWORD", "password"),
    ("PGDATABASE", "dbname"),
    ("PGOPTIONS", "options"),
    ("PGAPPNAME", "application_name"),
    ("PGCONNECT_TIMEOUT", "connect_timeout"),
    ("PGSSLMODE", "sslmode"),
    ("PGSSLROOTCERT", "sslrootcert"),
    ("PGTARGETSESSIONATTRS", "target_session_attrs"),
];

/// Seconds to wait for a server when neither the settings nor the caller say.
pub const DEFAULT_CONNECT_TIMEOUT: u64 = 10;

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never TLS.
    Disable,
    /// TLS if the server offers it, unverified (treated like `prefer`).
    Allow,
    /// TLS if the server offers it, unverified (libpq's default).
    Prefer,
    /// TLS required; the certificate is not verified.
    Require,
    /// TLS required; the certificate chain is verified, the host name is not.
    VerifyCa,
    /// TLS required; chain and host name are verified.
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Result<SslMode, AuditError> {
        Ok(match value {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(AuditError::ConnectionSettings(format!(
                    "invalid sslmode {other:?}: expected disable, allow, prefer, require, \
                     verify-ca or verify-full"
                )))
            }
        })
    }
}

/// Resolved connection keywords.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ConnectionSettings {
    values: BTreeMap<String, String>,
}

impl fmt::Debug for ConnectionSettings {
    /// Lists the settings with the password hidden.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (key, value) in &self.values {
            map.entry(
                key,
                &if key == "password" {
                    "********"
                } else {
                    value.as_str()
                },
            );
        }
        map.finish()
    }
}

impl ConnectionSettings {
    /// Parses a `postgres://` / `postgresql://` URL or a `key=value ...` string.
    pub fn parse(text: &str) -> Result<ConnectionSettings, AuditError> {
        let text = text.trim();
        let values = if let Some(rest) = text
            .strip_prefix("postgresql://")
            .or_else(|| text.strip_prefix("postgres://"))
        {
            parse_url(rest)?
        } else if text.is_empty() {
            BTreeMap::new()
        } else {
            parse_keywords(text)?
        };
        for key in values.keys() {
            if !KEYWORDS.contains(&key.as_str()) {
                return Err(AuditError::ConnectionSettings(format!(
                    "unsupported connection option {key:?}"
                )));
            }
        }
        let settings = ConnectionSettings { values };
        settings.validate()?;
        Ok(settings)
    }

    /// Resolves settings like libpq: `text` first, then `PG*` variables from `env`, then
    /// defaults (local socket or localhost, port 5432, the OS user, a database named after the
    /// user).
    pub fn resolve(
        text: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ConnectionSettings, AuditError> {
        let mut settings = ConnectionSettings::parse(text.unwrap_or(""))?;
        for (variable, key) in ENVIRONMENT {
            if settings.get(key).is_none() {
                if let Some(value) = env(variable).filter(|v| !v.is_empty()) {
                    settings.values.insert(key.to_string(), value);
                }
            }
        }
        if settings.get("host").is_none() && settings.get("hostaddr").is_none() {
            let socket_dir = "/var/run/postgresql";
            let host = if std::path::Path::new(socket_dir).is_dir() {
                socket_dir
            } else {
                "localhost"
            };
            settings.set("host", host);
        }
        if settings.get("user").is_none() {
            let user = env("USER")
                .or_else(|| env("LOGNAME"))
                .unwrap_or_else(|| "postgres".into());
            settings.set("user", &user);
        }
        if settings.get("dbname").is_none() {
            let user = settings.get("user").unwrap_or("postgres").to_string();
            settings.set("dbname", &user);
        }
        settings.validate()?;
        Ok(settings)
    }

    /// The value of a keyword.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// Sets a keyword.
    pub fn set(&mut self, key: &str, value: &str) {
        self.values.insert(key.to_string(), value.to_string());
    }

    /// The TLS mode (`prefer` when unset, like libpq).
    pub fn ssl_mode(&self) -> SslMode {
        self.get("sslmode")
            .and_then(|m| SslMode::parse(m).ok())
            .unwrap_or(SslMode::Prefer)
    }

    /// The connect timeout (`connect_timeout`, else [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(&self) -> Duration {
        let seconds = self
            .get("connect_timeout")
            .and_then(|s| s.parse::<u64>().ok());
        Duration::from_secs(
            seconds
                .filter(|&s| s > 0)
                .unwrap_or(DEFAULT_CONNECT_TIMEOUT),
        )
    }

    /// `host:port/dbname` for messages (never the password).
    pub fn target(&self) -> String {
        let host = self
            .get("host")
            .or(self.get("hostaddr"))
            .unwrap_or("localhost");
        format!(
            "{host}:{}/{}",
            self.get("port").unwrap_or("5432"),
            self.get("dbname").unwrap_or("")
        )
    }

    /// The settings as a `key=value` string that libpq and this parser accept.
    pub fn to_keyword_string(&self) -> String {
        let quote = |v: &str| format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"));
        let pairs: Vec<String> = self
            .values
            .iter()
            .map(|(k, v)| format!("{k}={}", quote(v)))
            .collect();
        pairs.join(" ")
    }

    /// Builds the driver's configuration (TLS is set up separately, see `connect`).
    pub fn driver_config(&self) -> Result<postgres::Config, AuditError> {
        let mut config = postgres::Config::new();
        let hosts: Vec<&str> = self
            .get("host")
            .map(|h| h.split(',').collect())
            .unwrap_or_default();
        for host in &hosts {
            config.host(host);
        }
        if let Some(addresses) = self.get("hostaddr") {
            for address in addresses.split(',') {
                let ip = address.parse().map_err(|_| invalid("hostaddr", address))?;
                config.hostaddr(ip);
            }
        }
        for port in self.get("port").unwrap_or("5432").split(',') {
            config.port(port.parse().map_err(|_| invalid("port", port))?);
        }
        if let Some(user) = self.get("user") {
            config.user(user);
        }
        if let Some(password) = self.get("password") {
            config.password(password);
        }
        if let Some(dbname) = self.get("dbname") {
            config.dbname(dbname);
        }
        if let Some(options) = self.get("options") {
            config.options(options);
        }
        config.application_name(self.get("application_name").unwrap_or("cauldron-audit"));
        config.connect_timeout(self.connect_timeout());
        config.ssl_mode(match self.ssl_mode() {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Allow | SslMode::Prefer => postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
                postgres::config::SslMode::Require
            }
        });
        Ok(config)
    }

    fn validate(&self) -> Result<(), AuditError> {
        if let Some(mode) = self.get("sslmode") {
            SslMode::parse(mode)?;
        }
        if let Some(timeout) = self.get("connect_timeout") {
            timeout
                .parse::<u64>()
                .map_err(|_| invalid("connect_timeout", timeout))?;
        }
        if let Some(ports) = self.get("port") {
            for port in ports.split(',') {
                port.parse::<u16>().map_err(|_| invalid("port", port))?;
            }
        }
        Ok(())
    }
}

fn invalid(key: &str, value: &str) -> AuditError {
    AuditError::ConnectionSettings(format!("invalid {key} {value:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn parses_urls() {
        let s = ConnectionSettings::parse(
            "postgresql://us%40er:p%3Ass@db.example:6543/my%20db?sslmode=verify-full&application_name=x",
        )
        .unwrap();
        assert_eq!(s.get("user"), Some("us@er"));
        assert_eq!(s.get("password"), Some("p:ss"));
        assert_eq!(s.get("host"), Some("db.example"));
        assert_eq!(s.get("port"), Some("6543"));
        assert_eq!(s.get("dbname"), Some("my db"));
        assert_eq!(s.ssl_mode(), SslMode::VerifyFull);
        let v6 = ConnectionSettings::parse("postgres://[::1]:5433/x").unwrap();
        assert_eq!(
            (v6.get("host"), v6.get("port")),
            (Some("::1"), Some("5433"))
        );
    }

    #[test]
    fn parses_keyword_strings() {
        let s = ConnectionSettings::parse(r"host=localhost  dbname = 'it\'s db' user=me").unwrap();
        assert_eq!(s.get("dbname"), Some("it's db"));
        assert_eq!(
            ConnectionSettings::parse(&s.to_keyword_string()).unwrap(),
            s
        );
    }

    #[test]
    fn environment_fills_gaps_only() {
        let env = |name: &str| match name {
            "PGHOST" => Some("envhost".to_string()),
            "PGUSER" => Some("envuser".to_string()),
            "PGSSLMODE" => Some("require".to_string()),
            _ => None,
        };
        let s = ConnectionSettings::resolve(Some("host=given"), env).unwrap();
        assert_eq!(s.get("host"), Some("given"));
        assert_eq!(s.get("user"), Some("envuser"));
        assert_eq!(s.get("dbname"), Some("envuser"));
        assert_eq!(s.ssl_mode(), SslMode::Require);
    }

    #[test]
    fn rejects_bad_settings() {
        for text in [
            "sslmode=sometimes",
            "port=http",
            "bogus=1",
            "host",
            "postgres://h/d?x",
        ] {
            assert!(ConnectionSettings::parse(text).is_err(), "{text}");
        }
        assert!(ConnectionSettings::resolve(None, no_env).is_ok());
    }

    #[test]
    fn debug_hides_the_password() {
        let s = ConnectionSettings::parse("password=secret").unwrap();
        assert!(!format!("{s:?}").contains("secret"));
    }
}
