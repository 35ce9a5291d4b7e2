"""Input channels: every one is built on REST, masks personal numbers and checks its input."""

# Rasa imports this package (credentials.yml) in every Rasa server: the place to apply our fix to Rasa
from bot import rasa_fixes

rasa_fixes.apply()
