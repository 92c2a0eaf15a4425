//! Integration tests of `services`, each run against SQLite and PostgreSQL
//! (`GONGDAO_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`;
//! the PostgreSQL half fails when the server cannot be reached).

mod cluster;
mod complaints;
mod demo;
mod harness;
mod import;
mod import_fuzz;
mod layers;
mod mail_smtp;
mod migrations;
mod search;
mod search_log;
mod smtp_server;
mod suggest;
