package dev.dbpromote.migrate.lint;

/**
 * How much a lint finding matters: errors block a migrate unless allowed in the file; warnings are
 * shown; info says a risky-looking change was judged safe, and why (a new or empty table, a backfill).
 */
public enum Severity { ERROR, WARNING, INFO }
