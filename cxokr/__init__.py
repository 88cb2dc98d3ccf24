"""cxokr: goals-as-code OKR tracking for cross-team customer experience."""

__version__ = "0.1.0"
