//! Opening the connection, bounded by the connect timeout.

use std::sync::mpsc;
use std::thread;

use postgres::{Client, NoTls};

use super::{tls, ConnectionSettings};
use crate::AuditError;

/// Connects with the resolved settings.
///
/// The driver's own timeout covers opening the socket only; a server that accepts the
/// socket and then says nothing (a different protocol, a stuck proxy) would hang the
/// handshake forever. The whole handshake therefore runs on a helper thread and is
/// abandoned after the connect timeout.
pub fn connect(settings: &ConnectionSettings) -> Result<Client, AuditError> {
    let config = settings.driver_config()?;
    let connector = tls::connector(settings)?;
    let target = settings.target();
    let timeout = settings.connect_timeout();
    let (sender, receiver) = mpsc::channel();
    thread::Builder::new()
        .name("connect".into())
        .spawn(move || {
            let result = match connector {
                Some(connector) => config.connect(connector),
                None => config.connect(NoTls),
            };
            // The receiver is gone only when the caller already gave up on this attempt.
            let _ = sender.send(result);
        })
        .map_err(|e| AuditError::ConnectionSettings(format!("cannot start connecting: {e}")))?;
    match receiver.recv_timeout(timeout) {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(source)) => Err(AuditError::Connect { target, source }),
        Err(_) => Err(AuditError::ConnectTimeout {
            target,
            seconds: timeout.as_secs(),
        }),
    }
}
