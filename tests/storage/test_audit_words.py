"""The audit trail read out in words (`reviewdesk.storage.audit_words`)."""

from __future__ import annotations

from types import SimpleNamespace

from reviewdesk.storage.audit_words import TrailNames, field_words, summarise, value_text


def _entry(action: str, table: str, before=None, after=None, record_id: str = "7"):
    return SimpleNamespace(
        action=action, table_name=table, record_id=record_id, before=before, after=after
    )


def test_column_names_read_as_words() -> None:
    assert field_words("cancel_reason") == "cancel reason"
    assert field_words("chair_id") == "chair"
    assert field_words("iro_id") == "IRO"
    assert field_words("dob") == "date of birth"
    assert field_words("late_reason_note") == "late reason note"


def test_values_read_as_a_person_writes_them() -> None:
    assert value_text("2024-04-12") == "12/04/2024"
    assert value_text("14:30:00") == "14:30"
    assert value_text("14:30:15") == "14:30:15"  # not a time a meeting is booked at
    assert value_text(None) == "(none)"
    assert value_text(True) == "yes"


def test_ids_are_named_and_a_name_not_found_says_what_it_was() -> None:
    names = TrailNames(by_table={"staff": {3: "Łukasz Nowak"}, "room": {}})
    entry = _entry(
        "update",
        "meeting",
        before={"chair_id": 3, "room_id": 9, "meeting_type": "lac_review"},
        after={"chair_id": None, "room_id": 2, "meeting_type": "icpc"},
    )
    assert summarise(entry, names) == (
        "chair: Łukasz Nowak → (none); kind of meeting: LAC review → Initial CP conference; "
        "room: room 9 → room 2"
    )
    # An id in a column that names no one (a period of care) stays a number.
    added = _entry("create", "meeting", after={"period_id": 12, "sequence": 2})
    assert summarise(added, names) == "period: 12; number: 2"


def test_a_meeting_is_named_by_its_kind_and_day_and_anything_else_by_kind_and_number() -> None:
    names = TrailNames(meetings={"7": "LAC review, 12/04/2024"})
    assert names.record(_entry("update", "meeting")) == "LAC review, 12/04/2024"
    assert names.record(_entry("delete", "meeting", record_id="8")) == "meeting 8"
    assert names.record(_entry("update", "period_of_care")) == "period of care 7"


def test_codes_read_as_words_and_what_other_columns_say_is_left_out() -> None:
    added = _entry(
        "create",
        "report",
        after={"id": 7, "child_id": 1, "agency": "social_worker", "status": "not_yet_due"},
    )
    assert summarise(added) == "agency: Social worker; status: not yet due"


def test_a_record_of_a_meeting_names_its_meeting() -> None:
    names = TrailNames(meetings={"2": "LAC review, 12/04/2024"})
    added = _entry("create", "report", after={"meeting_id": 2, "author": "Dr Siân Hughes"})
    assert summarise(added, names) == "meeting: LAC review, 12/04/2024; author: Dr Siân Hughes"
    gone = _entry("create", "report", after={"meeting_id": 3})
    assert summarise(gone, names) == "meeting: meeting 3"
