"""江城助手: the Wuhan citizen-service assistant (records layer, NLU artefacts, launcher)."""
