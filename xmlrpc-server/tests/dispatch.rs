//! Registration and dispatch: plain functions, mounted services, the fallback, faults,
//! panics, introspection, multicall and capabilities.

mod common;

use common::*;
use xmlrpc_core::{encode_value, Fault, Map, MethodInfo, Params, Value};
use xmlrpc_server::{BoxFuture, BuildError, CallContext, CallResult, Method, Server, Service};

/// A hand-written service, shaped like the ones `#[xmlrpc_service]` generates.
struct Calc {
    offset: i32,
}

impl Service for Calc {
    fn methods(&self) -> Vec<MethodInfo> {
        vec![
            MethodInfo {
                name: "add".into(),
                signatures: Some(vec![vec!["int".into(), "int".into(), "int".into()]]),
                help: "Adds two integers and the offset.".into(),
            },
            MethodInfo {
                name: "describe".into(),
                signatures: None,
                help: "Describes any value.".into(),
            },
        ]
    }

    fn call(&self, index: usize, params: Params<'_>, ctx: &CallContext) -> BoxFuture<CallResult> {
        let options = ctx.encode;
        let result = match index {
            0 => {
                let mut args = params.args();
                let decoded = (|| {
                    let a: i32 = args.required("a")?;
                    let b: i32 = args.required("b")?;
                    args.finish("2")?;
                    Ok::<_, xmlrpc_core::Error>((a, b))
                })();
                match decoded {
                    Ok((a, b)) => {
                        encode_value(&(a + b + self.offset), &options).map_err(|e| e.to_fault())
                    }
                    Err(e) => Err(e.to_fault()),
                }
            }
            1 => params
                .to_values()
                .map(|values| format!("{} values", values.len()))
                .map_err(|e| e.to_fault())
                .and_then(|text| encode_value(&text, &options).map_err(|e| e.to_fault())),
            _ => Err(Fault::new(Fault::METHOD_NOT_FOUND, "no such index")),
        };
        Box::pin(async move { result })
    }
}

#[tokio::test]
async fn plain_functions_typed_params_and_faults() {
    let (_server, addr) = start(Server::builder()).await;
    assert_eq!(call(addr, "add", &(2, 3)).await, Ok(Value::Int(5)));
    assert_eq!(
        call(addr, "fail", &(42, "the answer")).await,
        Err(Fault::new(42, "the answer"))
    );
    let wrong_type = call(addr, "add", &(1, "two")).await.unwrap_err();
    assert_eq!(wrong_type.code, Fault::INVALID_PARAMS);
    assert!(wrong_type.string.contains("arg2"), "{wrong_type}");
    let wrong_count = call(addr, "add", &(1,)).await.unwrap_err();
    assert_eq!(wrong_count.code, Fault::INVALID_PARAMS);
    let too_many = call(addr, "add", &(1, 2, 3)).await.unwrap_err();
    assert_eq!(too_many.code, Fault::INVALID_PARAMS);
    assert_eq!(
        call(addr, "nope", &()).await.unwrap_err().code,
        Fault::METHOD_NOT_FOUND
    );
    assert_eq!(
        call(addr, "ADD", &(1, 2)).await.unwrap_err().code,
        Fault::METHOD_NOT_FOUND
    );
    assert_eq!(call(addr, "nothing", &()).await, Ok(Value::Nil));
}

#[tokio::test]
async fn malformed_documents_get_interop_fault_codes() {
    let (_server, addr) = start(Server::builder()).await;
    let reply = raw(addr, &post(b"<methodCall><methodName>add</methodName", "")).await;
    assert_eq!(reply.unwrap().value().unwrap_err().code, Fault::PARSE_ERROR);
    let reply = raw(addr, &post(b"<?xml version=\"1.0\"?><hello/>", "")).await;
    assert_eq!(
        reply.unwrap().value().unwrap_err().code,
        Fault::INVALID_REQUEST
    );
    let doctype = b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><methodCall><methodName>add</methodName></methodCall>";
    let reply = raw(addr, &post(doctype, "")).await.unwrap();
    assert!(reply.status == 400 || reply.value().is_err());
    assert_eq!(call(addr, "add", &(1, 2)).await, Ok(Value::Int(3)));
}

#[tokio::test]
async fn a_panicking_method_is_an_internal_fault_and_the_server_lives_on() {
    let server = methods(Server::builder())
        .method_sync("sync_panic", |(): ()| -> Result<i32, Fault> {
            panic!("deliberate panic in a blocking method")
        })
        .build()
        .unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    let addr = running.local_addr().unwrap();
    for method in ["panic", "sync_panic"] {
        let fault = call(addr, method, &()).await.unwrap_err();
        assert_eq!(fault.code, Fault::INTERNAL_ERROR, "{method}");
    }
    assert_eq!(call(addr, "add", &(1, 2)).await, Ok(Value::Int(3)));
    assert_eq!(running.stats().errored, 2);
}

