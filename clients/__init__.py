"""Outbound API clients. Each owns its protocol, retries, rate limit and circuit breaker."""
