"""From the case register to the due-date engine: every case's schedule as of a date, fast.

The bridge every other part of reviewdesk uses (flags, workload, measures, exports, the
window, printed packs) to ask "what is due, and was each meeting on time?" without knowing how
the rows are shaped. One job per module:

- `predicates`: SQL conditions, such as "open on a date" (`vocabulary.open_on` in SQL).
- `rows`: reading the rows the engine needs, fast (set-based, plain tuples).
- `mapping`: from rows to the engine's plain inputs and back (pure): `CaseStatus`,
  `MeetingTimeliness`.
- `register`: `Register`, the register as of a date: one view whose statuses are worked out
  once, when first asked for.
"""
