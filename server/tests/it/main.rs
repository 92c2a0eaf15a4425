//! Integration tests of the HTTP server: the whole router, requests sent
//! in-process, each test run against SQLite and PostgreSQL
//! (`GONGDAO_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`;
//! the PostgreSQL half fails when the server cannot be reached).

mod accounts;
mod admin;
mod authz;
mod authz_fns;
mod bundle;
mod cases;
mod cases_integrity;
mod cases_matrix;
mod cases_paths;
mod clocks;
mod cluster;
mod collective;
mod complaints;
mod credit;
mod dashboard;
mod due_process;
mod filing;
mod fund;
mod fund_appeals;
mod harness;
mod home;
mod hostile;
mod identity;
mod lists;
mod logistics;
mod mail_flows;
mod page_cache;
mod platforms;
mod privacy;
mod processes;
mod profile;
mod ratings;
mod registration;
mod risk;
mod screening;
mod search;
mod server_fns;
mod session;
mod staff;
mod suggest;
mod team;
mod templates;
mod web;
mod webhooks;
