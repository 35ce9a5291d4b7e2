"""Safety checks on every message. In the NLU pipeline they decide last: after the intent model has
spoken, an emergency or an instruction found here overrides whatever it predicted."""
