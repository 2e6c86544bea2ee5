"""Simulators of VTEX and Linio Seller Center: real aiohttp servers on localhost.

They are product code, not test code: the test suite, the benchmark and the sandbox mode
(``vtex-linio serve --sandbox``) all run against them.
"""
