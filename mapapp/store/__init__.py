"""All ORM access lives in this package: one module per noun, each returning plain dicts."""
