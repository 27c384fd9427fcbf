"""The RuleManager's outbound side: sending queued mail and recording delivery events."""
