"""pmodocs: plans-as-code publishing for program management offices."""

__version__ = "0.1.0"
