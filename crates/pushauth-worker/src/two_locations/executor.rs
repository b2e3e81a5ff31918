//! A small single-threaded executor that runs several futures at once, as workerd runs the
//! requests an isolate (or a Durable Object) has in flight: one at a time, each until it waits.
//!
//! Deterministic: it polls in rounds, and in each round every task that was woken since it was
//! last polled, in the order the tasks were given. Memory stores that yield once per call
//! (`MemoryStore::yielding`, the simulated KV) wake themselves at once, so requests advance in
//! lockstep, one storage call per round: the interleaving that makes read-then-write races
//! bite. A task waiting on something else (an object's lock) is polled again only once woken.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// A future the executor runs.
pub type Task<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// The most rounds [`join_all`] runs before it gives up (a task that wakes itself forever).
pub const MAX_ROUNDS: usize = 1_000_000;

/// Tasks that can no longer finish: none is woken (a deadlock), or they ran [`MAX_ROUNDS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stalled {
    /// How many tasks had not finished.
    pub unfinished: usize,
    /// Rounds run.
    pub rounds: usize,
}

impl fmt::Display for Stalled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} task(s) stalled after {} round(s)", self.unfinished, self.rounds)
    }
}

impl std::error::Error for Stalled {}

/// Whether a task was woken since it was last polled.
struct Woken(AtomicBool);

impl Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Runs every task to completion, interleaved, and answers their outputs in the order given.
pub fn join_all<T>(tasks: Vec<Task<'_, T>>) -> Result<Vec<T>, Stalled> {
    let flags: Vec<Arc<Woken>> = tasks.iter().map(|_| Arc::new(Woken(AtomicBool::new(true)))).collect();
    let wakers: Vec<Waker> = flags.iter().map(|flag| Waker::from(flag.clone())).collect();
    let mut tasks: Vec<Option<Task<'_, T>>> = tasks.into_iter().map(Some).collect();
    let mut outputs: Vec<Option<T>> = tasks.iter().map(|_| None).collect();
    let mut unfinished = tasks.len();
    let mut rounds = 0;
    while unfinished > 0 {
        if rounds == MAX_ROUNDS {
            return Err(Stalled { unfinished, rounds });
        }
        rounds += 1;
        let mut polled = false;
        for (i, slot) in tasks.iter_mut().enumerate() {
            let Some(task) = slot else { continue };
            if !flags[i].0.swap(false, Ordering::SeqCst) {
                continue;
            }
            polled = true;
            if let Poll::Ready(out) = task.as_mut().poll(&mut Context::from_waker(&wakers[i])) {
                outputs[i] = Some(out);
                *slot = None;
                unfinished -= 1;
            }
        }
        if !polled {
            return Err(Stalled { unfinished, rounds });
        }
    }
    Ok(outputs.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory_store::yield_now;
    use crate::object_lock::ObjectLock;
    use std::cell::RefCell;

    #[test]
    fn tasks_advance_in_lockstep_one_yield_per_round() {
        let log = RefCell::new(Vec::new());
        let task = |name: char| -> Task<'_, ()> {
            let log = &log;
            Box::pin(async move {
                for step in 0..3 {
                    log.borrow_mut().push((name, step));
                    yield_now().await;
                }
            })
        };
        join_all(vec![task('a'), task('b')]).unwrap();
        let order: Vec<(char, i32)> = log.into_inner();
        assert_eq!(order, [('a', 0), ('b', 0), ('a', 1), ('b', 1), ('a', 2), ('b', 2)]);
    }

    #[test]
    fn a_task_waiting_on_a_lock_runs_once_it_is_released() {
        let lock = ObjectLock::default();
        let log = RefCell::new(Vec::new());
        let task = |name: char| -> Task<'_, char> {
            let (lock, log) = (&lock, &log);
            Box::pin(async move {
                let _turn = lock.lock().await;
                log.borrow_mut().push(name);
                yield_now().await;
                log.borrow_mut().push(name);
                name
            })
        };
        assert_eq!(join_all(vec![task('a'), task('b')]).unwrap(), ['a', 'b']);
        assert_eq!(log.into_inner(), ['a', 'a', 'b', 'b'], "one holder at a time");
    }

    #[test]
    fn a_deadlock_is_reported_not_spun() {
        let lock = ObjectLock::default();
        let held = std::pin::pin!(lock.lock());
        let guard = held.poll(&mut Context::from_waker(Waker::noop()));
        assert!(guard.is_ready());
        let waiting: Task<'_, ()> = Box::pin(async {
            lock.lock().await;
        });
        assert_eq!(join_all(vec![waiting]), Err(Stalled { unfinished: 1, rounds: 2 }));
    }
}
