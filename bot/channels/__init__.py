"""Input channels: every one is built on REST, masks personal numbers and checks its input."""
