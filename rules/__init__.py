"""Pure domain rules: no I/O, no clock reads, no imports from sync/, letters/ or config/."""
