use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;
use serde_json::{json, Value};

use super::read;

#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Sample {
    name: String,
    count: u32,
    #[serde(default)]
    tags: Vec<String>,
    ratio: Option<f64>,
}

/// Values that `serde_json::from_value` reads or refuses, each read the same way here.
fn corpus() -> Vec<Value> {
    vec![
        json!({ "name": "a", "count": 1 }),
        json!({ "name": "a", "count": 1, "tags": ["x", "y"], "ratio": 0.25 }),
        json!({ "name": "a", "count": 1, "ratio": 1e300 }),
        json!({ "name": "a", "count": 1, "ratio": null }),
        json!({ "name": "é\u{0}\"\\", "count": 4294967295u32 }),
        json!({ "name": "a", "count": 4294967296u64 }),
        json!({ "name": "a", "count": -1 }),
        json!({ "name": "a", "count": 1.0 }),
        json!({ "name": "a", "count": "1" }),
        json!({ "name": "a" }),
        json!({ "name": "a", "count": 1, "extra": true }),
        json!({ "name": 1, "count": 1 }),
        json!(["a", 1]),
        json!("a"),
        json!(null),
    ]
}

#[test]
fn reads_what_from_value_reads_and_refuses_what_it_refuses() {
    for value in corpus() {
        let ours = read::<Sample>(&value);
        let reference = serde_json::from_value::<Sample>(value.clone());
        match (&ours, &reference) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{value}"),
            (Err(a), Err(b)) => assert_eq!(a.classify(), b.classify(), "{value}"),
            _ => panic!("{value}: {ours:?} vs {reference:?}"),
        }
    }
}