#[tokio::test]
async fn services_mount_with_and_without_namespace_beside_functions() {
    let server = Server::builder()
        .method(
            "mul",
            |(a, b): (i32, i32)| async move { Ok::<_, Fault>(a * b) },
        )
        .service(Calc { offset: 0 })
        .service_at("math", Calc { offset: 100 })
        .build()
        .unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    let addr = running.local_addr().unwrap();
    assert_eq!(call(addr, "add", &(1, 2)).await, Ok(Value::Int(3)));
    assert_eq!(call(addr, "mul", &(4, 2)).await, Ok(Value::Int(8)));
    assert_eq!(call(addr, "math.add", &(1, 2)).await, Ok(Value::Int(103)));
    assert_eq!(
        call(addr, "math.describe", &(1, "x", true)).await,
        Ok(Value::String("3 values".into()))
    );
    let fault = call(addr, "math.add", &(1, "x")).await.unwrap_err();
    assert_eq!(fault.code, Fault::INVALID_PARAMS);
    assert!(fault.string.contains("b"), "{fault}");
}

#[tokio::test]
async fn duplicate_names_are_refused_at_build_time() {
    // The plain `add` of the test methods and the service's `add` collide.
    let err = methods(Server::builder())
        .service(Calc { offset: 0 })
        .build()
        .unwrap_err();
    assert_eq!(err, BuildError::DuplicateMethod("add".into()));
    let err = Server::builder()
        .service_at("m", Calc { offset: 0 })
        .service_at("m", Calc { offset: 1 })
        .build()
        .unwrap_err();
    assert_eq!(err, BuildError::DuplicateMethod("m.add".into()));
    let err = Server::builder()
        .method("system.listMethods", |(): ()| async { Ok::<_, Fault>(1) })
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        BuildError::DuplicateMethod("system.listMethods".into())
    );
    // With introspection off the name is free.
    assert!(Server::builder()
        .introspection(false)
        .method("system.listMethods", |(): ()| async { Ok::<_, Fault>(1) })
        .build()
        .is_ok());
}

#[tokio::test]
async fn the_fallback_answers_unclaimed_names() {
    let server = Server::builder()
        .method("known", |(): ()| async { Ok::<_, Fault>("known") })
        .fallback(|name: String, params: Vec<Value>| async move {
            if name.starts_with("dyn.") {
                Ok(format!("{name} with {} params", params.len()))
            } else {
                Err(Fault::new(Fault::METHOD_NOT_FOUND, format!("no {name}")))
            }
        })
        .build()
        .unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    let addr = running.local_addr().unwrap();
    assert_eq!(
        call(addr, "dyn.thing", &(1, 2)).await,
        Ok(Value::String("dyn.thing with 2 params".into()))
    );
    assert_eq!(
        call(addr, "known", &()).await,
        Ok(Value::String("known".into()))
    );
    assert_eq!(
        call(addr, "other", &()).await,
        Err(Fault::new(Fault::METHOD_NOT_FOUND, "no other"))
    );
}

fn strings(value: Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => s,
                other => panic!("not a string: {other:?}"),
            })
            .collect(),
        other => panic!("not an array: {other:?}"),
    }
}

