"""ebcheck: a deal-readiness auditor for complex B2B sales."""

__version__ = "0.1.0"
