"""The action server of 江城助手: thin actions over the records layer."""
