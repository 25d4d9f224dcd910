"""`kouryu indicators`."""
