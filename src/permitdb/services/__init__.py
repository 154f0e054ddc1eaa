"""Logic every caller shares, one module per noun: routes, compatibility layers and the worker
call these, so a search, a lookup or a freshness figure is computed in one place only."""
