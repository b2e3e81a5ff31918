use std::collections::BTreeSet;

use super::*;
use crate::memory_store::MemoryStore;
use crate::router;
use crate::testkit::{app, block_on, request, test_config, Client, CountingRandom, Reply, World};

fn segments(path: &str) -> Vec<String> {
    router::path_segments(path).unwrap()
}

fn assert_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!((reply.status, reply.json["errorCode"].as_str()), (status, Some(code)), "{:?}", reply.json);
}

// --- 404 and 405 -------------------------------------------------------------------------

#[test]
fn a_path_no_route_knows_is_404_whatever_its_prefix() {
    let world = World::default();
    for (method, path) in [
        ("GET", "/v1/users/x/nothing"),
        ("DELETE", "/v1/users/x/block/extra"),
        ("POST", "/v1/client/foo"),
        ("GET", "/v1/client/challenge"),
        ("GET", "/v1/device/nothing"),
        ("GET", "/admin/tenants/t/secrets"),
        ("GET", "/request/a/b/c"),
        ("GET", "/demo/api/nothing"),
        ("GET", "/v1/nothing"),
        ("GET", "/"),
        ("DELETE", "/v1/users/u/actions/a/k/extra"),
    ] {
        let reply = world.send(method, path, &[], b"");
        assert_error(&reply, 404, "route_not_found");
        assert_eq!(reply.raw.header("allow"), None, "{method} {path}");
    }
}

#[test]
fn a_known_path_with_another_method_is_405_with_its_methods_in_allow() {
    let world = World::default();
    for (method, path, allow) in [
        ("PUT", "/v1/validate", "POST"),
        ("GET", "/v1/validate", "POST"),
        ("POST", "/health", "GET"),
        ("DELETE", "/v1/users/u/actions/a/k", "GET, PATCH"),
        ("GET", "/v1/users/u/actions/signIn", "POST"),
        ("POST", "/v1/device/web-push", "GET, PUT, DELETE"),
        ("PUT", "/admin/tenants/t", "GET, PATCH, DELETE"),
        ("GET", "/v1/client/verify/push", "POST"),
        ("POST", "/v1/device/ws", "GET"),
        // `/request/add` is also `/request/{guid}`.
        ("PATCH", "/request/add", "POST, GET"),
        // Another spelling of the same path is the same path.
        ("PUT", "//v1/%76alidate/", "POST"),
    ] {
        let reply = world.send(method, path, &[], b"");
        assert_error(&reply, 405, "method_not_allowed");
        assert_eq!(reply.raw.header("allow"), Some(allow), "{method} {path}");
    }
}

#[test]
fn the_bench_route_is_unknown_unless_bench_routes_is_set() {
    let mut world = World::default();
    assert_error(&world.send("GET", "/__bench/verify", &[], b""), 404, "route_not_found");
    world.config.bench_routes = true;
    let reply = world.send("GET", "/__bench/verify", &[], b"");
    assert_error(&reply, 405, "method_not_allowed");
    assert_eq!(reply.raw.header("allow"), Some("POST"));
}

#[test]
fn a_client_path_that_is_no_route_keeps_its_cors_headers() {
    let world = World::default();
    let origin = "http://127.0.0.1:9999";
    let reply = world.send("GET", "/v1/client/foo", &[("origin", origin)], b"");
    assert_error(&reply, 404, "route_not_found");
    assert_eq!(reply.raw.header("access-control-allow-origin"), Some(origin));
}

// --- the table itself ---------------------------------------------------------------------

/// A value for each parameter of a pattern.
fn sample_path(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|part| if part.starts_with('{') { "p" } else { part })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn every_row_resolves_to_itself() {
    let mut config = test_config();
    config.bench_routes = true;
    for row in ROUTES {
        let path = segments(&sample_path(row.path));
        let s: Vec<&str> = path.iter().map(String::as_str).collect();
        let (route, params) = resolve(&config, row.method, &s).unwrap();
        assert_eq!(route, row.route, "{} {}", row.method, row.path);
        assert_eq!(params.as_slice().len(), row.path.matches('{').count(), "{}", row.path);
    }
}

#[test]
fn every_row_reaches_its_handler() {
    // Inside an object, as the front Worker forwards a request: no routing by user first, so
    // every handler runs (and refuses the request it was given, but never as an unknown route).
    let mut config = test_config();
    config.bench_routes = true;
    let store = MemoryStore::default();
    let random = CountingRandom::default();
    let fill = |bytes: &mut [u8]| random.fill(bytes);
    for row in ROUTES {
        let req = request(row.method, &sample_path(row.path), &[], b"{}");
        let reply = Reply::from(block_on(router::handle_in_object(
            &app(&config, 1_800_000_000_000, &store, &fill, None),
            &req,
        )));
        assert!(
            reply.status != 405 && reply.json["errorCode"] != "route_not_found",
            "{} {} did not reach its handler: {:?}",
            row.method,
            row.path,
            reply.json
        );
    }
}

#[test]
fn rows_are_unique_and_well_formed() {
    let mut seen = BTreeSet::new();
    for row in ROUTES {
        assert!(seen.insert((row.method, row.path)), "{} {} twice", row.method, row.path);
        assert!(["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&row.method), "{}", row.method);
        assert!(row.path.starts_with('/') && !row.path.ends_with('/'), "{}", row.path);
        assert!(row.path.matches('{').count() <= MAX_PARAMS, "{}", row.path);
    }
    let routes: BTreeSet<String> = ROUTES.iter().map(|r| format!("{:?}", r.route)).collect();
    assert_eq!(routes.len(), ROUTES.len(), "a route on two rows");
}
