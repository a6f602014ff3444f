"""The dasbor: a supervisor's area (or a kader's posyandu) at a glance in any browser, behind a
one-time link from the chat (``DASBOR``). Served by the service's HTTP app under ``/dasbor``:
:mod:`bot.dasbor.access` (links, sessions, scope), :mod:`bot.dasbor.figures` and
:mod:`bot.dasbor.posyandu_view` (what the pages show, through storage and scoring),
:mod:`bot.dasbor.charts` (SVG geometry), :mod:`bot.dasbor.render` (the templates' words and
contexts), :mod:`bot.dasbor.pages` (the routes)."""
