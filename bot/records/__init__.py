"""The records layer: city services, offices, action-plan items and FAQ in a SQL database.

It is a plain library: no Rasa import anywhere below this package.
"""

from bot.records.schema import RecordProblem, RecordsInvalid

__all__ = ["RecordProblem", "RecordsInvalid"]
