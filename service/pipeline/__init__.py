"""The reconciliation pipeline: sources -> accounts -> alignment -> summary."""
