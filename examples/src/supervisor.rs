//! A typed client for a few methods of supervisord's XML-RPC API, spoken over its Unix socket.

use serde::{Deserialize, Serialize};
use xmlrpc_client::{Client, Error};
use xmlrpc_macros::xmlrpc_service;

/// supervisord's state (`supervisor.getState`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// 2 fatal, 1 running, 0 restarting, -1 shutdown.
    pub statecode: i32,
    /// `RUNNING`, `FATAL`, ...
    pub statename: String,
}

/// One process as `supervisor.getAllProcessInfo` reports it (the members used here; the
/// others are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessInfo {
    /// The program name.
    pub name: String,
    /// Its group.
    pub group: String,
    /// `RUNNING`, `STOPPED`, `STARTING`, ...
    pub statename: String,
    /// A description such as `pid 123, uptime 0:00:05`.
    pub description: String,
    /// The process id, 0 when not running.
    pub pid: i32,
}

/// The part of supervisord's `supervisor.*` API this example uses. Only the client side is
/// generated: supervisord is the server.
#[xmlrpc_service(namespace = "supervisor", rename_all = "camelCase", client)]
pub trait Supervisor {
    /// The state of supervisord.
    async fn get_state(&self) -> State;
    /// Every process supervisord manages.
    async fn get_all_process_info(&self) -> Vec<ProcessInfo>;
    /// The version of the supervisor API.
    #[xmlrpc(name = "getAPIVersion")]
    async fn get_api_version(&self) -> String;
}

/// Asks supervisord at `url` (e.g. `unix:///run/supervisor.sock?path=/RPC2`) for its
/// state, its processes and its method list, and describes them in a few lines.
pub async fn report(url: &str) -> Result<String, Error> {
    let supervisor = SupervisorClient::new(Client::new(url)?);
    let state = supervisor.get_state().await?;
    let version = supervisor.get_api_version().await?;
    let processes = supervisor.get_all_process_info().await?;
    let methods: Vec<String> = supervisor.client().call("system.listMethods", ()).await?;
    let mut out = format!(
        "supervisord {} (code {}), API {version}, {} methods\n",
        state.statename,
        state.statecode,
        methods.len()
    );
    for p in &processes {
        out.push_str(&format!(
            "  {}:{} {} pid {} ({})\n",
            p.group, p.name, p.statename, p.pid, p.description
        ));
    }
    Ok(out)
}
