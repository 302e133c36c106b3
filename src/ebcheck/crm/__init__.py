"""From a CRM export to deal files: `ebcheck import`.

The importer reads the tables of an export (`sources`, `tables`), joins them
as a declarative map says (`mapfile`, `build`), parses values strictly
(`dates`, `numbers`, `valuemaps`, `sfid`), renders new deal files
(`render`), merges into existing ones without touching what a person wrote
(`merge`) and writes inside the output folder only (`write`); `run` ties the
steps together. Nothing here prints or exits.
"""
