#![doc = include_str!("../README.md")]

pub mod account_events;
pub mod action_log;
pub mod after_response;
pub mod alarm_plan;
pub mod api_error;
pub mod app;
pub mod attributes_repo;
pub mod auth;
pub mod challenge_repo;
pub mod challenges;
pub mod config_cache;
pub mod cors;
pub mod expiring;
pub mod health;
pub mod homes;
pub mod http;
pub mod memory_store;
pub mod object_lock;
pub mod outbox;
pub mod path_ids;
pub mod records;
pub mod route_table;
pub mod router;
pub mod routes;
pub mod scope;
pub mod signature_verifier;
pub mod simple_request;
pub mod single_use_repo;
pub mod socket_tickets;
pub mod sockets;
pub mod split_store;
pub mod store;
pub mod subscriptions;
pub mod tenant_epoch;
pub mod tenants_repo;
#[cfg(not(target_arch = "wasm32"))]
pub mod testkit;
#[cfg(not(target_arch = "wasm32"))]
pub mod two_locations;
pub mod web_push;
pub mod web_push_crypto;
pub mod write_batch;

#[cfg(target_arch = "wasm32")]
mod entry;
#[cfg(target_arch = "wasm32")]
mod http_client;
#[cfg(target_arch = "wasm32")]
mod kv_store;
#[cfg(target_arch = "wasm32")]
mod object_storage;
#[cfg(target_arch = "wasm32")]
mod object_stub;
#[cfg(target_arch = "wasm32")]
mod subtle;
#[cfg(target_arch = "wasm32")]
mod user_object;
#[cfg(target_arch = "wasm32")]
mod worker_response;
#[cfg(target_arch = "wasm32")]
mod worker_store;
