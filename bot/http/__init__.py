"""What every HTTP server of ours does before a request reaches a handler: framing and JSON checks."""
