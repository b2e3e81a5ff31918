use super::*;
use crate::challenge::{Answer, ChallengeSpec, Dialect, Randomness};
use crate::signature::DeviceSigningKey;

const T0: UnixMillis = 1_800_000_000_000;

fn challenge() -> Challenge {
    let mut spec = ChallengeSpec::new(Dialect::Authsignal, "acme", "alice", "signIn");
    spec.idempotency_key = Some("idem-1".into());
    Challenge::new(spec, T0, &Randomness::from_bytes(&[0x5a; 48])).unwrap()
}

fn answered(approved: bool) -> Challenge {
    let mut c = challenge();
    let key_id = DeviceSigningKey::from_bytes(&[0x11; 32]).unwrap().public_key().key_id();
    c.state = ChallengeState::Answered(Answer {
        button: if approved { 0 } else { 1 },
        approved,
        reason: None,
        answered_at: T0 + 5_000,
        device_key_id: key_id,
    });
    c
}

fn tracked() -> ActionRecord {
    ActionRecord::tracked("signIn", "idem-1", true, T0)
}

/// A tracked action whose challenge is `c`.
fn following(c: &Challenge) -> ActionRecord {
    let mut record = tracked();
    record.observe(c);
    record
}

#[test]
fn states_parse_as_the_api_spells_them() {
    for state in ActionState::ALL {
        assert_eq!(ActionState::parse(state.as_str()), Ok(state));
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(json, format!("\"{}\"", state.as_str()));
    }
    for bad in ["", "allow", "APPROVED", "BLOCK "] {
        assert_eq!(ActionState::parse(bad), Err(Error::InvalidActionState), "{bad:?}");
    }
}

#[test]
fn tracking_records_the_state_track_answers() {
    assert_eq!(tracked().state_at(T0), (ActionState::ChallengeRequired, T0));
    let without_device = ActionRecord::tracked("signIn", "k", false, T0);
    assert_eq!(without_device.state_at(T0), (ActionState::Allow, T0));
}

#[test]
fn the_action_follows_its_challenge() {
    let c = challenge();
    let mut record = tracked();
    assert!(record.observe(&c));
    assert_eq!(record.challenge_id.as_ref(), Some(&c.id));
    assert_eq!(record.state, ActionState::ChallengeRequired);
    assert!(!record.observe(&c), "observing the same state changes nothing");

    let approved = answered(true);
    assert!(record.observe(&approved));
    assert_eq!(record.state_at(T0 + 6_000), (ActionState::ChallengeSucceeded, T0 + 5_000));
    assert!(record.verified_by.is_some());

    let mut denied = tracked();
    denied.observe(&answered(false));
    assert_eq!(denied.state, ActionState::ChallengeFailed);
    assert_eq!(denied.verified_by, None);
}

#[test]
fn a_pending_challenge_past_its_expiry_reads_failed() {
    let c = challenge();
    let record = following(&c);
    assert_eq!(record.state_at(c.expires_at - 1).0, ActionState::ChallengeRequired);
    assert_eq!(record.state_at(c.expires_at), (ActionState::ChallengeFailed, c.expires_at));
}

#[test]
fn lowering_cancels_a_pending_challenge_and_is_final() {
    let c = challenge();
    let mut record = following(&c);
    let phase = record.phase(Some(&c), T0 + 1);
    assert_eq!(phase, ChallengePhase::Pending);
    assert_eq!(record.decide(ActionState::Block, phase, T0 + 1), Ok(Effect::CancelChallenge));
    assert_eq!(record.state_at(T0 + 2), (ActionState::Block, T0 + 1));
    assert!(record.revoked());
    assert_eq!(record.may_start_challenge(), Err(Error::ActionFinal { state: "BLOCK" }));
    // Final: even the same state again, and a device's later outcome, change nothing.
    assert_eq!(
        record.decide(ActionState::Block, ChallengePhase::Ended, T0 + 3),
        Err(Error::ActionFinal { state: "BLOCK" })
    );
    assert!(!record.observe(&answered(true)));
    assert_eq!(record.state, ActionState::Block);
}

#[test]
fn lowering_revokes_an_approval_not_yet_validated() {
    let c = answered(true);
    let mut record = following(&c);
    let phase = record.phase(Some(&c), T0 + 6_000);
    assert_eq!(phase, ChallengePhase::Approved { result_used: false });
    assert_eq!(record.decide(ActionState::ChallengeFailed, phase, T0 + 6_000), Ok(Effect::RevokeResult));
    assert!(record.revoked());
}

#[test]
fn a_validated_approval_is_final() {
    let mut c = answered(true);
    c.result_consumed = true;
    let mut record = following(&c);
    let phase = record.phase(Some(&c), T0 + 6_000);
    for requested in ActionState::ALL {
        assert_eq!(
            record.decide(requested, phase, T0 + 6_000),
            Err(Error::ActionFinal { state: "CHALLENGE_SUCCEEDED" }),
            "{requested:?}"
        );
    }
    // Once its record is gone, an approval can no longer be validated: final too.
    assert_eq!(record.phase(None, T0 + 7_200_000), ChallengePhase::Approved { result_used: true });
    assert_eq!(record.state, ActionState::ChallengeSucceeded);
}

