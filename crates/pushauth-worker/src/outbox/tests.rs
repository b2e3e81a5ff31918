//! The outbox's order: markers sort by when they are due, so a run reaches what is due however
//! many deliveries wait for later (issue 14: a scan of the first 1,000 keys starved the rest).

use pushauth_core::delivery::{Delivery, DeliveryKind, DeliveryState};
use serde_json::json;

use super::{next_due, run_due, save};
use crate::memory_store::MemoryStore;
use crate::split_store::Split;
use crate::store::{get_json, keys};
use crate::testkit::{block_on, Client, Recorder, World};
use pushauth_core::ids::TenantId;

const NOW: u64 = 1_800_000_000_000;
const HOUR: u64 = 3_600_000;

fn delivery(tenant: &TenantId, n: usize, url: &str, due: u64) -> Delivery {
    let challenge = format!("00000000-0000-4000-8000-{n:012}");
    let mut d = Delivery::new(
        tenant,
        &challenge,
        "request.processed",
        DeliveryKind::Callback,
        url,
        "{}".into(),
        NOW,
        NOW + 30 * HOUR,
    );
    d.next_attempt_at = due;
    d
}

fn markers(store: &MemoryStore) -> Vec<String> {
    store.keys().into_iter().filter(|k| k.starts_with(keys::OUTBOX_PREFIX)).collect()
}

#[test]
fn a_due_delivery_behind_1100_later_ones_is_sent_and_the_rest_wait() {
    let acme: TenantId = "acme".parse().unwrap();
    let world = World::default();
    assert_eq!(world.tenant("acme", json!({})).status, 201);
    let live = MemoryStore::default();
    let store = Split { live: &live, shared: &world.store };
    // 1,100 deliveries due in an hour are written first; their markers would fill a listing of
    // 1,000 keys in any order that is not by due time.
    for n in 0..1100 {
        block_on(save(&store, &delivery(&acme, n, "http://127.0.0.1:9/later", NOW + HOUR), NOW, None))
            .unwrap();
    }
    block_on(save(&store, &delivery(&acme, 5000, "http://127.0.0.1:9/due", NOW - 1), NOW, None)).unwrap();
    assert_eq!(block_on(next_due(&store)).unwrap(), Some(NOW - 1));

    let http = Recorder::answering(200);
    let report = block_on(run_due(&store, &http, NOW, 60)).unwrap();
    let urls: Vec<String> = http.take().into_iter().map(|(url, _)| url).collect();
    assert_eq!(urls, ["http://127.0.0.1:9/due"]);
    assert_eq!((report.attempted, report.delivered), (1, 1));
    assert_eq!(markers(&live).len(), 1100, "the delivered one's marker is gone, the others wait");
    assert_eq!(block_on(next_due(&store)).unwrap(), Some(NOW + HOUR));

    // An hour on, every one of them is due: a run takes 1,000, the next the last 100.
    let http = Recorder::answering(200);
    let first = block_on(run_due(&store, &http, NOW + HOUR, 60)).unwrap();
    let second = block_on(run_due(&store, &http, NOW + HOUR, 60)).unwrap();
    assert_eq!((first.delivered, second.delivered), (1000, 100));
    assert!(markers(&live).is_empty());
    assert_eq!(block_on(next_due(&store)).unwrap(), None);
}

#[test]
fn a_failed_attempt_moves_the_marker_to_the_retry_time() {
    let acme: TenantId = "acme".parse().unwrap();
    let world = World::default();
    assert_eq!(world.tenant("acme", json!({})).status, 201);
    let live = MemoryStore::default();
    let store = Split { live: &live, shared: &world.store };
    let d = delivery(&acme, 1, "http://127.0.0.1:9/down", NOW);
    block_on(save(&store, &d, NOW, None)).unwrap();

    let http = Recorder::answering(500);
    block_on(run_due(&store, &http, NOW, 60)).unwrap();
    let saved: Delivery = block_on(get_json(&store, &keys::delivery(&acme, &d.id))).unwrap().unwrap();
    assert_eq!(saved.state, DeliveryState::Pending);
    assert!(saved.next_attempt_at > NOW);
    assert_eq!(
        markers(&live),
        vec![keys::outbox(saved.next_attempt_at, &acme, &d.id)],
        "one marker, at the retry"
    );
    assert_eq!(block_on(next_due(&store)).unwrap(), Some(saved.next_attempt_at));

    // Not due yet: nothing is sent; due: sent, delivered, no marker left.
    block_on(run_due(&store, &http, saved.next_attempt_at - 1, 60)).unwrap();
    assert_eq!(http.count(), 1);
    let ok = Recorder::answering(200);
    block_on(run_due(&store, &ok, saved.next_attempt_at, 60)).unwrap();
    assert_eq!(ok.count(), 1);
    assert!(markers(&live).is_empty());
}

#[test]
fn marker_keys_sort_by_due_time_and_parse_back() {
    let acme: TenantId = "acme".parse().unwrap();
    let early = keys::outbox(9_999, &acme, "a.b");
    let late = keys::outbox(10_000, &acme, "a.b");
    assert!(early < late);
    assert_eq!(keys::parse_outbox(&late), Some((10_000, acme.clone(), "a.b")));
    for bad in [
        "outbox:acme:a.b",
        "outbox:123:acme:a",
        "outbox:0000000000000000000x:acme:a",
        "other:1",
        // A tenant part that is no tenant id.
        "outbox:00000000000000010000:..:a.b",
    ] {
        assert_eq!(keys::parse_outbox(bad), None, "{bad}");
    }
}