#[tokio::test]
async fn introspection_reports_the_registered_metadata() {
    let server = methods(Server::builder())
        .register(
            Method::new(
                "mul",
                |(a, b): (i32, i32)| async move { Ok::<_, Fault>(a * b) },
            )
            .help("Multiplies.")
            .returns("int"),
        )
        .register(
            Method::new("pair", |(a, b): (String, bool)| async move {
                Ok::<_, Fault>((a, b))
            })
            .signature(["array", "string", "boolean"]),
        )
        .service_at("calc", Calc { offset: 0 })
        .build()
        .unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    let addr = running.local_addr().unwrap();

    let names = strings(call(addr, "system.listMethods", &()).await.unwrap());
    for expected in [
        "add",
        "mul",
        "pair",
        "calc.add",
        "calc.describe",
        "system.listMethods",
        "system.methodHelp",
        "system.methodSignature",
        "system.multicall",
        "system.getCapabilities",
    ] {
        assert!(
            names.contains(&expected.to_string()),
            "{expected} in {names:?}"
        );
    }
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique.len(), names.len());

    assert_eq!(
        call(addr, "system.methodHelp", &("mul",)).await,
        Ok(Value::String("Multiplies.".into()))
    );
    assert_eq!(
        call(addr, "system.methodHelp", &("calc.add",)).await,
        Ok(Value::String("Adds two integers and the offset.".into()))
    );
    let sig = |types: &[&str]| {
        Value::Array(vec![Value::Array(
            types.iter().map(|t| Value::String(t.to_string())).collect(),
        )])
    };
    assert_eq!(
        call(addr, "system.methodSignature", &("mul",)).await,
        Ok(sig(&["int", "int", "int"]))
    );
    assert_eq!(
        call(addr, "system.methodSignature", &("pair",)).await,
        Ok(sig(&["array", "string", "boolean"]))
    );
    assert_eq!(
        call(addr, "system.methodSignature", &("calc.add",)).await,
        Ok(sig(&["int", "int", "int"]))
    );
    assert_eq!(
        call(addr, "system.methodSignature", &("calc.describe",)).await,
        Ok(Value::String("undef".into()))
    );
    // `echo` takes any value: no known signature.
    assert_eq!(
        call(addr, "system.methodSignature", &("echo",)).await,
        Ok(Value::String("undef".into()))
    );
    assert_eq!(
        call(addr, "system.methodHelp", &("missing",))
            .await
            .unwrap_err()
            .code,
        Fault::METHOD_NOT_FOUND
    );
    assert_eq!(
        call(addr, "system.methodHelp", &()).await.unwrap_err().code,
        Fault::INVALID_PARAMS
    );
}

#[tokio::test]
async fn builtins_can_be_switched_off() {
    let (_server, addr) = start(
        Server::builder()
            .introspection(false)
            .multicall(false)
            .capabilities(false),
    )
    .await;
    for name in [
        "system.listMethods",
        "system.multicall",
        "system.getCapabilities",
    ] {
        assert_eq!(
            call(addr, name, &()).await.unwrap_err().code,
            Fault::METHOD_NOT_FOUND,
            "{name}"
        );
    }
}

fn entry(name: &str, params: Vec<Value>) -> Value {
    let mut map = Map::new();
    map.insert("methodName".into(), Value::String(name.into()));
    map.insert("params".into(), Value::Array(params));
    Value::Struct(map)
}

fn fault_struct(value: &Value) -> (i32, String) {
    let Value::Struct(map) = value else {
        panic!("not a fault struct: {value:?}")
    };
    assert_eq!(map.len(), 2, "{map:?}");
    match (&map["faultCode"], &map["faultString"]) {
        (Value::Int(code), Value::String(string)) => (*code, string.clone()),
        other => panic!("bad fault members: {other:?}"),
    }
}

#[tokio::test]
async fn multicall_wraps_results_isolates_faults_and_refuses_nesting() {
    let (_server, addr) = start(Server::builder().max_multicall(5)).await;
    let calls = vec![
        entry("add", vec![Value::Int(1), Value::Int(2)]),
        entry("fail", vec![Value::Int(9), Value::String("nine".into())]),
        entry("system.multicall", vec![Value::Array(vec![])]),
        entry("panic", vec![]),
        Value::Int(3),
    ];
    let Value::Array(results) = call(addr, "system.multicall", &(calls,)).await.unwrap() else {
        panic!("multicall answers an array")
    };
    assert_eq!(results.len(), 5);
    assert_eq!(results[0], Value::Array(vec![Value::Int(3)]));
    assert_eq!(fault_struct(&results[1]), (9, "nine".to_string()));
    assert_eq!(fault_struct(&results[2]).0, Fault::INVALID_REQUEST);
    assert_eq!(fault_struct(&results[3]).0, Fault::INTERNAL_ERROR);
    assert_eq!(fault_struct(&results[4]).0, Fault::INVALID_REQUEST);

    let too_many: Vec<Value> = (0..6)
        .map(|i| entry("add", vec![Value::Int(i), Value::Int(0)]))
        .collect();
    assert_eq!(
        call(addr, "system.multicall", &(too_many,))
            .await
            .unwrap_err()
            .code,
        Fault::INVALID_PARAMS
    );
    assert_eq!(
        call(addr, "system.multicall", &("not an array",))
            .await
            .unwrap_err()
            .code,
        Fault::INVALID_PARAMS
    );
    assert_eq!(
        call(addr, "system.multicall", &()).await.unwrap_err().code,
        Fault::INVALID_PARAMS
    );
    assert_eq!(
        call(addr, "system.multicall", &(Vec::<Value>::new(),)).await,
        Ok(Value::Array(vec![]))
    );
}

