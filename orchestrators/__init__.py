"""Orchestrator functions: deterministic workflows composing activities, timers and events."""