#[test]
fn raising_never_overrides_a_device() {
    for c in [challenge(), answered(false), answered(true)] {
        let mut record = following(&c);
        let phase = record.phase(Some(&c), T0 + 6_000);
        let before = record.clone();
        for requested in [ActionState::Allow, ActionState::ReviewSucceeded] {
            assert!(
                matches!(
                    record.decide(requested, phase, T0 + 6_000),
                    Err(Error::TransitionNotAllowed { .. })
                ),
                "{requested:?} over {phase:?}"
            );
        }
        assert_eq!(record, before, "a refused decision changes nothing");
    }
}

#[test]
fn raising_before_any_challenge_is_the_backends_own_final_decision() {
    let mut record = tracked();
    assert_eq!(record.phase(None, T0), ChallengePhase::NotStarted);
    assert_eq!(
        record.decide(ActionState::ReviewSucceeded, ChallengePhase::NotStarted, T0 + 1),
        Ok(Effect::None)
    );
    assert!(!record.revoked());
    assert!(record.may_start_challenge().is_err(), "the track token starts no challenge afterwards");
}

#[test]
fn success_and_the_waiting_states_are_never_set_by_a_backend() {
    for requested in
        [ActionState::ChallengeSucceeded, ActionState::ChallengeRequired, ActionState::ReviewRequired]
    {
        let mut record = tracked();
        assert_eq!(
            record.decide(requested, ChallengePhase::NotStarted, T0),
            Err(Error::InvalidActionState),
            "{requested:?}"
        );
        assert!(!record.decided);
    }
}

#[test]
fn a_device_failure_can_still_be_blocked_but_not_allowed() {
    let c = answered(false);
    let mut record = following(&c);
    let phase = record.phase(Some(&c), T0 + 6_000);
    assert_eq!(phase, ChallengePhase::Ended);
    assert_eq!(record.decide(ActionState::Block, phase, T0 + 6_000), Ok(Effect::None));
    assert_eq!(record.state, ActionState::Block);
}

#[test]
fn the_log_is_bounded_by_count_and_age() {
    let mut log = ActionLog::default();
    for i in 0..(MAX_ACTIONS as u64 + 20) {
        log.put(ActionRecord::tracked("signIn", &format!("k{i}"), true, T0 + i));
    }
    log.prune(T0 + 200);
    assert_eq!(log.0.len(), MAX_ACTIONS);
    assert_eq!(log.0[0].idempotency_key, "k20", "the oldest go first");
    log.prune(T0 + 20 + ACTION_RETENTION_MS);
    assert_eq!(log.0.len(), MAX_ACTIONS - 1, "k20 is 30 days old");
    log.prune(T0 + 1_000 + ACTION_RETENTION_MS);
    assert!(log.0.is_empty());
}

#[test]
fn put_replaces_the_same_action() {
    let mut log = ActionLog::default();
    log.put(tracked());
    let mut again = tracked();
    again.state = ActionState::Block;
    log.put(again);
    assert_eq!(log.0.len(), 1);
    assert_eq!(log.find("signIn", "idem-1").map(|r| r.state), Some(ActionState::Block));
    assert!(log.find("signIn", "idem-2").is_none());
    assert!(log.find("signUp", "idem-1").is_none());
}

#[test]
fn queries_filter_by_date_code_and_current_state_newest_first() {
    let mut log = ActionLog::default();
    log.put(ActionRecord::tracked("signIn", "a", true, T0));
    log.put(ActionRecord::tracked("withdraw", "b", false, T0 + 10));
    let c = challenge();
    let mut third = ActionRecord::tracked("signIn", "c", true, T0 + 20);
    third.observe(&c);
    log.put(third);
    let keys = |filter: &ActionFilter, now| -> Vec<String> {
        log.query(filter, now).iter().map(|r| r.idempotency_key.clone()).collect()
    };
    assert_eq!(keys(&ActionFilter::default(), T0 + 30), ["c", "b", "a"]);
    assert_eq!(keys(&ActionFilter { from: Some(T0 + 10), ..Default::default() }, T0 + 30), ["c", "b"]);
    let codes = ActionFilter {
        codes: vec!["withdraw".parse().unwrap(), "other".parse().unwrap()],
        ..Default::default()
    };
    assert_eq!(keys(&codes, T0 + 30), ["b"]);
    let allowed = ActionFilter { state: Some(ActionState::Allow), ..Default::default() };
    assert_eq!(keys(&allowed, T0 + 30), ["b"]);
    // The state filter reads the state at the time of the query: c's challenge has expired.
    let failed = ActionFilter { state: Some(ActionState::ChallengeFailed), ..Default::default() };
    assert_eq!(keys(&failed, T0 + 30), Vec::<String>::new());
    assert_eq!(keys(&failed, c.expires_at), ["c"]);
    // Past retention, nothing is returned even before a prune.
    assert!(keys(&ActionFilter::default(), T0 + 20 + ACTION_RETENTION_MS).is_empty());
}

#[test]
fn a_challenge_without_a_tracked_action_gets_a_record() {
    let c = answered(true);
    let record = ActionRecord::of_challenge(&c, T0 + 9_000);
    assert_eq!(record.created_at, T0);
    assert_eq!(record.state, ActionState::ChallengeSucceeded);
    assert_eq!(record.idempotency_key, "idem-1");
}
