"""Tools around the hotline channel (the call simulator)."""
