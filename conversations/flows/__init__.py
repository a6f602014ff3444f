"""The dialogue flows: pure functions from (session, text, context) to a step result."""

__all__: list[str] = []
