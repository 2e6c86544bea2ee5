"""Fixtures shared by the reliability tests."""

from tests.reliability.rabbit_faults import broker

__all__ = ["broker"]
