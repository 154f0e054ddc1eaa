"""Logic that routes, compatibility layers, the CLI and the worker share: one module per noun.

A route translates HTTP into a call here and the answer back into HTTP, nothing more; anything
that decides (which jurisdiction a permit number belongs to, what a search's hint is, how fresh
a dataset is) lives here once, over ``store``.
"""
