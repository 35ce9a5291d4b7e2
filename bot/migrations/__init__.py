"""Alembic migrations of the database schema (records tables and the tables written while running).

`python -m bot.records migrate` upgrades a database to the newest revision; `build` does it first.
The schema changes only through a new file in versions/; tests compare the models with the migrations.
"""
