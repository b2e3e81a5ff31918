//! The Worker's fetch handler: builds the route table and nothing else.

use worker::{event, Context, Env, Request, Response, Result, Router};

use crate::health::health;

/// Routes every request.
#[event(fetch)]
pub async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new()
        .get("/health", |_, _| Response::from_json(&health()))
        .run(req, env)
        .await
}
