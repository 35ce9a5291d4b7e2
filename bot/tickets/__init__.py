"""Operational records the assistant writes: handoff tickets and hotline call state.

They live in the same database as the records but in their own tables, which a records build
never drops.
"""
