"""The /_sandbox control API and web console (no contract uses them; QA steers the sandbox here).

``routes.py`` assembles one Router (control-token guard, JSON errors) from ``api_clock``,
``api_people`` (inbox, tokens, users), ``api_world`` (simulators, operations, magic values,
webhooks), ``api_state`` (snapshots, reset, settings, events) and ``console`` (the HTML page).
``snapshots.py`` copies and restores the database; ``explain.py`` sets ``X-Sandbox-Explain``
for any platform. Documentation: docs/control-api.md.
"""
