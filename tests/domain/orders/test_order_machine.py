"""The order state machine, tested as a table."""

from __future__ import annotations

from collections import deque

import pytest

from domain.orders.machine import FINAL, TABLE, Action, Event, State, run, transition

S, E, A = State, Event, Action


@pytest.mark.parametrize(
    ("state", "event", "to", "actions"),
    [
        (S.RECEIVED, E.PLACE, S.PLACING, [A.PLACE]),
        (S.PLACING, E.VTEX_ACCEPTED, S.PLACED, []),
        (S.PLACED, E.VTEX_INTEGRATED, S.INTEGRATED, []),
        (S.PLACING, E.VTEX_DUPLICATE, S.PLACED, [A.READ_VTEX_ORDER_ID]),
        (S.PLACED, E.VTEX_RETRY, S.RECEIVED, [A.RETRY_LATER]),
        (S.PLACED, E.VTEX_REFUSED, S.PLACEMENT_ERROR, [A.SELLER_ACTION]),
        (S.PLACEMENT_ERROR, E.SELLER_RETRY, S.PLACING, [A.PLACE]),
        (S.PLACED, E.VTEX_APPROVED, S.APPROVED, []),  # results overtaking each other
        (S.INTEGRATED, E.LINIO_PAID, S.APPROVING, [A.APPROVE]),
        (S.APPROVING, E.VTEX_APPROVED, S.APPROVED, []),
        (S.APPROVING, E.VTEX_RETRY, S.APPROVING, [A.RETRY_LATER]),  # EOI008
        (S.APPROVING, E.VTEX_DIVERGENCE, S.HELD, [A.SELLER_ACTION, A.RETRY_LATER]),  # EOI011
        (S.HELD, E.VTEX_APPROVED, S.APPROVED, []),
        (S.APPROVED, E.VTEX_INVOICE_PARTIAL, S.PARTIALLY_INVOICED, [A.SEND_INVOICE]),
        (S.PARTIALLY_INVOICED, E.VTEX_INVOICE, S.INVOICED, [A.SEND_INVOICE]),
        (S.INVOICED, E.VTEX_TRACKING, S.INVOICED, [A.SEND_TRACKING]),
        (S.INVOICED, E.LINIO_TRACKING_REFUSED, S.TRACKING_BLOCKED, [A.SELLER_ACTION]),
        (S.TRACKING_BLOCKED, E.SELLER_RETRY, S.INVOICED, [A.SEND_TRACKING]),
        (S.INVOICED, E.LINIO_READY_TO_SHIP, S.READY_TO_SHIP, []),
        (S.READY_TO_SHIP, E.LINIO_SHIPPED, S.SHIPPED, []),
        (S.SHIPPED, E.VTEX_DELIVERED, S.DELIVERED, [A.DELIVERED_LINIO]),
        (S.SHIPPED, E.LINIO_DELIVERED, S.DELIVERED, [A.DELIVERED_VTEX]),
        (S.SHIPPED, E.VTEX_FAILED_DELIVERY, S.FAILED_DELIVERY, [A.FAILED_DELIVERY_LINIO]),
        (S.SHIPPED, E.LINIO_FAILED_DELIVERY, S.FAILED_DELIVERY, [A.RETURN_INVOICE_VTEX]),
        (S.DELIVERED, E.LINIO_RETURNED, S.RETURNED, [A.RETURN_INVOICE_VTEX]),
        (S.RECEIVED, E.LINIO_CANCEL, S.DROPPED, [A.STOP_RETRIES, A.LOG_Q]),
        (S.PLACEMENT_ERROR, E.LINIO_CANCEL, S.DROPPED, [A.STOP_RETRIES, A.LOG_Q]),
        (S.PLACED, E.LINIO_CANCEL, S.CANCELLING_VTEX, [A.STOP_RETRIES, A.CANCEL_VTEX]),
        (S.APPROVED, E.LINIO_CANCEL, S.CANCELLING_VTEX, [A.CANCEL_VTEX]),
        (S.INVOICED, E.LINIO_CANCEL, S.CANCELLING_VTEX, [A.RETURN_INVOICE_VTEX, A.CANCEL_VTEX]),
        (S.CANCELLING_VTEX, E.VTEX_CANCELLED, S.CANCELLED, []),
        (S.APPROVED, E.VTEX_CANCEL, S.CANCELLING_LINIO, [A.CANCEL_LINIO]),
        (S.CANCELLING_LINIO, E.LINIO_CANCELLED, S.CANCELLED, []),
        (S.CANCELLING_LINIO, E.LINIO_CANCEL_REFUSED, S.CANCEL_BLOCKED, [A.SELLER_ACTION]),
        (S.SHIPPED, E.VTEX_CANCEL, S.CANCEL_BLOCKED, [A.SELLER_ACTION]),
        (S.CANCEL_BLOCKED, E.LINIO_RETURNED, S.CANCELLED, []),
        # redelivered or stale events change nothing
        (S.PLACED, E.PLACE, S.PLACED, []),
        (S.APPROVED, E.VTEX_APPROVED, S.APPROVED, []),
        (S.CANCELLED, E.VTEX_CANCEL, S.CANCELLED, []),
        (S.DROPPED, E.PLACE, S.DROPPED, []),
        (S.CANCELLING_LINIO, E.VTEX_INVOICE, S.CANCELLING_LINIO, []),
    ],
)
def test_transition(state, event, to, actions):
    step = transition(state, event)
    assert (step.state, list(step.actions)) == (to, actions)


