"""ebcheck: a deal-readiness auditor for complex B2B sales.

The public library API is re-exported here; rule packs import
`ebcheck.ruleapi` instead.
"""

from ebcheck.version import __version__

__all__ = ["__version__"]
