"""Which events a turn needs, and the dialogue state just before them (pure: no I/O).

Rasa rebuilds a tracker by replaying events, so a turn does not need the whole history: it
needs the state at some point (slots, active form and its flags, pause, the latest user
message and action) plus every event after that point that the policies and the actions read.
That point is the *checkpoint*; the state there is kept as a short list of events (the
*snapshot*) that, replayed, restores it.

Policies here look back at most a few states (MemoizationPolicy max_history 4, short rules)
and the actions look back at most 6 user messages (`actions/conversation_signals.py`), so a
window of KEEP_USER_TURNS user messages covers them with room to spare. The checkpoint moves
forward in steps (hysteresis), so most saves only append.

A checkpoint sits on an `action_listen`, never inside a running form when that can be helped:
Rasa folds a form's turns together by looking back for the form's first run
(`DialogueStateTracker.applied_events`), so keeping the whole form in the window gives the
policies exactly the states full history would give them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted, ActionExecutionRejected, ActiveLoop, ConversationPaused, Event, FollowupAction,
    LoopInterrupted, SlotSet, UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

KEEP_USER_TURNS = 10  # user messages always in the window (actions read up to 6 back)
ADVANCE_EVERY = 10  # user messages gathered before the checkpoint moves again
MAX_WINDOW_EVENTS = 600  # windows without user messages (API events) still stay bounded
KEEP_EVENTS = 200  # what such a window keeps when it is cut on events alone
LOOP_PATIENCE = 4  # a form may hold the checkpoint back for this many advance steps
SNAPSHOT_MARK = "restored_from_snapshot"  # metadata on snapshot events: not part of history


@dataclass(frozen=True)
class Advance:
    offset: int  # index into the window events where the new window starts
    snapshot: List[Dict[str, Any]]  # the state there, as event dicts


def user_turns(events: Sequence[Event]) -> int:
    return sum(1 for event in events if isinstance(event, UserUttered))


def is_listen(event: Event) -> bool:
    return isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME


def needs_advance(window: Sequence[Event]) -> bool:
    return user_turns(window) >= KEEP_USER_TURNS + ADVANCE_EVERY or len(window) > MAX_WINDOW_EVENTS


def plan_advance(tracker: DialogueStateTracker, snapshot_len: int) -> Optional[Advance]:
    """Where the window of `tracker` (events after its snapshot) should now start, if it moves."""
    events = list(tracker.events)
    window = events[snapshot_len:]
    if not needs_advance(window):
        return None
    candidates = _candidates(window)
    if not candidates:
        return None
    replay = tracker.init_copy()
    for event in events[:snapshot_len]:
        replay.update(event)
    loop_free, states = [], {}
    wanted = set(candidates)
    for offset, event in enumerate(window):
        if offset in wanted:
            states[offset] = snapshot_events(replay)
            if replay.active_loop_name is None:
                loop_free.append(offset)
        replay.update(event)
    if loop_free:
        chosen = loop_free[-1]
    elif user_turns(window) >= (KEEP_USER_TURNS + ADVANCE_EVERY) * LOOP_PATIENCE or len(window) > MAX_WINDOW_EVENTS:
        chosen = candidates[-1]  # a form that never ends must not grow the window forever
    else:
        return None
    return Advance(chosen, [event.as_dict() for event in states[chosen]])


def _candidates(window: Sequence[Event]) -> List[int]:
    """`action_listen` offsets leaving at least KEEP_USER_TURNS user messages (or KEEP_EVENTS) after."""
    by_events = len(window) > MAX_WINDOW_EVENTS
    result, users_after = [], 0
    for offset in range(len(window) - 1, 0, -1):
        if isinstance(window[offset], UserUttered):
            users_after += 1
        if not is_listen(window[offset]):
            continue
        if users_after >= KEEP_USER_TURNS or (by_events and len(window) - offset >= KEEP_EVENTS):
            result.append(offset)
    return sorted(result)


def snapshot_events(tracker: DialogueStateTracker) -> List[Event]:
    """Events that, replayed on an empty tracker, restore `tracker`'s dialogue state."""
    stamp = tracker.events[-1].timestamp if tracker.events else None
    restored: List[Event] = []
    latest = tracker.latest_message
    if latest is not None and (latest.text or latest.intent_name):
        # Unmarked: an exact copy, so `latest_message` (and its metadata) is what it was.
        restored.append(UserUttered.from_parameters(latest.as_dict()))
    for slot in tracker.slots.values():
        if slot.has_been_set:
            restored.append(_marked(SlotSet(slot.name, slot.value, timestamp=stamp)))
    if tracker.latest_action_name:
        restored.append(_marked(ActionExecuted(action_name=tracker.latest_action.get("action_name"),
                                               action_text=tracker.latest_action.get("action_text"),
                                               timestamp=stamp)))
    restored.extend(_loop_events(tracker, stamp))
    if tracker.followup_action and tracker.followup_action != ACTION_LISTEN_NAME:
        restored.append(_marked(FollowupAction(tracker.followup_action, timestamp=stamp)))
    if tracker.is_paused():
        restored.append(_marked(ConversationPaused(timestamp=stamp)))
    return restored


def _loop_events(tracker: DialogueStateTracker, stamp: Optional[float]) -> List[Event]:
    name = tracker.active_loop_name
    if not name:
        return []
    # The activation event keeps its own time: actions read it (`form_started_at`).
    activation = next((e for e in reversed(tracker.events) if isinstance(e, ActiveLoop) and e.name == name), None)
    events: List[Event] = [_marked(ActiveLoop(name, timestamp=activation.timestamp if activation else stamp))]
    if tracker.active_loop.is_interrupted:
        events.append(_marked(LoopInterrupted(True, timestamp=stamp)))
    if tracker.active_loop.rejected:
        events.append(_marked(ActionExecutionRejected(name, timestamp=stamp)))
    return events


def _marked(event: Event) -> Event:
    event.metadata = {**(event.metadata or {}), SNAPSHOT_MARK: True}
    return event
