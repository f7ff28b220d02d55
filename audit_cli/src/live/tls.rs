//! TLS for the connection, with libpq's meaning of each `sslmode`.

use std::path::PathBuf;

use native_tls::{Certificate, TlsConnector};
use postgres_native_tls::MakeTlsConnector;

use super::{ConnectionSettings, SslMode};
use crate::AuditError;

/// A TLS connector for the settings' `sslmode`, or `None` for `disable`.
///
/// `prefer` and `require` encrypt without verifying the certificate, as libpq does without a
/// root certificate; `verify-ca` checks the chain; `verify-full` checks the chain and that
/// the certificate names the host. The roots are `sslrootcert` when given (only it, like
/// libpq), else `~/.postgresql/root.crt` when present, else the system's trust store.
pub fn connector(settings: &ConnectionSettings) -> Result<Option<MakeTlsConnector>, AuditError> {
    let mode = settings.ssl_mode();
    let mut builder = TlsConnector::builder();
    match mode {
        SslMode::Disable => return Ok(None),
        SslMode::Allow | SslMode::Prefer | SslMode::Require => {
            // Nothing is verified, so the system trust store need not be loaded: that load
            // was a tenth of the audit's wall time on large schemas.
            builder
                .danger_accept_invalid_certs(true)
                .danger_accept_invalid_hostnames(true)
                .disable_built_in_roots(true);
        }
        SslMode::VerifyCa => {
            builder.danger_accept_invalid_hostnames(true);
        }
        SslMode::VerifyFull => {}
    }
    if matches!(mode, SslMode::VerifyCa | SslMode::VerifyFull) {
        if let Some(path) = root_certificate(settings) {
            let pem = std::fs::read(&path).map_err(|e| {
                AuditError::TlsSetup(format!(
                    "cannot read root certificate {}: {e}",
                    path.display()
                ))
            })?;
            let certificates = Certificate::stack_from_pem(&pem).map_err(|e| {
                AuditError::TlsSetup(format!("invalid root certificate {}: {e}", path.display()))
            })?;
            builder.disable_built_in_roots(true);
            for certificate in certificates {
                builder.add_root_certificate(certificate);
            }
        }
    }
    let connector = builder
        .build()
        .map_err(|e| AuditError::TlsSetup(e.to_string()))?;
    Ok(Some(MakeTlsConnector::new(connector)))
}

fn root_certificate(settings: &ConnectionSettings) -> Option<PathBuf> {
    match settings.get("sslrootcert") {
        Some("system") => None,
        Some(path) => Some(PathBuf::from(path)),
        None => {
            let home = std::env::var_os("HOME")?;
            let default = PathBuf::from(home).join(".postgresql/root.crt");
            default.is_file().then_some(default)
        }
    }
}
