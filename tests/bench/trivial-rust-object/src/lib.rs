//! The two-hop floor: a Worker that forwards every request to one Durable Object (named by the
//! request's path, so one object for the bench's one path), which reads one small value from its
//! storage, writes it back incremented and answers "ok". What every pushauth login endpoint pays
//! at the least (front Worker → user's object → one read and one write), with no application code.

use worker::{durable_object, event, Context, DurableObject, Env, Request, Response, Result, State};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let name = req.path();
    let stub = env.durable_object("OBJECTS")?.id_from_name(&name)?.get_stub()?;
    stub.fetch_with_request(req).await
}

/// One object: a counter in its storage.
#[durable_object]
pub struct Counter {
    state: State,
}

impl DurableObject for Counter {
    fn new(state: State, _env: Env) -> Self {
        Counter { state }
    }

    async fn fetch(&self, _req: Request) -> Result<Response> {
        let storage = self.state.storage();
        let n: u64 = storage.get("n").await?.unwrap_or(0);
        storage.put("n", n + 1).await?;
        Response::ok("ok")
    }
}
