"""``make eval``: score normalization against records that people labelled by hand.

Run with ``python -m evaluation``; the labels are ``evaluation/labels/*.yaml``
(docs/labelling-guide.md), the committed floor is ``evaluation/baseline.json``.
"""
