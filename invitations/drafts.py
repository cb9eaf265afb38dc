"""The wizard's draft: what the accountant has filled in so far, kept in their session.

Step 2 lists thousands of clients over many pages and searches; every move between them
posts the visible rows here first, so that filled rows survive paging and searching.
A draft belongs to one run of the wizard, named by its submission key (also the
``InvitationBatch.submission_key`` that makes the final submit idempotent), so two tabs
with two runs do not mix. The session keeps the newest few drafts only.
"""

import uuid

from accounts.models import Language

SESSION_KEY = "invitation_wizard_drafts"
KEEP_DRAFTS = 5
# Bounds what one session can hold, whatever is posted: twenty rounds of a file read at once.
MAX_DRAFT_ROWS = 1_000
MAX_LENGTHS = {"full_name": 150, "email": 254, "mobile": 40, "username": 150}
# Not in MAX_LENGTHS: a language is always posted, so it does not make a row filled.
# Longer than any language code, so that a tampered value is refused, not cut to a valid one.
MAX_LANGUAGE_LENGTH = 10
# Choosing another language than this one is typing too: the choice survives paging.
DEFAULT_LANGUAGE = Language.SWEDISH


class WizardDraft:
    def __init__(self, session, key: uuid.UUID, data: dict):
        self._session = session
        self.key = key
        self.kind: str = data["kind"]
        self.rows: dict[int, dict] = {int(k): v for k, v in data.get("rows", {}).items()}
        self.selected: list[int] = list(data.get("selected", []))
        # What the last paste or upload did (``bulk_entry.BulkReport.as_data``), until the next.
        self.bulk_report: dict | None = data.get("bulk_report")

    @classmethod
    def start(cls, session, *, kind: str) -> "WizardDraft":
        draft = cls(session, uuid.uuid4(), {"kind": kind})
        draft.save()
        return draft

    @classmethod
    def load(cls, session, key: uuid.UUID, *, kind: str) -> "WizardDraft | None":
        data = session.get(SESSION_KEY, {}).get(str(key))
        if data is None or data.get("kind") != kind:
            return None
        return cls(session, key, data)

    def save(self) -> None:
        drafts = dict(self._session.get(SESSION_KEY, {}))
        drafts.pop(str(self.key), None)
        drafts[str(self.key)] = {
            "kind": self.kind,
            "rows": {str(k): v for k, v in self.rows.items()},
            "selected": self.selected,
            "bulk_report": self.bulk_report,
        }
        # Dicts keep insertion order: the oldest drafts go first.
        self._session[SESSION_KEY] = dict(list(drafts.items())[-KEEP_DRAFTS:])

    def discard(self) -> None:
        drafts = dict(self._session.get(SESSION_KEY, {}))
        drafts.pop(str(self.key), None)
        self._session[SESSION_KEY] = drafts

    # --- New users -----------------------------------------------------------------------

    @property
    def marked_ids(self) -> list[int]:
        return [client_id for client_id, values in self.rows.items() if values.get("marked")]

    @property
    def waiting_ids(self) -> list[int]:
        """Rows read from a paste or a file beyond this round's limit, in line order."""
        waiting = [
            (values.get("line") or 0, client_id)
            for client_id, values in self.rows.items()
            if values.get("waiting") and not values.get("marked")
        ]
        return [client_id for _line, client_id in sorted(waiting)]

    def usernames(self, *, exclude=()) -> list[str]:
        """The usernames the draft's rows hold (except ``exclude``'s), for suggestions to avoid."""
        return [
            values["username"]
            for client_id, values in self.rows.items()
            if values.get("username") and client_id not in exclude
        ]

    def next_round(self) -> "WizardDraft | None":
        """A new run holding this run's waiting rows (not saved; see ``mark_waiting``), or
        None when nothing waits."""
        waiting = self.waiting_ids
        if not waiting:
            return None
        draft = WizardDraft(self._session, uuid.uuid4(), {"kind": self.kind})
        for client_id in waiting:
            draft.rows[client_id] = dict(self.rows[client_id])
        return draft

    def mark_waiting(self, limit: int) -> list[int]:
        """Marks waiting rows, in line order, until ``limit`` rows are marked; returns them."""
        room = max(0, limit - len(self.marked_ids))
        chosen = self.waiting_ids[:room]
        for client_id in chosen:
            self.rows[client_id]["marked"] = True
            self.rows[client_id]["waiting"] = False
        return chosen

    def update_rows(self, posted: dict[int, dict]) -> None:
        """Takes the rows of one page as posted; an untouched, unmarked row is dropped.

        A row read from a paste or a file keeps its line number, and keeps waiting for a
        later round while it stays unmarked and unchanged.
        """
        for client_id, values in posted.items():
            before = self.rows.get(client_id, {})
            ticked = values.pop("ticked", values.get("marked"))
            if before.get("line"):
                values["line"] = before["line"]
                if before.get("waiting"):
                    # Filled already, so marking by typing does not apply: only the box does.
                    values["marked"] = bool(ticked)
                values["waiting"] = bool(before.get("waiting")) and not values["marked"]
            filled = any(values.get(field) for field in MAX_LENGTHS) or values.get(
                "language", DEFAULT_LANGUAGE
            ) not in ("", DEFAULT_LANGUAGE)
            if not filled and not values.get("marked"):
                self.rows.pop(client_id, None)
            elif client_id in self.rows or len(self.rows) < MAX_DRAFT_ROWS:
                self.rows[client_id] = values

    # --- Existing users ------------------------------------------------------------------

    def update_selection(self, *, visible: list[int], checked: list[int]) -> None:
        """Takes the checkboxes of one page: the visible users are selected or not as posted."""
        checked_set = set(checked) & set(visible)
        visible_set = set(visible)
        kept = [user_id for user_id in self.selected if user_id not in visible_set]
        self.selected = (kept + [u for u in visible if u in checked_set])[:MAX_DRAFT_ROWS]
