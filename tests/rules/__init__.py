"""Rule overrides: editing one rule at a time, with its source."""
