//! The health document served at `GET /health`.

use serde::Serialize;

/// What `GET /health` answers: the service name and version, so a deployment can be checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Health {
    /// Always `"ok"` when the Worker answers at all.
    pub status: &'static str,
    /// The service name.
    pub service: &'static str,
    /// The crate version.
    pub version: &'static str,
}

/// The health document of this build.
pub fn health() -> Health {
    Health { status: "ok", service: "pushauth", version: env!("CARGO_PKG_VERSION") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_names_the_service_and_version() {
        let h = health();
        assert_eq!(h.status, "ok");
        assert_eq!(h.service, "pushauth");
        assert_eq!(h.version, env!("CARGO_PKG_VERSION"));
    }
}
