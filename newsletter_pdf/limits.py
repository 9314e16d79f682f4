"""Thresholds that both advice (check) and preflight (build) apply, kept in one place."""

PRINT_MIN_DPI = 300  # below this, a picture prints visibly soft
DEFAULT_EMAIL_BUDGET = 8_000_000  # bytes: Base64 adds a third, and many mail servers cap at 10 MB
