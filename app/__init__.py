"""vtex-linio runtime: settings, storage, broker, logging, web app, workers, CLI."""

__version__ = "0.1.0"
