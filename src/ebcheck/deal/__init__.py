"""The deal file: YAML with a source map, the model, loading, schema and template."""
