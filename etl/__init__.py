"""Jiedao Lens ETL: seed documents -> DuckDB warehouse.

Stages, one module each: read -> normalize -> segment -> structure -> themes -> facts ->
keywords -> load. `pipeline` runs them per document; `cli` is the command line.
"""
PIPELINE_VERSION = "2"
