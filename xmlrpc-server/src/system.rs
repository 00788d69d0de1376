//! The built-in `system.*` methods: introspection and capabilities answered here, and the
//! description of `system.multicall`, which the dispatcher runs.

use std::collections::BTreeMap;

use serde::Serialize;
use xmlrpc_core::{Fault, MethodInfo, Params};

use crate::{config::Config, handler::encode, CallResult};

/// A built-in method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum System {
    ListMethods,
    MethodHelp,
    MethodSignature,
    Multicall,
    GetCapabilities,
}

impl System {
    /// The built-ins the configuration enables, in the order they are listed.
    pub fn enabled(config: &Config) -> Vec<System> {
        let mut list = Vec::new();
        if config.introspection {
            list.extend([
                System::ListMethods,
                System::MethodHelp,
                System::MethodSignature,
            ]);
        }
        if config.multicall {
            list.push(System::Multicall);
        }
        if config.capabilities {
            list.push(System::GetCapabilities);
        }
        list
    }

    pub fn info(self) -> MethodInfo {
        let (name, signature, help): (&str, &[&str], &str) = match self {
            System::ListMethods => (
                "system.listMethods",
                &["array"],
                "Returns the names of all methods this server answers.",
            ),
            System::MethodHelp => (
                "system.methodHelp",
                &["string", "string"],
                "Returns the help text of the named method.",
            ),
            System::MethodSignature => (
                "system.methodSignature",
                &["array", "string"],
                "Returns the signatures of the named method (return type first), or \"undef\".",
            ),
            System::Multicall => (
                "system.multicall",
                &["array", "array"],
                "Runs an array of {methodName, params} calls (concurrently unless the server \
                 runs them in order); answers per call, in request order, [result] or a \
                 {faultCode, faultString} struct.",
            ),
            System::GetCapabilities => (
                "system.getCapabilities",
                &["struct"],
                "Returns the specifications this server implements.",
            ),
        };
        MethodInfo {
            name: name.to_string(),
            signatures: Some(vec![signature.iter().map(|s| s.to_string()).collect()]),
            help: help.to_string(),
        }
    }

    /// Answers every built-in except multicall, which the dispatcher runs; `methods` is
    /// the metadata of every registered method.
    pub fn call(self, methods: &[MethodInfo], config: &Config, params: &Params<'_>) -> CallResult {
        let options = &config.encode;
        match self {
            System::ListMethods => {
                no_params(params)?;
                let mut names: Vec<&str> = methods.iter().map(|i| &*i.name).collect();
                names.sort_unstable();
                encode(&names, options)
            }
            System::MethodHelp => {
                let info = named_method(methods, params)?;
                encode(&info.help, options)
            }
            System::MethodSignature => {
                let info = named_method(methods, params)?;
                match &info.signatures {
                    Some(signatures) => encode(signatures, options),
                    None => encode("undef", options),
                }
            }
            System::GetCapabilities => {
                no_params(params)?;
                encode(&capabilities(config), options)
            }
            System::Multicall => Err(Fault::new(
                Fault::INVALID_REQUEST,
                "system.multicall cannot be called inside system.multicall",
            )),
        }
    }
}

fn no_params(params: &Params<'_>) -> Result<(), Fault> {
    if params.is_empty() {
        Ok(())
    } else {
        Err(Fault::new(
            Fault::INVALID_PARAMS,
            format!("expected no parameters, got {}", params.len()),
        ))
    }
}

fn named_method<'m>(
    methods: &'m [MethodInfo],
    params: &Params<'_>,
) -> Result<&'m MethodInfo, Fault> {
    let mut args = params.args();
    let name: String = args.required("name").map_err(|e| e.to_fault())?;
    args.finish("1").map_err(|e| e.to_fault())?;
    methods
        .iter()
        .find(|info| info.name == name)
        .ok_or_else(|| {
            Fault::new(
                Fault::METHOD_NOT_FOUND,
                format!("method '{name}' not found"),
            )
        })
}

#[derive(Serialize)]
struct Spec {
    #[serde(rename = "specUrl")]
    spec_url: &'static str,
    #[serde(rename = "specVersion")]
    spec_version: i32,
}

fn capabilities(config: &Config) -> BTreeMap<&'static str, Spec> {
    let mut caps = BTreeMap::new();
    caps.insert(
        "xmlrpc",
        Spec {
            spec_url: "http://www.xmlrpc.com/spec",
            spec_version: 1,
        },
    );
    caps.insert(
        "faults_interop",
        Spec {
            spec_url: "http://xmlrpc-epi.sourceforge.net/specs/rfc.fault_codes.php",
            spec_version: 20010516,
        },
    );
    if config.introspection {
        caps.insert(
            "introspection",
            Spec {
                spec_url: "http://xmlrpc-c.sourceforge.net/introspection.html",
                spec_version: 1,
            },
        );
    }
    if config.multicall {
        caps.insert(
            "multicall",
            Spec {
                spec_url: "http://www.xmlrpc.com/discuss/msgReader$1208",
                spec_version: 1,
            },
        );
    }
    // `<i8>` is always spoken; `<nil/>` only while nil is allowed. Input accepts the `ex:`
    // namespaced forms too.
    caps.insert(
        "i8",
        Spec {
            spec_url: "http://ws.apache.org/xmlrpc/types.html",
            spec_version: 1,
        },
    );
    if config.encode.allow_nil {
        caps.insert(
            "nil",
            Spec {
                spec_url: "http://ontosys.com/xml-rpc/extensions.php",
                spec_version: 1,
            },
        );
    }
    caps
}
