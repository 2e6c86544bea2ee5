"""The order flow: the order ledger and the pure core (state machine, placement, status
steps, the order field table)."""
