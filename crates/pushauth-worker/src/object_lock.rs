//! One request at a time in a user's object.
//!
//! A Durable Object runs one event at a time only while it waits on its own storage; while a
//! handler waits on anything else (a KV read, WebCrypto, a `fetch`), the runtime may start the
//! next request. Every handler reads, decides and writes, so the object holds this lock for the
//! whole of each request: a user's requests are decided strictly one after another.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::poll_fn;
use std::task::{Poll, Waker};

/// A single-threaded async lock (Workers and Durable Objects run on one thread).
#[derive(Debug, Default)]
pub struct ObjectLock {
    locked: Cell<bool>,
    waiters: RefCell<VecDeque<Waker>>,
}

/// Holds the lock until dropped.
#[derive(Debug)]
pub struct ObjectGuard<'a>(&'a ObjectLock);

impl ObjectLock {
    /// Waits until the lock is free, then takes it.
    pub async fn lock(&self) -> ObjectGuard<'_> {
        poll_fn(|cx| {
            if self.locked.get() {
                self.waiters.borrow_mut().push_back(cx.waker().clone());
                Poll::Pending
            } else {
                self.locked.set(true);
                Poll::Ready(())
            }
        })
        .await;
        ObjectGuard(self)
    }
}

impl Drop for ObjectGuard<'_> {
    fn drop(&mut self) {
        self.0.locked.set(false);
        // Every waiter is woken: one that was cancelled meanwhile must not leave the others
        // asleep. The first to run takes the lock; the rest wait again.
        let waiters: Vec<Waker> = self.0.waiters.borrow_mut().drain(..).collect();
        for waker in waiters {
            waker.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::pin::pin;
    use std::task::Context;

    #[test]
    fn a_second_holder_waits_for_the_first() {
        let lock = ObjectLock::default();
        let mut cx = Context::from_waker(Waker::noop());
        let first = pin!(lock.lock());
        let Poll::Ready(guard) = first.poll(&mut cx) else { panic!("a free lock is taken at once") };
        let mut second = pin!(lock.lock());
        assert!(second.as_mut().poll(&mut cx).is_pending());
        drop(guard);
        assert!(second.as_mut().poll(&mut cx).is_ready());
    }
}
