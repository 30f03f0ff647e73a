-- The kv server's table, created at startup when missing (spring.sql.init.mode: always). Portable between H2 and
-- PostgreSQL; the key and value limits match the ones the kv protocol enforces (KvCommand).
create table if not exists kv (
    k varchar(200) primary key,
    v varchar(4000) not null
);