#[tokio::test]
async fn capabilities_advertise_faults_interop() {
    let (_server, addr) = start(Server::builder()).await;
    let Value::Struct(caps) = call(addr, "system.getCapabilities", &()).await.unwrap() else {
        panic!("capabilities are a struct")
    };
    let Value::Struct(interop) = &caps["faults_interop"] else {
        panic!("faults_interop is a struct")
    };
    assert_eq!(interop["specVersion"], Value::Int(20010516));
    assert!(matches!(&interop["specUrl"], Value::String(url) if url.contains("fault_codes")));
    for key in ["introspection", "multicall", "nil", "i8"] {
        assert!(caps.contains_key(key), "{key}");
    }
}

#[tokio::test]
async fn nil_can_be_switched_off_and_extensions_namespaced() {
    let (_server, addr) = start(Server::builder().allow_nil(false)).await;
    assert_eq!(
        call(addr, "nothing", &()).await.unwrap_err().code,
        Fault::INTERNAL_ERROR
    );

    let (_server, addr) = start(Server::builder().extension_namespace(true)).await;
    let reply = raw(addr, &post(&call_body("echo", &(1i64 << 40,)), ""))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&reply.body).to_string();
    assert!(text.contains("ex:i8"), "{text}");
    assert_eq!(reply.value(), Ok(Value::I8(1 << 40)));
}

#[tokio::test]
async fn a_call_timeout_turns_slow_calls_into_faults() {
    let (_server, addr) =
        start(Server::builder().call_timeout(Some(std::time::Duration::from_millis(100)))).await;
    assert_eq!(
        call(addr, "sleep", &(2000,)).await.unwrap_err().code,
        Fault::INTERNAL_ERROR
    );
    assert_eq!(call(addr, "sleep", &(1,)).await, Ok(Value::Int(1)));
}

#[tokio::test]
async fn handle_document_answers_without_http() {
    let server = methods(Server::builder()).build().unwrap();
    let answer = server.handle_document(&call_body("add", &(4, 5))).await;
    let value = xmlrpc_core::read_response_value(&answer, &Default::default()).unwrap();
    assert_eq!(value, Ok(Value::Int(9)));
}

/// Shaped like a generated service: its methods go through the same `__private` helpers the
/// `#[xmlrpc_service]` expansion calls.
struct Generated(std::sync::Arc<()>);

impl Service for Generated {
    fn methods(&self) -> Vec<MethodInfo> {
        ["gen.async_panic", "gen.blocking_panic"]
            .into_iter()
            .map(|name| MethodInfo {
                name: name.into(),
                signatures: None,
                help: String::new(),
            })
            .collect()
    }

    fn call(&self, index: usize, params: Params<'_>, ctx: &CallContext) -> BoxFuture<CallResult> {
        use xmlrpc_server::__private as rt;
        match index {
            0 => rt::dispatch(
                &self.0,
                &params,
                ctx,
                "0",
                |_| Ok(()),
                |_, (), _| async {
                    if true {
                        panic!("deliberate panic in an async method");
                    }
                    Ok(encode_value(&0, &Default::default()).unwrap())
                },
            ),
            1 => rt::dispatch_blocking(
                &self.0,
                &params,
                ctx,
                "0",
                |_| Ok(()),
                |_, (), _| {
                    if true {
                        panic!("deliberate panic in a blocking method");
                    }
                    Ok(encode_value(&0, &Default::default()).unwrap())
                },
            ),
            _ => rt::no_method(index),
        }
    }
}

#[tokio::test]
async fn a_panic_answers_the_same_fault_however_the_method_was_registered() {
    let server = Server::builder()
        .service(Generated(Default::default()))
        .method("fn.async_panic", |(): ()| async {
            if true {
                panic!("deliberate panic in an async function");
            }
            Ok::<_, Fault>(0)
        })
        .method_sync("fn.blocking_panic", |(): ()| {
            if true {
                panic!("deliberate panic in a blocking function");
            }
            Ok::<_, Fault>(0)
        })
        .build()
        .unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    let addr = running.local_addr().unwrap();
    let expected = Fault::new(Fault::INTERNAL_ERROR, "internal error: the method panicked");
    for name in [
        "gen.async_panic",
        "gen.blocking_panic",
        "fn.async_panic",
        "fn.blocking_panic",
    ] {
        assert_eq!(call(addr, name, &()).await, Err(expected.clone()), "{name}");
    }
    // Blocking ones were admitted as blocking calls, and the server lives on.
    assert_eq!(call(addr, "gen.blocking_panic", &()).await, Err(expected));
    assert_eq!(running.stats().errored, 5);
}
