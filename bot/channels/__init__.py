"""Input channels: every one is built on REST, masks personal numbers and checks its input."""

# Rasa imports this package (credentials.yml) in every Rasa server: the place to apply our fixes
# to Rasa and to Sanic's request framing before the server accepts its first connection
from bot import api_access, rasa_fixes, settings
from bot.http import framing

rasa_fixes.apply()
api_access.apply()
framing.apply(int(settings.get("RASA_MAX_REQUEST_BYTES")))
