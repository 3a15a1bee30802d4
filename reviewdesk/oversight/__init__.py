"""IRO oversight between meetings: challenges and escalations, the IRO's footprint (contacts,
the midway review, the last contact with the child), quoracy and the child's voice.

- `words`: the vocabulary (contact kinds, how views were gathered, outcomes, themes);
- `footprint`: the midway review and contact since the last review (pure);
- `records`: reading challenges, contacts, inquorate conferences and voices, as of a date;
- `child`: one child's oversight, as the child's page shows it;
- `figures`: the measures (month by month) and the quarterly thematic report's figures.

The dates come from the engine (`reviewdesk.engine.oversight`), the timescales from the
rules; the flags are `reviewdesk.flags.oversight`, the writes `reviewdesk.actions.oversight`.
"""
