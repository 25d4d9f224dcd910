"""`kouryu diff`."""