PAID = [E.PLACE, E.VTEX_ACCEPTED, E.VTEX_INTEGRATED, E.LINIO_PAID, E.VTEX_APPROVED]


def test_a_paid_order_flows_to_delivery():
    events = [*PAID, E.VTEX_INVOICE, E.VTEX_TRACKING, E.LINIO_READY_TO_SHIP, E.LINIO_SHIPPED]
    state, actions = run(S.RECEIVED, [*events, E.VTEX_DELIVERED])
    assert state == S.DELIVERED
    assert actions == [A.PLACE, A.APPROVE, A.SEND_INVOICE, A.SEND_TRACKING, A.DELIVERED_LINIO]


@pytest.mark.parametrize(
    "race",
    [
        [E.VTEX_INVOICE, E.LINIO_CANCEL],  # invoice first, then Linio cancels
        [E.LINIO_CANCEL, E.VTEX_INVOICE],  # Linio cancels, then VTEX invoices
        [E.VTEX_INVOICE_PARTIAL, E.LINIO_CANCEL],
        [E.LINIO_CANCEL, E.VTEX_INVOICE_PARTIAL],
    ],
)
def test_linio_cancel_against_vtex_invoice_ends_cancelled_with_a_return_invoice(race):
    state, actions = run(S.APPROVED, [*race, E.VTEX_CANCELLED])
    assert state == S.CANCELLED
    assert A.RETURN_INVOICE_VTEX in actions and actions[-1] == A.CANCEL_VTEX
    cancel_at = race.index(E.LINIO_CANCEL)
    # nothing is invoiced on Linio once Linio cancelled
    _, after_cancel = run(S.APPROVED, race[: cancel_at + 1])
    assert A.SEND_INVOICE not in after_cancel[after_cancel.index(A.CANCEL_VTEX) :]


@pytest.mark.parametrize(
    "race",
    [[E.VTEX_INVOICE, E.VTEX_CANCEL], [E.VTEX_CANCEL, E.VTEX_INVOICE]],
)
def test_vtex_cancel_against_vtex_invoice_ends_cancelled_on_both_sides(race):
    state, actions = run(S.APPROVED, [*race, E.LINIO_CANCELLED])
    assert state == S.CANCELLED
    assert A.CANCEL_LINIO in actions
    assert actions[actions.index(A.CANCEL_LINIO) :] == [A.CANCEL_LINIO]


@pytest.mark.parametrize(
    "race",
    [[E.LINIO_CANCEL, E.VTEX_CANCEL], [E.VTEX_CANCEL, E.LINIO_CANCEL]],
)
def test_cancellations_from_both_sides_at_once_end_cancelled(race):
    assert run(S.APPROVED, race)[0] == S.CANCELLED


def test_a_linio_cancel_stops_placement_retries():
    state, actions = run(S.RECEIVED, [E.PLACE, E.VTEX_RETRY, E.LINIO_CANCEL, E.PLACE])
    assert state == S.DROPPED
    assert actions == [A.PLACE, A.RETRY_LATER, A.STOP_RETRIES, A.LOG_Q]


def test_a_linio_cancel_during_placement_cancels_the_order_vtex_creates():
    state, actions = run(S.RECEIVED, [E.PLACE, E.LINIO_CANCEL, E.VTEX_INTEGRATED, E.VTEX_CANCELLED])
    assert state == S.CANCELLED
    assert actions == [A.PLACE, A.STOP_RETRIES, A.CANCEL_VTEX, A.CANCEL_VTEX]


def test_the_same_events_twice_do_the_work_once():
    _, once = run(S.RECEIVED, PAID)
    _, twice = run(S.RECEIVED, [e for e in PAID for _ in (0, 1)])
    assert once == twice


def _reachable(start: State) -> set[State]:
    seen, todo = {start}, deque([start])
    while todo:
        state = todo.popleft()
        for (source, _), step in TABLE.items():
            if source == state and step.state not in seen:
                seen.add(step.state)
                todo.append(step.state)
    return seen


def test_every_state_is_reachable_and_none_is_a_dead_end():
    assert _reachable(S.RECEIVED) == set(State)
    for state in State:
        assert _reachable(state) & FINAL, f"{state} never ends"


def test_unknown_names_are_bugs():
    with pytest.raises(ValueError):
        transition("placed", "teleported")
