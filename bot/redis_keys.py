"""Every Redis key the project writes (Rasa's own legacy tracker key is named here too, for migration).

All keys start with the configured prefix (`gh:` by default); build them only here so the
key space can be read, migrated and cleaned in one place.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RedisKeys:
    prefix: str = "gh:"

    # --- hotline channel (channels/hotline) -------------------------------------------
    def hotline_turn(self, call_id: str, seq: int) -> str:
        """One IVR turn's answer (running / done + actions), so a retried turn runs nothing again."""
        return f"{self.prefix}hotline:turn:{call_id}:{seq}"

    def hotline_signature(self, signature: str) -> str:
        """A request signature already used: the same signed request again is a replay."""
        return f"{self.prefix}hotline:sig:{signature}"

    def hotline_call(self, call_id: str) -> str:
        """The call's state: caller, menu, counters, pending confirmation, transcript."""
        return f"{self.prefix}hotline:call:{call_id}"

    def hotline_late(self, call_id: str) -> str:
        """The bot's answers that came after their turn's deadline, said at the call's next turn."""
        return f"{self.prefix}hotline:late:{call_id}"

    def hotline_late_pending(self, call_id: str) -> str:
        """How many of the call's answers are still being worked out, and since when."""
        return f"{self.prefix}hotline:late-pending:{call_id}"

    def hotline_call_lock(self, call_id: str) -> str:
        """Held while one turn of the call changes its state (a late turn and the next one)."""
        return f"{self.prefix}hotline:call-lock:{call_id}"

    def hotline_notices(self, phone: str) -> str:
        """Appeal notices kept for the caller's next call from this number."""
        return f"{self.prefix}hotline:notices:{phone}"

    def hotline_callbacks(self) -> str:
        """Open call-backs (回访 by phone, bot/call_backs.py): sorted set, ticket → since when."""
        return f"{self.prefix}hotline:callbacks"

    def hotline_callback(self, ticket: str) -> str:
        """One open call-back: hash of the caller's phone and since when."""
        return f"{self.prefix}hotline:callback:{ticket}"

    def hotline_callback_notices(self, ticket: str) -> str:
        """What to tell the caller: the notices of one open call-back, oldest first."""
        return f"{self.prefix}hotline:callback-notices:{ticket}"

    def hotline_callbacks_done(self) -> str:
        """Call-backs done (reached, no answer, heard on a call), newest first, capped."""
        return f"{self.prefix}hotline:callbacks-done"

    # --- WeChat channel -------------------------------------------------------------
    def wechat_dedup(self, message_key: str) -> str:
        """State of one inbound message or event (running / done + reply), for retries."""
        return f"{self.prefix}wechat:dedup:{message_key}"

    def wechat_access_token(self, appid: str) -> str:
        return f"{self.prefix}wechat:token:{appid}"

    def wechat_token_lock(self, appid: str) -> str:
        return f"{self.prefix}wechat:token-lock:{appid}"

    def wechat_undelivered(self, openid: str) -> str:
        """Texts the customer-service API refused (quota, window): sent with the next reply."""
        return f"{self.prefix}wechat:undelivered:{openid}"

    def wechat_media(self, openid: str) -> str:
        """Images and files a worker sent (media ids), newest last: evidence for appeals."""
        return f"{self.prefix}wechat:media:{openid}"

    def wechat_location(self, openid: str) -> str:
        """The last location a worker shared (label, district, coordinates)."""
        return f"{self.prefix}wechat:location:{openid}"

    def wechat_follower(self, openid: str) -> str:
        """Subscription state and the QR scene that brought the worker."""
        return f"{self.prefix}wechat:follower:{openid}"

    def wechat_typing(self, openid: str) -> str:
        """Set while a typing indicator is showing (WeChat refuses a second one: 45081)."""
        return f"{self.prefix}wechat:typing:{openid}"

    # --- appeals --------------------------------------------------------------------
    # One JSON document per appeal plus sorted-set indexes of ticket numbers. Index scores
    # are creation times (newest first by ZREVRANGEBYSCORE), except the due index, scored
    # by due time, so overdue appeals (督办) come out of one range query.
    def appeal_filing(self, openid: str) -> str:
        """Set while the worker is filling in an appeal form: media then belong to the new appeal."""
        return f"{self.prefix}appeal:filing:{openid}"

    def appeal(self, ticket_id: str) -> str:
        """The appeal's JSON document (the record the union is accountable for)."""
        return f"{self.prefix}appeal:{ticket_id}"

    def appeal_key_prefix(self) -> str:
        """`appeal(ticket_id)` without the ticket: the create script names the key itself."""
        return self.appeal("")

    def appeal_day_sequence(self, day: str) -> str:
        """Counter behind the day's ticket numbers; `day` is YYYYMMDD in Beijing time."""
        return f"{self.prefix}appeals:seq:{day}"

    def appeals_by_created(self) -> str:
        return f"{self.prefix}appeals:by-created"

    def appeals_by_status(self, status: str) -> str:
        return f"{self.prefix}appeals:by-status:{status}"

    def appeals_by_queue(self, queue: str) -> str:
        """Appeals owned by one union level: `city` or `district:<canonical district>`."""
        return f"{self.prefix}appeals:by-queue:{queue}"

    def appeals_by_district(self, district: str) -> str:
        return f"{self.prefix}appeals:by-district:{district}"

    def appeals_by_openid(self, openid: str) -> str:
        return f"{self.prefix}appeals:by-openid:{openid}"

    def appeals_by_phone(self, phone: str) -> str:
        return f"{self.prefix}appeals:by-phone:{phone}"

    def appeals_by_assignee(self, username: str) -> str:
        """Appeals whose 承办人 is this console account (the "我的" view)."""
        return f"{self.prefix}appeals:by-assignee:{username}"

    def appeals_due(self) -> str:
        """Open appeals scored by the time their current step is due; closed ones leave it."""
        return f"{self.prefix}appeals:due"

    # --- escalations (the human queue) and alerts -----------------------------------------
    def handoff(self, openid: str) -> str:
        """One worker's escalation: reason, priority, since, state (waiting / taken), staff."""
        return f"{self.prefix}handoff:{openid}"

    def handoff_queue(self) -> str:
        """Waiting escalations, scored so that emergencies come first, then the longest waiting."""
        return f"{self.prefix}handoff:queue"

    def alerts(self) -> str:
        """Emergency alerts, newest last (the console shows these first)."""
        return f"{self.prefix}alerts"

    # --- console --------------------------------------------------------------------------
    # The staff and admin console (bot/console): accounts, sessions, login throttling, the
    # audit log and the replies staff sent from the console.
    def console_account(self, username: str) -> str:
        """One staff account (JSON: role, district, password hash, active)."""
        return f"{self.prefix}console:account:{username}"

    def console_accounts(self) -> str:
        """Set of every account's username."""
        return f"{self.prefix}console:accounts"

    def console_session(self, session_hash: str) -> str:
        """One browser session, under the SHA-256 of its cookie value (never the value itself)."""
        return f"{self.prefix}console:session:{session_hash}"

    def console_login_failures(self, subject_hash: str) -> str:
        """Failed logins of one username+IP (or one IP), expiring with the throttle window."""
        return f"{self.prefix}console:login-failures:{subject_hash}"

    def console_audit(self) -> str:
        """Every staff action, oldest first (a list that is never trimmed: it is the record)."""
        return f"{self.prefix}console:audit"

    def console_login_audit(self) -> str:
        """Failed and throttled logins, oldest first, capped (anyone can cause them)."""
        return f"{self.prefix}console:audit:logins"

    def console_account_sessions(self, username: str) -> str:
        """Hashes of one account's live sessions: revoked together on a password change."""
        return f"{self.prefix}console:account-sessions:{username}"

    # Staff work-order basics (canned replies, internal notes, worker pseudonyms).
    def console_canned_replies(self) -> str:
        """常用回复 managed by admins: a hash of reply id -> JSON."""
        return f"{self.prefix}console:canned-replies"

    def console_conversation_notes(self, openid: str) -> str:
        """Internal staff notes on one worker's conversation, oldest first; never sent to the worker."""
        return f"{self.prefix}console:conversation-notes:{openid}"

    def console_pseudonym_key(self) -> str:
        """The random key behind workers' short pseudonyms (职工-3F9A), made once per deployment."""
        return f"{self.prefix}console:pseudonym-key"

    def console_staff_replies(self, openid: str) -> str:
        """What staff wrote to one worker from the console, oldest first (for the transcript)."""
        return f"{self.prefix}console:replies:{openid}"

    # --- NLU capture and inbox (bot/capture, issue 12) ----------------------------------------
    def capture_stream(self) -> str:
        """Every worker message with what the bot made of it: a Redis Stream, trimmed to
        CAPTURE_STREAM_MAXLEN entries (fields: bot/capture/record.py)."""
        return f"{self.prefix}capture:messages"

    def capture_erasures(self) -> str:
        """Counter raised whenever records are deleted from inside the capture stream (a worker's
        erasure): readers that cache the stream start over when it changes."""
        return f"{self.prefix}capture:erasures"

    def nlu_annotations(self) -> str:
        """Hash: inbox group key (hash of the normalized text) → the admin's annotation (JSON)."""
        return f"{self.prefix}nlu-inbox:annotations"

    # --- model registry and retraining (bot/models_registry) ---------------------------------
    def models(self) -> str:
        """Hash: model id → the model's record (JSON: file, trained by/at, fingerprint, metrics)."""
        return f"{self.prefix}models:records"

    def models_order(self) -> str:
        """Model ids scored by registration time (the registry page, pruning)."""
        return f"{self.prefix}models:order"

    def models_active(self) -> str:
        """JSON {id, previous}: the model every Rasa serves (its id is the model server's ETag)."""
        return f"{self.prefix}models:active"

    def models_activations(self) -> str:
        """Every activation and rollback, oldest first (who, when, which model, why)."""
        return f"{self.prefix}models:activations"

    def model_comparison(self, model_id: str) -> str:
        """The candidate-vs-active evaluation behind a model's comparison page (JSON)."""
        return f"{self.prefix}models:comparison:{model_id}"

    def training_lock(self) -> str:
        """Owner (run id) of the one training allowed at a time; a TTL the trainer refreshes."""
        return f"{self.prefix}training:lock"

    def training_progress(self) -> str:
        """JSON: the current (or last) run's stage, component, epochs, times and outcome."""
        return f"{self.prefix}training:progress"

    def training_last_seconds(self) -> str:
        """How long the last successful run took (the progress page's estimate)."""
        return f"{self.prefix}training:last-seconds"

    # --- FAQ answers edited in the console (bot/faq/answer_history.py) -----------------------
    def faq_answer_history(self, topic: str) -> str:
        """List, newest first: every saved version of one topic's texts (who, when, why, texts)."""
        return f"{self.prefix}faq:answer-history:{topic}"

    def faq_answer_edit_lock(self) -> str:
        """One answer-file write at a time, across console processes."""
        return f"{self.prefix}faq:answer-edit-lock"

    # --- one worker's personal data (export, erasure on request, retention) -----------------
    def worker_records(self, openid: str) -> dict:
        """Every per-worker key the project writes, by kind, besides appeals (bot/appeals keeps
        those) and Rasa's trackers: what bot/personal_data.py exports and erases. A new
        per-worker key belongs here too, or it escapes erasure."""
        return {
            "escalation": self.handoff(openid),
            "staff_replies": self.console_staff_replies(openid),
            "staff_notes": self.console_conversation_notes(openid),
            "media": self.wechat_media(openid),
            "location": self.wechat_location(openid),
            "follower": self.wechat_follower(openid),
            "undelivered": self.wechat_undelivered(openid),
            "typing": self.wechat_typing(openid),
        }

    # --- conversation trackers and locks (bot/trackers) --------------------------------------
    # A conversation is an append-only list of Rasa events plus a small hash: the number of
    # events stored, where the turn window starts and the dialogue state at that point.
    def tracker_events(self, sender_id: str) -> str:
        """Every event of one conversation as JSON, oldest first (RPUSH only)."""
        return f"{self.prefix}tracker-events:{sender_id}"

    def tracker_meta(self, sender_id: str) -> str:
        """count, window start (checkpoint) and the state snapshot at the checkpoint."""
        return f"{self.prefix}tracker-meta:{sender_id}"

    def tracker_meta_pattern(self) -> str:
        """SCAN pattern over every conversation (exports and `keys()`, never the turn path)."""
        return self.tracker_meta("*")

    @staticmethod
    def legacy_tracker(sender_id: str) -> str:
        """Rasa 3.6 RedisTrackerStore's key (whole tracker as JSON), read once to migrate."""
        return f"tracker:{sender_id}"

    @staticmethod
    def legacy_tracker_pattern() -> str:
        return "tracker:*"

    def conversation_lock(self, sender_id: str) -> str:
        """Tickets waiting for one conversation, scored by expiry (Rasa's ticket-lock order)."""
        return f"{self.prefix}lock:{sender_id}"

    def conversation_lock_counter(self, sender_id: str) -> str:
        return f"{self.prefix}lock-counter:{sender_id}"

    # --- insight (bot/insight): aggregates, early warnings ------------------------------------
    # Counters are hashes per period × channel × district ("*" = all, "-" = no district named),
    # updated as messages and appeals arrive; pages sum a few of them, never scan records.
    def insight_counts(self, period: str, channel: str, district: str) -> str:
        """Counters of one day ("2026-11-26") or month ("2026-11") for one channel/district cut."""
        return f"{self.prefix}insight:n:{period}:{channel}:{district}"

    def insight_samples(self, day: str, series: str) -> str:
        """The newest messages/appeals of one series on one day (capped, expiring): evidence."""
        return f"{self.prefix}insight:samples:{day}:{series}"

    def insight_employer(self, employer_key: str) -> str:
        """Appeals against one normalised employer, scored by filing time (clusters)."""
        return f"{self.prefix}insight:employer:{employer_key}"

    def insight_overdue_counted(self) -> str:
        """Tickets already counted as overdue (督办) once, so a late appeal counts once."""
        return f"{self.prefix}insight:overdue-counted"

    def insight_warning(self, warning_id: str) -> str:
        """One early warning (JSON: kind, districts, figures, evidence)."""
        return f"{self.prefix}insight:warning:{warning_id}"

    def insight_warning_acks(self, warning_id: str) -> str:
        """Acknowledgements of one warning, oldest first (who, when, note, escalated)."""
        return f"{self.prefix}insight:warning-acks:{warning_id}"

    def insight_warning_sequence(self) -> str:
        return f"{self.prefix}insight:warning-seq"

    def insight_warnings(self, district: str = "*") -> str:
        """Warning ids by creation time: all ("*"), or those touching one district."""
        return f"{self.prefix}insight:warnings:{district}"

    def insight_warning_once(self, subject: str) -> str:
        """Set while a warning about `subject` (a series-day, an employer) is open: no repeats."""
        return f"{self.prefix}insight:warned:{subject}"

    def insight_message_stream(self) -> str:
        """The captured worker messages the insight consumer reads: the capture's own stream."""
        return self.capture_stream()
