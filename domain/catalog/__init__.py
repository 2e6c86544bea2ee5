"""The catalog flow: notification intake, SKU states, and the pure core (field table,
validation, transformation, prices, lots)."""
