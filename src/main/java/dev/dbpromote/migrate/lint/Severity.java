package dev.dbpromote.migrate.lint;

/** How much a lint finding matters: errors block a migrate unless allowed in the file. */
public enum Severity { ERROR, WARNING }
