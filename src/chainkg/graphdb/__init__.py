"""chainkg in Neo4j: connect, push, export a .cypher script, named queries, server-side analysis.

    connection     QueryRunner protocol, Neo4jRunner, connect() with one-line errors
    rows           the push rows straight from the DataSet, one function per group; the
                   company pool's rows made batch by batch from its polars tables (FrameRows)
    push           schema + batched UNWIND … MERGE writes (write_groups), prune, server_counts, wipe
    groups         the push's write groups on the pool path (what the neo4j commands write)
    bulk           the same rows as files for the offline importer (neo4j-admin database import)
    cypher_export  the same graph as a parameter-free .cypher script
    queries        cypher/queries/*.cypher loaded by name
    lookup         ids or Chinese names typed on the command line, resolved on the server; table names
    backend        diagnosis and ranking computed by Cypher (--backend neo4j)
"""

from __future__ import annotations

from chainkg.graphdb.backend import diagnose_on_server, rank_on_server
from chainkg.graphdb.bulk import write_import_files
from chainkg.graphdb.connection import ConnectionSettings, Neo4jRunner, QueryRunner, connect, settings_from
from chainkg.graphdb.cypher_export import cypher_literal, export_statements, write_cypher_script
from chainkg.graphdb.push import dataset_groups, prune, push, push_groups, server_counts, wipe
from chainkg.graphdb.queries import NamedQuery, cypher_dir, list_queries, load_query, run_named

__all__ = [
    "ConnectionSettings",
    "NamedQuery",
    "Neo4jRunner",
    "QueryRunner",
    "connect",
    "cypher_dir",
    "cypher_literal",
    "dataset_groups",
    "diagnose_on_server",
    "export_statements",
    "list_queries",
    "load_query",
    "prune",
    "push",
    "push_groups",
    "rank_on_server",
    "run_named",
    "server_counts",
    "settings_from",
    "wipe",
    "write_cypher_script",
    "write_import_files",
]
