"""The console channel: a person types in a terminal (``posyandu chat``, ``posyandu run``
without channel credentials, ``posyandu demo``), replies print there."""

#: The channel's name, as stored with identities and outbox rows.
CONSOLE = "console"
