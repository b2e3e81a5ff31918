//! `docs/openapi.json` describes exactly the route table: every row is one operation (same
//! method and path, `operationId` the [`Route`]'s name), with the path's parameters, and every
//! error answer it lists has the body `ApiError` writes. That the document is valid OpenAPI 3.1,
//! and that real answers match its schemas, is `tests/worker/openapi.test.mjs`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::*;

/// The OpenAPI document of this API, as the Worker's static assets serve it.
const OPENAPI: &str = include_str!("../../../../docs/openapi.json");

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// `CreateTenant` → `createTenant`.
fn operation_id(route: Route) -> String {
    let name = format!("{route:?}");
    let mut chars = name.chars();
    chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

fn document() -> Value {
    serde_json::from_str(OPENAPI).expect("docs/openapi.json is not JSON")
}

/// `(METHOD, path, operationId)` of every operation the document describes.
fn documented(doc: &Value) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("docs/openapi.json has no `paths`") {
        for (method, operation) in item.as_object().into_iter().flatten() {
            if METHODS.contains(&method.as_str()) {
                let id = operation["operationId"].as_str().unwrap_or("(no operationId)").to_owned();
                out.insert((method.to_uppercase(), path.clone(), id));
            }
        }
    }
    out
}

#[test]
fn the_openapi_document_describes_exactly_the_route_table() {
    let doc = document();
    let table: BTreeSet<(String, String, String)> =
        ROUTES.iter().map(|r| (r.method.to_owned(), r.path.to_owned(), operation_id(r.route))).collect();
    let docs = documented(&doc);
    let list = |set: Vec<&(String, String, String)>| -> String {
        set.iter().map(|(m, p, id)| format!("\n  {m} {p} (operationId {id})")).collect()
    };
    let undocumented: Vec<_> = table.difference(&docs).collect();
    let unrouted: Vec<_> = docs.difference(&table).collect();
    assert!(
        undocumented.is_empty() && unrouted.is_empty(),
        "docs/openapi.json and the route table (crates/pushauth-worker/src/route_table.rs, ROUTES) \
         disagree.\nIn the route table, missing from docs/openapi.json (or with another method, \
         path or operationId):{}\nIn docs/openapi.json, not in the route table:{}\nEach route is \
         one row of ROUTES and one operation of the document, whose operationId is the Route \
         variant's name with a lowercase first letter.",
        list(undocumented),
        list(unrouted),
    );
}

#[test]
fn the_documents_path_parameters_are_the_patterns() {
    let doc = document();
    for row in ROUTES {
        let names: Vec<&str> =
            row.path.split('/').filter_map(|p| p.strip_prefix('{')?.strip_suffix('}')).collect();
        let item = &doc["paths"][row.path];
        let operation = &item[row.method.to_lowercase()];
        let mut declared = Vec::new();
        for parameter in
            [&item["parameters"], &operation["parameters"]].into_iter().filter_map(Value::as_array)
        {
            for p in parameter {
                let p = resolve_ref(&doc, p);
                if p["in"] == "path" {
                    assert_eq!(
                        p["required"], true,
                        "{} {}: path parameters are required",
                        row.method, row.path
                    );
                    declared.push(p["name"].as_str().unwrap_or_default().to_owned());
                }
            }
        }
        declared.sort();
        let mut want: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        want.sort();
        assert_eq!(declared, want, "{} {}: path parameters", row.method, row.path);
    }
}

#[test]
fn every_documented_error_has_the_error_body() {
    let doc = document();
    let error = &doc["components"]["schemas"]["Error"];
    let mut fields: Vec<&str> =
        error["required"].as_array().expect("an Error schema").iter().filter_map(Value::as_str).collect();
    fields.sort_unstable();
    // The body `ApiError::to_response` writes.
    let written = crate::api_error::ApiError::new(400, "x", "y").to_response();
    let written: Value = serde_json::from_slice(&written.body).unwrap();
    let mut keys: Vec<&str> = written.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(fields, keys, "the Error schema's required fields are the error body's");
    for row in ROUTES {
        let responses = &doc["paths"][row.path][row.method.to_lowercase()]["responses"];
        let responses =
            responses.as_object().unwrap_or_else(|| panic!("{} {}: no responses", row.method, row.path));
        assert!(
            responses.keys().any(|s| s.starts_with('2') || s == "101"),
            "{} {}: no success",
            row.method,
            row.path
        );
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                let schema = &resolve_ref(&doc, response)["content"]["application/json"]["schema"];
                assert_eq!(
                    schema["$ref"], "#/components/schemas/Error",
                    "{} {}: the {status} answer is not an Error",
                    row.method, row.path
                );
            }
        }
    }
}

/// Follows a local `$ref` (`#/components/...`).
fn resolve_ref<'d>(doc: &'d Value, value: &'d Value) -> &'d Value {
    match value["$ref"].as_str().and_then(|r| r.strip_prefix("#/")) {
        Some(path) => path.split('/').fold(doc, |v, part| &v[part]),
        None => value,
    }
}
