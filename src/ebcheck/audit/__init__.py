"""The audit: rule packs, selection, the engine, suppressions, baseline, score and results."""
