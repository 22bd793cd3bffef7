"""The read-only HTTP API /api/v1/ (SPEC section 4): cases, figures and the risk queue as JSON, with the UI's
permissions, for scripts that authenticate with a bearer token from ``flask users token NAME``."""
