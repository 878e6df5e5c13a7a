"""Bytes in and out: opening inputs, finding entries, writing HARs and reports. No rules here.

The bottom layer: it knows JSON and the shape of a HAR document (``log``, ``entries``) but
nothing of secrets, so everything above may use it and it imports nothing above it.
"""
